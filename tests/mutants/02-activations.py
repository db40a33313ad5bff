"""Wrong answers to 02-activations.

Every mutant that breaks a requirement the statement states is caught by the visible checks
(``caught_by="visible"``); the ``"hidden"`` ones are the over-fitting kind only: code written for
the inputs the visible checks use (numbers, 1-D lists and matrices, ``axis=0`` of a matrix) that
breaks on other shapes.
"""

from textwrap import dedent, indent

from tests.mutants import Mutant


def _loops(name: str, signature: str, scalar_body: str) -> str:
    """An element-wise function written with Python loops for 0-, 1- and 2-D inputs only."""
    body = indent(dedent(scalar_body).strip(), " " * 8)
    return (
        f"def {name}({signature}):\n"
        "    import math\n\n"
        "    def one(v):\n"
        "        v = float(v)\n"
        f"{body}\n\n"
        "    x = np.asarray(x, dtype=float)\n"
        "    if x.ndim == 0:\n"
        "        return np.float64(one(x))\n"
        "    if x.ndim == 1:\n"
        "        return np.array([one(v) for v in x])\n"
        "    return np.array([[one(v) for v in row] for row in x])\n"
    )


MUTANTS = [
    # --- sigmoid
    Mutant(
        "sigmoid",
        "sign of the exponent",
        "visible",
        """
        def sigmoid(x):
            x = np.asarray(x, dtype=float)
            return 1.0 / (1.0 + np.exp(x))
    """,
    ),
    Mutant(
        "sigmoid",
        "naive formula overflows at -1000 (correct values, a RuntimeWarning)",
        "visible",
        """
        def sigmoid(x):
            x = np.asarray(x, dtype=float)
            return 1.0 / (1.0 + np.exp(-x))
    """,
    ),
    Mutant(
        "sigmoid",
        "np.where over two unstable branches",
        "visible",
        """
        def sigmoid(x):
            x = np.asarray(x, dtype=float)
            return np.where(x >= 0, 1.0 / (1.0 + np.exp(-x)), np.exp(x) / (1.0 + np.exp(x)))
    """,
    ),
    Mutant(
        "sigmoid",
        "clips the input in place",
        "visible",
        """
        def sigmoid(x):
            x = np.asarray(x, dtype=float)
            np.clip(x, -500.0, 500.0, out=x)
            return 1.0 / (1.0 + np.exp(-x))
    """,
    ),
    Mutant(
        "sigmoid",
        "output array like the input: integers for a list of integers",
        "visible",
        """
        def sigmoid(x):
            x = np.asarray(x)
            out = np.empty_like(x)
            pos = x >= 0
            out[pos] = 1.0 / (1.0 + np.exp(-x[pos]))
            e = np.exp(x[~pos])
            out[~pos] = e / (1.0 + e)
            return out
    """,
    ),
    Mutant(
        "sigmoid",
        "a 1-element array for a number",
        "visible",
        """
        def sigmoid(x):
            x = np.atleast_1d(np.asarray(x, dtype=float))
            e = np.exp(-np.abs(x))
            return np.where(x >= 0, 1.0 / (1.0 + e), e / (1.0 + e))
    """,
    ),
    Mutant(
        "sigmoid",
        "math.exp: numbers only",
        "visible",
        """
        import math


        def sigmoid(x):
            if x >= 0:
                return 1.0 / (1.0 + math.exp(-x))
            return math.exp(x) / (1.0 + math.exp(x))
    """,
    ),
    Mutant(
        "sigmoid",
        "loops for numbers, 1-D and 2-D inputs only",
        "hidden",
        _loops(
            "sigmoid",
            "x",
            """
                if v >= 0:
                    return 1.0 / (1.0 + math.exp(-v))
                e = math.exp(v)
                return e / (1.0 + e)
            """,
        ),
    ),
    # --- sigmoid_grad
    Mutant(
        "sigmoid_grad",
        "returns sigmoid(x) instead of its derivative",
        "visible",
        """
        def sigmoid_grad(x):
            return sigmoid(x)
    """,
    ),
    Mutant(
        "sigmoid_grad",
        "treats x as the sigmoid's output: x * (1 - x)",
        "visible",
        """
        def sigmoid_grad(x):
            x = np.asarray(x, dtype=float)
            return x * (1.0 - x)
    """,
    ),
    Mutant(
        "sigmoid_grad",
        "e^-x / (1 + e^-x)^2 overflows to nan",
        "visible",
        """
        def sigmoid_grad(x):
            x = np.asarray(x, dtype=float)
            e = np.exp(-x)
            return e / (1.0 + e) ** 2
    """,
    ),
    Mutant(
        "sigmoid_grad",
        "loops for numbers, 1-D and 2-D inputs only",
        "hidden",
        _loops(
            "sigmoid_grad",
            "x",
            """
                e = math.exp(-abs(v))
                return e / (1.0 + e) ** 2
            """,
        ),
    ),
    # --- tanh
    Mutant(
        "tanh",
        "2 * sigmoid(x) - 1 (factor 2 of the argument lost)",
        "visible",
        """
        def tanh(x):
            return 2.0 * sigmoid(x) - 1.0
    """,
    ),
    Mutant(
        "tanh",
        "definition through exponentials: nan for large |x|",
        "visible",
        """
        def tanh(x):
            x = np.asarray(x, dtype=float)
            return (np.exp(x) - np.exp(-x)) / (np.exp(x) + np.exp(-x))
    """,
    ),
    Mutant(
        "tanh",
        "np.tanh into the caller's array",
        "visible",
        """
        def tanh(x):
            x = np.asarray(x, dtype=float)
            np.tanh(x, out=x)
            return x
    """,
    ),
    Mutant(
        "tanh",
        "loops for numbers, 1-D and 2-D inputs only",
        "hidden",
        _loops(
            "tanh",
            "x",
            """
                return math.tanh(v)
            """,
        ),
    ),
    # --- tanh_grad
    Mutant(
        "tanh_grad",
        "1 - tanh(x) without the square",
        "visible",
        """
        def tanh_grad(x):
            return 1.0 - tanh(x)
    """,
    ),
    Mutant(
        "tanh_grad",
        "treats x as the tanh output: 1 - x**2",
        "visible",
        """
        def tanh_grad(x):
            x = np.asarray(x, dtype=float)
            return 1.0 - x**2
    """,
    ),
    Mutant(
        "tanh_grad",
        "1 / cosh(x)**2 overflows for large |x| (correct values, a RuntimeWarning)",
        "visible",
        """
        def tanh_grad(x):
            x = np.asarray(x, dtype=float)
            return 1.0 / np.cosh(x) ** 2
    """,
    ),
    Mutant(
        "tanh_grad",
        "loops for numbers, 1-D and 2-D inputs only",
        "hidden",
        _loops(
            "tanh_grad",
            "x",
            """
                return 1.0 - math.tanh(v) ** 2
            """,
        ),
    ),
    # --- relu
    Mutant(
        "relu",
        "absolute value instead of max(0, x)",
        "visible",
        """
        def relu(x):
            return np.abs(np.asarray(x, dtype=float))
    """,
    ),
    Mutant(
        "relu",
        "zeroes negatives in the caller's array",
        "visible",
        """
        def relu(x):
            x = np.asarray(x, dtype=float)
            x[x < 0] = 0.0
            return x
    """,
    ),
    Mutant(
        "relu",
        "Python max: scalars only",
        "visible",
        """
        def relu(x):
            return max(0.0, x)
    """,
    ),
    Mutant(
        "relu",
        "integers for a list of integers",
        "visible",
        """
        def relu(x):
            return np.maximum(np.asarray(x), 0)
    """,
    ),
    Mutant(
        "relu",
        "loops for numbers, 1-D and 2-D inputs only",
        "hidden",
        _loops(
            "relu",
            "x",
            """
                return max(v, 0.0)
            """,
        ),
    ),
    # --- relu_grad
    Mutant(
        "relu_grad",
        "returns relu(x) instead of its derivative",
        "visible",
        """
        def relu_grad(x):
            return relu(x)
    """,
    ),
    Mutant(
        "relu_grad",
        "derivative 1 at zero (x >= 0)",
        "visible",
        """
        def relu_grad(x):
            x = np.asarray(x, dtype=float)
            return (x >= 0).astype(float)
    """,
    ),
    Mutant(
        "relu_grad",
        "boolean array (x > 0)",
        "visible",
        """
        def relu_grad(x):
            return np.asarray(x, dtype=float) > 0
    """,
    ),
    Mutant(
        "relu_grad",
        "loops for numbers, 1-D and 2-D inputs only",
        "hidden",
        _loops(
            "relu_grad",
            "x",
            """
                return 1.0 if v > 0 else 0.0
            """,
        ),
    ),
    # --- leaky_relu
    Mutant(
        "leaky_relu",
        "no leak: plain ReLU",
        "visible",
        """
        def leaky_relu(x, alpha=0.01):
            return np.maximum(np.asarray(x, dtype=float), 0.0)
    """,
    ),
    Mutant(
        "leaky_relu",
        "scales the caller's array in place",
        "visible",
        """
        def leaky_relu(x, alpha=0.01):
            x = np.asarray(x, dtype=float)
            x[x < 0] *= alpha
            return x
    """,
    ),
    Mutant(
        "leaky_relu",
        "alpha argument ignored (0.01 hard-coded)",
        "visible",
        """
        def leaky_relu(x, alpha=0.01):
            x = np.asarray(x, dtype=float)
            return np.where(x > 0, x, 0.01 * x)
    """,
    ),
    Mutant(
        "leaky_relu",
        "loops for numbers, 1-D and 2-D inputs only",
        "hidden",
        _loops(
            "leaky_relu",
            "x, alpha=0.01",
            """
                return v if v > 0 else alpha * v
            """,
        ),
    ),
    # --- leaky_relu_grad
    Mutant(
        "leaky_relu_grad",
        "alpha * x for negative inputs",
        "visible",
        """
        def leaky_relu_grad(x, alpha=0.01):
            x = np.asarray(x, dtype=float)
            return np.where(x > 0, 1.0, alpha * x)
    """,
    ),
    Mutant(
        "leaky_relu_grad",
        "alpha argument ignored (0.01 hard-coded)",
        "visible",
        """
        def leaky_relu_grad(x, alpha=0.01):
            x = np.asarray(x, dtype=float)
            return np.where(x > 0, 1.0, 0.01)
    """,
    ),
    Mutant(
        "leaky_relu_grad",
        "derivative 1 at zero (x >= 0)",
        "visible",
        """
        def leaky_relu_grad(x, alpha=0.01):
            x = np.asarray(x, dtype=float)
            return np.where(x >= 0, 1.0, alpha)
    """,
    ),
    Mutant(
        "leaky_relu_grad",
        "loops for numbers, 1-D and 2-D inputs only",
        "hidden",
        _loops(
            "leaky_relu_grad",
            "x, alpha=0.01",
            """
                return 1.0 if v > 0 else float(alpha)
            """,
        ),
    ),
    # --- softmax
    Mutant(
        "softmax",
        "normalised over the whole array, not per row",
        "visible",
        """
        def softmax(z, axis=-1):
            z = np.asarray(z, dtype=float)
            e = np.exp(z - np.max(z))
            return e / e.sum()
    """,
    ),
    Mutant(
        "softmax",
        "exponentials not normalised",
        "visible",
        """
        def softmax(z, axis=-1):
            z = np.asarray(z, dtype=float)
            return np.exp(z - np.max(z, axis=axis, keepdims=True))
    """,
    ),
    Mutant(
        "softmax",
        "no max-subtraction: overflow for large logits",
        "visible",
        """
        def softmax(z, axis=-1):
            e = np.exp(np.asarray(z, dtype=float))
            return e / np.sum(e, axis=axis, keepdims=True)
    """,
    ),
    Mutant(
        "softmax",
        "subtracts the maximum of the whole array",
        "visible",
        """
        def softmax(z, axis=-1):
            z = np.asarray(z, dtype=float)
            e = np.exp(z - np.max(z))
            return e / np.sum(e, axis=axis, keepdims=True)
    """,
    ),
    Mutant(
        "softmax",
        "axis argument ignored (always the last axis)",
        "visible",
        """
        def softmax(z, axis=-1):
            z = np.asarray(z, dtype=float)
            e = np.exp(z - np.max(z, axis=-1, keepdims=True))
            return e / np.sum(e, axis=-1, keepdims=True)
    """,
    ),
    Mutant(
        "softmax",
        "shifts the caller's array in place",
        "visible",
        """
        def softmax(z, axis=-1):
            z = np.asarray(z, dtype=float)
            z -= np.max(z, axis=axis, keepdims=True)
            e = np.exp(z)
            return e / np.sum(e, axis=axis, keepdims=True)
    """,
    ),
    Mutant(
        "softmax",
        "no keepdims: broadcasting error for a batch",
        "visible",
        """
        def softmax(z, axis=-1):
            z = np.asarray(z, dtype=float)
            e = np.exp(z - np.max(z, axis=axis))
            return e / np.sum(e, axis=axis)
    """,
    ),
    Mutant(
        "softmax",
        "axis=0 by transposing a matrix; other axes of 3-D arrays ignored",
        "hidden",
        """
        def softmax(z, axis=-1):
            z = np.asarray(z, dtype=float)
            if axis == 0 and z.ndim == 2:
                return softmax(z.T).T
            e = np.exp(z - np.max(z, axis=-1, keepdims=True))
            return e / np.sum(e, axis=-1, keepdims=True)
    """,
    ),
    # --- clip_by_norm
    Mutant(
        "clip_by_norm",
        "clipping by value (np.clip) instead of by norm",
        "visible",
        """
        def clip_by_norm(grad, max_norm):
            return np.clip(grad, -max_norm, max_norm)
    """,
    ),
    Mutant(
        "clip_by_norm",
        "always rescaled to norm c, short gradients stretched too",
        "visible",
        """
        def clip_by_norm(grad, max_norm):
            norm = np.linalg.norm(grad)
            return grad * (max_norm / norm) if norm > 0 else grad.copy()
    """,
    ),
    Mutant(
        "clip_by_norm",
        "the norm of each row (axis=-1) instead of the whole array",
        "visible",
        """
        def clip_by_norm(grad, max_norm):
            norm = np.linalg.norm(grad, axis=-1, keepdims=True)
            return grad * np.minimum(1.0, max_norm / np.maximum(norm, 1e-300))
    """,
    ),
    Mutant(
        "clip_by_norm",
        "divided by the squared norm",
        "visible",
        """
        def clip_by_norm(grad, max_norm):
            norm = np.linalg.norm(grad)
            return grad * (max_norm / norm**2) if norm > max_norm else grad.copy()
    """,
    ),
    Mutant(
        "clip_by_norm",
        "min(1, c / norm) divides by zero for a zero gradient (a RuntimeWarning)",
        "visible",
        """
        def clip_by_norm(grad, max_norm):
            return grad * min(1.0, max_norm / np.linalg.norm(grad))
    """,
    ),
    Mutant(
        "clip_by_norm",
        "a Python float norm: ZeroDivisionError for a zero gradient",
        "visible",
        """
        def clip_by_norm(grad, max_norm):
            return grad * min(1.0, max_norm / float(np.linalg.norm(grad)))
    """,
    ),
    Mutant(
        "clip_by_norm",
        "scales the caller's array in place",
        "visible",
        """
        def clip_by_norm(grad, max_norm):
            norm = np.linalg.norm(grad)
            if norm > max_norm:
                grad *= max_norm / norm
            return grad
    """,
    ),
    Mutant(
        "clip_by_norm",
        "loops over the elements of vectors and matrices only",
        "hidden",
        """
        import math


        def clip_by_norm(grad, max_norm):
            if grad.ndim == 1:
                total = sum(v * v for v in grad)
            else:
                total = sum(v * v for row in grad for v in row)
            norm = math.sqrt(total)
            return grad * (max_norm / norm) if norm > max_norm else grad.copy()
    """,
    ),
]
