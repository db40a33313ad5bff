"""Wrong answers to 01-neuron."""

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
    ),
    Mutant(
        "sigmoid",
        "overwrites its input in place",
        "hidden",
        """
        def sigmoid(x):
            x = np.asarray(x, dtype=float)
            np.negative(x, out=x)
            np.exp(x, out=x)
            x += 1.0
            return 1.0 / x
    """,
    ),
    Mutant(
        "sigmoid",
        "loop that only handles 1-D input",
        "hidden",
        """
        import math

        def sigmoid(x):
            x = np.asarray(x, dtype=float)
            if x.ndim == 0:
                return 1.0 / (1.0 + np.exp(-x))
            return np.array([1.0 / (1.0 + math.exp(-v)) for v in x])
    """,
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
    ),
    Mutant(
        "neuron",
        "written for exactly two inputs",
        "hidden",
        """
        class Neuron:
            def __init__(self, weights, bias):
                self.weights = weights
                self.bias = bias

            def feedforward(self, x):
                total = self.weights[0] * x[0] + self.weights[1] * x[1] + self.bias
                return sigmoid(total)
    """,
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
    ),
    Mutant(
        "train_neuron",
        "sigmoid derivative left out",
        "hidden",
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
    ),
    Mutant(
        "train_neuron",
        "column targets (m, 1) not flattened",
        "hidden",
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
    ),
]
