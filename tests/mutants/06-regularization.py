"""Wrong answers to 06-regularization."""

from tests.mutants import Mutant

MUTANTS = [
    # --- train_val_test_split
    Mutant(
        "train_val_test_split",
        "validation taken before test",
        "visible",
        """
        def train_val_test_split(X, y, val_size, test_size, seed):
            X, y = np.asarray(X), np.asarray(y)
            m = X.shape[0]
            n_test, n_val = round(test_size * m), round(val_size * m)
            order = np.random.default_rng(seed).permutation(m)
            val_idx, test_idx = order[:n_val], order[n_val:n_val + n_test]
            train_idx = order[n_val + n_test:]
            return X[train_idx], X[val_idx], X[test_idx], y[train_idx], y[val_idx], y[test_idx]
    """,
    ),
    Mutant(
        "train_val_test_split",
        "int() truncates the sizes instead of round()",
        "hidden",
        """
        def train_val_test_split(X, y, val_size, test_size, seed):
            X, y = np.asarray(X), np.asarray(y)
            m = X.shape[0]
            n_test, n_val = int(test_size * m), int(val_size * m)
            order = np.random.default_rng(seed).permutation(m)
            test_idx, val_idx = order[:n_test], order[n_test:n_test + n_val]
            train_idx = order[n_test + n_val:]
            return X[train_idx], X[val_idx], X[test_idx], y[train_idx], y[val_idx], y[test_idx]
    """,
    ),
    # --- l2_penalty
    Mutant(
        "l2_penalty",
        "L2 applied to biases too",
        "visible",
        """
        def l2_penalty(params, lam):
            return float(lam * sum(np.sum(np.square(v)) for v in params.values()))
    """,
    ),
    Mutant(
        "l2_penalty",
        "Keras convention missed: lam/2",
        "visible",
        """
        def l2_penalty(params, lam):
            weights = [v for k, v in params.items() if k.startswith("W")]
            return float(lam / 2 * sum(np.sum(np.square(w)) for w in weights))
    """,
    ),
    Mutant(
        "l2_penalty",
        "keys W1 and W2 hard-coded",
        "hidden",
        """
        def l2_penalty(params, lam):
            return float(lam * (np.sum(params["W1"] ** 2) + np.sum(params["W2"] ** 2)))
    """,
    ),
    # --- l2_grad
    Mutant(
        "l2_grad",
        "L2 applied to biases",
        "visible",
        """
        def l2_grad(params, lam):
            return {k: 2.0 * lam * np.asarray(v, dtype=float) for k, v in params.items()}
    """,
    ),
    Mutant(
        "l2_grad",
        "factor 2 forgotten",
        "visible",
        """
        def l2_grad(params, lam):
            return {
                k: (lam * v if k.startswith("W") else np.zeros_like(v)) for k, v in params.items()
            }
    """,
    ),
    Mutant(
        "l2_grad",
        "keys of a two-layer network hard-coded",
        "hidden",
        """
        def l2_grad(params, lam):
            return {"W1": 2 * lam * params["W1"], "b1": np.zeros_like(params["b1"]),
                    "W2": 2 * lam * params["W2"], "b2": np.zeros_like(params["b2"])}
    """,
    ),
    # --- dropout_forward
    Mutant(
        "dropout_forward",
        "dropout not rescaled",
        "visible",
        """
        def dropout_forward(A, keep_prob, rng):
            A = np.asarray(A, dtype=float)
            mask = rng.random(A.shape) < keep_prob
            return A * mask, mask
    """,
    ),
    Mutant(
        "dropout_forward",
        "keep_prob read as the drop rate",
        "visible",
        """
        def dropout_forward(A, keep_prob, rng):
            A = np.asarray(A, dtype=float)
            mask = rng.random(A.shape) < 1 - keep_prob
            return A * mask / (1 - keep_prob), mask
    """,
    ),
    Mutant(
        "dropout_forward",
        "fresh generator with seed 0 instead of the given rng",
        "hidden",
        """
        def dropout_forward(A, keep_prob, rng):
            A = np.asarray(A, dtype=float)
            mask = np.random.default_rng(0).random(A.shape) < keep_prob
            return A * mask / keep_prob, mask
    """,
    ),
    Mutant(
        "dropout_forward",
        "drops in place, modifying A",
        "visible",
        """
        def dropout_forward(A, keep_prob, rng):
            mask = rng.random(np.shape(A)) < keep_prob
            if isinstance(A, np.ndarray):
                A *= mask / keep_prob
                return A, mask
            return np.asarray(A, dtype=float) * mask / keep_prob, mask
    """,
    ),
    # --- early_stopping
    Mutant(
        "early_stopping",
        "off by one: stops after patience + 1 epochs",
        "visible",
        """
        class EarlyStopping:
            def __init__(self, patience, min_delta=0):
                self.patience, self.min_delta = patience, min_delta
                self.best, self.best_epoch, self.epoch, self.wait = np.inf, None, 0, 0

            def update(self, val_loss):
                if val_loss < self.best - self.min_delta:
                    self.best, self.best_epoch, self.wait = val_loss, self.epoch, 0
                else:
                    self.wait += 1
                self.epoch += 1
                return self.wait > self.patience
    """,
    ),
    Mutant(
        "early_stopping",
        "off by one: best_epoch counted from 1",
        "visible",
        """
        class EarlyStopping:
            def __init__(self, patience, min_delta=0):
                self.patience, self.min_delta = patience, min_delta
                self.best, self.best_epoch, self.epoch, self.wait = np.inf, None, 0, 0

            def update(self, val_loss):
                self.epoch += 1
                if val_loss < self.best - self.min_delta:
                    self.best, self.best_epoch, self.wait = val_loss, self.epoch, 0
                    return False
                self.wait += 1
                return self.wait >= self.patience
    """,
    ),
    Mutant(
        "early_stopping",
        "min_delta ignored",
        "hidden",
        """
        class EarlyStopping:
            def __init__(self, patience, min_delta=0):
                self.patience = patience
                self.best, self.best_epoch, self.epoch, self.wait = np.inf, None, 0, 0

            def update(self, val_loss):
                if val_loss < self.best:
                    self.best, self.best_epoch, self.wait = val_loss, self.epoch, 0
                    self.epoch += 1
                    return False
                self.wait += 1
                self.epoch += 1
                return self.wait >= self.patience
    """,
    ),
    Mutant(
        "early_stopping",
        "counter of bad epochs never reset",
        "hidden",
        """
        class EarlyStopping:
            def __init__(self, patience, min_delta=0):
                self.patience, self.min_delta = patience, min_delta
                self.best, self.best_epoch, self.epoch, self.wait = np.inf, None, 0, 0

            def update(self, val_loss):
                improved = val_loss < self.best - self.min_delta
                if improved:
                    self.best, self.best_epoch = val_loss, self.epoch
                else:
                    self.wait += 1
                self.epoch += 1
                return (not improved) and self.wait >= self.patience
    """,
    ),
    Mutant(
        "early_stopping",
        "an equal loss counts as an improvement",
        "hidden",
        """
        class EarlyStopping:
            def __init__(self, patience, min_delta=0):
                self.patience, self.min_delta = patience, min_delta
                self.best, self.best_epoch, self.epoch, self.wait = np.inf, None, 0, 0

            def update(self, val_loss):
                improved = val_loss <= self.best - self.min_delta
                if improved:
                    self.best, self.best_epoch, self.wait = val_loss, self.epoch, 0
                else:
                    self.wait += 1
                self.epoch += 1
                return (not improved) and self.wait >= self.patience
    """,
    ),
    # --- confusion_matrix
    Mutant(
        "confusion_matrix",
        "confusion matrix transposed",
        "visible",
        """
        def confusion_matrix(y_true, y_pred):
            t = np.asarray(y_true).reshape(-1).astype(int)
            p = np.asarray(y_pred).reshape(-1).astype(int)
            return np.array([[np.sum((t == 0) & (p == 0)), np.sum((t == 1) & (p == 0))],
                             [np.sum((t == 0) & (p == 1)), np.sum((t == 1) & (p == 1))]])
    """,
    ),
    Mutant(
        "confusion_matrix",
        "labels taken from the data (np.unique): not 2x2 for one class",
        "hidden",
        """
        def confusion_matrix(y_true, y_pred):
            t = np.asarray(y_true).reshape(-1).astype(int)
            p = np.asarray(y_pred).reshape(-1).astype(int)
            labels = np.unique(np.concatenate([t, p]))
            return np.array([[np.sum((t == a) & (p == b)) for b in labels] for a in labels])
    """,
    ),
    Mutant(
        "confusion_matrix",
        "shapes not flattened: (m, 1) against (m,) broadcasts",
        "hidden",
        """
        def confusion_matrix(y_true, y_pred):
            t = np.asarray(y_true).astype(int)
            p = np.asarray(y_pred).astype(int)
            return np.array([[np.sum((t == a) & (p == b)) for b in (0, 1)] for a in (0, 1)])
    """,
    ),
    # --- metrics
    Mutant(
        "metrics",
        "precision and recall swapped",
        "visible",
        """
        def _safe_divide(numerator, denominator):
            return float(numerator / denominator) if denominator > 0 else 0.0

        def accuracy(y_true, y_pred):
            (tn, fp), (fn, tp) = confusion_matrix(y_true, y_pred)
            return _safe_divide(tp + tn, tn + fp + fn + tp)

        def precision(y_true, y_pred):
            (tn, fp), (fn, tp) = confusion_matrix(y_true, y_pred)
            return _safe_divide(tp, tp + fn)

        def recall(y_true, y_pred):
            (tn, fp), (fn, tp) = confusion_matrix(y_true, y_pred)
            return _safe_divide(tp, tp + fp)

        def f1_score(y_true, y_pred):
            p, r = precision(y_true, y_pred), recall(y_true, y_pred)
            return _safe_divide(2 * p * r, p + r)
    """,
    ),
    Mutant(
        "metrics",
        "F1 as the arithmetic mean",
        "visible",
        """
        def _safe_divide(numerator, denominator):
            return float(numerator / denominator) if denominator > 0 else 0.0

        def accuracy(y_true, y_pred):
            (tn, fp), (fn, tp) = confusion_matrix(y_true, y_pred)
            return _safe_divide(tp + tn, tn + fp + fn + tp)

        def precision(y_true, y_pred):
            (tn, fp), (fn, tp) = confusion_matrix(y_true, y_pred)
            return _safe_divide(tp, tp + fp)

        def recall(y_true, y_pred):
            (tn, fp), (fn, tp) = confusion_matrix(y_true, y_pred)
            return _safe_divide(tp, tp + fn)

        def f1_score(y_true, y_pred):
            return (precision(y_true, y_pred) + recall(y_true, y_pred)) / 2
    """,
    ),
    Mutant(
        "metrics",
        "no zero-division guard: nan and a RuntimeWarning",
        "hidden",
        """
        def accuracy(y_true, y_pred):
            (tn, fp), (fn, tp) = confusion_matrix(y_true, y_pred)
            return float((tp + tn) / (tn + fp + fn + tp))

        def precision(y_true, y_pred):
            (tn, fp), (fn, tp) = confusion_matrix(y_true, y_pred)
            return float(tp / (tp + fp))

        def recall(y_true, y_pred):
            (tn, fp), (fn, tp) = confusion_matrix(y_true, y_pred)
            return float(tp / (tp + fn))

        def f1_score(y_true, y_pred):
            p, r = precision(y_true, y_pred), recall(y_true, y_pred)
            return float(2 * p * r / (p + r))
    """,
    ),
    Mutant(
        "metrics",
        "degenerate precision counted as 1",
        "hidden",
        """
        def _safe_divide(numerator, denominator):
            return float(numerator / denominator) if denominator > 0 else 1.0

        def accuracy(y_true, y_pred):
            (tn, fp), (fn, tp) = confusion_matrix(y_true, y_pred)
            return _safe_divide(tp + tn, tn + fp + fn + tp)

        def precision(y_true, y_pred):
            (tn, fp), (fn, tp) = confusion_matrix(y_true, y_pred)
            return _safe_divide(tp, tp + fp)

        def recall(y_true, y_pred):
            (tn, fp), (fn, tp) = confusion_matrix(y_true, y_pred)
            return _safe_divide(tp, tp + fn)

        def f1_score(y_true, y_pred):
            p, r = precision(y_true, y_pred), recall(y_true, y_pred)
            return _safe_divide(2 * p * r, p + r)
    """,
    ),
    # --- roc_auc
    Mutant(
        "roc_auc",
        "AUC ignoring ties",
        "hidden",
        """
        def roc_auc(y_true, scores):
            y_true = np.asarray(y_true).reshape(-1)
            scores = np.asarray(scores, dtype=float).reshape(-1)
            pos, neg = scores[y_true == 1], scores[y_true == 0]
            if len(pos) == 0 or len(neg) == 0:
                raise ValueError("нужны оба класса")
            return float(np.mean(pos[:, None] > neg[None, :]))
    """,
    ),
    Mutant(
        "roc_auc",
        "ties counted as wins (>=)",
        "hidden",
        """
        def roc_auc(y_true, scores):
            y_true = np.asarray(y_true).reshape(-1)
            scores = np.asarray(scores, dtype=float).reshape(-1)
            pos, neg = scores[y_true == 1], scores[y_true == 0]
            if len(pos) == 0 or len(neg) == 0:
                raise ValueError("нужны оба класса")
            return float(np.mean(pos[:, None] >= neg[None, :]))
    """,
    ),
    Mutant(
        "roc_auc",
        "no check for a single class",
        "visible",
        """
        def roc_auc(y_true, scores):
            y_true = np.asarray(y_true).reshape(-1)
            scores = np.asarray(scores, dtype=float).reshape(-1)
            pos, neg = scores[y_true == 1], scores[y_true == 0]
            wins = np.sum(pos[:, None] > neg[None, :]) + 0.5 * np.sum(pos[:, None] == neg[None, :])
            return float(wins / max(1, len(pos) * len(neg)))
    """,
    ),
    Mutant(
        "roc_auc",
        "accuracy at threshold 0.5 instead of AUC",
        "visible",
        """
        def roc_auc(y_true, scores):
            y_true = np.asarray(y_true).reshape(-1)
            if len(np.unique(y_true)) < 2:
                raise ValueError("нужны оба класса")
            return float(np.mean((np.asarray(scores).reshape(-1) >= 0.5) == y_true))
    """,
    ),
]
