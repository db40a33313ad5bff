"""Wrong answers to 01-neuron.

``caught_by="visible"``: the answer breaks what the statement states (the formula, a promised input
type or shape, the attributes, the exact update rule, inputs unchanged); ``"hidden"``: the answer
is tailored to the visible inputs (their shapes, sizes or data) and fails on other ones.
"""

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
        diagnosis=(
            "Похоже, в показателе степени потерян минус: считается `1 / (1 + e^x)`, а не "
            "`1 / (1 + e^(-x))`"
        ),
    ),
    Mutant(
        "sigmoid",
        "math.exp: scalars only",
        "visible",
        """
        import math

        def sigmoid(x):
            return 1.0 / (1.0 + math.exp(-x))
    """,
        diagnosis=(
            "Похоже, вы считаете через `math.exp`, который принимает только одно число, а не "
            "список или массив"
        ),
    ),
    Mutant(
        "sigmoid",
        "no np.asarray: a list cannot be negated",
        "visible",
        """
        def sigmoid(x):
            return 1.0 / (1.0 + np.exp(-x))
    """,
        diagnosis="Похоже, вход не превращён в массив NumPy: у списка нет унарного минуса `-x`",
    ),
    Mutant(
        "sigmoid",
        "overwrites its input in place",
        "visible",
        """
        def sigmoid(x):
            x = np.asarray(x, dtype=float)
            np.negative(x, out=x)
            np.exp(x, out=x)
            x += 1.0
            return 1.0 / x
    """,
        diagnosis=(
            "Похоже, функция меняет входной массив `x` на месте, а не вычисляет новый массив"
        ),
    ),
    Mutant(
        "sigmoid",
        "loop that only handles 1-D input",
        "visible",
        """
        import math

        def sigmoid(x):
            x = np.asarray(x, dtype=float)
            if x.ndim == 0:
                return 1.0 / (1.0 + np.exp(-x))
            return np.array([1.0 / (1.0 + math.exp(-v)) for v in x])
    """,
        diagnosis=(
            "Похоже, цикл по элементам обходит только одномерный вход, а `x` может быть массивом "
            "любой формы"
        ),
    ),
    Mutant(
        "sigmoid",
        "flattens its input: the result is 1-D",
        "visible",
        """
        def sigmoid(x):
            x = np.asarray(x, dtype=float).ravel()
            return 1.0 / (1.0 + np.exp(-x))
    """,
        diagnosis="Похоже, результат вытянут в одномерный массив и не сохраняет форму входа `x`",
    ),
    Mutant(
        "sigmoid",
        "nested loops written for at most two dimensions",
        "hidden",
        """
        import math

        def sigmoid(x):
            x = np.asarray(x, dtype=float)
            if x.ndim == 0:
                return np.float64(1.0 / (1.0 + math.exp(-x)))
            if x.ndim == 1:
                return np.array([1.0 / (1.0 + math.exp(-v)) for v in x])
            return np.array([[1.0 / (1.0 + math.exp(-v)) for v in row] for row in x])
    """,
        diagnosis=(
            "Похоже, циклы по элементам написаны только для размерностей из видимых проверок, а "
            "`x` может быть любой формы"
        ),
    ),
    Mutant(
        "sigmoid",
        "a table of the visible points, linear in between",
        "hidden",
        """
        _KNOTS = np.array([-2.0, -1.0, -0.25, 0.0, 0.5, 1.0, 3.0])
        _VALUES = 1.0 / (1.0 + np.exp(-_KNOTS))

        def sigmoid(x):
            x = np.asarray(x, dtype=float)
            return np.interp(x, _KNOTS, _VALUES)
    """,
        diagnosis=(
            "Похоже, решение подогнано под точки видимых проверок и не вычисляет сигмоиду для "
            "других `x`"
        ),
    ),
    # --- neuron
    Mutant(
        "neuron",
        "bias forgotten",
        "visible",
        """
        class Neuron:
            def __init__(self, weights, bias):
                self.weights = np.asarray(weights, dtype=float)
                self.bias = float(bias)

            def feedforward(self, x):
                return sigmoid(np.dot(self.weights, x))
    """,
        diagnosis=(
            "Похоже, к взвешенной сумме не прибавлено смещение: предактивация должна быть "
            "`w · x + b`"
        ),
    ),
    Mutant(
        "neuron",
        "no activation",
        "visible",
        """
        class Neuron:
            def __init__(self, weights, bias):
                self.weights = np.asarray(weights, dtype=float)
                self.bias = float(bias)

            def feedforward(self, x):
                return np.dot(self.weights, x) + self.bias
    """,
        diagnosis="Похоже, `feedforward` возвращает предактивацию `w · x + b` без сигмоиды",
    ),
    Mutant(
        "neuron",
        "weights kept as the list given",
        "visible",
        """
        class Neuron:
            def __init__(self, weights, bias):
                self.weights = weights
                self.bias = bias

            def feedforward(self, x):
                return sigmoid(np.dot(self.weights, x) + self.bias)
    """,
        diagnosis=(
            "Похоже, веса сохранены в том виде, в каком переданы, а не массивом NumPy `np.ndarray`"
        ),
    ),
    Mutant(
        "neuron",
        "written for exactly two inputs",
        "visible",
        """
        class Neuron:
            def __init__(self, weights, bias):
                self.weights = np.asarray(weights, dtype=float)
                self.bias = float(bias)

            def feedforward(self, x):
                total = self.weights[0] * x[0] + self.weights[1] * x[1] + self.bias
                return sigmoid(total)
    """,
        diagnosis=(
            "Похоже, взвешенная сумма расписана ровно для двух входов, а нейрон должен работать с "
            "любым числом входов `n`"
        ),
    ),
    Mutant(
        "neuron",
        "weights as a row (1, n): the output has shape (1,)",
        "visible",
        """
        class Neuron:
            def __init__(self, weights, bias):
                self.weights = np.asarray(weights, dtype=float).reshape(1, -1)
                self.bias = float(bias)

            def feedforward(self, x):
                return sigmoid(self.weights @ np.asarray(x, dtype=float) + self.bias)
    """,
        diagnosis=(
            "Похоже, веса хранятся строкой формы `(1, n)`, и выход — массив формы `(1,)`, а не "
            "одно число"
        ),
    ),
    Mutant(
        "neuron",
        "terms written out for two or three inputs",
        "hidden",
        """
        class Neuron:
            def __init__(self, weights, bias):
                self.weights = np.asarray(weights, dtype=float)
                self.bias = float(bias)

            def feedforward(self, x):
                w = self.weights
                x = np.asarray(x, dtype=float)
                if len(w) == 2:
                    total = w[0] * x[0] + w[1] * x[1]
                else:
                    total = w[0] * x[0] + w[1] * x[1] + w[2] * x[2]
                return sigmoid(total + self.bias)
    """,
        diagnosis=(
            "Похоже, взвешенная сумма расписана по слагаемым для числа входов из видимых проверок, "
            "а не для любого `n`"
        ),
    ),
    # --- network
    Mutant(
        "network",
        "output neuron fed the inputs instead of h1, h2",
        "visible",
        """
        class OurNeuralNetwork:
            def __init__(self):
                self.h1 = Neuron([0, 1], 0)
                self.h2 = Neuron([0, 1], 0)
                self.o1 = Neuron([0, 1], 0)

            def feedforward(self, x):
                self.h1.feedforward(x)
                self.h2.feedforward(x)
                return self.o1.feedforward(x)
    """,
        diagnosis=(
            "Похоже, выходной нейрон `o1` получает на вход `x`, а не выходы скрытого слоя "
            "`[h1, h2]`"
        ),
    ),
    Mutant(
        "network",
        "hidden layer without activation",
        "visible",
        """
        class OurNeuralNetwork:
            def __init__(self):
                self.h1 = Neuron([0, 1], 0)
                self.h2 = Neuron([0, 1], 0)
                self.o1 = Neuron([0, 1], 0)

            def feedforward(self, x):
                z1 = np.dot(self.h1.weights, x) + self.h1.bias
                z2 = np.dot(self.h2.weights, x) + self.h2.bias
                return self.o1.feedforward([z1, z2])
    """,
        diagnosis=(
            "Похоже, скрытые нейроны передают в `o1` свои предактивации без сигмоиды, а не выходы "
            "`h1`, `h2`"
        ),
    ),
    Mutant(
        "network",
        "o1 with weights [1, 0]: the symmetric example hides it",
        "visible",
        """
        class OurNeuralNetwork:
            def __init__(self):
                self.h1 = Neuron([0, 1], 0)
                self.h2 = Neuron([0, 1], 0)
                self.o1 = Neuron([1, 0], 0)

            def feedforward(self, x):
                return self.o1.feedforward([self.h1.feedforward(x), self.h2.feedforward(x)])
    """,
        diagnosis=(
            "Похоже, у выходного нейрона `o1` другие веса, а у всех трёх нейронов сети веса "
            "`[0, 1]`"
        ),
    ),
    Mutant(
        "network",
        "neurons made inside feedforward, none kept as attributes",
        "visible",
        """
        class OurNeuralNetwork:
            def __init__(self):
                pass

            def feedforward(self, x):
                h = Neuron([0, 1], 0)
                out = h.feedforward(x)
                return Neuron([0, 1], 0).feedforward([out, out])
    """,
        diagnosis=(
            "Похоже, нейроны создаются внутри `feedforward`, а не в конструкторе как атрибуты "
            "`self.h1`, `self.h2`, `self.o1`"
        ),
    ),
    Mutant(
        "network",
        "answer for [2, 3] hard-coded",
        "hidden",
        """
        class OurNeuralNetwork:
            def __init__(self):
                self.h1 = Neuron([0, 1], 0)
                self.h2 = Neuron([0, 1], 0)
                self.o1 = Neuron([0, 1], 0)

            def feedforward(self, x):
                return np.float64(0.7216325609518421)
    """,
        diagnosis="Похоже, выход сети не вычисляется по `x`, а подогнан под вход видимой проверки",
    ),
    # --- train_neuron
    Mutant(
        "train_neuron",
        "update with the wrong sign",
        "visible",
        """
        def train_neuron(X, y, n_iter, seed):
            X = np.asarray(X, dtype=float)
            y = np.asarray(y, dtype=float).reshape(-1)
            w = 2 * np.random.default_rng(seed).random(3) - 1
            for _ in range(n_iter):
                out = sigmoid(X @ w)
                w = w - X.T @ ((y - out) * out * (1 - out))
            return w
    """,
        diagnosis=(
            "Похоже, поправка весов вычитается, а по правилу она прибавляется: `w ← w + Xᵀ(…)`"
        ),
    ),
    Mutant(
        "train_neuron",
        "initial weights in [0, 1) instead of [-1, 1)",
        "visible",
        """
        def train_neuron(X, y, n_iter, seed):
            X = np.asarray(X, dtype=float)
            y = np.asarray(y, dtype=float).reshape(-1)
            w = np.random.default_rng(seed).random(3)
            for _ in range(n_iter):
                out = sigmoid(X @ w)
                w = w + X.T @ ((y - out) * out * (1 - out))
            return w
    """,
        diagnosis="Похоже, начальные веса взяты из [0, 1) без `2 * … - 1`, а не из [-1, 1)",
    ),
    Mutant(
        "train_neuron",
        "global np.random.seed instead of default_rng",
        "visible",
        """
        def train_neuron(X, y, n_iter, seed):
            X = np.asarray(X, dtype=float)
            y = np.asarray(y, dtype=float).reshape(-1)
            np.random.seed(seed)
            w = 2 * np.random.random(3) - 1
            for _ in range(n_iter):
                out = sigmoid(X @ w)
                w = w + X.T @ ((y - out) * out * (1 - out))
            return w
    """,
        diagnosis=(
            "Похоже, начальные веса берутся через глобальный `np.random.seed`, а не из "
            "`np.random.default_rng(seed)`"
        ),
    ),
    Mutant(
        "train_neuron",
        "one step too many",
        "visible",
        """
        def train_neuron(X, y, n_iter, seed):
            X = np.asarray(X, dtype=float)
            y = np.asarray(y, dtype=float).reshape(-1)
            w = 2 * np.random.default_rng(seed).random(3) - 1
            for _ in range(n_iter + 1):
                out = sigmoid(X @ w)
                w = w + X.T @ ((y - out) * out * (1 - out))
            return w
    """,
        diagnosis="Похоже, обучение делает на один шаг больше, чем `n_iter`",
    ),
    Mutant(
        "train_neuron",
        "sigmoid derivative left out",
        "visible",
        """
        def train_neuron(X, y, n_iter, seed):
            X = np.asarray(X, dtype=float)
            y = np.asarray(y, dtype=float).reshape(-1)
            w = 2 * np.random.default_rng(seed).random(3) - 1
            for _ in range(n_iter):
                out = sigmoid(X @ w)
                w = w + X.T @ (y - out)
            return w
    """,
        diagnosis="Похоже, в шаге нет множителя `out ⊙ (1 − out)` — производной сигмоиды",
    ),
    Mutant(
        "train_neuron",
        "update divided by m (the mean instead of the sum)",
        "visible",
        """
        def train_neuron(X, y, n_iter, seed):
            X = np.asarray(X, dtype=float)
            y = np.asarray(y, dtype=float).reshape(-1)
            w = 2 * np.random.default_rng(seed).random(3) - 1
            for _ in range(n_iter):
                out = sigmoid(X @ w)
                w = w + X.T @ ((y - out) * out * (1 - out)) / len(y)
            return w
    """,
        diagnosis=(
            "Похоже, поправка делится на число примеров `m`, а по правилу это сумма по примерам "
            "без деления"
        ),
    ),
    Mutant(
        "train_neuron",
        "out computed once, before the loop",
        "visible",
        """
        def train_neuron(X, y, n_iter, seed):
            X = np.asarray(X, dtype=float)
            y = np.asarray(y, dtype=float).reshape(-1)
            w = 2 * np.random.default_rng(seed).random(3) - 1
            out = sigmoid(X @ w)
            for _ in range(n_iter):
                w = w + X.T @ ((y - out) * out * (1 - out))
            return w
    """,
        diagnosis=(
            "Похоже, выходы `out` посчитаны один раз до цикла, а не заново на каждом шаге по новым "
            "весам"
        ),
    ),
    Mutant(
        "train_neuron",
        "column targets (m, 1) not flattened",
        "visible",
        """
        def train_neuron(X, y, n_iter, seed):
            X = np.asarray(X, dtype=float)
            y = np.asarray(y, dtype=float)
            w = 2 * np.random.default_rng(seed).random(3) - 1
            for _ in range(n_iter):
                out = sigmoid(X @ w)
                w = w + X.T @ ((y - out) * out * (1 - out))
            return w
    """,
        diagnosis=(
            "Похоже, `y` формы `(m, 1)` не приведён к форме `(m,)`, и `y - out` получается формы "
            "`(m, m)`"
        ),
    ),
    Mutant(
        "train_neuron",
        "column targets taken as y[0]: only the first example",
        "visible",
        """
        def train_neuron(X, y, n_iter, seed):
            X = np.asarray(X, dtype=float)
            y = np.asarray(y, dtype=float)
            if y.ndim == 2:
                y = y[0]
            w = 2 * np.random.default_rng(seed).random(3) - 1
            for _ in range(n_iter):
                out = sigmoid(X @ w)
                w = w + X.T @ ((y - out) * out * (1 - out))
            return w
    """,
        diagnosis=(
            "Похоже, при `y` формы `(m, 1)` берётся `y[0]` — ответ одного первого примера, а не "
            "все `m` ответов"
        ),
    ),
    Mutant(
        "train_neuron",
        "flattens the caller's y in place (y.shape = -1)",
        "visible",
        """
        def train_neuron(X, y, n_iter, seed):
            X = np.asarray(X, dtype=float)
            y = np.asarray(y, dtype=float)
            y.shape = (-1,)
            w = 2 * np.random.default_rng(seed).random(3) - 1
            for _ in range(n_iter):
                out = sigmoid(X @ w)
                w = w + X.T @ ((y - out) * out * (1 - out))
            return w
    """,
        diagnosis=(
            "Похоже, форма `y` меняется на месте (`y.shape = …`), и массив `y` вызывающего кода "
            "тоже меняется"
        ),
    ),
    Mutant(
        "train_neuron",
        "weights returned as a list",
        "visible",
        """
        def train_neuron(X, y, n_iter, seed):
            X = np.asarray(X, dtype=float)
            y = np.asarray(y, dtype=float).reshape(-1)
            w = 2 * np.random.default_rng(seed).random(3) - 1
            for _ in range(n_iter):
                out = sigmoid(X @ w)
                w = w + X.T @ ((y - out) * out * (1 - out))
            return w.tolist()
    """,
        diagnosis="Похоже, веса возвращаются списком, а не массивом NumPy формы `(3,)`",
    ),
    Mutant(
        "train_neuron",
        "trains on the global X_train, y_train instead of its arguments",
        "hidden",
        """
        def train_neuron(X, y, n_iter, seed):
            w = 2 * np.random.default_rng(seed).random(3) - 1
            for _ in range(n_iter):
                out = sigmoid(X_train @ w)
                w = w + X_train.T @ ((y_train - out) * out * (1 - out))
            return w
    """,
        diagnosis=(
            "Похоже, обучение идёт на глобальных `X_train`, `y_train`, а не на переданных "
            "аргументах `X`, `y`"
        ),
    ),
    Mutant(
        "train_neuron",
        "a loop over exactly four examples",
        "hidden",
        """
        def train_neuron(X, y, n_iter, seed):
            X = np.asarray(X, dtype=float)
            y = np.reshape(y, -1)
            w = 2 * np.random.default_rng(seed).random(3) - 1
            for _ in range(n_iter):
                step = np.zeros(3)
                for i in range(4):
                    out = sigmoid(X[i] @ w)
                    step += X[i] * (y[i] - out) * out * (1 - out)
                w = w + step
            return w
    """,
        diagnosis=(
            "Похоже, цикл по примерам написан для числа примеров из видимых проверок, а не для "
            "любого `m`"
        ),
    ),
]
