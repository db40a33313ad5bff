"""Wrong answers to 05-optimizers.

``caught_by="visible"``: the answer breaks a requirement the statement states, and the visible
checks show it. ``caught_by="hidden"``: the over-fitting kind only (hard-coded for the visible
inputs: their keys, sizes or hyper-parameters).
"""

from tests.mutants import Mutant

_ADAM_HEAD = """
class Adam:
    def __init__(self, lr=0.001, beta1=0.9, beta2=0.999, eps=1e-7):
        self.lr, self.beta1, self.beta2, self.eps = lr, beta1, beta2, eps
        self.t, self.m, self.v = 0, {}, {}
"""

_RMS_HEAD = """
class RMSprop:
    def __init__(self, lr=0.001, rho=0.9, eps=1e-7):
        self.lr, self.rho, self.eps = lr, rho, eps
        self.v = {}
"""

MUTANTS = [
    # --- sgd_step
    Mutant(
        "sgd_step",
        "step along the gradient (wrong sign)",
        "visible",
        """
        def sgd_step(params, grads, lr):
            for key, grad in grads.items():
                params[key] += lr * grad
    """,
        diagnosis=(
            "Похоже, шаг делается по градиенту, а не против него: знак перед `lr * grads[k]` "
            "перепутан"
        ),
    ),
    Mutant(
        "sgd_step",
        "returns the updated dict instead of updating it",
        "visible",
        """
        def sgd_step(params, grads, lr):
            return {key: params[key] - lr * grads[key] for key in params}
    """,
        diagnosis="Похоже, функция возвращает новый словарь, а не меняет массивы `params` на месте",
    ),
    Mutant(
        "sgd_step",
        "new arrays put in the dict, not an in-place update (review M1)",
        "visible",
        """
        def sgd_step(params, grads, lr):
            for key in params:
                params[key] = params[key] - lr * grads[key]
    """,
        diagnosis=(
            "Похоже, в `params` кладутся новые массивы (`params[k] = params[k] - …`), а не "
            "меняются прежние на месте"
        ),
    ),
    Mutant(
        "sgd_step",
        "keys of the two-layer network hard-coded",
        "visible",
        """
        def sgd_step(params, grads, lr):
            for key in ("W1", "b1", "W2", "b2"):
                if key in params:
                    params[key] -= lr * grads[key]
    """,
        diagnosis=(
            "Похоже, обновляются только ключи сети `W1`, `b1`, `W2`, `b2`, а не все ключи словаря"
        ),
    ),
    Mutant(
        "sgd_step",
        "scales the gradients in place (grads modified)",
        "visible",
        """
        def sgd_step(params, grads, lr):
            for key, grad in grads.items():
                grad *= lr
                params[key] -= grad
    """,
        diagnosis=(
            "Похоже, массивы `grads` меняются на месте (например, `grad *= lr`), а градиенты "
            "менять нельзя"
        ),
    ),
    Mutant(
        "sgd_step",
        "keys of the visible example hard-coded",
        "hidden",
        """
        def sgd_step(params, grads, lr):
            for key in ("W1", "b1", "gamma"):
                if key in params:
                    params[key] -= lr * grads[key]
    """,
        diagnosis=(
            "Похоже, ключи параметров перечислены в коде, а не взяты из словаря `grads`: решение "
            "подогнано под видимый пример"
        ),
    ),
    Mutant(
        "sgd_step",
        "learning rate of the visible example hard-coded",
        "hidden",
        """
        def sgd_step(params, grads, lr):
            for key, grad in grads.items():
                params[key] -= 0.5 * grad
    """,
        diagnosis="Похоже, скорость обучения задана числом, а не взята из аргумента `lr`",
    ),
    # --- iterate_minibatches
    Mutant(
        "iterate_minibatches",
        "drops the last, incomplete batch",
        "visible",
        """
        def iterate_minibatches(X, y, batch_size, shuffle=True, seed=None):
            X, y = np.asarray(X), np.asarray(y)
            m = X.shape[0]
            order = np.random.default_rng(seed).permutation(m) if shuffle else np.arange(m)
            for start in range(0, m - batch_size + 1, batch_size):
                idx = order[start:start + batch_size]
                yield X[idx], y[idx]
    """,
        diagnosis=(
            "Похоже, последний неполный пакет выбрасывается, а он должен быть выдан (только короче)"
        ),
    ),
    Mutant(
        "iterate_minibatches",
        "samples drawn with replacement (some repeated, some missed)",
        "visible",
        """
        def iterate_minibatches(X, y, batch_size, shuffle=True, seed=None):
            X, y = np.asarray(X), np.asarray(y)
            m = X.shape[0]
            order = np.random.default_rng(seed).integers(0, m, size=m) if shuffle else np.arange(m)
            for start in range(0, m, batch_size):
                idx = order[start:start + batch_size]
                yield X[idx], y[idx]
    """,
        diagnosis=(
            "Похоже, номера примеров выбираются с повторениями, а не перестановкой: одни примеры "
            "повторяются, других нет"
        ),
    ),
    Mutant(
        "iterate_minibatches",
        "X and y shuffled with different permutations",
        "visible",
        """
        def iterate_minibatches(X, y, batch_size, shuffle=True, seed=None):
            X, y = np.asarray(X), np.asarray(y)
            m = X.shape[0]
            rng = np.random.default_rng(seed)
            order_x = rng.permutation(m) if shuffle else np.arange(m)
            order_y = rng.permutation(m) if shuffle else np.arange(m)
            for start in range(0, m, batch_size):
                yield X[order_x[start:start + batch_size]], y[order_y[start:start + batch_size]]
    """,
        diagnosis=(
            "Похоже, `X` и `y` перемешаны разными перестановками, и пример разлучается со своим "
            "ответом"
        ),
    ),
    Mutant(
        "iterate_minibatches",
        "seed ignored (order not reproducible)",
        "visible",
        """
        def iterate_minibatches(X, y, batch_size, shuffle=True, seed=None):
            X, y = np.asarray(X), np.asarray(y)
            m = X.shape[0]
            order = np.random.default_rng().permutation(m) if shuffle else np.arange(m)
            for start in range(0, m, batch_size):
                idx = order[start:start + batch_size]
                yield X[idx], y[idx]
    """,
        diagnosis=(
            "Похоже, `seed` не передаётся в `np.random.default_rng`, и порядок не воспроизводится"
        ),
    ),
    Mutant(
        "iterate_minibatches",
        "another RNG call than the statement's permutation",
        "visible",
        """
        def iterate_minibatches(X, y, batch_size, shuffle=True, seed=None):
            X, y = np.asarray(X), np.asarray(y)
            m = X.shape[0]
            order = np.argsort(np.random.default_rng(seed).random(m)) if shuffle else np.arange(m)
            for start in range(0, m, batch_size):
                idx = order[start:start + batch_size]
                yield X[idx], y[idx]
    """,
        diagnosis=(
            "Похоже, порядок получен не вызовом `np.random.default_rng(seed).permutation(m)` из "
            "условия, а иначе"
        ),
    ),
    Mutant(
        "iterate_minibatches",
        "shuffles whenever a seed is given, even with shuffle=False",
        "visible",
        """
        def iterate_minibatches(X, y, batch_size, shuffle=True, seed=None):
            X, y = np.asarray(X), np.asarray(y)
            m = X.shape[0]
            use_rng = shuffle or seed is not None
            order = np.random.default_rng(seed).permutation(m) if use_rng else np.arange(m)
            for start in range(0, m, batch_size):
                idx = order[start:start + batch_size]
                yield X[idx], y[idx]
    """,
        diagnosis="Похоже, примеры перемешиваются и при `shuffle=False`, если передан `seed`",
    ),
    Mutant(
        "iterate_minibatches",
        "one batch too many: an empty batch when batch_size divides m",
        "visible",
        """
        def iterate_minibatches(X, y, batch_size, shuffle=True, seed=None):
            X, y = np.asarray(X), np.asarray(y)
            m = X.shape[0]
            order = np.random.default_rng(seed).permutation(m) if shuffle else np.arange(m)
            for i in range(m // batch_size + 1):
                idx = order[i * batch_size:(i + 1) * batch_size]
                yield X[idx], y[idx]
    """,
        diagnosis="Похоже, в конце выдаётся лишний пустой пакет, когда `m` делится на `batch_size`",
    ),
    Mutant(
        "iterate_minibatches",
        "targets flattened: y_batch of shape (b,) for y of shape (m, 1)",
        "visible",
        """
        def iterate_minibatches(X, y, batch_size, shuffle=True, seed=None):
            X, y = np.asarray(X), np.asarray(y).ravel()
            m = X.shape[0]
            order = np.random.default_rng(seed).permutation(m) if shuffle else np.arange(m)
            for start in range(0, m, batch_size):
                idx = order[start:start + batch_size]
                yield X[idx], y[idx]
    """,
        diagnosis=(
            "Похоже, `y` вытягивается в одномерный массив, и `y_batch` теряет второе измерение"
        ),
    ),
    Mutant(
        "iterate_minibatches",
        "shuffles X and y in place",
        "visible",
        """
        def iterate_minibatches(X, y, batch_size, shuffle=True, seed=None):
            m = X.shape[0]
            if shuffle:
                order = np.random.default_rng(seed).permutation(m)
                X[:] = X[order]
                y[:] = y[order]
            for start in range(0, m, batch_size):
                yield X[start:start + batch_size].copy(), y[start:start + batch_size].copy()
    """,
        diagnosis="Похоже, `X` и `y` перемешиваются на месте, а их менять нельзя",
    ),
    Mutant(
        "iterate_minibatches",
        "returns a list of batches, not a generator",
        "visible",
        """
        def iterate_minibatches(X, y, batch_size, shuffle=True, seed=None):
            X, y = np.asarray(X), np.asarray(y)
            m = X.shape[0]
            order = np.random.default_rng(seed).permutation(m) if shuffle else np.arange(m)
            return [(X[order[s:s + batch_size]], y[order[s:s + batch_size]])
                    for s in range(0, m, batch_size)]
    """,
        diagnosis="Похоже, функция возвращает список пакетов, а не генератор с `yield`",
    ),
    Mutant(
        "iterate_minibatches",
        "permutation of the visible size m = 10 hard-coded",
        "hidden",
        """
        def iterate_minibatches(X, y, batch_size, shuffle=True, seed=None):
            X, y = np.asarray(X), np.asarray(y)
            m = X.shape[0]
            order = np.random.default_rng(seed).permutation(10) if shuffle else np.arange(m)
            for start in range(0, m, batch_size):
                idx = order[start:start + batch_size]
                yield X[idx], y[idx]
    """,
        diagnosis="Похоже, длина перестановки задана числом, а не равна числу примеров `m`",
    ),
    # --- momentum
    Mutant(
        "momentum",
        "no beta decay: v <- v - lr * g",
        "visible",
        """
        class Momentum:
            def __init__(self, lr=0.01, beta=0.9):
                self.lr, self.beta, self.velocity = lr, beta, {}

            def step(self, params, grads):
                for key, grad in grads.items():
                    v = self.velocity.get(key, np.zeros_like(grad)) - self.lr * grad
                    self.velocity[key] = v
                    params[key] += v
    """,
        diagnosis="Похоже, прошлая скорость не умножается на `beta`: нужно `v ← beta * v - lr * g`",
    ),
    Mutant(
        "momentum",
        "exponential average v <- beta v + (1 - beta) g, w -= lr v",
        "visible",
        """
        class Momentum:
            def __init__(self, lr=0.01, beta=0.9):
                self.lr, self.beta, self.velocity = lr, beta, {}

            def step(self, params, grads):
                for key, grad in grads.items():
                    v = self.velocity.get(key, np.zeros_like(grad))
                    v = self.beta * v + (1 - self.beta) * grad
                    self.velocity[key] = v
                    params[key] -= self.lr * v
    """,
        diagnosis=(
            "Похоже, скорость считается как среднее с множителем `1 - beta`, а не как `v ← beta * "
            "v - lr * g`"
        ),
    ),
    Mutant(
        "momentum",
        "one velocity shared by all parameters (review M1)",
        "visible",
        """
        class Momentum:
            def __init__(self, lr=0.01, beta=0.9):
                self.lr, self.beta, self.velocity = lr, beta, 0.0

            def step(self, params, grads):
                for key, grad in grads.items():
                    self.velocity = self.beta * self.velocity - self.lr * grad
                    params[key] += self.velocity
    """,
        diagnosis="Похоже, одна скорость на все параметры, а не своя для каждого ключа",
    ),
    Mutant(
        "momentum",
        "state kept in a class attribute shared between instances (review M1)",
        "visible",
        """
        class Momentum:
            velocity = {}

            def __init__(self, lr=0.01, beta=0.9):
                self.lr, self.beta = lr, beta

            def step(self, params, grads):
                for key, grad in grads.items():
                    v = self.beta * self.velocity.get(key, np.zeros_like(grad)) - self.lr * grad
                    self.velocity[key] = v
                    params[key] += v
    """,
        diagnosis=(
            "Похоже, скорости хранятся в атрибуте класса, общем для всех оптимизаторов, а не "
            "заводятся в `__init__`"
        ),
    ),
    Mutant(
        "momentum",
        "new arrays put in params, not an in-place update (review M1)",
        "visible",
        """
        class Momentum:
            def __init__(self, lr=0.01, beta=0.9):
                self.lr, self.beta, self.velocity = lr, beta, {}

            def step(self, params, grads):
                for key, grad in grads.items():
                    v = self.beta * self.velocity.get(key, np.zeros_like(grad)) - self.lr * grad
                    self.velocity[key] = v
                    params[key] = params[key] + v
    """,
        diagnosis=(
            "Похоже, в `params` кладутся новые массивы (`params[k] = params[k] + v`), а не "
            "меняются прежние на месте"
        ),
    ),
    Mutant(
        "momentum",
        "velocity kept as the gradient array itself (grads modified)",
        "visible",
        """
        class Momentum:
            def __init__(self, lr=0.01, beta=0.9):
                self.lr, self.beta, self.velocity = lr, beta, {}

            def step(self, params, grads):
                for key, grad in grads.items():
                    v = self.velocity.get(key)
                    grad *= -self.lr
                    if v is not None:
                        grad += self.beta * v
                    self.velocity[key] = grad.copy()
                    params[key] += grad
    """,
        diagnosis=(
            "Похоже, массивы `grads` меняются на месте (например, `grad *= -lr`), а градиенты "
            "менять нельзя"
        ),
    ),
    Mutant(
        "momentum",
        "wrong default learning rate",
        "visible",
        """
        class Momentum:
            def __init__(self, lr=0.001, beta=0.9):
                self.lr, self.beta, self.velocity = lr, beta, {}

            def step(self, params, grads):
                for key, grad in grads.items():
                    v = self.beta * self.velocity.get(key, np.zeros_like(grad)) - self.lr * grad
                    self.velocity[key] = v
                    params[key] += v
    """,
        diagnosis="Похоже, скорость обучения по умолчанию не та, что в условии (`lr=0.01`)",
    ),
    Mutant(
        "momentum",
        "beta of the visible examples (0.9) hard-coded",
        "hidden",
        """
        class Momentum:
            def __init__(self, lr=0.01, beta=0.9):
                self.lr, self.beta, self.velocity = lr, 0.9, {}

            def step(self, params, grads):
                for key, grad in grads.items():
                    v = self.beta * self.velocity.get(key, np.zeros_like(grad)) - self.lr * grad
                    self.velocity[key] = v
                    params[key] += v
    """,
        diagnosis="Похоже, `beta` задано числом, а не взято из аргумента конструктора",
    ),
    Mutant(
        "momentum",
        "keys of the visible example hard-coded",
        "hidden",
        """
        class Momentum:
            def __init__(self, lr=0.01, beta=0.9):
                self.lr, self.beta, self.velocity = lr, beta, {}

            def step(self, params, grads):
                for key in ("b", "w"):
                    if key in grads:
                        grad = grads[key]
                        v = self.beta * self.velocity.get(key, np.zeros_like(grad)) - self.lr * grad
                        self.velocity[key] = v
                        params[key] += v
    """,
        diagnosis=(
            "Похоже, ключи параметров перечислены в коде, а не взяты из словаря `grads`: решение "
            "подогнано под видимый пример"
        ),
    ),
    # --- rmsprop
    Mutant(
        "rmsprop",
        "eps outside the square root (the PyTorch placement)",
        "visible",
        _RMS_HEAD
        + """
    def step(self, params, grads):
        for key, g in grads.items():
            v = self.rho * self.v.get(key, np.zeros_like(g)) + (1 - self.rho) * g**2
            self.v[key] = v
            params[key] -= self.lr * g / (np.sqrt(v) + self.eps)
    """,
        diagnosis=(
            "Похоже, `eps` прибавляется к корню (`np.sqrt(v) + eps`), а не под корнем, как в "
            "условии"
        ),
    ),
    Mutant(
        "rmsprop",
        "bias correction added (v divided by 1 - rho^t)",
        "visible",
        _RMS_HEAD
        + """
        self.t = 0

    def step(self, params, grads):
        self.t += 1
        for key, g in grads.items():
            v = self.rho * self.v.get(key, np.zeros_like(g)) + (1 - self.rho) * g**2
            self.v[key] = v
            params[key] -= self.lr * g / np.sqrt(v / (1 - self.rho**self.t) + self.eps)
    """,
        diagnosis=(
            "Похоже, вы добавили поправку на смещение (деление `v` на `1 - rho**t`), а у RMSprop "
            "её нет"
        ),
    ),
    Mutant(
        "rmsprop",
        "no (1 - rho) factor: a sum of squares, not an average",
        "visible",
        _RMS_HEAD
        + """
    def step(self, params, grads):
        for key, g in grads.items():
            v = self.rho * self.v.get(key, np.zeros_like(g)) + g**2
            self.v[key] = v
            params[key] -= self.lr * g / np.sqrt(v + self.eps)
    """,
        diagnosis=(
            "Похоже, `g**2` входит в `v` без множителя `1 - rho`: получается сумма квадратов, а не "
            "среднее"
        ),
    ),
    Mutant(
        "rmsprop",
        "rho and 1 - rho swapped",
        "visible",
        _RMS_HEAD
        + """
    def step(self, params, grads):
        for key, g in grads.items():
            v = (1 - self.rho) * self.v.get(key, np.zeros_like(g)) + self.rho * g**2
            self.v[key] = v
            params[key] -= self.lr * g / np.sqrt(v + self.eps)
    """,
        diagnosis="Похоже, множители `rho` и `1 - rho` в среднем квадратов перепутаны местами",
    ),
    Mutant(
        "rmsprop",
        "divides by v, not by its square root",
        "visible",
        _RMS_HEAD
        + """
    def step(self, params, grads):
        for key, g in grads.items():
            v = self.rho * self.v.get(key, np.zeros_like(g)) + (1 - self.rho) * g**2
            self.v[key] = v
            params[key] -= self.lr * g / (v + self.eps)
    """,
        diagnosis="Похоже, шаг делится на `v + eps`, а не на корень из него",
    ),
    Mutant(
        "rmsprop",
        "the average of squares never stored (v is always the first step's)",
        "visible",
        _RMS_HEAD
        + """
    def step(self, params, grads):
        for key, g in grads.items():
            v = self.rho * self.v.get(key, np.zeros_like(g)) + (1 - self.rho) * g**2
            params[key] -= self.lr * g / np.sqrt(v + self.eps)
    """,
        diagnosis=(
            "Похоже, новое `v` не записывается в словарь, и среднее квадратов не копится между "
            "шагами"
        ),
    ),
    Mutant(
        "rmsprop",
        "one average shared by all parameters",
        "visible",
        """
        class RMSprop:
            def __init__(self, lr=0.001, rho=0.9, eps=1e-7):
                self.lr, self.rho, self.eps = lr, rho, eps
                self.v = 0.0

            def step(self, params, grads):
                for key, g in grads.items():
                    self.v = self.rho * self.v + (1 - self.rho) * g**2
                    params[key] -= self.lr * g / np.sqrt(self.v + self.eps)
    """,
        diagnosis="Похоже, одно среднее квадратов на все параметры, а не своё для каждого ключа",
    ),
    Mutant(
        "rmsprop",
        "new arrays put in params, not an in-place update",
        "visible",
        _RMS_HEAD
        + """
    def step(self, params, grads):
        for key, g in grads.items():
            v = self.rho * self.v.get(key, np.zeros_like(g)) + (1 - self.rho) * g**2
            self.v[key] = v
            params[key] = params[key] - self.lr * g / np.sqrt(v + self.eps)
    """,
        diagnosis=(
            "Похоже, в `params` кладутся новые массивы (`params[k] = params[k] - …`), а не "
            "меняются прежние на месте"
        ),
    ),
    Mutant(
        "rmsprop",
        "state in a class attribute shared between instances",
        "visible",
        """
        class RMSprop:
            v = {}

            def __init__(self, lr=0.001, rho=0.9, eps=1e-7):
                self.lr, self.rho, self.eps = lr, rho, eps

            def step(self, params, grads):
                for key, g in grads.items():
                    v = self.rho * self.v.get(key, np.zeros_like(g)) + (1 - self.rho) * g**2
                    self.v[key] = v
                    params[key] -= self.lr * g / np.sqrt(v + self.eps)
    """,
        diagnosis=(
            "Похоже, средние квадратов хранятся в атрибуте класса, общем для всех оптимизаторов, а "
            "не заводятся в `__init__`"
        ),
    ),
    Mutant(
        "rmsprop",
        "scales the gradients in place (grads modified)",
        "visible",
        _RMS_HEAD
        + """
    def step(self, params, grads):
        for key, g in grads.items():
            v = self.rho * self.v.get(key, np.zeros_like(g)) + (1 - self.rho) * g**2
            self.v[key] = v
            g /= np.sqrt(v + self.eps)
            params[key] -= self.lr * g
    """,
        diagnosis=(
            "Похоже, массивы `grads` меняются на месте (например, `g /= …`), а градиенты менять "
            "нельзя"
        ),
    ),
    Mutant(
        "rmsprop",
        "rho and eps of the constructor ignored (Keras defaults hard-coded)",
        "hidden",
        """
        class RMSprop:
            def __init__(self, lr=0.001, rho=0.9, eps=1e-7):
                self.lr, self.rho, self.eps = lr, 0.9, 1e-7
                self.v = {}

            def step(self, params, grads):
                for key, g in grads.items():
                    v = self.rho * self.v.get(key, np.zeros_like(g)) + (1 - self.rho) * g**2
                    self.v[key] = v
                    params[key] -= self.lr * g / np.sqrt(v + self.eps)
    """,
        diagnosis="Похоже, `rho` и `eps` заданы числами, а не взяты из аргументов конструктора",
    ),
    Mutant(
        "rmsprop",
        "keys of the visible examples hard-coded",
        "hidden",
        _RMS_HEAD
        + """
    def step(self, params, grads):
        for key in ("b", "w"):
            if key in grads:
                g = grads[key]
                v = self.rho * self.v.get(key, np.zeros_like(g)) + (1 - self.rho) * g**2
                self.v[key] = v
                params[key] -= self.lr * g / np.sqrt(v + self.eps)
    """,
        diagnosis=(
            "Похоже, ключи параметров перечислены в коде, а не взяты из словаря `grads`: решение "
            "подогнано под видимый пример"
        ),
    ),
    # --- adam
    Mutant(
        "adam",
        "no bias correction",
        "visible",
        """
        class Adam:
            def __init__(self, lr=0.001, beta1=0.9, beta2=0.999, eps=1e-7):
                self.lr, self.beta1, self.beta2, self.eps = lr, beta1, beta2, eps
                self.m, self.v = {}, {}

            def step(self, params, grads):
                for key, g in grads.items():
                    m = self.beta1 * self.m.get(key, np.zeros_like(g)) + (1 - self.beta1) * g
                    v = self.beta2 * self.v.get(key, np.zeros_like(g)) + (1 - self.beta2) * g**2
                    self.m[key], self.v[key] = m, v
                    params[key] -= self.lr * m / (np.sqrt(v) + self.eps)
    """,
        diagnosis=(
            "Похоже, нет поправки на смещение: шаг делается с `lr`, а не с поправленной скоростью "
            "`lr_t`"
        ),
    ),
    Mutant(
        "adam",
        "eps inside the square root",
        "visible",
        _ADAM_HEAD
        + """
    def step(self, params, grads):
        self.t += 1
        lr_t = self.lr * np.sqrt(1 - self.beta2**self.t) / (1 - self.beta1**self.t)
        for key, g in grads.items():
            m = self.beta1 * self.m.get(key, np.zeros_like(g)) + (1 - self.beta1) * g
            v = self.beta2 * self.v.get(key, np.zeros_like(g)) + (1 - self.beta2) * g**2
            self.m[key], self.v[key] = m, v
            params[key] -= lr_t * m / np.sqrt(v + self.eps)
    """,
        diagnosis=(
            "Похоже, `eps` стоит под корнем (`np.sqrt(v + eps)`), а у Adam он прибавляется к корню"
        ),
    ),
    Mutant(
        "adam",
        "algorithm 1 of the paper (m_hat, v_hat, eps outside sqrt(v_hat)) — review m5",
        "visible",
        _ADAM_HEAD
        + """
    def step(self, params, grads):
        self.t += 1
        for key, g in grads.items():
            m = self.beta1 * self.m.get(key, np.zeros_like(g)) + (1 - self.beta1) * g
            v = self.beta2 * self.v.get(key, np.zeros_like(g)) + (1 - self.beta2) * g**2
            self.m[key], self.v[key] = m, v
            m_hat, v_hat = m / (1 - self.beta1**self.t), v / (1 - self.beta2**self.t)
            params[key] -= self.lr * m_hat / (np.sqrt(v_hat) + self.eps)
    """,
        diagnosis=(
            "Похоже, вы пишете алгоритм 1 статьи (с `m̂` и `v̂`), а не форму Keras с `lr_t` из "
            "условия"
        ),
    ),
    Mutant(
        "adam",
        "moments shared between parameters (review M1)",
        "visible",
        """
        class Adam:
            def __init__(self, lr=0.001, beta1=0.9, beta2=0.999, eps=1e-7):
                self.lr, self.beta1, self.beta2, self.eps = lr, beta1, beta2, eps
                self.t, self.m, self.v = 0, 0.0, 0.0

            def step(self, params, grads):
                self.t += 1
                lr_t = self.lr * np.sqrt(1 - self.beta2**self.t) / (1 - self.beta1**self.t)
                for key, g in grads.items():
                    self.m = self.beta1 * self.m + (1 - self.beta1) * g
                    self.v = self.beta2 * self.v + (1 - self.beta2) * g**2
                    params[key] -= lr_t * self.m / (np.sqrt(self.v) + self.eps)
    """,
        diagnosis="Похоже, одни моменты `m` и `v` на все параметры, а не свои для каждого ключа",
    ),
    Mutant(
        "adam",
        "step counter advanced once per parameter, not once per step (review M1)",
        "visible",
        _ADAM_HEAD
        + """
    def step(self, params, grads):
        for key, g in grads.items():
            self.t += 1
            lr_t = self.lr * np.sqrt(1 - self.beta2**self.t) / (1 - self.beta1**self.t)
            m = self.beta1 * self.m.get(key, np.zeros_like(g)) + (1 - self.beta1) * g
            v = self.beta2 * self.v.get(key, np.zeros_like(g)) + (1 - self.beta2) * g**2
            self.m[key], self.v[key] = m, v
            params[key] -= lr_t * m / (np.sqrt(v) + self.eps)
    """,
        diagnosis="Похоже, `t` увеличивается для каждого ключа, а не один раз за шаг",
    ),
    Mutant(
        "adam",
        "new arrays put in params, not an in-place update",
        "visible",
        _ADAM_HEAD
        + """
    def step(self, params, grads):
        self.t += 1
        lr_t = self.lr * np.sqrt(1 - self.beta2**self.t) / (1 - self.beta1**self.t)
        for key, g in grads.items():
            m = self.beta1 * self.m.get(key, np.zeros_like(g)) + (1 - self.beta1) * g
            v = self.beta2 * self.v.get(key, np.zeros_like(g)) + (1 - self.beta2) * g**2
            self.m[key], self.v[key] = m, v
            params[key] = params[key] - lr_t * m / (np.sqrt(v) + self.eps)
    """,
        diagnosis=(
            "Похоже, в `params` кладутся новые массивы (`params[k] = params[k] - …`), а не "
            "меняются прежние на месте"
        ),
    ),
    Mutant(
        "adam",
        "state kept in class attributes shared between instances",
        "visible",
        """
        class Adam:
            t, m, v = 0, {}, {}

            def __init__(self, lr=0.001, beta1=0.9, beta2=0.999, eps=1e-7):
                self.lr, self.beta1, self.beta2, self.eps = lr, beta1, beta2, eps

            def step(self, params, grads):
                Adam.t += 1
                lr_t = self.lr * np.sqrt(1 - self.beta2**Adam.t) / (1 - self.beta1**Adam.t)
                for key, g in grads.items():
                    m = self.beta1 * self.m.get(key, np.zeros_like(g)) + (1 - self.beta1) * g
                    v = self.beta2 * self.v.get(key, np.zeros_like(g)) + (1 - self.beta2) * g**2
                    self.m[key], self.v[key] = m, v
                    params[key] -= lr_t * m / (np.sqrt(v) + self.eps)
    """,
        diagnosis=(
            "Похоже, счётчик `t` и моменты хранятся в атрибутах класса, общих для всех "
            "оптимизаторов, а не заводятся в `__init__`"
        ),
    ),
    Mutant(
        "adam",
        "hyper-parameters of the constructor ignored (Keras defaults hard-coded)",
        "hidden",
        """
        class Adam:
            def __init__(self, lr=0.001, beta1=0.9, beta2=0.999, eps=1e-7):
                self.lr, self.beta1, self.beta2, self.eps = lr, 0.9, 0.999, 1e-7
                self.t, self.m, self.v = 0, {}, {}

            def step(self, params, grads):
                self.t += 1
                lr_t = self.lr * np.sqrt(1 - self.beta2**self.t) / (1 - self.beta1**self.t)
                for key, g in grads.items():
                    m = self.beta1 * self.m.get(key, np.zeros_like(g)) + (1 - self.beta1) * g
                    v = self.beta2 * self.v.get(key, np.zeros_like(g)) + (1 - self.beta2) * g**2
                    self.m[key], self.v[key] = m, v
                    params[key] -= lr_t * m / (np.sqrt(v) + self.eps)
    """,
        diagnosis=(
            "Похоже, `beta1`, `beta2` и `eps` заданы числами, а не взяты из аргументов конструктора"
        ),
    ),
    Mutant(
        "adam",
        "keys of the visible examples hard-coded",
        "hidden",
        _ADAM_HEAD
        + """
    def step(self, params, grads):
        self.t += 1
        lr_t = self.lr * np.sqrt(1 - self.beta2**self.t) / (1 - self.beta1**self.t)
        for key in ("b", "w"):
            if key in grads:
                g = grads[key]
                m = self.beta1 * self.m.get(key, np.zeros_like(g)) + (1 - self.beta1) * g
                v = self.beta2 * self.v.get(key, np.zeros_like(g)) + (1 - self.beta2) * g**2
                self.m[key], self.v[key] = m, v
                params[key] -= lr_t * m / (np.sqrt(v) + self.eps)
    """,
        diagnosis=(
            "Похоже, ключи параметров перечислены в коде, а не взяты из словаря `grads`: решение "
            "подогнано под видимый пример"
        ),
    ),
    # --- train
    Mutant(
        "train",
        "reports the mean of the batch losses (before each update)",
        "visible",
        """
        def train(X, Y, params, optimizer, epochs, batch_size, seed):
            X = np.asarray(X, dtype=float)
            Y = np.asarray(Y, dtype=float).reshape(X.shape[0], -1)
            losses = []
            for epoch in range(epochs):
                batch_losses = []
                batches = iterate_minibatches(X, Y, batch_size, shuffle=True, seed=seed + epoch)
                for Xb, Yb in batches:
                    A2, cache = forward(Xb, params)
                    batch_losses.append(binary_cross_entropy(Yb, A2))
                    optimizer.step(params, backward(Xb, Yb, cache, params))
                losses.append(float(np.mean(batch_losses)))
            return losses
    """,
        diagnosis=(
            "Похоже, потери эпохи — среднее потерь пакетов до шагов, а не потери на всей выборке "
            "после эпохи"
        ),
    ),
    Mutant(
        "train",
        "trains a copy of params",
        "visible",
        """
        def train(X, Y, params, optimizer, epochs, batch_size, seed):
            params = {k: v.copy() for k, v in params.items()}
            X = np.asarray(X, dtype=float)
            Y = np.asarray(Y, dtype=float).reshape(X.shape[0], -1)
            losses = []
            for epoch in range(epochs):
                batches = iterate_minibatches(X, Y, batch_size, shuffle=True, seed=seed + epoch)
                for Xb, Yb in batches:
                    _, cache = forward(Xb, params)
                    optimizer.step(params, backward(Xb, Yb, cache, params))
                losses.append(binary_cross_entropy(Y, forward(X, params)[0]))
            return losses
    """,
        diagnosis=(
            "Похоже, обучается копия `params`, а не переданный словарь: его массивы должны "
            "меняться на месте"
        ),
    ),
    Mutant(
        "train",
        "the same shuffling seed in every epoch (review M1)",
        "visible",
        """
        def train(X, Y, params, optimizer, epochs, batch_size, seed):
            X = np.asarray(X, dtype=float)
            Y = np.asarray(Y, dtype=float).reshape(X.shape[0], -1)
            losses = []
            for epoch in range(epochs):
                for Xb, Yb in iterate_minibatches(X, Y, batch_size, shuffle=True, seed=seed):
                    _, cache = forward(Xb, params)
                    optimizer.step(params, backward(Xb, Yb, cache, params))
                losses.append(binary_cross_entropy(Y, forward(X, params)[0]))
            return losses
    """,
        diagnosis=(
            "Похоже, во всех эпохах перемешивание идёт с одним зерном `seed`, а не с `seed + e`"
        ),
    ),
    Mutant(
        "train",
        "the epoch number as the seed (seed argument ignored)",
        "visible",
        """
        def train(X, Y, params, optimizer, epochs, batch_size, seed):
            X = np.asarray(X, dtype=float)
            Y = np.asarray(Y, dtype=float).reshape(X.shape[0], -1)
            losses = []
            for epoch in range(epochs):
                for Xb, Yb in iterate_minibatches(X, Y, batch_size, shuffle=True, seed=epoch):
                    _, cache = forward(Xb, params)
                    optimizer.step(params, backward(Xb, Yb, cache, params))
                losses.append(binary_cross_entropy(Y, forward(X, params)[0]))
            return losses
    """,
        diagnosis=(
            "Похоже, зерно перемешивания — номер эпохи `e`, а не `seed + e`: аргумент `seed` не "
            "используется"
        ),
    ),
    Mutant(
        "train",
        "no shuffling",
        "visible",
        """
        def train(X, Y, params, optimizer, epochs, batch_size, seed):
            X = np.asarray(X, dtype=float)
            Y = np.asarray(Y, dtype=float).reshape(X.shape[0], -1)
            losses = []
            for epoch in range(epochs):
                for Xb, Yb in iterate_minibatches(X, Y, batch_size, shuffle=False):
                    _, cache = forward(Xb, params)
                    optimizer.step(params, backward(Xb, Yb, cache, params))
                losses.append(binary_cross_entropy(Y, forward(X, params)[0]))
            return losses
    """,
        diagnosis="Похоже, примеры не перемешиваются: нужно `shuffle=True` с зерном `seed + e`",
    ),
    Mutant(
        "train",
        "returns an ndarray of losses, not a list (review M1)",
        "visible",
        """
        def train(X, Y, params, optimizer, epochs, batch_size, seed):
            X = np.asarray(X, dtype=float)
            Y = np.asarray(Y, dtype=float).reshape(X.shape[0], -1)
            losses = []
            for epoch in range(epochs):
                batches = iterate_minibatches(X, Y, batch_size, shuffle=True, seed=seed + epoch)
                for Xb, Yb in batches:
                    _, cache = forward(Xb, params)
                    optimizer.step(params, backward(Xb, Yb, cache, params))
                losses.append(binary_cross_entropy(Y, forward(X, params)[0]))
            return np.array(losses)
    """,
        diagnosis="Похоже, функция возвращает массив NumPy, а не список Python",
    ),
    Mutant(
        "train",
        "two optimizer steps per batch",
        "visible",
        """
        def train(X, Y, params, optimizer, epochs, batch_size, seed):
            X = np.asarray(X, dtype=float)
            Y = np.asarray(Y, dtype=float).reshape(X.shape[0], -1)
            losses = []
            for epoch in range(epochs):
                batches = iterate_minibatches(X, Y, batch_size, shuffle=True, seed=seed + epoch)
                for Xb, Yb in batches:
                    for _ in range(2):
                        _, cache = forward(Xb, params)
                        optimizer.step(params, backward(Xb, Yb, cache, params))
                losses.append(binary_cross_entropy(Y, forward(X, params)[0]))
            return losses
    """,
        diagnosis="Похоже, на один пакет делается больше одного шага оптимизатора",
    ),
    Mutant(
        "train",
        "targets reshaped to the visible size (4, 1)",
        "hidden",
        """
        def train(X, Y, params, optimizer, epochs, batch_size, seed):
            X = np.asarray(X, dtype=float)
            Y = np.asarray(Y, dtype=float).reshape(4, 1)
            losses = []
            for epoch in range(epochs):
                batches = iterate_minibatches(X, Y, batch_size, shuffle=True, seed=seed + epoch)
                for Xb, Yb in batches:
                    _, cache = forward(Xb, params)
                    optimizer.step(params, backward(Xb, Yb, cache, params))
                losses.append(binary_cross_entropy(Y, forward(X, params)[0]))
            return losses
    """,
        diagnosis="Похоже, форма `Y` задана числами, а не взята из числа примеров в `X`",
    ),
]
