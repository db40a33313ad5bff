"""Wrong answers to 03-losses."""

from tests.mutants import Mutant

MUTANTS = [
    # --- mse_loss
    Mutant(
        "mse_loss",
        "summed instead of averaged",
        "visible",
        """
        def mse_loss(y_true, y_pred):
            y_pred = np.asarray(y_pred, dtype=float)
            y_true = np.asarray(y_true, dtype=float).reshape(y_pred.shape)
            return float(np.sum((y_true - y_pred) ** 2))
    """,
    ),
    Mutant(
        "mse_loss",
        "mean absolute error instead of squared",
        "visible",
        """
        def mse_loss(y_true, y_pred):
            y_pred = np.asarray(y_pred, dtype=float)
            y_true = np.asarray(y_true, dtype=float).reshape(y_pred.shape)
            return float(np.mean(np.abs(y_true - y_pred)))
    """,
    ),
    Mutant(
        "mse_loss",
        "(m,) against (m, 1) broadcast to (m, m)",
        "hidden",
        """
        def mse_loss(y_true, y_pred):
            y_true = np.asarray(y_true, dtype=float)
            y_pred = np.asarray(y_pred, dtype=float)
            return float(np.mean((y_true - y_pred) ** 2))
    """,
    ),
    Mutant(
        "mse_loss",
        "summed over the last axis, averaged over samples only",
        "hidden",
        """
        def mse_loss(y_true, y_pred):
            y_pred = np.asarray(y_pred, dtype=float)
            y_true = np.asarray(y_true, dtype=float).reshape(y_pred.shape)
            if y_pred.ndim < 2:
                return float(np.mean((y_true - y_pred) ** 2))
            return float(np.mean(np.sum((y_true - y_pred) ** 2, axis=-1)))
    """,
    ),
    # --- mse_grad
    Mutant(
        "mse_grad",
        "factor 2 forgotten",
        "visible",
        """
        def mse_grad(y_true, y_pred):
            y_pred = np.asarray(y_pred, dtype=float)
            y_true = np.asarray(y_true, dtype=float).reshape(y_pred.shape)
            return (y_pred - y_true) / y_pred.size
    """,
    ),
    Mutant(
        "mse_grad",
        "wrong sign: y - y_pred",
        "visible",
        """
        def mse_grad(y_true, y_pred):
            y_pred = np.asarray(y_pred, dtype=float)
            y_true = np.asarray(y_true, dtype=float).reshape(y_pred.shape)
            return 2.0 * (y_true - y_pred) / y_pred.size
    """,
    ),
    Mutant(
        "mse_grad",
        "divided by the number of samples, not of elements",
        "hidden",
        """
        def mse_grad(y_true, y_pred):
            y_pred = np.asarray(y_pred, dtype=float)
            y_true = np.asarray(y_true, dtype=float).reshape(y_pred.shape)
            return 2.0 * (y_pred - y_true) / len(y_pred)
    """,
    ),
    Mutant(
        "mse_grad",
        "(m,) against (m, 1) broadcast to (m, m)",
        "hidden",
        """
        def mse_grad(y_true, y_pred):
            y_true = np.asarray(y_true, dtype=float)
            y_pred = np.asarray(y_pred, dtype=float)
            return 2.0 * (y_pred - y_true) / y_pred.size
    """,
    ),
    # --- binary_cross_entropy
    Mutant(
        "binary_cross_entropy",
        "minus sign forgotten",
        "visible",
        """
        def binary_cross_entropy(y_true, y_pred, eps=1e-7):
            y_pred = np.asarray(y_pred, dtype=float)
            y_true = np.asarray(y_true, dtype=float).reshape(y_pred.shape)
            p = np.clip(y_pred, eps, 1.0 - eps)
            return float(np.mean(y_true * np.log(p) + (1.0 - y_true) * np.log(1.0 - p)))
    """,
    ),
    Mutant(
        "binary_cross_entropy",
        "only the y·ln p term",
        "visible",
        """
        def binary_cross_entropy(y_true, y_pred, eps=1e-7):
            y_pred = np.asarray(y_pred, dtype=float)
            y_true = np.asarray(y_true, dtype=float).reshape(y_pred.shape)
            p = np.clip(y_pred, eps, 1.0 - eps)
            return float(-np.mean(y_true * np.log(p)))
    """,
    ),
    Mutant(
        "binary_cross_entropy",
        "no clipping",
        "hidden",
        """
        def binary_cross_entropy(y_true, y_pred, eps=1e-7):
            y_pred = np.asarray(y_pred, dtype=float)
            y_true = np.asarray(y_true, dtype=float).reshape(y_pred.shape)
            p = y_pred
            return float(-np.mean(y_true * np.log(p) + (1.0 - y_true) * np.log(1.0 - p)))
    """,
    ),
    Mutant(
        "binary_cross_entropy",
        "eps argument ignored (clips with a fixed 1e-7)",
        "hidden",
        """
        def binary_cross_entropy(y_true, y_pred, eps=1e-7):
            y_pred = np.asarray(y_pred, dtype=float)
            y_true = np.asarray(y_true, dtype=float).reshape(y_pred.shape)
            p = np.clip(y_pred, 1e-7, 1.0 - 1e-7)
            return float(-np.mean(y_true * np.log(p) + (1.0 - y_true) * np.log(1.0 - p)))
    """,
    ),
    # --- binary_cross_entropy_grad
    Mutant(
        "binary_cross_entropy_grad",
        "not divided by N",
        "visible",
        """
        def binary_cross_entropy_grad(y_true, y_pred, eps=1e-7):
            y_pred = np.asarray(y_pred, dtype=float)
            y_true = np.asarray(y_true, dtype=float).reshape(y_pred.shape)
            p = np.clip(y_pred, eps, 1.0 - eps)
            return (p - y_true) / (p * (1.0 - p))
    """,
    ),
    Mutant(
        "binary_cross_entropy_grad",
        "gradient w.r.t. the logit (p - y) / N instead of w.r.t. p",
        "visible",
        """
        def binary_cross_entropy_grad(y_true, y_pred, eps=1e-7):
            y_pred = np.asarray(y_pred, dtype=float)
            y_true = np.asarray(y_true, dtype=float).reshape(y_pred.shape)
            return (y_pred - y_true) / y_pred.size
    """,
    ),
    Mutant(
        "binary_cross_entropy_grad",
        "no clipping: division by zero at p = 0 or 1",
        "hidden",
        """
        def binary_cross_entropy_grad(y_true, y_pred, eps=1e-7):
            y_pred = np.asarray(y_pred, dtype=float)
            y_true = np.asarray(y_true, dtype=float).reshape(y_pred.shape)
            p = y_pred
            return (p - y_true) / (p * (1.0 - p)) / y_pred.size
    """,
    ),
    Mutant(
        "binary_cross_entropy_grad",
        "divided by the number of samples, not of elements",
        "hidden",
        """
        def binary_cross_entropy_grad(y_true, y_pred, eps=1e-7):
            y_pred = np.asarray(y_pred, dtype=float)
            y_true = np.asarray(y_true, dtype=float).reshape(y_pred.shape)
            p = np.clip(y_pred, eps, 1.0 - eps)
            return (p - y_true) / (p * (1.0 - p)) / len(y_pred)
    """,
    ),
    # --- categorical_cross_entropy
    Mutant(
        "categorical_cross_entropy",
        "averaged over all m·k elements instead of the m samples",
        "visible",
        """
        def categorical_cross_entropy(y_true_onehot, probs, eps=1e-7):
            y = np.asarray(y_true_onehot, dtype=float)
            p = np.clip(np.asarray(probs, dtype=float), eps, 1.0 - eps)
            return float(-np.mean(y * np.log(p)))
    """,
    ),
    Mutant(
        "categorical_cross_entropy",
        "summed over the batch instead of averaged",
        "visible",
        """
        def categorical_cross_entropy(y_true_onehot, probs, eps=1e-7):
            y = np.asarray(y_true_onehot, dtype=float)
            p = np.clip(np.asarray(probs, dtype=float), eps, 1.0 - eps)
            return float(-np.sum(y * np.log(p)))
    """,
    ),
    Mutant(
        "categorical_cross_entropy",
        "no clipping",
        "hidden",
        """
        def categorical_cross_entropy(y_true_onehot, probs, eps=1e-7):
            y = np.asarray(y_true_onehot, dtype=float)
            p = np.asarray(probs, dtype=float)
            return float(np.mean(-np.sum(y * np.log(p), axis=-1)))
    """,
    ),
    Mutant(
        "categorical_cross_entropy",
        "class axis written as axis=1: fails on a single 1-D sample",
        "hidden",
        """
        def categorical_cross_entropy(y_true_onehot, probs, eps=1e-7):
            y = np.asarray(y_true_onehot, dtype=float)
            p = np.clip(np.asarray(probs, dtype=float), eps, 1.0 - eps)
            return float(np.mean(-np.sum(y * np.log(p), axis=1)))
    """,
    ),
    # --- softmax_cross_entropy_with_logits
    Mutant(
        "softmax_cross_entropy_with_logits",
        "log-sum-exp without the max added back",
        "visible",
        """
        def softmax_cross_entropy_with_logits(y_true_onehot, logits):
            y = np.asarray(y_true_onehot, dtype=float)
            z = np.asarray(logits, dtype=float)
            z_max = np.max(z, axis=-1, keepdims=True)
            log_sum_exp = np.log(np.sum(np.exp(z - z_max), axis=-1, keepdims=True))
            return float(np.mean(-np.sum(y * (z - log_sum_exp), axis=-1)))
    """,
    ),
    Mutant(
        "softmax_cross_entropy_with_logits",
        "summed over the batch instead of averaged",
        "visible",
        """
        def softmax_cross_entropy_with_logits(y_true_onehot, logits):
            y = np.asarray(y_true_onehot, dtype=float)
            z = np.asarray(logits, dtype=float)
            z_max = np.max(z, axis=-1, keepdims=True)
            log_sum_exp = z_max + np.log(np.sum(np.exp(z - z_max), axis=-1, keepdims=True))
            return float(-np.sum(y * (z - log_sum_exp)))
    """,
    ),
    Mutant(
        "softmax_cross_entropy_with_logits",
        "naive softmax without max-subtraction, then log",
        "hidden",
        """
        def softmax_cross_entropy_with_logits(y_true_onehot, logits):
            y = np.asarray(y_true_onehot, dtype=float)
            z = np.asarray(logits, dtype=float)
            e = np.exp(z)
            probs = e / np.sum(e, axis=-1, keepdims=True)
            return float(np.mean(-np.sum(y * np.log(probs), axis=-1)))
    """,
    ),
    Mutant(
        "softmax_cross_entropy_with_logits",
        "two steps: clipped cross-entropy of the stable softmax",
        "hidden",
        """
        def softmax_cross_entropy_with_logits(y_true_onehot, logits):
            return categorical_cross_entropy(y_true_onehot, softmax(logits))
    """,
    ),
    # --- softmax_cross_entropy_grad
    Mutant(
        "softmax_cross_entropy_grad",
        "wrong sign: y - softmax(z)",
        "visible",
        """
        def softmax_cross_entropy_grad(y_true_onehot, logits):
            y = np.asarray(y_true_onehot, dtype=float)
            z = np.asarray(logits, dtype=float)
            m = z.size // z.shape[-1]
            return (y - softmax(z, axis=-1)) / m
    """,
    ),
    Mutant(
        "softmax_cross_entropy_grad",
        "divided by the number of classes",
        "visible",
        """
        def softmax_cross_entropy_grad(y_true_onehot, logits):
            y = np.asarray(y_true_onehot, dtype=float)
            z = np.asarray(logits, dtype=float)
            return (softmax(z, axis=-1) - y) / z.shape[-1]
    """,
    ),
    Mutant(
        "softmax_cross_entropy_grad",
        "not divided by the batch size",
        "hidden",
        """
        def softmax_cross_entropy_grad(y_true_onehot, logits):
            y = np.asarray(y_true_onehot, dtype=float)
            z = np.asarray(logits, dtype=float)
            return softmax(z, axis=-1) - y
    """,
    ),
    Mutant(
        "softmax_cross_entropy_grad",
        "softmax without max-subtraction",
        "hidden",
        """
        def softmax_cross_entropy_grad(y_true_onehot, logits):
            y = np.asarray(y_true_onehot, dtype=float)
            z = np.asarray(logits, dtype=float)
            e = np.exp(z)
            m = z.size // z.shape[-1]
            return (e / np.sum(e, axis=-1, keepdims=True) - y) / m
    """,
    ),
]
