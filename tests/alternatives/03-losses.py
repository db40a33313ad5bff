"""Correct answers to 03-losses that differ from the solution: other sound formulas (log1p, the
unsimplified derivative, logaddexp, einsum, softplus and log-sigmoid, tanh for the sigmoid), loops
instead of vectorised code, ravel-and-reshape instead of reshaping the targets, other names and
spellings; every input type the statements promise is exercised by the visible and hidden tests."""

from tests.alternatives import Alternative

ALTERNATIVES = [
    # --- mse_loss
    Alternative(
        "mse_loss",
        "ravel both, dot product",
        """
        def mse_loss(y_true, y_pred):
            a = np.ravel(np.array(y_true, dtype=np.float64))
            d = a - np.ravel(np.array(y_pred, dtype=np.float64))
            return float(d @ d / d.size)
        """,
    ),
    Alternative(
        "mse_loss",
        "pure Python loop over the flattened values",
        """
        def mse_loss(y_true, y_pred):
            a = np.asarray(y_true, dtype=float).ravel().tolist()
            b = np.asarray(y_pred, dtype=float).ravel().tolist()
            total = 0.0
            for t, p in zip(a, b):
                total += (t - p) ** 2
            return total / len(a)
        """,
    ),
    Alternative(
        "mse_loss",
        "predictions reshaped to the targets, np.square and np.average",
        """
        def mse_loss(y_true, y_pred):
            target = np.asarray(y_true, dtype=float)
            pred = np.reshape(np.asarray(y_pred, dtype=float), target.shape)
            return np.average(np.square(np.subtract(target, pred))).item()
        """,
    ),
    # --- mse_grad
    Alternative(
        "mse_grad",
        "ravel, then reshape back to y_pred's shape",
        """
        def mse_grad(y_true, y_pred):
            pred = np.asarray(y_pred, dtype=float)
            diff = pred.ravel() - np.asarray(y_true, dtype=float).ravel()
            return (2.0 / pred.size * diff).reshape(pred.shape)
        """,
    ),
    Alternative(
        "mse_grad",
        "element by element with np.ndindex",
        """
        def mse_grad(y_true, y_pred):
            pred = np.array(y_pred, dtype=float)
            target = np.reshape(np.array(y_true, dtype=float), pred.shape)
            out = np.empty_like(pred)
            for idx in np.ndindex(pred.shape):
                out[idx] = 2.0 * (pred[idx] - target[idx]) / pred.size
            return out
        """,
    ),
    Alternative(
        "mse_grad",
        "np.subtract and np.multiply, count from np.size",
        """
        def mse_grad(y_true, y_pred):
            pred = np.asarray(y_pred, dtype=float)
            target = np.asarray(y_true, dtype=float).reshape(np.shape(pred))
            return np.multiply(2.0 / np.size(pred), np.subtract(pred, target))
        """,
    ),
    # --- binary_cross_entropy
    Alternative(
        "binary_cross_entropy",
        "log1p for ln(1 - p)",
        """
        def binary_cross_entropy(y_true, y_pred, eps=1e-7):
            p = np.clip(np.asarray(y_pred, dtype=float), eps, 1 - eps)
            y = np.asarray(y_true, dtype=float).reshape(p.shape)
            return float(-np.mean(y * np.log(p) + (1 - y) * np.log1p(-p)))
        """,
    ),
    Alternative(
        "binary_cross_entropy",
        "loop over the elements with math.log and min/max",
        """
        import math


        def binary_cross_entropy(y_true, y_pred, eps=1e-7):
            ys = np.asarray(y_true, dtype=float).ravel()
            ps = np.asarray(y_pred, dtype=float).ravel()
            total = 0.0
            for y, p in zip(ys, ps):
                p = min(max(float(p), eps), 1 - eps)
                total -= y * math.log(p) + (1 - y) * math.log(1 - p)
            return total / ps.size
        """,
    ),
    Alternative(
        "binary_cross_entropy",
        "np.minimum/np.maximum, ravel both, sum over N",
        """
        def binary_cross_entropy(y_true, y_pred, eps=1e-7):
            probs = np.minimum(np.maximum(np.ravel(y_pred).astype(float), eps), 1 - eps)
            labels = np.ravel(y_true).astype(float)
            log_lik = labels * np.log(probs) + (1 - labels) * np.log(1 - probs)
            return -float(np.sum(log_lik)) / probs.size
        """,
    ),
    # --- binary_cross_entropy_grad
    Alternative(
        "binary_cross_entropy_grad",
        "unsimplified derivative -y/p + (1 - y)/(1 - p)",
        """
        def binary_cross_entropy_grad(y_true, y_pred, eps=1e-7):
            pred = np.asarray(y_pred, dtype=float)
            p = np.clip(pred, eps, 1 - eps)
            y = np.asarray(y_true, dtype=float).reshape(pred.shape)
            return (-y / p + (1 - y) / (1 - p)) / pred.size
        """,
    ),
    Alternative(
        "binary_cross_entropy_grad",
        "element by element with np.ndindex",
        """
        def binary_cross_entropy_grad(y_true, y_pred, eps=1e-7):
            pred = np.array(y_pred, dtype=float)
            y = np.array(y_true, dtype=float).reshape(pred.shape)
            grad = np.zeros(pred.shape)
            n = pred.size
            for i in np.ndindex(pred.shape):
                p = min(max(pred[i], eps), 1 - eps)
                grad[i] = (p - y[i]) / (p * (1 - p)) / n
            return grad
        """,
    ),
    Alternative(
        "binary_cross_entropy_grad",
        "ravel, then reshape back",
        """
        def binary_cross_entropy_grad(y_true, y_pred, eps=1e-7):
            shape = np.shape(y_pred)
            p = np.clip(np.ravel(y_pred).astype(float), eps, 1 - eps)
            y = np.ravel(y_true).astype(float)
            return ((p - y) / (p - p * p) / p.size).reshape(shape)
        """,
    ),
    # --- categorical_cross_entropy
    Alternative(
        "categorical_cross_entropy",
        "loop over the rows of np.atleast_2d",
        """
        def categorical_cross_entropy(y_true_onehot, probs, eps=1e-7):
            ys = np.atleast_2d(np.asarray(y_true_onehot, dtype=float))
            ps = np.atleast_2d(np.asarray(probs, dtype=float))
            losses = []
            for y_row, p_row in zip(ys, ps):
                p_row = np.clip(p_row, eps, 1 - eps)
                losses.append(-np.sum(y_row * np.log(p_row)))
            return float(sum(losses) / len(losses))
        """,
    ),
    Alternative(
        "categorical_cross_entropy",
        "einsum over the class axis",
        """
        def categorical_cross_entropy(y_true_onehot, probs, eps=1e-7):
            y = np.asarray(y_true_onehot, dtype=float)
            log_p = np.log(np.clip(np.asarray(probs, dtype=float), eps, 1 - eps))
            per_sample = -np.einsum("...k,...k->...", y, log_p)
            return float(np.mean(per_sample))
        """,
    ),
    Alternative(
        "categorical_cross_entropy",
        "total sum divided by m = size // k",
        """
        def categorical_cross_entropy(y_true_onehot, probs, eps=1e-7):
            y = np.array(y_true_onehot, dtype=float)
            p = np.array(probs, dtype=float).clip(eps, 1 - eps)
            m = p.size // p.shape[-1]
            return -float((y * np.log(p)).sum()) / m
        """,
    ),
    # --- softmax_cross_entropy_with_logits
    Alternative(
        "softmax_cross_entropy_with_logits",
        "np.logaddexp.reduce along the class axis",
        """
        def softmax_cross_entropy_with_logits(y_true_onehot, logits):
            y = np.asarray(y_true_onehot, dtype=float)
            z = np.asarray(logits, dtype=float)
            lse = np.logaddexp.reduce(z, axis=-1, keepdims=True)
            return float(np.mean(np.sum(y * (lse - z), axis=-1)))
        """,
    ),
    Alternative(
        "softmax_cross_entropy_with_logits",
        "loop over rows with math.exp and math.log",
        """
        import math


        def softmax_cross_entropy_with_logits(y_true_onehot, logits):
            ys = np.atleast_2d(np.asarray(y_true_onehot, dtype=float))
            zs = np.atleast_2d(np.asarray(logits, dtype=float))
            total = 0.0
            for y_row, z_row in zip(ys.tolist(), zs.tolist()):
                top = max(z_row)
                lse = top + math.log(sum(math.exp(v - top) for v in z_row))
                total += sum(t * (lse - v) for t, v in zip(y_row, z_row))
            return total / len(zs)
        """,
    ),
    Alternative(
        "softmax_cross_entropy_with_logits",
        "log-softmax as shifted logits minus the log of the sum",
        """
        def softmax_cross_entropy_with_logits(y_true_onehot, logits):
            labels = np.array(y_true_onehot, dtype=float)
            shifted = np.array(logits, dtype=float)
            shifted = shifted - shifted.max(axis=-1, keepdims=True)
            log_probs = shifted - np.log(np.exp(shifted).sum(axis=-1, keepdims=True))
            m = shifted.size // shifted.shape[-1]
            return -float(np.sum(labels * log_probs)) / m
        """,
    ),
    # --- softmax_cross_entropy_grad
    Alternative(
        "softmax_cross_entropy_grad",
        "exp of the log-softmax, rows via np.atleast_2d",
        """
        def softmax_cross_entropy_grad(y_true_onehot, logits):
            z = np.asarray(logits, dtype=float)
            rows = np.atleast_2d(z)
            lse = np.logaddexp.reduce(rows, axis=-1, keepdims=True)
            probs = np.exp(rows - lse).reshape(z.shape)
            return (probs - np.asarray(y_true_onehot, dtype=float)) / len(rows)
        """,
    ),
    Alternative(
        "softmax_cross_entropy_grad",
        "own stable softmax written inline",
        """
        def softmax_cross_entropy_grad(y_true_onehot, logits):
            labels = np.array(y_true_onehot, dtype=float)
            z = np.array(logits, dtype=float)
            e = np.exp(z - np.max(z, axis=-1, keepdims=True))
            probs = e / e.sum(axis=-1, keepdims=True)
            batch = 1 if z.ndim == 1 else z.shape[0]
            return (probs - labels) / batch
        """,
    ),
    Alternative(
        "softmax_cross_entropy_grad",
        "loop over the rows",
        """
        def softmax_cross_entropy_grad(y_true_onehot, logits):
            z = np.asarray(logits, dtype=float)
            y = np.asarray(y_true_onehot, dtype=float)
            z2, y2 = z.reshape(-1, z.shape[-1]), y.reshape(-1, z.shape[-1])
            grad = np.empty_like(z2)
            for i in range(len(z2)):
                grad[i] = (softmax(z2[i]) - y2[i]) / len(z2)
            return grad.reshape(z.shape)
        """,
    ),
    # --- binary_cross_entropy_with_logits
    Alternative(
        "binary_cross_entropy_with_logits",
        "softplus by np.logaddexp(0, z) minus z*y",
        """
        def binary_cross_entropy_with_logits(y_true, logits):
            z = np.asarray(logits, dtype=float)
            y = np.asarray(y_true, dtype=float).reshape(z.shape)
            return float(np.mean(np.logaddexp(0.0, z) - z * y))
        """,
    ),
    Alternative(
        "binary_cross_entropy_with_logits",
        "loop with math: one branch for z >= 0, one for z < 0",
        """
        import math


        def binary_cross_entropy_with_logits(y_true, logits):
            zs = np.asarray(logits, dtype=float).ravel().tolist()
            ys = np.asarray(y_true, dtype=float).ravel().tolist()
            total = 0.0
            for y, z in zip(ys, zs):
                if z >= 0:
                    total += (1 - y) * z + math.log1p(math.exp(-z))
                else:
                    total += -y * z + math.log1p(math.exp(z))
            return total / len(zs)
        """,
    ),
    Alternative(
        "binary_cross_entropy_with_logits",
        "stable log-sigmoid of z and of -z, ravelled",
        """
        def log_sigmoid(t):
            return -np.logaddexp(0.0, -t)


        def binary_cross_entropy_with_logits(y_true, logits):
            z = np.ravel(np.array(logits, dtype=np.float64))
            y = np.ravel(np.array(y_true, dtype=np.float64))
            return -float(np.sum(y * log_sigmoid(z) + (1 - y) * log_sigmoid(-z))) / z.size
        """,
    ),
    # --- binary_cross_entropy_with_logits_grad
    Alternative(
        "binary_cross_entropy_with_logits_grad",
        "sigmoid through tanh: (1 + tanh(z/2)) / 2",
        """
        def binary_cross_entropy_with_logits_grad(y_true, logits):
            z = np.asarray(logits, dtype=float)
            y = np.asarray(y_true, dtype=float).reshape(z.shape)
            return (0.5 * (1.0 + np.tanh(0.5 * z)) - y) / np.size(z)
        """,
    ),
    Alternative(
        "binary_cross_entropy_with_logits_grad",
        "exp of the stable log-sigmoid, ravel and reshape back",
        """
        def binary_cross_entropy_with_logits_grad(y_true, logits):
            shape = np.shape(logits)
            z = np.ravel(logits).astype(float)
            y = np.ravel(y_true).astype(float)
            return ((np.exp(-np.logaddexp(0.0, -z)) - y) / z.size).reshape(shape)
        """,
    ),
    Alternative(
        "binary_cross_entropy_with_logits_grad",
        "element by element with math.exp branches",
        """
        import math


        def binary_cross_entropy_with_logits_grad(y_true, logits):
            z = np.array(logits, dtype=float)
            y = np.array(y_true, dtype=float).reshape(z.shape)
            out = np.empty(z.shape)
            for i in np.ndindex(z.shape):
                t = float(z[i])
                s = 1 / (1 + math.exp(-t)) if t >= 0 else math.exp(t) / (1 + math.exp(t))
                out[i] = (s - y[i]) / z.size
            return out
        """,
    ),
]

