"""Correct answers to 02-activations that differ from the solution: other stable formulas, loops,
masks on a copy, library functions with the same behaviour, each input the statement promises."""

from tests.alternatives import Alternative

ALTERNATIVES = [
    # --- sigmoid
    Alternative(
        "sigmoid",
        "half of 1 + tanh(x / 2)",
        """
        def sigmoid(x):
            x = np.asarray(x, dtype=float)
            return 0.5 * (1.0 + np.tanh(x / 2.0))
    """,
    ),
    Alternative(
        "sigmoid",
        "boolean masks on a new array",
        """
        def sigmoid(x):
            x = np.array(x, dtype=float)
            out = np.empty_like(x)
            pos = x >= 0
            out[pos] = 1.0 / (1.0 + np.exp(-x[pos]))
            ez = np.exp(x[~pos])
            out[~pos] = ez / (1.0 + ez)
            return out
    """,
    ),
    Alternative(
        "sigmoid",
        "clip the argument to ±500",
        """
        def sigmoid(x):
            x = np.asarray(x, dtype=float)
            return 1.0 / (1.0 + np.exp(-np.clip(x, -500.0, 500.0)))
    """,
    ),
    Alternative(
        "sigmoid",
        "exp of minus logaddexp",
        """
        def sigmoid(x):
            return np.exp(-np.logaddexp(0.0, -np.asarray(x, dtype=float)))
    """,
    ),
    Alternative(
        "sigmoid",
        "math per element through np.vectorize",
        """
        import math


        def _sigmoid_one(v):
            if v >= 0:
                return 1.0 / (1.0 + math.exp(-v))
            e = math.exp(v)
            return e / (1.0 + e)


        def sigmoid(x):
            return np.vectorize(_sigmoid_one, otypes=[float])(x)
    """,
    ),
    Alternative(
        "sigmoid",
        "scipy.special.expit",
        """
        from scipy.special import expit


        def sigmoid(x):
            return expit(np.asarray(x, dtype=float))
    """,
    ),
    # --- sigmoid_grad
    Alternative(
        "sigmoid_grad",
        "sigmoid(x) * sigmoid(-x)",
        """
        def sigmoid_grad(x):
            x = np.asarray(x, dtype=float)
            return sigmoid(x) * sigmoid(-x)
    """,
    ),
    Alternative(
        "sigmoid_grad",
        "e / (1 + e)^2 with e = exp(-|x|)",
        """
        def sigmoid_grad(x):
            e = np.exp(-np.abs(np.asarray(x, dtype=float)))
            return e / (1.0 + e) ** 2
    """,
    ),
    Alternative(
        "sigmoid_grad",
        "a quarter of 1 - tanh(x / 2)^2",
        """
        def sigmoid_grad(x):
            t = np.tanh(np.asarray(x, dtype=float) / 2.0)
            return 0.25 * (1.0 - t**2)
    """,
    ),
    # --- tanh
    Alternative(
        "tanh",
        "2 * sigmoid(2x) - 1 with the student's sigmoid",
        """
        def tanh(x):
            x = np.asarray(x, dtype=float)
            return 2.0 * sigmoid(2.0 * x) - 1.0
    """,
    ),
    Alternative(
        "tanh",
        "np.tanh (the library function, not the student's sigmoid)",
        """
        def tanh(x):
            return np.tanh(np.asarray(x, dtype=float))
    """,
    ),
    Alternative(
        "tanh",
        "sign(x) * (1 - e) / (1 + e) with e = exp(-2|x|)",
        """
        def tanh(x):
            x = np.asarray(x, dtype=float)
            e = np.exp(-2.0 * np.abs(x))
            return np.sign(x) * (1.0 - e) / (1.0 + e)
    """,
    ),
    Alternative(
        "tanh",
        "math.tanh per element",
        """
        import math


        def tanh(x):
            return np.vectorize(math.tanh, otypes=[float])(x)
    """,
    ),
    # --- tanh_grad
    Alternative(
        "tanh_grad",
        "(1 - t)(1 + t) with np.tanh",
        """
        def tanh_grad(x):
            t = np.tanh(np.asarray(x, dtype=float))
            return (1.0 - t) * (1.0 + t)
    """,
    ),
    Alternative(
        "tanh_grad",
        "4e / (1 + e)^2 with e = exp(-2|x|)",
        """
        def tanh_grad(x):
            e = np.exp(-2.0 * np.abs(np.asarray(x, dtype=float)))
            return 4.0 * e / (1.0 + e) ** 2
    """,
    ),
    Alternative(
        "tanh_grad",
        "4 sigma'(2x) through the student's sigmoid_grad",
        """
        def tanh_grad(x):
            return 4.0 * sigmoid_grad(2.0 * np.asarray(x, dtype=float))
    """,
    ),
    # --- relu
    Alternative(
        "relu",
        "np.where(x > 0, x, 0)",
        """
        def relu(x):
            x = np.asarray(x, dtype=float)
            return np.where(x > 0, x, 0.0)
    """,
    ),
    Alternative(
        "relu",
        "zero the negatives of a copy",
        """
        def relu(x):
            out = np.array(x, dtype=float)
            out[out < 0] = 0.0
            return out
    """,
    ),
    Alternative(
        "relu",
        "np.clip from below",
        """
        def relu(x):
            return np.clip(np.asarray(x, dtype=float), 0.0, None)
    """,
    ),
    Alternative(
        "relu",
        "x times the mask x > 0",
        """
        def relu(x):
            x = np.asarray(x, dtype=float)
            return x * (x > 0)
    """,
    ),
    # --- relu_grad
    Alternative(
        "relu_grad",
        "np.where(x > 0, 1, 0)",
        """
        def relu_grad(x):
            return np.where(np.asarray(x, dtype=float) > 0, 1.0, 0.0)
    """,
    ),
    Alternative(
        "relu_grad",
        "np.heaviside(x, 0)",
        """
        def relu_grad(x):
            return np.heaviside(np.asarray(x, dtype=float), 0.0)
    """,
    ),
    Alternative(
        "relu_grad",
        "ones where positive in a zero array",
        """
        def relu_grad(x):
            x = np.asarray(x, dtype=float)
            grad = np.zeros(x.shape)
            grad[x > 0] = 1.0
            return grad
    """,
    ),
    # --- leaky_relu
    Alternative(
        "leaky_relu",
        "np.maximum(x, alpha * x) for 0 <= alpha <= 1",
        """
        def leaky_relu(x, alpha=0.01):
            x = np.asarray(x, dtype=float)
            return np.maximum(x, alpha * x)
    """,
    ),
    Alternative(
        "leaky_relu",
        "scale the negatives of a copy",
        """
        def leaky_relu(x, alpha=0.01):
            out = np.array(x, dtype=float)
            out[out <= 0] *= alpha
            return out
    """,
    ),
    Alternative(
        "leaky_relu",
        "x times the slope array",
        """
        def leaky_relu(x, alpha=0.01):
            x = np.asarray(x, dtype=float)
            return x * np.where(x > 0, 1.0, alpha)
    """,
    ),
    # --- leaky_relu_grad
    Alternative(
        "leaky_relu_grad",
        "np.where(x <= 0, alpha, 1)",
        """
        def leaky_relu_grad(x, alpha=0.01):
            x = np.asarray(x, dtype=float)
            return np.where(x <= 0, alpha, 1.0)
    """,
    ),
    Alternative(
        "leaky_relu_grad",
        "alpha + (1 - alpha) * (x > 0)",
        """
        def leaky_relu_grad(x, alpha=0.01):
            x = np.asarray(x, dtype=float)
            return alpha + (1.0 - alpha) * (x > 0)
    """,
    ),
    Alternative(
        "leaky_relu_grad",
        "alpha everywhere, ones where positive",
        """
        def leaky_relu_grad(x, alpha=0.01):
            x = np.asarray(x, dtype=float)
            grad = np.full(x.shape, float(alpha))
            grad[x > 0] = 1.0
            return grad
    """,
    ),
    # --- softmax
    Alternative(
        "softmax",
        "exp(z - logsumexp)",
        """
        def softmax(z, axis=-1):
            z = np.asarray(z, dtype=float)
            m = z.max(axis=axis, keepdims=True)
            lse = m + np.log(np.exp(z - m).sum(axis=axis, keepdims=True))
            return np.exp(z - lse)
    """,
    ),
    Alternative(
        "softmax",
        "a loop over the rows of the class axis moved last",
        """
        def softmax(z, axis=-1):
            z = np.moveaxis(np.array(z, dtype=float), axis, -1)
            rows = z.reshape(-1, z.shape[-1])
            probs = np.empty_like(rows)
            for i, row in enumerate(rows):
                e = np.exp(row - row.max())
                probs[i] = e / e.sum()
            return np.moveaxis(probs.reshape(z.shape), -1, axis)
    """,
    ),
    Alternative(
        "softmax",
        "scipy.special.softmax",
        """
        import scipy.special


        def softmax(z, axis=-1):
            return scipy.special.softmax(np.asarray(z, dtype=float), axis=axis)
    """,
    ),
    # --- clip_by_norm
    Alternative(
        "clip_by_norm",
        "an if on np.linalg.norm, a copy when short",
        """
        def clip_by_norm(grad, max_norm):
            norm = np.linalg.norm(grad)
            if norm > max_norm:
                return grad * (max_norm / norm)
            return grad.copy()
    """,
    ),
    Alternative(
        "clip_by_norm",
        "min(1, c / norm) with the division silenced by np.errstate",
        """
        def clip_by_norm(grad, max_norm):
            norm = np.sqrt((grad**2).sum())
            with np.errstate(divide="ignore"):
                scale = np.minimum(1.0, max_norm / norm)
            return grad * scale
    """,
    ),
    Alternative(
        "clip_by_norm",
        "the flattened vector's norm, returns the input itself when short",
        """
        import math


        def clip_by_norm(grad, max_norm):
            norm = math.sqrt(float(np.dot(grad.ravel(), grad.ravel())))
            if norm <= max_norm:
                return grad
            return grad / (norm / max_norm)
    """,
    ),
    Alternative(
        "clip_by_norm",
        "a Python loop over the flat elements",
        """
        def clip_by_norm(grad, max_norm):
            total = 0.0
            for value in np.asarray(grad, dtype=float).flat:
                total += value * value
            norm = total**0.5
            scale = 1.0 if norm <= max_norm else max_norm / norm
            return np.asarray(grad, dtype=float) * scale
    """,
    ),
]

EXTRA_CELLS = [
    (
        "sigmoid-solution",
        "code",
        "# Моя проверка: сигмоида на своих точках и график\n"
        "мои_x = np.linspace(-8, 8, 9)\n"
        "print(np.round(sigmoid(мои_x), 4))\n"
        "plt.plot(мои_x, sigmoid(мои_x), marker='o')\n"
        "plt.title('моя сигмоида')\n"
        "plt.show()\n",
    ),
    (
        "softmax-solution",
        "code",
        "# Мой пример: вероятности для трёх классов\n"
        "мои_логиты = np.array([[2.0, 1.0, 0.1], [5.0, 5.0, 5.0]])\n"
        "print(softmax(мои_логиты).round(3), softmax(мои_логиты).sum(axis=-1))\n",
    ),
    ("softmax-solution", "markdown", "Вывод для себя: сумма по строке всегда 1."),
]
