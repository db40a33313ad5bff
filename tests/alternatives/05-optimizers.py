"""Correct answers to 05-optimizers that differ from the solution (each must earn full marks)."""

from tests.alternatives import Alternative

ALTERNATIVES = [
    # --- sgd_step
    Alternative(
        "sgd_step",
        "np.subtract with out=, looping over params",
        """
        def sgd_step(params, grads, lr):
            for key in params:
                np.subtract(params[key], lr * grads[key], out=params[key])
    """,
    ),
    Alternative(
        "sgd_step",
        "slice assignment params[k][...] = ...",
        """
        def sgd_step(params, grads, lr):
            for key, grad in grads.items():
                params[key][...] = params[key] - lr * np.array(grad)
    """,
    ),
    Alternative(
        "sgd_step",
        "a local name for the array, then -=",
        """
        def sgd_step(params, grads, lr):
            for key in list(params):
                weights = params[key]
                weights -= lr * np.asarray(grads[key])
            return None
    """,
    ),
    # --- iterate_minibatches
    Alternative(
        "iterate_minibatches",
        "while loop with np.take",
        """
        def iterate_minibatches(X, y, batch_size, shuffle=True, seed=None):
            X = np.asarray(X)
            y = np.asarray(y)
            m = len(X)
            if shuffle:
                rng = np.random.default_rng(seed)
                order = rng.permutation(m)
            else:
                order = np.arange(m)
            start = 0
            while start < m:
                idx = order[start:min(start + batch_size, m)]
                yield np.take(X, idx, axis=0), np.take(y, idx, axis=0)
                start += batch_size
    """,
    ),
    Alternative(
        "iterate_minibatches",
        "yield from a generator expression, the number of batches by ceil",
        """
        import math


        def iterate_minibatches(X, y, batch_size, shuffle=True, seed=None):
            X, y = np.array(X), np.array(y)
            m = X.shape[0]
            rng = np.random.default_rng(seed)
            order = rng.permutation(m) if shuffle else np.arange(m)
            n_batches = math.ceil(m / batch_size)
            chunks = (order[i * batch_size:(i + 1) * batch_size] for i in range(n_batches))
            yield from ((X[idx], y[idx]) for idx in chunks)
    """,
    ),
    Alternative(
        "iterate_minibatches",
        "the whole arrays permuted once, then sliced",
        """
        def iterate_minibatches(X, y, batch_size, shuffle=True, seed=None):
            X = np.asarray(X)
            y = np.asarray(y)
            m = X.shape[0]
            if shuffle:
                order = np.random.default_rng(seed).permutation(m)
                X, y = X[order], y[order]
            for start in range(0, m, batch_size):
                yield X[start:start + batch_size], y[start:start + batch_size]
    """,
    ),
    # --- momentum
    Alternative(
        "momentum",
        "the PyTorch form: v <- beta v + g, w -= lr v (the same steps)",
        """
        class Momentum:
            def __init__(self, lr=0.01, beta=0.9):
                self.lr = lr
                self.beta = beta
                self.buffers = {}

            def step(self, params, grads):
                for key, g in grads.items():
                    if key in self.buffers:
                        buf = self.beta * self.buffers[key] + g
                    else:
                        buf = np.array(g, dtype=float)
                    self.buffers[key] = buf
                    params[key] -= self.lr * buf
    """,
    ),
    Alternative(
        "momentum",
        "velocity updated in place, explicit zero initialisation",
        """
        class Momentum:
            def __init__(self, lr=0.01, beta=0.9):
                self.lr, self.beta = lr, beta
                self.velocity = {}

            def step(self, params, grads):
                for key in grads:
                    if key not in self.velocity:
                        self.velocity[key] = np.zeros(np.shape(grads[key]))
                    v = self.velocity[key]
                    v *= self.beta
                    v -= self.lr * grads[key]
                    params[key] += v
    """,
    ),
    Alternative(
        "momentum",
        "state under another name, np.add with out=",
        """
        class Momentum:
            def __init__(self, lr=0.01, beta=0.9):
                self.learning_rate = lr
                self.beta = beta
                self.state = dict()

            def step(self, params, grads):
                for name in params:
                    g = np.asarray(grads[name], dtype=float)
                    v = self.beta * self.state.get(name, 0.0) - self.learning_rate * g
                    self.state[name] = v
                    np.add(params[name], v, out=params[name])
    """,
    ),
    # --- rmsprop
    Alternative(
        "rmsprop",
        "Keras-style incremental average: v += (g**2 - v)(1 - rho), np.square",
        """
        class RMSprop:
            def __init__(self, lr=0.001, rho=0.9, eps=1e-7):
                self.lr, self.rho, self.eps = lr, rho, eps
                self.v = {}

            def step(self, params, grads):
                for key, g in grads.items():
                    if key not in self.v:
                        self.v[key] = np.zeros_like(g, dtype=float)
                    self.v[key] += (np.square(g) - self.v[key]) * (1 - self.rho)
                    params[key] -= self.lr * g / np.sqrt(self.v[key] + self.eps)
    """,
    ),
    Alternative(
        "rmsprop",
        "state under another name, keys from params, np.subtract with out=, a power of -0.5",
        """
        class RMSprop:
            def __init__(self, lr=0.001, rho=0.9, eps=1e-7):
                self.learning_rate = lr
                self.rho = rho
                self.epsilon = eps
                self.mean_squares = dict()

            def step(self, params, grads):
                for name in params:
                    g = np.array(grads[name], dtype=float)
                    ms = self.rho * self.mean_squares.get(name, 0.0) + (1.0 - self.rho) * g * g
                    self.mean_squares[name] = ms
                    np.subtract(params[name], self.learning_rate * g * (ms + self.epsilon) ** -0.5,
                                out=params[name])
    """,
    ),
    Alternative(
        "rmsprop",
        "the Keras order: increment = lr * g, divided by the root; math.sqrt-free denominator name",
        """
        class RMSprop:
            def __init__(self, lr=0.001, rho=0.9, eps=1e-7):
                self.lr = lr
                self.rho = rho
                self.eps = eps
                self.velocities = {}

            def step(self, params, grads):
                for key in grads:
                    grad = np.asarray(grads[key], dtype=float)
                    velocity = self.velocities.setdefault(key, np.zeros(grad.shape))
                    velocity *= self.rho
                    velocity += (1 - self.rho) * grad**2
                    denominator = np.sqrt(velocity + self.eps)
                    increment = (self.lr * grad) / denominator
                    params[key] -= increment
    """,
    ),
    # --- adam
    Alternative(
        "adam",
        "Keras-style incremental moments: m += (g - m)(1 - beta1)",
        """
        class Adam:
            def __init__(self, lr=0.001, beta1=0.9, beta2=0.999, eps=1e-7):
                self.lr, self.beta1, self.beta2, self.eps = lr, beta1, beta2, eps
                self.t = 0
                self.m, self.v = {}, {}

            def step(self, params, grads):
                self.t += 1
                correction = np.sqrt(1 - np.power(self.beta2, self.t))
                lr_t = self.lr * correction / (1 - np.power(self.beta1, self.t))
                for key, g in grads.items():
                    if key not in self.m:
                        self.m[key] = np.zeros_like(g, dtype=float)
                        self.v[key] = np.zeros_like(g, dtype=float)
                    self.m[key] += (g - self.m[key]) * (1 - self.beta1)
                    self.v[key] += (np.square(g) - self.v[key]) * (1 - self.beta2)
                    params[key] -= lr_t * self.m[key] / (np.sqrt(self.v[key]) + self.eps)
    """,
    ),
    Alternative(
        "adam",
        "bias-corrected moments with eps / sqrt(1 - beta2^t) (the same formula)",
        """
        import math


        class Adam:
            def __init__(self, lr=0.001, beta1=0.9, beta2=0.999, eps=1e-7):
                self.lr = lr
                self.beta1 = beta1
                self.beta2 = beta2
                self.eps = eps
                self.t = 0
                self.m = {}
                self.v = {}

            def step(self, params, grads):
                self.t += 1
                c1 = 1 - self.beta1**self.t
                c2 = 1 - self.beta2**self.t
                for key, g in grads.items():
                    m = self.beta1 * self.m.get(key, 0.0) + (1 - self.beta1) * g
                    v = self.beta2 * self.v.get(key, 0.0) + (1 - self.beta2) * g * g
                    self.m[key], self.v[key] = m, v
                    params[key] -= self.lr * (m / c1) / (np.sqrt(v / c2) + self.eps / math.sqrt(c2))
    """,
    ),
    Alternative(
        "adam",
        "one dict of (m, v) pairs, math.sqrt for lr_t, keys from params",
        """
        import math


        class Adam:
            def __init__(self, lr=0.001, beta1=0.9, beta2=0.999, eps=1e-7):
                self.lr, self.beta1, self.beta2, self.eps = lr, beta1, beta2, eps
                self.t = 0
                self.moments = {}

            def step(self, params, grads):
                self.t += 1
                lr_t = self.lr * math.sqrt(1 - self.beta2**self.t) / (1 - self.beta1**self.t)
                for key in params:
                    g = np.array(grads[key], dtype=float)
                    m, v = self.moments.get(key, (np.zeros_like(g), np.zeros_like(g)))
                    m = self.beta1 * m + (1 - self.beta1) * g
                    v = self.beta2 * v + (1 - self.beta2) * g**2
                    self.moments[key] = (m, v)
                    params[key] -= lr_t * m / (np.sqrt(v) + self.eps)
    """,
    ),
    # --- train
    Alternative(
        "train",
        "reshape(-1, 1), float() around the loss, enumerate-free epoch loop",
        """
        def train(X, Y, params, optimizer, epochs, batch_size, seed):
            X = np.array(X, dtype=float)
            Y = np.array(Y, dtype=float).reshape(-1, 1)
            history = []
            e = 0
            while e < epochs:
                batches = iterate_minibatches(X, Y, batch_size, shuffle=True, seed=seed + e)
                for X_b, Y_b in batches:
                    A, cache = forward(X_b, params)
                    optimizer.step(params, backward(X_b, Y_b, cache, params))
                history.append(float(binary_cross_entropy(Y, forward(X, params)[0])))
                e += 1
            return history
    """,
    ),
    Alternative(
        "train",
        "a helper for one epoch, np.reshape as the statement writes it",
        """
        def run_epoch(X, Y, params, optimizer, batch_size, seed):
            for X_batch, Y_batch in iterate_minibatches(X, Y, batch_size, shuffle=True, seed=seed):
                grads = backward(X_batch, Y_batch, forward(X_batch, params)[1], params)
                optimizer.step(params, grads)


        def train(X, Y, params, optimizer, epochs, batch_size, seed):
            m = np.shape(X)[0]
            Y = np.reshape(Y, (m, -1))
            losses = []
            for e in range(epochs):
                run_epoch(X, Y, params, optimizer, batch_size, seed + e)
                A2, _ = forward(X, params)
                losses.append(binary_cross_entropy(Y, A2))
            return losses
    """,
    ),
    Alternative(
        "train",
        "a list comprehension over epochs with a closure",
        """
        def train(X, Y, params, optimizer, epochs, batch_size, seed):
            X = np.asarray(X, dtype=float)
            Y = np.asarray(Y, dtype=float)
            if Y.ndim == 1:
                Y = Y[:, None]

            def epoch(e):
                for xb, yb in iterate_minibatches(X, Y, batch_size, True, seed + e):
                    out, cache = forward(xb, params)
                    optimizer.step(params, backward(xb, yb, cache, params))
                return binary_cross_entropy(Y, forward(X, params)[0])

            return [epoch(e) for e in range(epochs)]
    """,
    ),
]

