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
        diagnosis=(
            "Похоже, валидация берётся из начала перестановки, а первыми должны идти `n_test` "
            "индексов теста"
        ),
    ),
    Mutant(
        "train_val_test_split",
        "int() truncates the sizes instead of round()",
        "visible",
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
        diagnosis="Похоже, размеры частей округляются вниз (`int`), а не встроенной `round`",
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
        diagnosis=(
            "Похоже, штрафуются и смещения, а сумма квадратов нужна только по матрицам весов "
            "(ключи на `W`)"
        ),
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
        diagnosis=(
            "Похоже, штраф взят с множителем ½ (`lam / 2`), а в курсе, как в Keras, это `lam * "
            "сумма W²`"
        ),
    ),
    Mutant(
        "l2_penalty",
        "keys W1 and W2 hard-coded",
        "visible",
        """
        def l2_penalty(params, lam):
            return float(lam * (np.sum(params["W1"] ** 2) + np.sum(params["W2"] ** 2)))
    """,
        diagnosis="Похоже, в сумму входят только `W1` и `W2`, а не все ключи, начинающиеся на `W`",
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
        diagnosis="Похоже, градиент штрафа посчитан и для смещений, а для них нужны нули",
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
        diagnosis="Похоже, градиент штрафа без множителя 2: `lam * W` вместо `2 * lam * W`",
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
        diagnosis="Похоже, ключи словаря градиентов перечислены в коде, а не взяты из `params`",
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
        diagnosis=(
            "Похоже, оставленные значения не делятся на `keep_prob`: dropout не инвертированный"
        ),
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
        diagnosis=(
            "Похоже, `keep_prob` понимается как доля выключаемых нейронов, а это доля оставляемых"
        ),
    ),
    Mutant(
        "dropout_forward",
        "fresh generator with seed 0 instead of the given rng",
        "visible",
        """
        def dropout_forward(A, keep_prob, rng):
            A = np.asarray(A, dtype=float)
            mask = np.random.default_rng(0).random(A.shape) < keep_prob
            return A * mask / keep_prob, mask
    """,
        diagnosis=(
            "Похоже, внутри функции создаётся новый генератор, а не используется переданный `rng`"
        ),
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
        diagnosis="Похоже, `A` меняется на месте (`A *= …`), а вернуть нужно новый массив",
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
        diagnosis=(
            "Похоже, остановка наступает, только когда счётчик больше `patience`, а не когда он `≥ "
            "patience`"
        ),
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
        diagnosis="Похоже, эпохи нумеруются с 1, а не с 0: `best_epoch` на единицу больше",
    ),
    Mutant(
        "early_stopping",
        "min_delta ignored",
        "visible",
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
        diagnosis=(
            "Похоже, `min_delta` не учитывается: улучшением считается любое уменьшение `val_loss`"
        ),
    ),
    Mutant(
        "early_stopping",
        "counter of bad epochs never reset",
        "visible",
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
        diagnosis="Похоже, счётчик эпох без улучшения не обнуляется при улучшении",
    ),
    Mutant(
        "early_stopping",
        "an equal loss counts as an improvement",
        "visible",
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
        diagnosis=(
            "Похоже, значение, равное лучшему, считается улучшением (`<=`), а нужно строго меньше"
        ),
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
        diagnosis=(
            "Похоже, матрица транспонирована: строки должны быть истинным классом, а столбцы — "
            "предсказанным"
        ),
    ),
    Mutant(
        "confusion_matrix",
        "labels taken from the data (np.unique): not 2x2 for one class",
        "visible",
        """
        def confusion_matrix(y_true, y_pred):
            t = np.asarray(y_true).reshape(-1).astype(int)
            p = np.asarray(y_pred).reshape(-1).astype(int)
            labels = np.unique(np.concatenate([t, p]))
            return np.array([[np.sum((t == a) & (p == b)) for b in labels] for a in labels])
    """,
        diagnosis=(
            "Похоже, классы берутся из данных (`np.unique`), и при одном классе матрица получается "
            "не 2×2"
        ),
    ),
    Mutant(
        "confusion_matrix",
        "shapes not flattened: (m, 1) against (m,) broadcasts",
        "visible",
        """
        def confusion_matrix(y_true, y_pred):
            t = np.asarray(y_true).astype(int)
            p = np.asarray(y_pred).astype(int)
            return np.array([[np.sum((t == a) & (p == b)) for b in (0, 1)] for a in (0, 1)])
    """,
        diagnosis=(
            "Похоже, входы не приведены к форме `(m,)`, и `(m, 1)` с `(m,)` сравниваются всеми "
            "парами"
        ),
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
        diagnosis=(
            "Похоже, точность и полнота перепутаны: точность — `TP / (TP + FP)`, полнота — `TP / "
            "(TP + FN)`"
        ),
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
        diagnosis=(
            "Похоже, F1-мера посчитана как среднее арифметическое точности и полноты, а не "
            "гармоническое"
        ),
    ),
    Mutant(
        "metrics",
        "no zero-division guard: nan and a RuntimeWarning",
        "visible",
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
        diagnosis=(
            "Похоже, при нулевом знаменателе происходит деление на ноль (`nan` и предупреждение), "
            "а нужно вернуть 0.0"
        ),
    ),
    Mutant(
        "metrics",
        "degenerate precision counted as 1",
        "visible",
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
        diagnosis="Похоже, при нулевом знаменателе метрика равна 1.0, а по условию — 0.0",
    ),
    # --- roc_auc
    Mutant(
        "roc_auc",
        "AUC ignoring ties",
        "visible",
        """
        def roc_auc(y_true, scores):
            y_true = np.asarray(y_true).reshape(-1)
            scores = np.asarray(scores, dtype=float).reshape(-1)
            pos, neg = scores[y_true == 1], scores[y_true == 0]
            if len(pos) == 0 or len(neg) == 0:
                raise ValueError("нужны оба класса")
            return float(np.mean(pos[:, None] > neg[None, :]))
    """,
        diagnosis="Похоже, пары с равными оценками не учитываются, а каждая должна давать ½",
    ),
    Mutant(
        "roc_auc",
        "ties counted as wins (>=)",
        "visible",
        """
        def roc_auc(y_true, scores):
            y_true = np.asarray(y_true).reshape(-1)
            scores = np.asarray(scores, dtype=float).reshape(-1)
            pos, neg = scores[y_true == 1], scores[y_true == 0]
            if len(pos) == 0 or len(neg) == 0:
                raise ValueError("нужны оба класса")
            return float(np.mean(pos[:, None] >= neg[None, :]))
    """,
        diagnosis=(
            "Похоже, пары с равными оценками засчитываются целиком (`>=`), а каждая должна давать ½"
        ),
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
        diagnosis=(
            "Похоже, при одном классе в `y_true` функция возвращает число, а должна выбрасывать "
            "`ValueError`"
        ),
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
        diagnosis=(
            "Похоже, вы считаете долю верных ответов при пороге 0.5, а не AUC по парам «единица, "
            "ноль»"
        ),
    ),
]

