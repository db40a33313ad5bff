"""Wrong answers to 03-losses.

``caught_by="visible"``: the answer breaks a requirement the statement states (the formula, a
promised input type or shape, (m,) against (m, 1), the mean over all elements or over samples,
clipping with the given eps, no warnings at 0/1 probabilities or logits of ±1000, the per-row max,
inputs unchanged, the return type): the visible checks must fail. ``caught_by="hidden"``: the
over-fitting kind only — special-cased to the visible shapes and sizes (tensors of 3 axes, k = 3
classes, mixed shapes of 4 elements) — which the hidden tests' other shapes reveal.
"""

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
        diagnosis=(
            "Похоже, квадраты ошибок суммируются, а не усредняются: сумму нужно разделить на `N`"
        ),
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
        diagnosis="Похоже, усредняются модули ошибок (это MAE), а не их квадраты",
    ),
    Mutant(
        "mse_loss",
        "(m,) against (m, 1) broadcast to (m, m)",
        "visible",
        """
        def mse_loss(y_true, y_pred):
            y_true = np.asarray(y_true, dtype=float)
            y_pred = np.asarray(y_pred, dtype=float)
            return float(np.mean((y_true - y_pred) ** 2))
    """,
        diagnosis=(
            "Похоже, `y_true` не приведён к форме `y_pred`: формы `(m,)` и `(m, 1)` при вычитании "
            "дают матрицу `(m, m)`"
        ),
    ),
    Mutant(
        "mse_loss",
        "reshaped only when y_true is 1-D (the reverse order broadcasts)",
        "visible",
        """
        def mse_loss(y_true, y_pred):
            y_true = np.asarray(y_true, dtype=float)
            y_pred = np.asarray(y_pred, dtype=float)
            if y_true.ndim == 1:
                y_true = y_true.reshape(y_pred.shape)
            return float(np.mean((y_true - y_pred) ** 2))
    """,
        diagnosis=(
            "Похоже, `y_true` приводится к форме `y_pred`, только когда он одномерный, а при "
            "обратном порядке форм выходит `(m, m)`"
        ),
    ),
    Mutant(
        "mse_loss",
        "summed over the last axis, averaged over samples only",
        "visible",
        """
        def mse_loss(y_true, y_pred):
            y_pred = np.asarray(y_pred, dtype=float)
            y_true = np.asarray(y_true, dtype=float).reshape(y_pred.shape)
            if y_pred.ndim < 2:
                return float(np.mean((y_true - y_pred) ** 2))
            return float(np.mean(np.sum((y_true - y_pred) ** 2, axis=-1)))
    """,
        diagnosis=(
            "Похоже, квадраты ошибок суммируются по последней оси и усредняются только по строкам, "
            "а не по всем `N` элементам"
        ),
    ),
    Mutant(
        "mse_loss",
        "returns a 0-d array instead of a float",
        "visible",
        """
        def mse_loss(y_true, y_pred):
            y_pred = np.asarray(y_pred, dtype=float)
            y_true = np.asarray(y_true, dtype=float).reshape(y_pred.shape)
            return np.asarray(np.mean((y_true - y_pred) ** 2))
    """,
        diagnosis="Похоже, функция возвращает массив NumPy формы `()`, а не число `float`",
    ),
    Mutant(
        "mse_loss",
        "len() of the inputs: fails on numbers",
        "visible",
        """
        def mse_loss(y_true, y_pred):
            y_pred = np.asarray(y_pred, dtype=float)
            y_true = np.asarray(y_true, dtype=float).reshape(y_pred.shape)
            n = len(y_pred) * (y_pred.size // len(y_pred))
            return float(np.sum((y_true - y_pred) ** 2) / n)
    """,
        diagnosis=(
            "Похоже, вы берёте `len(...)` от входа, а у числа (массива формы `()`) длины нет; "
            "число всех элементов — `.size`"
        ),
    ),
    Mutant(
        "mse_loss",
        "subtracts in place into the caller's array",
        "visible",
        """
        def mse_loss(y_true, y_pred):
            d = np.asarray(y_pred, dtype=float)
            d -= np.asarray(y_true, dtype=float).reshape(d.shape)
            return float(np.mean(d ** 2))
    """,
        diagnosis=(
            "Похоже, разность считается на месте (`-=`) в массиве `y_pred`, и массив вызывающего "
            "меняется"
        ),
    ),
    Mutant(
        "mse_loss",
        "N from the first two axes only (special-cased to at most 2-D)",
        "hidden",
        """
        def mse_loss(y_true, y_pred):
            y_pred = np.asarray(y_pred, dtype=float)
            y_true = np.asarray(y_true, dtype=float).reshape(y_pred.shape)
            n = 1
            for size in y_pred.shape[:2]:
                n *= size
            return float(np.sum((y_true - y_pred) ** 2) / n)
    """,
        diagnosis=(
            "Похоже, `N` — произведение только первых двух размеров формы, а не число всех "
            "элементов `y_pred.size`"
        ),
    ),
    Mutant(
        "mse_loss",
        "mixed shapes fixed only for the visible size of 4",
        "hidden",
        """
        def mse_loss(y_true, y_pred):
            y_true = np.asarray(y_true, dtype=float)
            y_pred = np.asarray(y_pred, dtype=float)
            if y_true.size == 4:
                y_true = y_true.reshape(y_pred.shape)
            return float(np.mean((y_true - y_pred) ** 2))
    """,
        diagnosis=(
            "Похоже, формы `(m,)` и `(m, 1)` согласуются только при размере из видимых проверок, а "
            "не при любом `m`"
        ),
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
        diagnosis="Похоже, в производной MSE нет множителя 2",
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
        diagnosis=(
            "Похоже, у градиента обратный знак: `y − ŷ` вместо `ŷ − y` (предсказание минус ответ)"
        ),
    ),
    Mutant(
        "mse_grad",
        "divided by len(y_pred), the number of rows, not of elements",
        "visible",
        """
        def mse_grad(y_true, y_pred):
            y_pred = np.asarray(y_pred, dtype=float)
            y_true = np.asarray(y_true, dtype=float).reshape(y_pred.shape)
            return 2.0 * (y_pred - y_true) / len(y_pred)
    """,
        diagnosis=(
            "Похоже, вы делите на число строк `len(y_pred)`, а не на число всех элементов "
            "`y_pred.size`"
        ),
    ),
    Mutant(
        "mse_grad",
        "(m,) against (m, 1) broadcast to (m, m)",
        "visible",
        """
        def mse_grad(y_true, y_pred):
            y_true = np.asarray(y_true, dtype=float)
            y_pred = np.asarray(y_pred, dtype=float)
            return 2.0 * (y_pred - y_true) / y_pred.size
    """,
        diagnosis=(
            "Похоже, `y_true` не приведён к форме `y_pred`: с формами `(m,)` и `(m, 1)` выходит "
            "матрица `(m, m)`"
        ),
    ),
    Mutant(
        "mse_grad",
        "returned in the shape of y_true",
        "visible",
        """
        def mse_grad(y_true, y_pred):
            y_true = np.asarray(y_true, dtype=float)
            y_pred = np.asarray(y_pred, dtype=float).reshape(y_true.shape)
            return 2.0 * (y_pred - y_true) / y_pred.size
    """,
        diagnosis="Похоже, градиент получается формы `y_true`, а не формы `y_pred`",
    ),
    Mutant(
        "mse_grad",
        "subtracts in place into the caller's array",
        "visible",
        """
        def mse_grad(y_true, y_pred):
            g = np.asarray(y_pred, dtype=float)
            g -= np.asarray(y_true, dtype=float).reshape(g.shape)
            g *= 2.0 / g.size
            return g
    """,
        diagnosis=(
            "Похоже, градиент считается на месте (`-=`, `*=`) в массиве `y_pred`, и массив "
            "вызывающего меняется"
        ),
    ),
    Mutant(
        "mse_grad",
        "returns a list",
        "visible",
        """
        def mse_grad(y_true, y_pred):
            y_pred = np.asarray(y_pred, dtype=float)
            y_true = np.asarray(y_true, dtype=float).reshape(y_pred.shape)
            return (2.0 * (y_pred - y_true) / y_pred.size).tolist()
    """,
        diagnosis="Похоже, функция возвращает список, а не массив NumPy",
    ),
    Mutant(
        "mse_grad",
        "N from the first two axes only (special-cased to at most 2-D)",
        "hidden",
        """
        def mse_grad(y_true, y_pred):
            y_pred = np.asarray(y_pred, dtype=float)
            y_true = np.asarray(y_true, dtype=float).reshape(y_pred.shape)
            n = 1
            for size in y_pred.shape[:2]:
                n *= size
            return 2.0 * (y_pred - y_true) / n
    """,
        diagnosis=(
            "Похоже, `N` — произведение только первых двух размеров формы, а не число всех "
            "элементов `y_pred.size`"
        ),
    ),
    Mutant(
        "mse_grad",
        "mixed shapes fixed only for the visible size of 4",
        "hidden",
        """
        def mse_grad(y_true, y_pred):
            y_true = np.asarray(y_true, dtype=float)
            y_pred = np.asarray(y_pred, dtype=float)
            if y_true.size == 4:
                y_true = y_true.reshape(y_pred.shape)
            return 2.0 * (y_pred - y_true) / y_pred.size
    """,
        diagnosis=(
            "Похоже, формы `(m,)` и `(m, 1)` согласуются только при размере из видимых проверок, а "
            "не при любом `m`"
        ),
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
        diagnosis="Похоже, потерян минус перед средним: потеря выходит отрицательной",
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
        diagnosis="Похоже, в сумме только слагаемое `y·ln p`, а слагаемого `(1 − y)·ln(1 − p)` нет",
    ),
    Mutant(
        "binary_cross_entropy",
        "no clipping: ln 0 at probabilities 0 and 1",
        "visible",
        """
        def binary_cross_entropy(y_true, y_pred, eps=1e-7):
            y_pred = np.asarray(y_pred, dtype=float)
            y_true = np.asarray(y_true, dtype=float).reshape(y_pred.shape)
            p = y_pred
            return float(-np.mean(y_true * np.log(p) + (1.0 - y_true) * np.log(1.0 - p)))
    """,
        diagnosis=(
            "Похоже, вероятности не обрезаются до `[eps, 1 − eps]` перед логарифмом, и при `p`, "
            "равных 0 или 1, выходит ln 0"
        ),
    ),
    Mutant(
        "binary_cross_entropy",
        "eps argument ignored (clips with a fixed 1e-7)",
        "visible",
        """
        def binary_cross_entropy(y_true, y_pred, eps=1e-7):
            y_pred = np.asarray(y_pred, dtype=float)
            y_true = np.asarray(y_true, dtype=float).reshape(y_pred.shape)
            p = np.clip(y_pred, 1e-7, 1.0 - 1e-7)
            return float(-np.mean(y_true * np.log(p) + (1.0 - y_true) * np.log(1.0 - p)))
    """,
        diagnosis="Похоже, обрезка идёт с фиксированным `1e-7`, а не с переданным аргументом `eps`",
    ),
    Mutant(
        "binary_cross_entropy",
        "eps only at the lower end (upper end fixed at 1 - 1e-7)",
        "visible",
        """
        def binary_cross_entropy(y_true, y_pred, eps=1e-7):
            y_pred = np.asarray(y_pred, dtype=float)
            y_true = np.asarray(y_true, dtype=float).reshape(y_pred.shape)
            p = np.clip(y_pred, eps, 1.0 - 1e-7)
            return float(-np.mean(y_true * np.log(p) + (1.0 - y_true) * np.log(1.0 - p)))
    """,
        diagnosis=(
            "Похоже, переданный `eps` используется только снизу, а сверху обрезка идёт до "
            "фиксированного `1 − 1e-7`"
        ),
    ),
    Mutant(
        "binary_cross_entropy",
        "(m,) against (m, 1) broadcast to (m, m)",
        "visible",
        """
        def binary_cross_entropy(y_true, y_pred, eps=1e-7):
            y_true = np.asarray(y_true, dtype=float)
            p = np.clip(np.asarray(y_pred, dtype=float), eps, 1.0 - eps)
            return float(-np.mean(y_true * np.log(p) + (1.0 - y_true) * np.log(1.0 - p)))
    """,
        diagnosis=(
            "Похоже, `y_true` не приведён к форме `y_pred`: формы `(m,)` и `(m, 1)` в произведении "
            "дают матрицу `(m, m)`"
        ),
    ),
    Mutant(
        "binary_cross_entropy",
        "averaged over the rows only (divided by len)",
        "visible",
        """
        def binary_cross_entropy(y_true, y_pred, eps=1e-7):
            y_pred = np.asarray(y_pred, dtype=float)
            y_true = np.asarray(y_true, dtype=float).reshape(y_pred.shape)
            p = np.clip(y_pred, eps, 1.0 - eps)
            return float(-np.sum(y_true * np.log(p) + (1.0 - y_true) * np.log(1.0 - p)) / len(p))
    """,
        diagnosis=(
            "Похоже, сумма делится на число строк `len(...)`, а не на число всех элементов `N`"
        ),
    ),
    Mutant(
        "binary_cross_entropy",
        "clips the caller's array in place",
        "visible",
        """
        def binary_cross_entropy(y_true, y_pred, eps=1e-7):
            p = np.asarray(y_pred, dtype=float)
            y_true = np.asarray(y_true, dtype=float).reshape(p.shape)
            np.clip(p, eps, 1.0 - eps, out=p)
            return float(-np.mean(y_true * np.log(p) + (1.0 - y_true) * np.log(1.0 - p)))
    """,
        diagnosis=(
            "Похоже, вероятности обрезаются на месте (`out=`), и массив `y_pred` вызывающего "
            "меняется"
        ),
    ),
    Mutant(
        "binary_cross_entropy",
        "N from the first two axes only (special-cased to at most 2-D)",
        "hidden",
        """
        def binary_cross_entropy(y_true, y_pred, eps=1e-7):
            y_pred = np.asarray(y_pred, dtype=float)
            y_true = np.asarray(y_true, dtype=float).reshape(y_pred.shape)
            p = np.clip(y_pred, eps, 1.0 - eps)
            n = 1
            for size in p.shape[:2]:
                n *= size
            return float(-np.sum(y_true * np.log(p) + (1.0 - y_true) * np.log(1.0 - p)) / n)
    """,
        diagnosis=(
            "Похоже, `N` — произведение только первых двух размеров формы, а не число всех "
            "элементов `y_pred.size`"
        ),
    ),
    Mutant(
        "binary_cross_entropy",
        "mixed shapes fixed only for the visible size of 4",
        "hidden",
        """
        def binary_cross_entropy(y_true, y_pred, eps=1e-7):
            y_true = np.asarray(y_true, dtype=float)
            p = np.clip(np.asarray(y_pred, dtype=float), eps, 1.0 - eps)
            if y_true.size == 4:
                y_true = y_true.reshape(p.shape)
            return float(-np.mean(y_true * np.log(p) + (1.0 - y_true) * np.log(1.0 - p)))
    """,
        diagnosis=(
            "Похоже, формы `(m,)` и `(m, 1)` согласуются только при размере из видимых проверок, а "
            "не при любом `m`"
        ),
    ),
    Mutant(
        "binary_cross_entropy",
        "hard labels only: the term chosen by y == 1",
        "visible",
        """
        def binary_cross_entropy(y_true, y_pred, eps=1e-7):
            p = np.clip(np.asarray(y_pred, dtype=float), eps, 1.0 - eps)
            y = np.asarray(y_true, dtype=float).reshape(p.shape)
            return float(np.mean(np.where(y == 1, -np.log(p), -np.log(1.0 - p))))
    """,
        diagnosis=(
            "Похоже, слагаемое выбирается по условию `y == 1`, и для мягких (дробных) меток потеря "
            "неверна"
        ),
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
        diagnosis="Похоже, градиент не делится на число элементов `N = y_pred.size`",
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
        diagnosis=(
            "Похоже, это градиент по логиту `(p − y) / N`, а нужен градиент по вероятности `p`"
        ),
    ),
    Mutant(
        "binary_cross_entropy_grad",
        "no clipping: division by zero at p = 0 or 1",
        "visible",
        """
        def binary_cross_entropy_grad(y_true, y_pred, eps=1e-7):
            y_pred = np.asarray(y_pred, dtype=float)
            y_true = np.asarray(y_true, dtype=float).reshape(y_pred.shape)
            p = y_pred
            return (p - y_true) / (p * (1.0 - p)) / y_pred.size
    """,
        diagnosis=(
            "Похоже, вероятности не обрезаются, и при `p`, равных 0 или 1, знаменатель `p(1 − p)` "
            "равен нулю"
        ),
    ),
    Mutant(
        "binary_cross_entropy_grad",
        "divided by len(y_pred), the number of rows, not of elements",
        "visible",
        """
        def binary_cross_entropy_grad(y_true, y_pred, eps=1e-7):
            y_pred = np.asarray(y_pred, dtype=float)
            y_true = np.asarray(y_true, dtype=float).reshape(y_pred.shape)
            p = np.clip(y_pred, eps, 1.0 - eps)
            return (p - y_true) / (p * (1.0 - p)) / len(y_pred)
    """,
        diagnosis=(
            "Похоже, вы делите на число строк `len(y_pred)`, а не на число всех элементов "
            "`y_pred.size`"
        ),
    ),
    Mutant(
        "binary_cross_entropy_grad",
        "(m,) against (m, 1) broadcast to (m, m)",
        "visible",
        """
        def binary_cross_entropy_grad(y_true, y_pred, eps=1e-7):
            y_true = np.asarray(y_true, dtype=float)
            y_pred = np.asarray(y_pred, dtype=float)
            p = np.clip(y_pred, eps, 1.0 - eps)
            return (p - y_true) / (p * (1.0 - p)) / y_pred.size
    """,
        diagnosis=(
            "Похоже, `y_true` не приведён к форме `y_pred`: с формами `(m,)` и `(m, 1)` выходит "
            "матрица `(m, m)`"
        ),
    ),
    Mutant(
        "binary_cross_entropy_grad",
        "eps argument ignored (clips with a fixed 1e-7)",
        "visible",
        """
        def binary_cross_entropy_grad(y_true, y_pred, eps=1e-7):
            y_pred = np.asarray(y_pred, dtype=float)
            y_true = np.asarray(y_true, dtype=float).reshape(y_pred.shape)
            p = np.clip(y_pred, 1e-7, 1.0 - 1e-7)
            return (p - y_true) / (p * (1.0 - p)) / y_pred.size
    """,
        diagnosis="Похоже, обрезка идёт с фиксированным `1e-7`, а не с переданным аргументом `eps`",
    ),
    Mutant(
        "binary_cross_entropy_grad",
        "clips the caller's array in place",
        "visible",
        """
        def binary_cross_entropy_grad(y_true, y_pred, eps=1e-7):
            p = np.asarray(y_pred, dtype=float)
            y_true = np.asarray(y_true, dtype=float).reshape(p.shape)
            np.clip(p, eps, 1.0 - eps, out=p)
            return (p - y_true) / (p * (1.0 - p)) / p.size
    """,
        diagnosis=(
            "Похоже, вероятности обрезаются на месте (`out=`), и массив `y_pred` вызывающего "
            "меняется"
        ),
    ),
    Mutant(
        "binary_cross_entropy_grad",
        "N from the first two axes only (special-cased to at most 2-D)",
        "hidden",
        """
        def binary_cross_entropy_grad(y_true, y_pred, eps=1e-7):
            y_pred = np.asarray(y_pred, dtype=float)
            y_true = np.asarray(y_true, dtype=float).reshape(y_pred.shape)
            p = np.clip(y_pred, eps, 1.0 - eps)
            n = 1
            for size in p.shape[:2]:
                n *= size
            return (p - y_true) / (p * (1.0 - p)) / n
    """,
        diagnosis=(
            "Похоже, `N` — произведение только первых двух размеров формы, а не число всех "
            "элементов `y_pred.size`"
        ),
    ),
    Mutant(
        "binary_cross_entropy_grad",
        "mixed shapes fixed only for the visible size of 4",
        "hidden",
        """
        def binary_cross_entropy_grad(y_true, y_pred, eps=1e-7):
            y_true = np.asarray(y_true, dtype=float)
            y_pred = np.asarray(y_pred, dtype=float)
            if y_true.size == 4:
                y_true = y_true.reshape(y_pred.shape)
            p = np.clip(y_pred, eps, 1.0 - eps)
            return (p - y_true) / (p * (1.0 - p)) / y_pred.size
    """,
        diagnosis=(
            "Похоже, формы `(m,)` и `(m, 1)` согласуются только при размере из видимых проверок, а "
            "не при любом `m`"
        ),
    ),
    Mutant(
        "binary_cross_entropy_grad",
        "hard labels only: the branch chosen by y == 1",
        "visible",
        """
        def binary_cross_entropy_grad(y_true, y_pred, eps=1e-7):
            p = np.clip(np.asarray(y_pred, dtype=float), eps, 1.0 - eps)
            y = np.asarray(y_true, dtype=float).reshape(p.shape)
            return np.where(y == 1, -1.0 / p, 1.0 / (1.0 - p)) / p.size
    """,
        diagnosis=(
            "Похоже, формула выбирается по условию `y == 1`, и для мягких (дробных) меток градиент "
            "неверен"
        ),
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
        diagnosis="Похоже, вы усредняете по всем `m·k` элементам, а не по `m` примерам",
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
        diagnosis="Похоже, потери примеров суммируются по пакету, а не усредняются",
    ),
    Mutant(
        "categorical_cross_entropy",
        "divided by y.shape[0]: k for a single (k,) sample",
        "visible",
        """
        def categorical_cross_entropy(y_true_onehot, probs, eps=1e-7):
            y = np.asarray(y_true_onehot, dtype=float)
            p = np.clip(np.asarray(probs, dtype=float), eps, 1.0 - eps)
            return float(-np.sum(y * np.log(p)) / y.shape[0])
    """,
        diagnosis=(
            "Похоже, вы делите на `y.shape[0]`, а у одного примера формы `(k,)` это число классов "
            "`k`, а не `m = 1`"
        ),
    ),
    Mutant(
        "categorical_cross_entropy",
        "class axis written as axis=1: fails on a single 1-D sample",
        "visible",
        """
        def categorical_cross_entropy(y_true_onehot, probs, eps=1e-7):
            y = np.asarray(y_true_onehot, dtype=float)
            p = np.clip(np.asarray(probs, dtype=float), eps, 1.0 - eps)
            return float(np.mean(-np.sum(y * np.log(p), axis=1)))
    """,
        diagnosis=(
            "Похоже, сумма по классам идёт по `axis=1`, а у одного примера формы `(k,)` такой оси "
            "нет; ось классов — `axis=-1`"
        ),
    ),
    Mutant(
        "categorical_cross_entropy",
        "no clipping: 0 · ln 0 = nan",
        "visible",
        """
        def categorical_cross_entropy(y_true_onehot, probs, eps=1e-7):
            y = np.asarray(y_true_onehot, dtype=float)
            p = np.asarray(probs, dtype=float)
            return float(np.mean(-np.sum(y * np.log(p), axis=-1)))
    """,
        diagnosis=(
            "Похоже, вероятности не обрезаются перед логарифмом, и при нулевых вероятностях `0 · "
            "ln 0` даёт nan"
        ),
    ),
    Mutant(
        "categorical_cross_entropy",
        "eps argument ignored (clips with a fixed 1e-7)",
        "visible",
        """
        def categorical_cross_entropy(y_true_onehot, probs, eps=1e-7):
            y = np.asarray(y_true_onehot, dtype=float)
            p = np.clip(np.asarray(probs, dtype=float), 1e-7, 1.0 - 1e-7)
            return float(np.mean(-np.sum(y * np.log(p), axis=-1)))
    """,
        diagnosis="Похоже, обрезка идёт с фиксированным `1e-7`, а не с переданным аргументом `eps`",
    ),
    Mutant(
        "categorical_cross_entropy",
        "clips the caller's array in place",
        "visible",
        """
        def categorical_cross_entropy(y_true_onehot, probs, eps=1e-7):
            y = np.asarray(y_true_onehot, dtype=float)
            p = np.asarray(probs, dtype=float)
            np.clip(p, eps, 1.0 - eps, out=p)
            return float(np.mean(-np.sum(y * np.log(p), axis=-1)))
    """,
        diagnosis=(
            "Похоже, вероятности обрезаются на месте (`out=`), и массив `probs` вызывающего "
            "меняется"
        ),
    ),
    Mutant(
        "categorical_cross_entropy",
        "k = 3 classes hard-coded (the visible examples' k)",
        "hidden",
        """
        def categorical_cross_entropy(y_true_onehot, probs, eps=1e-7):
            y = np.asarray(y_true_onehot, dtype=float).reshape(-1, 3)
            p = np.clip(np.asarray(probs, dtype=float), eps, 1.0 - eps).reshape(-1, 3)
            return float(np.mean(-np.sum(y * np.log(p), axis=-1)))
    """,
        diagnosis=(
            "Похоже, число классов задано числом из видимых проверок, а не взято из формы входа "
            "(`shape[-1]`)"
        ),
    ),
    Mutant(
        "categorical_cross_entropy",
        "hard labels only: -ln p of the argmax class",
        "visible",
        """
        def categorical_cross_entropy(y_true_onehot, probs, eps=1e-7):
            y = np.atleast_2d(np.asarray(y_true_onehot, dtype=float))
            p = np.clip(np.atleast_2d(np.asarray(probs, dtype=float)), eps, 1.0 - eps)
            picked = p[np.arange(len(p)), np.argmax(y, axis=-1)]
            return float(np.mean(-np.log(picked)))
    """,
        diagnosis=(
            "Похоже, берётся только `−ln p` класса с наибольшей меткой (argmax), а для мягких "
            "меток нужна сумма по всем классам"
        ),
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
        diagnosis=(
            "Похоже, в log-sum-exp максимум `M` вычтен, но не прибавлен обратно: LSE = `M + ln Σ "
            "e^(z − M)`"
        ),
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
        diagnosis="Похоже, потери примеров суммируются по пакету, а не усредняются",
    ),
    Mutant(
        "softmax_cross_entropy_with_logits",
        "naive softmax without max-subtraction, then log: overflows at 1000",
        "visible",
        """
        def softmax_cross_entropy_with_logits(y_true_onehot, logits):
            y = np.asarray(y_true_onehot, dtype=float)
            z = np.asarray(logits, dtype=float)
            e = np.exp(z)
            probs = e / np.sum(e, axis=-1, keepdims=True)
            return float(np.mean(-np.sum(y * np.log(probs), axis=-1)))
    """,
        diagnosis=(
            "Похоже, вы считаете softmax без вычитания максимума, и при логитах порядка ±1000 "
            "`exp` переполняется"
        ),
    ),
    Mutant(
        "softmax_cross_entropy_with_logits",
        "two steps: clipped cross-entropy of the stable softmax",
        "visible",
        """
        def softmax_cross_entropy_with_logits(y_true_onehot, logits):
            return categorical_cross_entropy(y_true_onehot, softmax(logits))
    """,
        diagnosis=(
            "Похоже, потеря считается в два шага, через `softmax` и обрезку, и при больших логитах "
            "упирается в плато `−ln ε`"
        ),
    ),
    Mutant(
        "softmax_cross_entropy_with_logits",
        "global max of the whole batch instead of each row's (review M9)",
        "visible",
        """
        def softmax_cross_entropy_with_logits(y_true_onehot, logits):
            y = np.asarray(y_true_onehot, dtype=float)
            z = np.asarray(logits, dtype=float)
            z_max = np.max(z)
            log_sum_exp = z_max + np.log(np.sum(np.exp(z - z_max), axis=-1, keepdims=True))
            return float(np.mean(-np.sum(y * (z - log_sum_exp), axis=-1)))
    """,
        diagnosis="Похоже, максимум `M` берётся по всему пакету, а не в каждой строке отдельно",
    ),
    Mutant(
        "softmax_cross_entropy_with_logits",
        "max without keepdims: fails on a batch",
        "visible",
        """
        def softmax_cross_entropy_with_logits(y_true_onehot, logits):
            y = np.asarray(y_true_onehot, dtype=float)
            z = np.asarray(logits, dtype=float)
            z_max = np.max(z, axis=-1)
            log_sum_exp = z_max + np.log(np.sum(np.exp(z - z_max), axis=-1))
            return float(np.mean(-np.sum(y * (z - log_sum_exp), axis=-1)))
    """,
        diagnosis=(
            "Похоже, максимум и сумма строки взяты без `keepdims=True`, и на пакете вычитание из "
            "`z` идёт не по строкам"
        ),
    ),
    Mutant(
        "softmax_cross_entropy_with_logits",
        "k = 3 classes hard-coded (the visible examples' k)",
        "hidden",
        """
        def softmax_cross_entropy_with_logits(y_true_onehot, logits):
            y = np.asarray(y_true_onehot, dtype=float).reshape(-1, 3)
            z = np.asarray(logits, dtype=float).reshape(-1, 3)
            z_max = np.max(z, axis=-1, keepdims=True)
            log_sum_exp = z_max + np.log(np.sum(np.exp(z - z_max), axis=-1, keepdims=True))
            return float(np.mean(-np.sum(y * (z - log_sum_exp), axis=-1)))
    """,
        diagnosis=(
            "Похоже, число классов задано числом из видимых проверок, а не взято из формы входа "
            "(`shape[-1]`)"
        ),
    ),
    Mutant(
        "softmax_cross_entropy_with_logits",
        "hard labels only: the argmax class's log-probability",
        "visible",
        """
        def softmax_cross_entropy_with_logits(y_true_onehot, logits):
            y = np.atleast_2d(np.asarray(y_true_onehot, dtype=float))
            z = np.atleast_2d(np.asarray(logits, dtype=float))
            z_max = np.max(z, axis=-1, keepdims=True)
            lse = z_max + np.log(np.sum(np.exp(z - z_max), axis=-1, keepdims=True))
            log_p = z - lse
            return float(np.mean(-log_p[np.arange(len(z)), np.argmax(y, axis=-1)]))
    """,
        diagnosis=(
            "Похоже, берётся только `ln p` класса с наибольшей меткой (argmax), а для мягких меток "
            "нужна сумма `−Σ y_j·ln p_j`"
        ),
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
        diagnosis="Похоже, у градиента обратный знак: `y − softmax(z)` вместо `softmax(z) − y`",
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
        diagnosis="Похоже, вы делите на число классов `k`, а не на число примеров `m`",
    ),
    Mutant(
        "softmax_cross_entropy_grad",
        "not divided by the batch size",
        "visible",
        """
        def softmax_cross_entropy_grad(y_true_onehot, logits):
            y = np.asarray(y_true_onehot, dtype=float)
            z = np.asarray(logits, dtype=float)
            return softmax(z, axis=-1) - y
    """,
        diagnosis=(
            "Похоже, градиент не делится на число примеров `m`: нужен градиент средней потери"
        ),
    ),
    Mutant(
        "softmax_cross_entropy_grad",
        "softmax without max-subtraction: overflows at 1000",
        "visible",
        """
        def softmax_cross_entropy_grad(y_true_onehot, logits):
            y = np.asarray(y_true_onehot, dtype=float)
            z = np.asarray(logits, dtype=float)
            e = np.exp(z)
            m = z.size // z.shape[-1]
            return (e / np.sum(e, axis=-1, keepdims=True) - y) / m
    """,
        diagnosis=(
            "Похоже, вы считаете softmax сами, без вычитания максимума, и при логитах порядка "
            "±1000 `exp` переполняется"
        ),
    ),
    Mutant(
        "softmax_cross_entropy_grad",
        "shifts the caller's logits in place",
        "visible",
        """
        def softmax_cross_entropy_grad(y_true_onehot, logits):
            y = np.asarray(y_true_onehot, dtype=float)
            z = np.asarray(logits, dtype=float)
            z -= np.max(z, axis=-1, keepdims=True)
            m = z.size // z.shape[-1]
            return (softmax(z, axis=-1) - y) / m
    """,
        diagnosis=(
            "Похоже, максимум вычитается из логитов на месте (`-=`), и массив `logits` вызывающего "
            "меняется"
        ),
    ),
    Mutant(
        "softmax_cross_entropy_grad",
        "k = 3 classes hard-coded (the visible examples' k)",
        "hidden",
        """
        def softmax_cross_entropy_grad(y_true_onehot, logits):
            y = np.asarray(y_true_onehot, dtype=float)
            z = np.asarray(logits, dtype=float)
            rows = z.reshape(-1, 3)
            return ((softmax(rows, axis=-1) - y.reshape(-1, 3)) / len(rows)).reshape(z.shape)
    """,
        diagnosis=(
            "Похоже, число классов задано числом из видимых проверок, а не взято из формы входа "
            "(`shape[-1]`)"
        ),
    ),
    Mutant(
        "softmax_cross_entropy_grad",
        "hard labels only: 1 subtracted at the argmax class",
        "visible",
        """
        def softmax_cross_entropy_grad(y_true_onehot, logits):
            y = np.asarray(y_true_onehot, dtype=float)
            z = np.asarray(logits, dtype=float)
            probs = softmax(z, axis=-1).reshape(-1, z.shape[-1])
            rows = np.arange(len(probs))
            probs[rows, np.argmax(y.reshape(probs.shape), axis=-1)] -= 1.0
            return (probs / len(probs)).reshape(z.shape)
    """,
        diagnosis=(
            "Похоже, единица вычитается только у класса argmax, а вычитать нужно весь вектор меток "
            "`y`"
        ),
    ),
    # --- binary_cross_entropy_with_logits
    Mutant(
        "binary_cross_entropy_with_logits",
        "naive: ln of the (stable) sigmoid, no clipping: log(0) at |z| = 1e4",
        "visible",
        """
        def binary_cross_entropy_with_logits(y_true, logits):
            z = np.asarray(logits, dtype=float)
            y = np.asarray(y_true, dtype=float).reshape(z.shape)
            p = sigmoid(z)
            return float(-np.mean(y * np.log(p) + (1 - y) * np.log(1 - p)))
    """,
        diagnosis=(
            "Похоже, вы берёте логарифм сигмоиды: при больших `|z|` она равна ровно 0 или 1, и "
            "выходит ln 0"
        ),
    ),
    Mutant(
        "binary_cross_entropy_with_logits",
        "sigmoid, then the clipped BCE: plateau at 16.118",
        "visible",
        """
        def binary_cross_entropy_with_logits(y_true, logits):
            z = np.asarray(logits, dtype=float)
            y = np.asarray(y_true, dtype=float).reshape(z.shape)
            p = np.clip(sigmoid(z), 1e-7, 1 - 1e-7)
            return float(-np.mean(y * np.log(p) + (1 - y) * np.log(1 - p)))
    """,
        diagnosis=(
            "Похоже, потеря считается через сигмоиду и обрезку вероятностей, и при больших `|z|` "
            "упирается в плато `−ln ε`"
        ),
    ),
    Mutant(
        "binary_cross_entropy_with_logits",
        "(1 - y) z + ln(1 + e^-z) without |z|: overflows for z << 0",
        "visible",
        """
        def binary_cross_entropy_with_logits(y_true, logits):
            z = np.asarray(logits, dtype=float)
            y = np.asarray(y_true, dtype=float).reshape(z.shape)
            return float(np.mean((1 - y) * z + np.log1p(np.exp(-z))))
    """,
        diagnosis=(
            "Похоже, в формуле `(1 − y)·z + ln(1 + e^(−z))` нет `|z|`, и при больших отрицательных "
            "логитах `e^(−z)` переполняется"
        ),
    ),
    Mutant(
        "binary_cross_entropy_with_logits",
        "logits clipped to +-500 before the plain formula",
        "visible",
        """
        def binary_cross_entropy_with_logits(y_true, logits):
            z = np.clip(np.asarray(logits, dtype=float), -500.0, 500.0)
            y = np.asarray(y_true, dtype=float).reshape(z.shape)
            return float(np.mean((1 - y) * z + np.log1p(np.exp(-z))))
    """,
        diagnosis=(
            "Похоже, логиты обрезаются перед формулой, и потеря уверенной ошибки при больших `|z|` "
            "занижена"
        ),
    ),
    Mutant(
        "binary_cross_entropy_with_logits",
        "summed instead of averaged",
        "visible",
        """
        def binary_cross_entropy_with_logits(y_true, logits):
            z = np.asarray(logits, dtype=float)
            y = np.asarray(y_true, dtype=float).reshape(z.shape)
            return float(np.sum(np.maximum(z, 0.0) - z * y + np.log1p(np.exp(-np.abs(z)))))
    """,
        diagnosis="Похоже, потери элементов суммируются, а не усредняются по всем `N` элементам",
    ),
    Mutant(
        "binary_cross_entropy_with_logits",
        "wrong sign of z*y",
        "visible",
        """
        def binary_cross_entropy_with_logits(y_true, logits):
            z = np.asarray(logits, dtype=float)
            y = np.asarray(y_true, dtype=float).reshape(z.shape)
            return float(np.mean(np.maximum(z, 0.0) + z * y + np.log1p(np.exp(-np.abs(z)))))
    """,
        diagnosis=(
            "Похоже, у слагаемого `z·y` неверный знак: в формуле `max(z, 0) − z·y + ln(1 + "
            "e^(−|z|))`"
        ),
    ),
    Mutant(
        "binary_cross_entropy_with_logits",
        "max(z, 0) left out",
        "visible",
        """
        def binary_cross_entropy_with_logits(y_true, logits):
            z = np.asarray(logits, dtype=float)
            y = np.asarray(y_true, dtype=float).reshape(z.shape)
            return float(np.mean(-z * y + np.log1p(np.exp(-np.abs(z)))))
    """,
        diagnosis="Похоже, в формуле нет слагаемого `max(z, 0)`",
    ),
    Mutant(
        "binary_cross_entropy_with_logits",
        "(m,) against (m, 1) broadcast to (m, m)",
        "visible",
        """
        def binary_cross_entropy_with_logits(y_true, logits):
            z = np.asarray(logits, dtype=float)
            y = np.asarray(y_true, dtype=float)
            return float(np.mean(np.maximum(z, 0.0) - z * y + np.log1p(np.exp(-np.abs(z)))))
    """,
        diagnosis=(
            "Похоже, `y_true` не приведён к форме логитов: формы `(m,)` и `(m, 1)` дают матрицу "
            "`(m, m)`"
        ),
    ),
    Mutant(
        "binary_cross_entropy_with_logits",
        "summed over the last axis, averaged over rows only",
        "visible",
        """
        def binary_cross_entropy_with_logits(y_true, logits):
            z = np.asarray(logits, dtype=float)
            y = np.asarray(y_true, dtype=float).reshape(z.shape)
            per = np.maximum(z, 0.0) - z * y + np.log1p(np.exp(-np.abs(z)))
            if per.ndim < 2:
                return float(np.mean(per))
            return float(np.mean(np.sum(per, axis=-1)))
    """,
        diagnosis=(
            "Похоже, потери суммируются по последней оси и усредняются только по строкам, а не по "
            "всем `N` элементам"
        ),
    ),
    Mutant(
        "binary_cross_entropy_with_logits",
        "returns a 0-d array instead of a float",
        "visible",
        """
        def binary_cross_entropy_with_logits(y_true, logits):
            z = np.asarray(logits, dtype=float)
            y = np.asarray(y_true, dtype=float).reshape(z.shape)
            return np.asarray(np.mean(np.maximum(z, 0.0) - z * y + np.log1p(np.exp(-np.abs(z)))))
    """,
        diagnosis="Похоже, функция возвращает массив NumPy формы `()`, а не число `float`",
    ),
    Mutant(
        "binary_cross_entropy_with_logits",
        "N from the first two axes only (special-cased to at most 2-D)",
        "hidden",
        """
        def binary_cross_entropy_with_logits(y_true, logits):
            z = np.asarray(logits, dtype=float)
            y = np.asarray(y_true, dtype=float).reshape(z.shape)
            n = 1
            for size in z.shape[:2]:
                n *= size
            return float(np.sum(np.maximum(z, 0.0) - z * y + np.log1p(np.exp(-np.abs(z)))) / n)
    """,
        diagnosis=(
            "Похоже, `N` — произведение только первых двух размеров формы, а не число всех "
            "элементов `z.size`"
        ),
    ),
    # --- binary_cross_entropy_with_logits_grad
    Mutant(
        "binary_cross_entropy_with_logits_grad",
        "not divided by N",
        "visible",
        """
        def binary_cross_entropy_with_logits_grad(y_true, logits):
            z = np.asarray(logits, dtype=float)
            y = np.asarray(y_true, dtype=float).reshape(z.shape)
            return sigmoid(z) - y
    """,
        diagnosis="Похоже, градиент не делится на число элементов `N = z.size`",
    ),
    Mutant(
        "binary_cross_entropy_with_logits_grad",
        "divided by the number of rows len(z), not by z.size",
        "visible",
        """
        def binary_cross_entropy_with_logits_grad(y_true, logits):
            z = np.asarray(logits, dtype=float)
            y = np.asarray(y_true, dtype=float).reshape(z.shape)
            return (sigmoid(z) - y) / (len(z) if z.ndim else 1)
    """,
        diagnosis=(
            "Похоже, вы делите на число строк `len(z)`, а не на число всех элементов `z.size`"
        ),
    ),
    Mutant(
        "binary_cross_entropy_with_logits_grad",
        "wrong sign: y - sigmoid(z)",
        "visible",
        """
        def binary_cross_entropy_with_logits_grad(y_true, logits):
            z = np.asarray(logits, dtype=float)
            y = np.asarray(y_true, dtype=float).reshape(z.shape)
            return (y - sigmoid(z)) / z.size
    """,
        diagnosis="Похоже, у градиента обратный знак: `y − σ(z)` вместо `σ(z) − y`",
    ),
    Mutant(
        "binary_cross_entropy_with_logits_grad",
        "naive sigmoid 1 / (1 + e^-z): overflows at z = -1e4",
        "visible",
        """
        def binary_cross_entropy_with_logits_grad(y_true, logits):
            z = np.asarray(logits, dtype=float)
            y = np.asarray(y_true, dtype=float).reshape(z.shape)
            return (1.0 / (1.0 + np.exp(-z)) - y) / z.size
    """,
        diagnosis=(
            "Похоже, сигмоида считается как `1 / (1 + e^(−z))` и переполняется при больших "
            "отрицательных `z`"
        ),
    ),
    Mutant(
        "binary_cross_entropy_with_logits_grad",
        "the gradient by p of the clipped BCE instead of the gradient by z",
        "visible",
        """
        def binary_cross_entropy_with_logits_grad(y_true, logits):
            z = np.asarray(logits, dtype=float)
            y = np.asarray(y_true, dtype=float).reshape(z.shape)
            p = np.clip(sigmoid(z), 1e-7, 1 - 1e-7)
            return (p - y) / (p * (1 - p)) / z.size
    """,
        diagnosis=(
            "Похоже, это градиент по вероятности `p` (как в упражнении 4), а нужен градиент по "
            "логиту `z`"
        ),
    ),
    Mutant(
        "binary_cross_entropy_with_logits_grad",
        "(m,) against (m, 1) broadcast to (m, m)",
        "visible",
        """
        def binary_cross_entropy_with_logits_grad(y_true, logits):
            z = np.asarray(logits, dtype=float)
            y = np.asarray(y_true, dtype=float)
            return (sigmoid(z) - y) / z.size
    """,
        diagnosis=(
            "Похоже, `y_true` не приведён к форме логитов: формы `(m,)` и `(m, 1)` дают матрицу "
            "`(m, m)`"
        ),
    ),
    Mutant(
        "binary_cross_entropy_with_logits_grad",
        "N from the first two axes only (special-cased to at most 2-D)",
        "hidden",
        """
        def binary_cross_entropy_with_logits_grad(y_true, logits):
            z = np.asarray(logits, dtype=float)
            y = np.asarray(y_true, dtype=float).reshape(z.shape)
            n = 1
            for size in z.shape[:2]:
                n *= size
            return (sigmoid(z) - y) / n
    """,
        diagnosis=(
            "Похоже, `N` — произведение только первых двух размеров формы, а не число всех "
            "элементов `z.size`"
        ),
    ),
]