EXTRA_CELLS = [
    (
        "adam-solution",
        "code",
        "# Мой эксперимент: Adam на чаше из раздела 1\n"
        "мой_adam = Adam(lr=0.3)\n"
        "моя_точка = {'w': W_START.copy()}\n"
        "for _ in range(100):\n"
        "    мой_adam.step(моя_точка, {'w': bowl_grad(моя_точка['w'])})\n"
        "print('L после 100 шагов Adam:', round(float(bowl_loss(моя_точка['w'])), 3))\n",
    ),
    (
        "rmsprop-solution",
        "code",
        "# Мой эксперимент: первый шаг RMSprop при rho = 0.9 примерно в 3.16 раза больше lr\n"
        "моя_точка = {'w': np.array([0.0])}\n"
        "RMSprop(lr=0.01).step(моя_точка, {'w': np.array([0.5])})\n"
        "print('шаг / lr =', round(float(-моя_точка['w'][0] / 0.01), 3))\n",
    ),
    (
        "train-solution",
        "code",
        "# Мой эксперимент: кривая обучения XOR с Momentum\n"
        "мои_параметры = init_params(2, 8, 1, seed=5)\n"
        "моя_кривая = train(np.array([[0.0, 0.0], [0.0, 1.0], [1.0, 0.0], [1.0, 1.0]]),\n"
        "                   np.array([0.0, 1.0, 1.0, 0.0]), мои_параметры, Momentum(lr=0.1),\n"
        "                   epochs=50, batch_size=2, seed=0)\n"
        "plt.plot(range(1, 51), моя_кривая)\n"
        "plt.xlabel('эпоха')\n"
        "plt.show()\n",
    ),
]