EXTRA_CELLS = [
    (
        "binary_cross_entropy-solution",
        "code",
        "# Мой эксперимент: как растёт BCE при уверенной ошибке\n"
        "for p_wrong in (0.5, 0.1, 1e-3, 0.0):\n"
        "    print(p_wrong, round(binary_cross_entropy([1.0], [p_wrong]), 4))\n",
    ),
    (
        "softmax_cross_entropy_with_logits-solution",
        "code",
        "# Мой эксперимент: потеря от логитов против двух шагов\n"
        "zs = np.linspace(-50, 50, 11)\n"
        "two_steps = [categorical_cross_entropy([1, 0], softmax([z, 0.0])) for z in zs]\n"
        "direct = [softmax_cross_entropy_with_logits([1, 0], [z, 0.0]) for z in zs]\n"
        "plt.plot(zs, two_steps, label='в два шага')\n"
        "plt.plot(zs, direct, '--', label='от логитов')\n"
        "plt.legend()\n"
        "plt.show()\n",
    ),
    (
        "softmax_cross_entropy_grad-solution",
        "markdown",
        "Заметка: сумма градиента по классам равна нулю — проверить на своих логитах.",
    ),
    (
        "binary_cross_entropy_with_logits-solution",
        "code",
        "# Мой эксперимент: потеря от логитов против двух шагов\n"
        "for z in (-5.0, -20.0, -1000.0):\n"
        "    two_steps = binary_cross_entropy(1.0, sigmoid(z))\n"
        "    print(z, two_steps, binary_cross_entropy_with_logits(1.0, z))\n",
    ),
]
