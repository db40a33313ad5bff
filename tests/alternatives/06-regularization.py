"""Correct answers to 06-regularization that differ from the solution (see tests/alternatives)."""

from tests.alternatives import Alternative

ALTERNATIVES = [
    # --- train_val_test_split: X, y are NumPy arrays (m, ...) and (m,) or (m, 1)
    Alternative(
        "train_val_test_split",
        "np.split of the permuted arrays, m from len(X)",
        """
        def train_val_test_split(X, y, val_size, test_size, seed):
            m = len(X)
            n_test = round(test_size * m)
            n_val = round(val_size * m)
            order = np.random.default_rng(seed).permutation(m)
            X_test, X_val, X_train = np.split(X[order], [n_test, n_test + n_val])
            y_test, y_val, y_train = np.split(y[order], [n_test, n_test + n_val])
            return X_train, X_val, X_test, y_train, y_val, y_test
        """,
    ),
    Alternative(
        "train_val_test_split",
        "np.take along axis 0, a generator object kept, numpy rounding of halves",
        """
        def train_val_test_split(X, y, val_size, test_size, seed):
            rng = np.random.default_rng(seed)
            m = X.shape[0]
            n_test = int(np.round(test_size * m))  # np.round also rounds halves to even
            n_val = int(np.round(val_size * m))
            order = rng.permutation(m)
            pieces = {
                "test": order[:n_test],
                "val": order[n_test:n_test + n_val],
                "train": order[n_test + n_val:],
            }
            xs = [np.take(X, pieces[name], axis=0) for name in ("train", "val", "test")]
            ys = [np.take(y, pieces[name], axis=0) for name in ("train", "val", "test")]
            return tuple(xs + ys)
        """,
    ),
    Alternative(
        "train_val_test_split",
        "a loop over the permutation, np.array copies",
        """
        def train_val_test_split(X, y, val_size, test_size, seed):
            X = np.array(X)
            y = np.array(y)
            m = X.shape[0]
            n_test, n_val = round(test_size * m), round(val_size * m)
            test_rows, val_rows, train_rows = [], [], []
            for position, index in enumerate(np.random.default_rng(seed).permutation(m)):
                if position < n_test:
                    test_rows.append(index)
                elif position < n_test + n_val:
                    val_rows.append(index)
                else:
                    train_rows.append(index)
            parts = [np.array(rows, dtype=int) for rows in (train_rows, val_rows, test_rows)]
            return (X[parts[0]], X[parts[1]], X[parts[2]], y[parts[0]], y[parts[1]], y[parts[2]])
        """,
    ),
    # --- l2_penalty
    Alternative(
        "l2_penalty",
        "np.vdot of each flattened weight matrix",
        """
        def l2_penalty(params, lam):
            weights = [value for key, value in params.items() if key.startswith("W")]
            return float(lam * sum(np.vdot(w, w) for w in weights))
        """,
    ),
    Alternative(
        "l2_penalty",
        "squared Frobenius norm",
        """
        def l2_penalty(params, lam):
            total = 0.0
            for name in sorted(params):
                if name[0] == "W":
                    total += np.linalg.norm(params[name]) ** 2
            return lam * float(total)
        """,
    ),
    Alternative(
        "l2_penalty",
        "einsum, a plain Python sum and .item()",
        """
        def l2_penalty(params, lam):
            squares = [np.einsum("ij,ij->", v, v) for k, v in params.items() if k.startswith("W")]
            return (lam * np.sum(squares)).item() if squares else 0.0
        """,
    ),
    # --- l2_grad
    Alternative(
        "l2_grad",
        "dict comprehension, np.zeros(shape)",
        """
        def l2_grad(params, lam):
            return {
                key: 2 * lam * value if key.startswith("W") else np.zeros(np.shape(value))
                for key, value in params.items()
            }
        """,
    ),
    Alternative(
        "l2_grad",
        "copies of the params modified in place",
        """
        import copy

        def l2_grad(params, lam):
            grads = copy.deepcopy(params)
            for key in grads:
                if key.startswith("W"):
                    grads[key] *= 2.0 * lam
                else:
                    grads[key][...] = 0.0
            return grads
        """,
    ),
    Alternative(
        "l2_grad",
        "np.multiply and zeros_like with float dtype",
        """
        def l2_grad(params, lam):
            out = dict()
            for name, w in params.items():
                if name.startswith("W"):
                    out[name] = np.multiply(w, 2 * lam)
                else:
                    out[name] = np.zeros_like(w, dtype=float)
            return out
        """,
    ),
    # --- dropout_forward: A is an ndarray of any shape
    Alternative(
        "dropout_forward",
        "random numbers drawn flat, then reshaped",
        """
        def dropout_forward(A, keep_prob, rng):
            mask = (rng.random(A.size) < keep_prob).reshape(A.shape)
            return A * mask / keep_prob, mask
        """,
    ),
    Alternative(
        "dropout_forward",
        "np.where, scale first",
        """
        def dropout_forward(A, keep_prob, rng):
            mask = rng.random(A.shape) < keep_prob
            dropped = np.where(mask, A / keep_prob, 0.0)
            return dropped, mask
        """,
    ),
    Alternative(
        "dropout_forward",
        "a copy zeroed where dropped, scaled in place",
        """
        def dropout_forward(A, keep_prob, rng):
            keep = rng.random(np.shape(A)) < keep_prob
            out = np.array(A, dtype=float, copy=True)
            out[~keep] = 0.0
            out /= keep_prob
            return (out, keep)
        """,
    ),
    # --- early_stopping
    Alternative(
        "early_stopping",
        "other attribute names, float('inf'), a history list",
        """
        class EarlyStopping:
            def __init__(self, patience, min_delta=0):
                self.patience = patience
                self.min_delta = min_delta
                self.history = []
                self.best_value = float("inf")
                self.best_epoch = None
                self.bad_epochs = 0

            def update(self, val_loss):
                epoch = len(self.history)
                self.history.append(val_loss)
                if val_loss < self.best_value - self.min_delta:
                    self.best_value, self.best_epoch, self.bad_epochs = val_loss, epoch, 0
                    return False
                self.bad_epochs += 1
                return self.bad_epochs >= self.patience
        """,
    ),
    Alternative(
        "early_stopping",
        "improvement written as best - val_loss > min_delta, np.bool_ result",
        """
        class EarlyStopping:
            def __init__(self, patience, min_delta=0):
                self.patience, self.min_delta = patience, min_delta
                self.best = np.inf
                self.best_epoch = 0
                self.count = 0
                self.epochs_seen = 0

            def update(self, val_loss):
                current = self.epochs_seen
                self.epochs_seen += 1
                if self.best - val_loss > self.min_delta:
                    self.best = val_loss
                    self.best_epoch = current
                    self.count = 0
                else:
                    self.count += 1
                return np.bool_(self.count > 0 and self.count > self.patience - 1)
        """,
    ),
    Alternative(
        "early_stopping",
        "a flag for stopped, kept until an improvement",
        """
        class EarlyStopping:
            def __init__(self, patience, min_delta=0.0):
                self.patience = int(patience)
                self.min_delta = float(min_delta)
                self._best = np.inf
                self._wait = 0
                self._epoch = -1
                self.best_epoch = None
                self.stopped = False

            def update(self, val_loss):
                self._epoch += 1
                if val_loss < self._best - self.min_delta:
                    self._best = val_loss
                    self.best_epoch = self._epoch
                    self._wait = 0
                    self.stopped = False
                else:
                    self._wait += 1
                    self.stopped = self._wait >= self.patience
                return self.stopped
        """,
    ),
    # --- confusion_matrix
    Alternative(
        "confusion_matrix",
        "np.bincount of 2 * t + p",
        """
        def confusion_matrix(y_true, y_pred):
            t = np.asarray(y_true).reshape(-1).astype(int)
            p = np.asarray(y_pred).reshape(-1).astype(int)
            return np.bincount(2 * t + p, minlength=4).reshape(2, 2)
        """,
    ),
    Alternative(
        "confusion_matrix",
        "a Python loop over pairs",
        """
        def confusion_matrix(y_true, y_pred):
            counts = [[0, 0], [0, 0]]
            for t, p in zip(np.ravel(y_true), np.ravel(y_pred)):
                counts[int(t)][int(p)] += 1
            return np.array(counts)
        """,
    ),
    Alternative(
        "confusion_matrix",
        "scikit-learn with labels=[0, 1]",
        """
        from sklearn.metrics import confusion_matrix as _sk_confusion_matrix

        def confusion_matrix(y_true, y_pred):
            t = np.asarray(y_true).reshape(-1).astype(int)
            p = np.asarray(y_pred).reshape(-1).astype(int)
            return _sk_confusion_matrix(t, p, labels=[0, 1])
        """,
    ),
    # --- metrics
    Alternative(
        "metrics",
        "counts directly, F1 = 2TP / (2TP + FP + FN)",
        """
        def _safe_divide(numerator, denominator):
            return float(numerator / denominator) if denominator > 0 else 0.0


        def _counts(y_true, y_pred):
            t = np.asarray(y_true, dtype=float).reshape(-1) == 1
            p = np.asarray(y_pred, dtype=float).reshape(-1) == 1
            tp, fp = int(np.sum(t & p)), int(np.sum(~t & p))
            return tp, fp, int(np.sum(t & ~p)), int(np.sum(~t & ~p))


        def accuracy(y_true, y_pred):
            tp, fp, fn, tn = _counts(y_true, y_pred)
            return (tp + tn) / (tp + fp + fn + tn)


        def precision(y_true, y_pred):
            tp, fp, fn, tn = _counts(y_true, y_pred)
            return tp / (tp + fp) if tp + fp else 0.0


        def recall(y_true, y_pred):
            tp, fp, fn, tn = _counts(y_true, y_pred)
            return tp / (tp + fn) if tp + fn else 0.0


        def f1_score(y_true, y_pred):
            tp, fp, fn, tn = _counts(y_true, y_pred)
            return 2 * tp / (2 * tp + fp + fn) if tp else 0.0
        """,
    ),
    Alternative(
        "metrics",
        "scikit-learn with zero_division=0",
        """
        from sklearn import metrics as _skm


        def _safe_divide(numerator, denominator):
            return float(numerator / denominator) if denominator > 0 else 0.0


        def _flat(y_true, y_pred):
            return (np.asarray(y_true).reshape(-1).astype(int),
                    np.asarray(y_pred).reshape(-1).astype(int))


        def accuracy(y_true, y_pred):
            return float(_skm.accuracy_score(*_flat(y_true, y_pred)))


        def precision(y_true, y_pred):
            t, p = _flat(y_true, y_pred)
            return float(_skm.precision_score(t, p, labels=[0, 1], zero_division=0))


        def recall(y_true, y_pred):
            return float(_skm.recall_score(*_flat(y_true, y_pred), labels=[0, 1], zero_division=0))


        def f1_score(y_true, y_pred):
            return float(_skm.f1_score(*_flat(y_true, y_pred), labels=[0, 1], zero_division=0))
        """,
    ),
    Alternative(
        "metrics",
        "the harmonic mean as 2 / (1/P + 1/R), guards with if",
        """
        def _safe_divide(numerator, denominator):
            return float(numerator / denominator) if denominator > 0 else 0.0


        def accuracy(y_true, y_pred):
            cm = confusion_matrix(y_true, y_pred)
            return float(np.trace(cm) / cm.sum())


        def precision(y_true, y_pred):
            cm = confusion_matrix(y_true, y_pred)
            predicted_positive = cm[:, 1].sum()
            if predicted_positive == 0:
                return 0.0
            return float(cm[1, 1] / predicted_positive)


        def recall(y_true, y_pred):
            cm = confusion_matrix(y_true, y_pred)
            actual_positive = cm[1].sum()
            return 0.0 if actual_positive == 0 else float(cm[1, 1] / actual_positive)


        def f1_score(y_true, y_pred):
            p, r = precision(y_true, y_pred), recall(y_true, y_pred)
            if p == 0.0 or r == 0.0:
                return 0.0
            return 2.0 / (1.0 / p + 1.0 / r)
        """,
    ),
    # --- roc_auc
    Alternative(
        "roc_auc",
        "Mann-Whitney U with average ranks (scipy.stats.rankdata)",
        """
        from scipy.stats import rankdata

        def roc_auc(y_true, scores):
            y = np.asarray(y_true).reshape(-1)
            s = np.asarray(scores, dtype=float).reshape(-1)
            n_pos, n_neg = int(np.sum(y == 1)), int(np.sum(y == 0))
            if n_pos == 0 or n_neg == 0:
                raise ValueError("AUC не определён: в y_true есть только один класс")
            ranks = rankdata(s)
            u = ranks[y == 1].sum() - n_pos * (n_pos + 1) / 2
            return float(u / (n_pos * n_neg))
        """,
    ),
    Alternative(
        "roc_auc",
        "a double loop over pairs",
        """
        def roc_auc(y_true, scores):
            labels = np.ravel(y_true).tolist()
            values = np.ravel(scores).astype(float).tolist()
            pos = [s for s, t in zip(values, labels) if t == 1]
            neg = [s for s, t in zip(values, labels) if t == 0]
            if not pos or not neg:
                raise ValueError("нужны примеры обоих классов, а в y_true только один класс")
            total = 0.0
            for a in pos:
                for b in neg:
                    total += 1.0 if a > b else 0.5 if a == b else 0.0
            return total / (len(pos) * len(neg))
        """,
    ),
    Alternative(
        "roc_auc",
        "scikit-learn after a check of the classes",
        """
        from sklearn.metrics import roc_auc_score as _sk_roc_auc

        def roc_auc(y_true, scores):
            y = np.asarray(y_true).reshape(-1)
            s = np.asarray(scores, dtype=float).reshape(-1)
            if np.unique(y).size < 2:
                raise ValueError("ROC AUC не определён: в y_true только один класс")
            return float(_sk_roc_auc(y, s))
        """,
    ),
]

