"""Correct answers to 07-keras that differ from the solution.

Each follows the statement's letter: the prescribed layers in the prescribed order, built with
another Keras API (``model.add``, the functional API), compile options given as Keras objects with
the names the statement asks for, other ways to draw the same lines.
"""

from tests.alternatives import Alternative

ALTERNATIVES = [
    # --- batchnorm_forward
    Alternative(
        "batchnorm_forward",
        "variance as E[x^2] - mu^2, keepdims, multiply by the inverse square root",
        """
        def batchnorm_forward(X, gamma, beta, eps=1e-3):
            mu = np.mean(X, axis=0, keepdims=True)
            var = np.mean(X**2, axis=0, keepdims=True) - mu**2
            inv_std = 1.0 / np.sqrt(var + eps)
            return (X - mu) * inv_std * gamma[None, :] + beta[None, :]
        """,
    ),
    Alternative(
        "batchnorm_forward",
        "a loop over the features with explicit sums divided by m",
        """
        def batchnorm_forward(X, gamma, beta, eps=1e-3):
            m, n = X.shape
            out = np.empty((m, n))
            for j in range(n):
                column = X[:, j]
                mean = column.sum() / m
                variance = ((column - mean) ** 2).sum() / m
                out[:, j] = gamma[j] * (column - mean) / (variance + eps) ** 0.5 + beta[j]
            return out
        """,
    ),
    Alternative(
        "batchnorm_forward",
        "Keras's own layer in float32, as the statement's tolerance allows",
        """
        def batchnorm_forward(X, gamma, beta, eps=1e-3):
            layer = keras.layers.BatchNormalization(epsilon=eps)
            layer.build(X.shape)
            layer.set_weights([gamma, beta, np.zeros_like(gamma), np.ones_like(gamma)])
            return np.asarray(layer(X, training=True), dtype=np.float64)
        """,
    ),
    # --- build_model
    Alternative(
        "build_model",
        "functional API with Keras objects for optimizer, loss and metric",
        """
        def build_model(input_dim=20):
            inputs = keras.Input(shape=(input_dim,))
            x = layers.Dense(128, activation="relu")(inputs)
            x = layers.BatchNormalization()(x)
            x = layers.Dropout(0.5)(x)
            x = layers.Dense(64, activation="relu")(x)
            outputs = layers.Dense(1, activation="sigmoid")(x)
            model = keras.Model(inputs=inputs, outputs=outputs, name="seed_model")
            model.compile(
                optimizer=keras.optimizers.Adam(),
                loss=keras.losses.BinaryCrossentropy(),
                metrics=[keras.metrics.BinaryAccuracy(name="accuracy")],
            )
            return model
        """,
    ),
    Alternative(
        "build_model",
        "model.add layer by layer, activation functions as objects",
        """
        def build_model(input_dim=20):
            model = keras.Sequential(name="from_the_seed")
            model.add(keras.Input(shape=[input_dim]))
            model.add(layers.Dense(units=128, activation=keras.activations.relu))
            model.add(layers.BatchNormalization())
            model.add(layers.Dropout(rate=0.5))
            model.add(layers.Dense(units=64, activation=keras.activations.relu))
            model.add(layers.Dense(units=1, activation=keras.activations.sigmoid))
            model.compile(
                optimizer=keras.optimizers.Adam(learning_rate=1e-3),
                loss=keras.losses.binary_crossentropy,
                metrics=["accuracy"],
            )
            return model
        """,
    ),
    Alternative(
        "build_model",
        "layer list built first, named layers, keyword compile",
        """
        def build_model(input_dim=20):
            stack = [keras.Input(shape=(int(input_dim),), name="features")]
            stack += [
                layers.Dense(128, activation="relu", name="hidden_1"),
                layers.BatchNormalization(name="batch_norm"),
                layers.Dropout(0.5, name="dropout"),
                layers.Dense(64, activation="relu", name="hidden_2"),
                layers.Dense(1, activation="sigmoid", name="probability"),
            ]
            net = keras.Sequential(stack)
            settings = dict(optimizer="adam", loss="binary_crossentropy", metrics=["accuracy"])
            net.compile(**settings)
            return net
        """,
    ),
    # --- plot_history
    Alternative(
        "plot_history",
        "axes array, range for x, markers, grid and a title",
        """
        def plot_history(history):
            fig, axes = plt.subplots(1, 2, figsize=(8, 3))
            groups = (("loss", "val_loss"), ("accuracy", "val_accuracy"))
            for ax, group, ylabel in zip(axes, groups, ("потери", "доля верных")):
                for name in group:
                    curve = history.history.get(name)
                    if curve is None:
                        continue
                    ax.plot(range(1, len(curve) + 1), curve, marker="o", label=name)
                ax.grid(True)
                ax.set_xlabel("номер эпохи")
                ax.set_ylabel(ylabel)
                ax.legend(loc="best")
            fig.suptitle("Кривые обучения")
            return fig
        """,
    ),
    Alternative(
        "plot_history",
        "explicit lines, epochs from a list comprehension, a copy of the dictionary",
        """
        def plot_history(history):
            logs = dict(history.history)
            n_epochs = len(logs["loss"])
            epochs = [i + 1 for i in range(n_epochs)]
            fig, (ax_loss, ax_acc) = plt.subplots(1, 2, figsize=(8, 3))
            ax_loss.plot(epochs, logs["loss"], "b-", label="loss")
            if "val_loss" in logs:
                ax_loss.plot(epochs, logs["val_loss"], "r--", label="val_loss")
            if "accuracy" in logs:
                ax_acc.plot(epochs, logs["accuracy"], "b-", label="accuracy")
            if "val_accuracy" in logs:
                ax_acc.plot(epochs, logs["val_accuracy"], "r--", label="val_accuracy")
            ax_loss.set(xlabel="эпоха", ylabel="loss", title="Потери")
            ax_acc.set(xlabel="эпоха", ylabel="accuracy", title="Доля верных ответов")
            ax_loss.legend()
            ax_acc.legend()
            return fig
        """,
    ),
    Alternative(
        "plot_history",
        "numpy arrays of the curves, one helper per axis, tight layout",
        """
        def _draw(ax, curves, keys, ylabel):
            for key in keys:
                if key in curves:
                    values = np.array(curves[key], dtype=float)
                    ax.plot(np.arange(values.size) + 1, values, label=key, linewidth=2)
            ax.set_xlabel("эпоха")
            ax.set_ylabel(ylabel)
            ax.legend(frameon=False)


        def plot_history(history):
            fig, (ax_loss, ax_acc) = plt.subplots(1, 2, figsize=(8, 3))
            _draw(ax_loss, history.history, ["loss", "val_loss"], "функция потерь")
            _draw(ax_acc, history.history, ["accuracy", "val_accuracy"], "accuracy")
            fig.tight_layout()
            return fig
        """,
    ),
    # --- build_digits_model
    Alternative(
        "build_digits_model",
        "functional API, L2 and loss as classes, a named accuracy metric",
        """
        def build_digits_model():
            pixels = keras.Input(shape=(64,))
            hidden = layers.Dense(64, activation="relu", kernel_regularizer=regularizers.L2(0.001))(
                pixels
            )
            probs = layers.Dense(10, activation="softmax")(hidden)
            model = keras.Model(pixels, probs)
            model.compile(
                optimizer=keras.optimizers.Adam(0.01),
                loss=keras.losses.SparseCategoricalCrossentropy(),
                metrics=[keras.metrics.SparseCategoricalAccuracy(name="accuracy")],
            )
            return model
        """,
    ),
    Alternative(
        "build_digits_model",
        "model.add with keyword arguments and activation objects",
        """
        def build_digits_model():
            model = keras.Sequential()
            model.add(keras.Input(shape=(64,)))
            model.add(
                layers.Dense(
                    units=64,
                    activation=keras.activations.relu,
                    kernel_regularizer=keras.regularizers.l2(l2=1e-3),
                )
            )
            model.add(layers.Dense(units=10, activation=keras.activations.softmax))
            model.compile(
                optimizer=keras.optimizers.Adam(learning_rate=1e-2),
                loss=keras.losses.sparse_categorical_crossentropy,
                metrics=["accuracy"],
            )
            return model
        """,
    ),
    Alternative(
        "build_digits_model",
        "constants for sizes, optimizer built first",
        """
        N_PIXELS, N_HIDDEN, N_CLASSES = 64, 64, 10


        def build_digits_model():
            optimizer = keras.optimizers.Adam(learning_rate=0.01)
            model = keras.Sequential(
                [
                    keras.Input(shape=(N_PIXELS,)),
                    layers.Dense(N_HIDDEN, "relu", kernel_regularizer=regularizers.l2(1e-3)),
                    layers.Dense(N_CLASSES, "softmax"),
                ],
                name="digits",
            )
            model.compile(optimizer, "sparse_categorical_crossentropy", metrics=["accuracy"])
            return model
        """,
    ),
]

EXTRA_CELLS = [
    (
        "batchnorm_forward-solution",
        "code",
        "# Мой эксперимент: после нормировки среднее 0 и дисперсия почти 1\n"
        "x_try = np.random.default_rng(0).normal(5.0, 3.0, size=(100, 2))\n"
        "print(batchnorm_forward(x_try, np.ones(2), np.zeros(2)).std(axis=0))\n",
    ),
    (
        "build_model-solution",
        "code",
        "# Мой эксперимент: сколько параметров у модели при разном числе признаков\n"
        "for n in (5, 20, 50):\n"
        "    print(n, build_model(input_dim=n).count_params())\n",
    ),
    (
        "plot_history-solution",
        "code",
        "# Мой эксперимент: нарисую выдуманную историю\n"
        "мой_fig = plot_history(types.SimpleNamespace(history={'loss': [1.0, 0.6, 0.5, 0.45]}))\n"
        "plt.show()\n",
    ),
    (
        "build_digits_model-solution",
        "markdown",
        "Заметка: попробовать `Dropout(0.2)` между слоями и сравнить долю верных ответов.",
    ),
]
