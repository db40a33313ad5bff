"""Correct answers to 01-neuron that differ from the solution (each must earn full marks)."""

from tests.alternatives import Alternative

ALTERNATIVES = [
    # --- sigmoid: other sound formulas, other ways to accept a list
    Alternative(
        "sigmoid",
        "tanh identity 0.5 * (1 + tanh(x / 2))",
        """
        def sigmoid(x):
            x = np.array(x, dtype=np.float64)
            return 0.5 * (1.0 + np.tanh(0.5 * x))
    """,
    ),
    Alternative(
        "sigmoid",
        "stable two-branch np.where with exp(-|x|)",
        """
        def sigmoid(x):
            x = np.asarray(x, dtype=float)
            e = np.exp(-np.abs(x))
            return np.where(x >= 0, 1.0 / (1.0 + e), e / (1.0 + e))
    """,
    ),
    Alternative(
        "sigmoid",
        "exp(x) / (1 + exp(x)) after clipping to [-500, 500]",
        """
        def sigmoid(x):
            z = np.clip(np.asarray(x, dtype=float), -500, 500)
            return np.exp(z) / (np.exp(z) + 1)
    """,
    ),
    Alternative(
        "sigmoid",
        "np.reciprocal of 1 + exp(-x), no intermediate names",
        """
        def sigmoid(x):
            return np.reciprocal(1 + np.exp(-np.asarray(x, dtype=float)))
    """,
    ),
    # --- neuron: other spellings of the dot product and of the stored attributes
    Alternative(
        "neuron",
        "matmul operator and np.array copies",
        """
        class Neuron:
            def __init__(self, weights, bias):
                self.weights = np.array(weights, dtype=float)
                self.bias = bias

            def feedforward(self, x):
                return sigmoid(self.weights @ np.array(x, dtype=float) + self.bias)
    """,
    ),
    Alternative(
        "neuron",
        "an explicit loop over the inputs",
        """
        class Neuron:
            def __init__(self, weights, bias):
                self.weights = np.asarray(weights)
                self.bias = float(bias)

            def feedforward(self, inputs):
                total = self.bias
                for w_i, x_i in zip(self.weights, inputs):
                    total += w_i * x_i
                return sigmoid(total)
    """,
    ),
    Alternative(
        "neuron",
        "np.sum of the elementwise product, integer weights kept",
        """
        class Neuron:
            def __init__(self, weights, bias):
                self.weights = np.asarray(weights)
                self.bias = bias

            def feedforward(self, x):
                z = np.sum(self.weights * np.asarray(x)) + self.bias
                return sigmoid(z)
    """,
    ),
    # --- network: other internal layouts
    Alternative(
        "network",
        "a list of hidden neurons besides the three attributes",
        """
        class OurNeuralNetwork:
            def __init__(self):
                self.h1 = Neuron(np.array([0.0, 1.0]), 0.0)
                self.h2 = Neuron(np.array([0.0, 1.0]), 0.0)
                self.o1 = Neuron(np.array([0.0, 1.0]), 0.0)
                self.hidden = [self.h1, self.h2]

            def feedforward(self, x):
                hidden_out = np.array([n.feedforward(x) for n in self.hidden])
                return self.o1.feedforward(hidden_out)
    """,
    ),
    Alternative(
        "network",
        "one line per neuron, inputs as a numpy array",
        """
        class OurNeuralNetwork:
            def __init__(self):
                w = [0, 1]
                b = 0
                self.h1, self.h2, self.o1 = Neuron(w, b), Neuron(w, b), Neuron(w, b)

            def feedforward(self, x):
                x = np.asarray(x, dtype=float)
                h = np.array([self.h1.feedforward(x), self.h2.feedforward(x)])
                return self.o1.feedforward(h)
    """,
    ),
    Alternative(
        "network",
        "a helper method for the hidden layer",
        """
        class OurNeuralNetwork:
            def __init__(self):
                self.h1 = Neuron([0, 1], 0)
                self.h2 = Neuron([0, 1], 0)
                self.o1 = Neuron([0, 1], 0)

            def hidden_layer(self, x):
                return [self.h1.feedforward(x), self.h2.feedforward(x)]

            def feedforward(self, x):
                return self.o1.feedforward(self.hidden_layer(x))
    """,
    ),
    # --- train_neuron: other reshapes, in-place update, a loop over the examples
    Alternative(
        "train_neuron",
        "y.reshape(-1) on the array given, in-place w +=",
        """
        def train_neuron(X, y, n_iter, seed):
            y = y.reshape(-1)
            w = 2 * np.random.default_rng(seed).random(3) - 1
            for _ in range(n_iter):
                out = sigmoid(X @ w)
                w += X.T @ ((y - out) * out * (1 - out))
            return w
    """,
    ),
    Alternative(
        "train_neuron",
        "y[:, 0] for column targets, np.dot spelling",
        """
        def train_neuron(X, y, n_iter, seed):
            if y.ndim == 2:
                y = y[:, 0]
            rng = np.random.default_rng(seed)
            weights = 2 * rng.random(3) - 1
            for step in range(n_iter):
                output = sigmoid(np.dot(X, weights))
                error = y - output
                weights = weights + np.dot(X.T, error * output * (1 - output))
            return weights
    """,
    ),
    Alternative(
        "train_neuron",
        "a loop over the examples summing the corrections",
        """
        def train_neuron(X, y, n_iter, seed):
            X = np.asarray(X, dtype=float)
            y = np.asarray(y, dtype=float).ravel()
            w = 2 * np.random.default_rng(seed).random(3) - 1
            for _ in range(n_iter):
                correction = np.zeros_like(w)
                for x_i, y_i in zip(X, y):
                    out_i = sigmoid(x_i @ w)
                    correction += x_i * (y_i - out_i) * out_i * (1 - out_i)
                w += correction
            return w
    """,
    ),
    Alternative(
        "train_neuron",
        "column layout internally: y as (m, 1), w as (3, 1), flattened at the end",
        """
        def train_neuron(X, y, n_iter, seed):
            y_col = np.reshape(y, (-1, 1))
            w = (2 * np.random.default_rng(seed).random(3) - 1).reshape(3, 1)
            for _ in range(n_iter):
                out = 1 / (1 + np.exp(-(X @ w)))
                w = w + X.T @ ((y_col - out) * out * (1 - out))
            return w.ravel()
    """,
    ),
]

EXTRA_CELLS = [
    (
        "sigmoid-solution",
        "code",
        "# Моя проверка: сигмоида от своих чисел\n"
        "print(np.round(sigmoid(np.array([-3.0, 0.0, 3.0])), 4))\n",
    ),
    (
        "neuron-solution",
        "code",
        "# Мой нейрон с четырьмя входами\n"
        "мой = Neuron([0.1, 0.2, -0.3, 0.4], 0.5)\n"
        "print(round(float(мой.feedforward([1, 2, 3, 4])), 4))\n",
    ),
    (
        "train_neuron-solution",
        "code",
        "# Свой эксперимент: другое зерно и график весов по шагам\n"
        "шаги = [0, 10, 100, 1000]\n"
        "веса = [train_neuron(X_train, y_train, k, seed=7) for k in шаги]\n"
        "fig, ax = plt.subplots(figsize=(4, 2))\n"
        "ax.plot(шаги, [w[0] for w in веса], marker='o')\n"
        "ax.set_xscale('symlog')\n"
        "plt.show()\n",
    ),
    ("train_neuron-solution", "markdown", "Вывод: первый вес растёт, остальные почти не меняются."),
]