EXTRA_CELLS = [
    (
        "train_val_test_split-solution",
        "code",
        "# Проверю своё разбиение на своих данных\n"
        "мой_X = np.arange(30).reshape(15, 2)\n"
        "части = train_val_test_split(мой_X, np.arange(15) % 2, 0.2, 0.2, seed=42)\n"
        "print([len(часть) for часть in части])\n",
    ),
    (
        "dropout_forward-solution",
        "code",
        "# Сколько нейронов остаётся при разных keep_prob?\n"
        "мой_rng = np.random.default_rng(2024)\n"
        "for доля in (0.3, 0.6, 0.9):\n"
        "    _, моя_маска = dropout_forward(np.ones((50, 40)), доля, мой_rng)\n"
        "    print(доля, round(float(моя_маска.mean()), 2))\n",
    ),
    (
        "roc_auc-solution",
        "code",
        "# Моя ROC-кривая на случайных оценках\n"
        "мои_метки = np.array([0, 1, 0, 1, 1, 0, 1, 0])\n"
        "мои_оценки = np.array([0.2, 0.9, 0.4, 0.6, 0.55, 0.1, 0.3, 0.5])\n"
        "fig, ax = plt.subplots(figsize=(3, 3))\n"
        "ax.plot(*roc_points(мои_метки, мои_оценки), marker='o')\n"
        "ax.set_title(f'AUC = {roc_auc(мои_метки, мои_оценки):.2f}')\n"
        "plt.show()\n",
    ),
    (
        "roc_auc-solution",
        "markdown",
        "Заметка: AUC не зависит от порога — сравнивает только порядок.",
    ),
]
