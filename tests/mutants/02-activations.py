"""Wrong answers to 02-activations."""

from tests.mutants import Mutant

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
        "naive formula overflows at -1000",
        "hidden",
        """
        def sigmoid(x):
            x = np.asarray(x, dtype=float)
            return 1.0 / (1.0 + np.exp(-x))
    """,
    ),
    Mutant(
        "sigmoid",
        "np.where over two unstable branches",
        "hidden",
        """
        def sigmoid(x):
            x = np.asarray(x, dtype=float)
            return np.where(x >= 0, 1.0 / (1.0 + np.exp(-x)), np.exp(x) / (1.0 + np.exp(x)))
    """,
    ),
    Mutant(
        "sigmoid",
        "clips the input in place",
        "hidden",
        """
        def sigmoid(x):
            x = np.asarray(x, dtype=float)
            np.clip(x, -500.0, 500.0, out=x)
            return 1.0 / (1.0 + np.exp(-x))
    """,
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
        "hidden",
        """
        def sigmoid_grad(x):
            x = np.asarray(x, dtype=float)
            e = np.exp(-x)
            return e / (1.0 + e) ** 2
    """,
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
        "hidden",
        """
        def tanh(x):
            x = np.asarray(x, dtype=float)
            return (np.exp(x) - np.exp(-x)) / (np.exp(x) + np.exp(-x))
    """,
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
        "1 / cosh(x)**2 overflows for large |x|",
        "hidden",
        """
        def tanh_grad(x):
            x = np.asarray(x, dtype=float)
            return 1.0 / np.cosh(x) ** 2
    """,
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
        "hidden",
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
        "hidden",
        """
        def relu_grad(x):
            x = np.asarray(x, dtype=float)
            return (x >= 0).astype(float)
    """,
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
        "hidden",
        """
        def leaky_relu(x, alpha=0.01):
            x = np.asarray(x, dtype=float)
            x[x < 0] *= alpha
            return x
    """,
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
        "hidden",
        """
        def leaky_relu_grad(x, alpha=0.01):
            x = np.asarray(x, dtype=float)
            return np.where(x > 0, 1.0, 0.01)
    """,
    ),
    Mutant(
        "leaky_relu_grad",
        "derivative 1 at zero (x >= 0)",
        "hidden",
        """
        def leaky_relu_grad(x, alpha=0.01):
            x = np.asarray(x, dtype=float)
            return np.where(x >= 0, 1.0, alpha)
    """,
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
        "hidden",
        """
        def softmax(z, axis=-1):
            e = np.exp(np.asarray(z, dtype=float))
            return e / np.sum(e, axis=axis, keepdims=True)
    """,
    ),
    Mutant(
        "softmax",
        "subtracts the maximum of the whole array",
        "hidden",
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
        "hidden",
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
        "hidden",
        """
        def softmax(z, axis=-1):
            z = np.asarray(z, dtype=float)
            z -= np.max(z, axis=axis, keepdims=True)
            e = np.exp(z)
            return e / np.sum(e, axis=axis, keepdims=True)
    """,
    ),
]