# Wrong answers added for issue 14 (fair grading): the reviews' wrong answers, and for every
# exercise an over-fitting one (hard-coded for, or special-cased to, the visible inputs).
MUTANTS += [
    # --- train_val_test_split
    Mutant(
        "train_val_test_split",
        "int(x + 0.5) instead of round(): halves rounded up",
        "visible",
        """
        def train_val_test_split(X, y, val_size, test_size, seed):
            X, y = np.asarray(X), np.asarray(y)
            m = X.shape[0]
            n_test, n_val = int(test_size * m + 0.5), int(val_size * m + 0.5)
            order = np.random.default_rng(seed).permutation(m)
            test_idx, val_idx = order[:n_test], order[n_test:n_test + n_val]
            train_idx = order[n_test + n_val:]
            return X[train_idx], X[val_idx], X[test_idx], y[train_idx], y[val_idx], y[test_idx]
    """,
        diagnosis=(
            "Похоже, половины округляются вверх (`int(x + 0.5)`), а встроенная `round` округляет "
            "половину к чётному"
        ),
    ),
    Mutant(
        "train_val_test_split",
        "X and y shuffled in place",
        "visible",
        """
        def train_val_test_split(X, y, val_size, test_size, seed):
            m = X.shape[0]
            n_test, n_val = round(test_size * m), round(val_size * m)
            order = np.random.default_rng(seed).permutation(m)
            X[:] = X[order]
            y[:] = y[order]
            return (X[n_test + n_val:], X[n_test:n_test + n_val], X[:n_test],
                    y[n_test + n_val:], y[n_test:n_test + n_val], y[:n_test])
    """,
        diagnosis="Похоже, `X` и `y` перемешиваются на месте, а входные массивы менять нельзя",
    ),
    Mutant(
        "train_val_test_split",
        "y flattened: (m, 1) targets come back as (n,)",
        "visible",
        """
        def train_val_test_split(X, y, val_size, test_size, seed):
            X, y = np.asarray(X), np.asarray(y).reshape(-1)
            m = X.shape[0]
            n_test, n_val = round(test_size * m), round(val_size * m)
            order = np.random.default_rng(seed).permutation(m)
            test_idx, val_idx = order[:n_test], order[n_test:n_test + n_val]
            train_idx = order[n_test + n_val:]
            return X[train_idx], X[val_idx], X[test_idx], y[train_idx], y[val_idx], y[test_idx]
    """,
        diagnosis=(
            "Похоже, `y` вытягивается в одномерный массив, и при `y` формы `(m, 1)` части теряют "
            "второе измерение"
        ),
    ),
    Mutant(
        "train_val_test_split",
        "returns a list instead of a tuple",
        "visible",
        """
        def train_val_test_split(X, y, val_size, test_size, seed):
            m = X.shape[0]
            n_test, n_val = round(test_size * m), round(val_size * m)
            order = np.random.default_rng(seed).permutation(m)
            idx = [order[n_test + n_val:], order[n_test:n_test + n_val], order[:n_test]]
            return [X[i] for i in idx] + [y[i] for i in idx]
    """,
        diagnosis="Похоже, функция возвращает список, а не кортеж",
    ),
    Mutant(
        "train_val_test_split",
        "seed ignored: the visible seed 0 hard-coded",
        "hidden",
        """
        def train_val_test_split(X, y, val_size, test_size, seed):
            m = X.shape[0]
            n_test, n_val = round(test_size * m), round(val_size * m)
            order = np.random.default_rng(0).permutation(m)
            test_idx, val_idx = order[:n_test], order[n_test:n_test + n_val]
            train_idx = order[n_test + n_val:]
            return X[train_idx], X[val_idx], X[test_idx], y[train_idx], y[val_idx], y[test_idx]
    """,
        diagnosis="Похоже, зерно задано числом, а не взято из аргумента `seed`",
    ),
    Mutant(
        "train_val_test_split",
        "X assumed 2-D: features flattened",
        "hidden",
        """
        def train_val_test_split(X, y, val_size, test_size, seed):
            m = X.shape[0]
            X = X.reshape(m, -1)
            n_test, n_val = round(test_size * m), round(val_size * m)
            order = np.random.default_rng(seed).permutation(m)
            test_idx, val_idx = order[:n_test], order[n_test:n_test + n_val]
            train_idx = order[n_test + n_val:]
            return X[train_idx], X[val_idx], X[test_idx], y[train_idx], y[val_idx], y[test_idx]
    """,
        diagnosis=(
            "Похоже, `X` приводится к двумерной форме, а части должны сохранять форму строк входа"
        ),
    ),
    # --- l2_penalty
    Mutant(
        "l2_penalty",
        "weights squared in place (W **= 2)",
        "visible",
        """
        def l2_penalty(params, lam):
            total = 0.0
            for key, value in params.items():
                if key.startswith("W"):
                    value **= 2
                    total += value.sum()
            return float(lam * total)
    """,
        diagnosis="Похоже, веса возводятся в квадрат на месте (`**=`), и `params` меняется",
    ),
    Mutant(
        "l2_penalty",
        "returns a numpy array of shape (1,)",
        "visible",
        """
        def l2_penalty(params, lam):
            total = sum(np.sum(v**2) for k, v in params.items() if k.startswith("W"))
            return lam * np.array([total])
    """,
        diagnosis="Похоже, функция возвращает массив NumPy, а не число `float`",
    ),
    Mutant(
        "l2_penalty",
        "keys W1, W2, W3 of the visible networks hard-coded",
        "hidden",
        """
        def l2_penalty(params, lam):
            keys = [key for key in ("W1", "W2", "W3") if key in params]
            return float(lam * sum(np.sum(params[key] ** 2) for key in keys))
    """,
        diagnosis="Похоже, ключи весов перечислены в коде, а не отобраны по началу имени `W`",
    ),
    # --- l2_grad
    Mutant(
        "l2_grad",
        "weights scaled in place (W *= 2 * lam)",
        "visible",
        """
        def l2_grad(params, lam):
            grads = {}
            for key, value in params.items():
                if key.startswith("W"):
                    value *= 2 * lam
                    grads[key] = value
                else:
                    grads[key] = np.zeros_like(value)
            return grads
    """,
        diagnosis=(
            "Похоже, веса умножаются на месте (`*=`), и `params` меняется, а нужно вернуть новые "
            "массивы"
        ),
    ),
    Mutant(
        "l2_grad",
        "gradients only for the weights (bias keys missing)",
        "visible",
        """
        def l2_grad(params, lam):
            return {key: 2 * lam * value for key, value in params.items() if key.startswith("W")}
    """,
        diagnosis=(
            "Похоже, в словаре градиентов нет ключей смещений, а для них нужны нули той же формы"
        ),
    ),
    # --- dropout_forward
    Mutant(
        "dropout_forward",
        "A ignored: returns mask / keep_prob (the all-ones example hides it)",
        "visible",
        """
        def dropout_forward(A, keep_prob, rng):
            mask = rng.random(A.shape) < keep_prob
            return mask / keep_prob, mask
    """,
        diagnosis=(
            "Похоже, результат не зависит от `A`: возвращается `mask / keep_prob`, а не `A * mask "
            "/ keep_prob`"
        ),
    ),
    Mutant(
        "dropout_forward",
        "mask marks the dropped units",
        "visible",
        """
        def dropout_forward(A, keep_prob, rng):
            dropped = rng.random(A.shape) >= keep_prob
            return A * ~dropped / keep_prob, dropped
    """,
        diagnosis="Похоже, маска отмечает выключенные нейроны, а должна отмечать оставленные",
    ),
    Mutant(
        "dropout_forward",
        "fresh generator seeded like the visible one (default_rng(1))",
        "visible",
        """
        def dropout_forward(A, keep_prob, rng):
            mask = np.random.default_rng(1).random(A.shape) < keep_prob
            return A * mask / keep_prob, mask
    """,
        diagnosis=(
            "Похоже, внутри функции создаётся новый генератор, а не используется переданный `rng`"
        ),
    ),
    Mutant(
        "dropout_forward",
        "A assumed 2-D: reshaped to (rows, -1)",
        "hidden",
        """
        def dropout_forward(A, keep_prob, rng):
            A = A.reshape(A.shape[0], -1)
            mask = rng.random(A.shape) < keep_prob
            return A * mask / keep_prob, mask
    """,
        diagnosis=(
            "Похоже, `A` приводится к двумерной форме, а `A_dropped` должен иметь ту же форму, что "
            "`A`"
        ),
    ),
    # --- early_stopping
    Mutant(
        "early_stopping",
        "True only when the counter equals patience (==)",
        "visible",
        """
        class EarlyStopping:
            def __init__(self, patience, min_delta=0):
                self.patience, self.min_delta = patience, min_delta
                self.best, self.best_epoch, self.epoch, self.wait = np.inf, None, 0, 0

            def update(self, val_loss):
                if val_loss < self.best - self.min_delta:
                    self.best, self.best_epoch, self.wait = val_loss, self.epoch, 0
                    self.epoch += 1
                    return False
                self.wait += 1
                self.epoch += 1
                return self.wait == self.patience
    """,
        diagnosis=(
            "Похоже, `True` возвращается только при счётчике, равном `patience`, а не при `≥ "
            "patience`"
        ),
    ),
    Mutant(
        "early_stopping",
        "best value tracked on any decrease, improvement judged with min_delta",
        "visible",
        """
        class EarlyStopping:
            def __init__(self, patience, min_delta=0):
                self.patience, self.min_delta = patience, min_delta
                self.best, self.best_epoch, self.epoch, self.wait = np.inf, None, 0, 0

            def update(self, val_loss):
                improved = val_loss < self.best - self.min_delta
                if val_loss < self.best:
                    self.best = val_loss
                if improved:
                    self.best_epoch, self.wait = self.epoch, 0
                else:
                    self.wait += 1
                self.epoch += 1
                return (not improved) and self.wait >= self.patience
    """,
        diagnosis=(
            "Похоже, лучшее значение обновляется при любом уменьшении, а не только при улучшении "
            "больше чем на `min_delta`"
        ),
    ),
    Mutant(
        "early_stopping",
        "patience = 0 read as 'never stop' (the visible patience is never 0)",
        "hidden",
        """
        class EarlyStopping:
            def __init__(self, patience, min_delta=0):
                self.patience, self.min_delta = patience, min_delta
                self.best, self.best_epoch, self.epoch, self.wait = np.inf, None, 0, 0

            def update(self, val_loss):
                improved = val_loss < self.best - self.min_delta
                if improved:
                    self.best, self.best_epoch, self.wait = val_loss, self.epoch, 0
                else:
                    self.wait += 1
                self.epoch += 1
                return bool(self.patience) and (not improved) and self.wait >= self.patience
    """,
        diagnosis=(
            "Похоже, правило остановки работает не при всех `patience ≥ 0` из условия, а лишь при "
            "значениях видимых проверок"
        ),
    ),
    # --- confusion_matrix
    Mutant(
        "confusion_matrix",
        "np.bincount on the labels as given: float labels raise",
        "visible",
        """
        def confusion_matrix(y_true, y_pred):
            t = np.asarray(y_true).reshape(-1)
            p = np.asarray(y_pred).reshape(-1)
            return np.bincount(2 * t + p, minlength=4).reshape(2, 2)
    """,
        diagnosis="Похоже, метки не приводятся к `int`, и `np.bincount` падает на метках `float`",
    ),
    Mutant(
        "confusion_matrix",
        "counts kept in uint8: wrap past 255 (the visible data are small)",
        "hidden",
        """
        def confusion_matrix(y_true, y_pred):
            t = np.asarray(y_true).reshape(-1).astype(int)
            p = np.asarray(y_pred).reshape(-1).astype(int)
            cm = np.zeros((2, 2), dtype=np.uint8)
            np.add.at(cm, (t, p), 1)
            return cm
    """,
        diagnosis="Похоже, количества хранятся в типе `uint8`, и после 255 счёт переполняется",
    ),
    # --- metrics
    Mutant(
        "metrics",
        "accuracy as np.mean(y_true == y_pred) without reshape: (m, 1) against (m,) broadcasts",
        "visible",
        """
        def _safe_divide(numerator, denominator):
            return float(numerator / denominator) if denominator > 0 else 0.0

        def accuracy(y_true, y_pred):
            return float(np.mean(np.asarray(y_true) == np.asarray(y_pred)))

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
        diagnosis=(
            "Похоже, в `accuracy` входы не приведены к форме `(m,)`, и `(m, 1)` с `(m,)` "
            "сравниваются всеми парами"
        ),
    ),
    Mutant(
        "metrics",
        "metrics returned as float32",
        "visible",
        """
        def _safe_divide(numerator, denominator):
            return np.float32(numerator / denominator) if denominator > 0 else np.float32(0.0)

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
        diagnosis="Похоже, метрики возвращаются как `np.float32`, а не как число Python `float`",
    ),
    Mutant(
        "metrics",
        "F1 as the arithmetic mean, patched for the visible example",
        "hidden",
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
            p, r = precision(y_true, y_pred), recall(y_true, y_pred)
            if p + r == 0:
                return 0.0
            if abs(p - 2 / 3) < 1e-12 and abs(r - 1 / 2) < 1e-12:
                return 4 / 7
            return (p + r) / 2
    """,
        diagnosis=(
            "Похоже, F1-мера — среднее арифметическое точности и полноты, а ответ видимого примера "
            "подставлен вручную"
        ),
    ),
    # --- roc_auc
    Mutant(
        "roc_auc",
        "ValueError with an English message",
        "visible",
        """
        def roc_auc(y_true, scores):
            y_true = np.asarray(y_true).reshape(-1)
            scores = np.asarray(scores, dtype=float).reshape(-1)
            pos, neg = scores[y_true == 1], scores[y_true == 0]
            if len(pos) == 0 or len(neg) == 0:
                raise ValueError("Only one class present in y_true")
            wins = np.sum(pos[:, None] > neg[None, :]) + 0.5 * np.sum(pos[:, None] == neg[None, :])
            return float(wins / (len(pos) * len(neg)))
    """,
        diagnosis="Похоже, сообщение `ValueError` написано не по-русски",
    ),
    Mutant(
        "roc_auc",
        "no reshape: (m, 1) labels against (m,) scores raise IndexError",
        "visible",
        """
        def roc_auc(y_true, scores):
            y_true = np.asarray(y_true)
            scores = np.asarray(scores, dtype=float)
            pos, neg = scores[y_true == 1], scores[y_true == 0]
            if len(pos) == 0 or len(neg) == 0:
                raise ValueError("в y_true только один класс")
            wins = np.sum(pos[:, None] > neg[None, :]) + 0.5 * np.sum(pos[:, None] == neg[None, :])
            return float(wins / (len(pos) * len(neg)))
    """,
        diagnosis=(
            "Похоже, входы не приведены к форме `(m,)`, и при `y_true` формы `(m, 1)` выбор оценок "
            "по классам падает"
        ),
    ),
    Mutant(
        "roc_auc",
        "trapezoids on a fixed grid of thresholds 0, 0.05, ..., 1 (the visible scores lie on it)",
        "hidden",
        """
        def roc_auc(y_true, scores):
            y_true = np.asarray(y_true).reshape(-1)
            scores = np.asarray(scores, dtype=float).reshape(-1)
            pos, neg = scores[y_true == 1], scores[y_true == 0]
            if len(pos) == 0 or len(neg) == 0:
                raise ValueError("в y_true только один класс")
            thresholds = np.round(np.arange(1.0, -0.001, -0.05), 2)
            tpr = np.r_[0.0, [np.mean(pos >= th) for th in thresholds], 1.0]
            fpr = np.r_[0.0, [np.mean(neg >= th) for th in thresholds], 1.0]
            return float(np.sum(np.diff(fpr) * (tpr[1:] + tpr[:-1]) / 2))
    """,
        diagnosis=(
            "Похоже, ROC-кривая строится по заданной сетке порогов, а не по самим оценкам: AUC "
            "верен лишь для оценок на этой сетке"
        ),
    ),
]
