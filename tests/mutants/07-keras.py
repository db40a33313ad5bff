"""Wrong answers to 07-keras."""

from tests.mutants import Mutant

MUTANTS = [
    # --- build_model
    Mutant(
        "build_model",
        "ReLU on the output layer",
        "visible",
        """
        def build_model(input_dim=20):
            model = keras.Sequential(
                [
                    keras.Input(shape=(input_dim,)),
                    layers.Dense(128, activation="relu"),
                    layers.BatchNormalization(),
                    layers.Dropout(0.5),
                    layers.Dense(64, activation="relu"),
                    layers.Dense(1, activation="relu"),
                ]
            )
            model.compile(optimizer="adam", loss="binary_crossentropy", metrics=["accuracy"])
            return model
    """,
    ),
    Mutant(
        "build_model",
        "softmax on a single output unit with binary_crossentropy",
        "visible",
        """
        def build_model(input_dim=20):
            model = keras.Sequential(
                [
                    keras.Input(shape=(input_dim,)),
                    layers.Dense(128, activation="relu"),
                    layers.BatchNormalization(),
                    layers.Dropout(0.5),
                    layers.Dense(64, activation="relu"),
                    layers.Dense(1, activation="softmax"),
                ]
            )
            model.compile(optimizer="adam", loss="binary_crossentropy", metrics=["accuracy"])
            return model
    """,
    ),
    Mutant(
        "build_model",
        "Dropout before BatchNormalization",
        "hidden",
        """
        def build_model(input_dim=20):
            model = keras.Sequential(
                [
                    keras.Input(shape=(input_dim,)),
                    layers.Dense(128, activation="relu"),
                    layers.Dropout(0.5),
                    layers.BatchNormalization(),
                    layers.Dense(64, activation="relu"),
                    layers.Dense(1, activation="sigmoid"),
                ]
            )
            model.compile(optimizer="adam", loss="binary_crossentropy", metrics=["accuracy"])
            return model
    """,
    ),
    Mutant(
        "build_model",
        "dropout rate 0.2 and SGD instead of Adam",
        "hidden",
        """
        def build_model(input_dim=20):
            model = keras.Sequential(
                [
                    keras.Input(shape=(input_dim,)),
                    layers.Dense(128, activation="relu"),
                    layers.BatchNormalization(),
                    layers.Dropout(0.2),
                    layers.Dense(64, activation="relu"),
                    layers.Dense(1, activation="sigmoid"),
                ]
            )
            model.compile(optimizer="sgd", loss="binary_crossentropy", metrics=["accuracy"])
            return model
    """,
    ),
    Mutant(
        "build_model",
        "input size fixed at 20",
        "hidden",
        """
        def build_model(input_dim=20):
            model = keras.Sequential(
                [
                    keras.Input(shape=(20,)),
                    layers.Dense(128, activation="relu"),
                    layers.BatchNormalization(),
                    layers.Dropout(0.5),
                    layers.Dense(64, activation="relu"),
                    layers.Dense(1, activation="sigmoid"),
                ]
            )
            model.compile(optimizer="adam", loss="binary_crossentropy", metrics=["accuracy"])
            return model
    """,
    ),
    # --- plot_history
    Mutant(
        "plot_history",
        "plots only the training loss",
        "visible",
        """
        def plot_history(history):
            fig, (ax_loss, ax_acc) = plt.subplots(1, 2, figsize=(8, 3))
            ax_loss.plot(history.history["loss"], label="loss")
            ax_acc.plot(history.history["accuracy"], label="accuracy")
            return fig
    """,
    ),
    Mutant(
        "plot_history",
        "epochs counted from 0",
        "hidden",
        """
        def plot_history(history):
            hist = history.history
            fig, (ax_loss, ax_acc) = plt.subplots(1, 2, figsize=(8, 3))
            pairs = [(ax_loss, ["loss", "val_loss"]), (ax_acc, ["accuracy", "val_accuracy"])]
            for ax, keys in pairs:
                for key in keys:
                    if key in hist:
                        ax.plot(hist[key], label=key)
                ax.legend()
            return fig
    """,
    ),
    Mutant(
        "plot_history",
        "accuracy axis shows the training curve twice",
        "hidden",
        """
        def plot_history(history):
            hist = history.history
            fig, (ax_loss, ax_acc) = plt.subplots(1, 2, figsize=(8, 3))
            n = np.arange(1, len(hist["loss"]) + 1)
            for key in ["loss", "val_loss"]:
                if key in hist:
                    ax_loss.plot(n, hist[key], label=key)
            for key in ["accuracy", "val_accuracy"]:
                if key in hist:
                    ax_acc.plot(n, hist["accuracy"], label=key)
            return fig
    """,
    ),
    Mutant(
        "plot_history",
        "assumes validation curves are always there",
        "hidden",
        """
        def plot_history(history):
            hist = history.history
            fig, (ax_loss, ax_acc) = plt.subplots(1, 2, figsize=(8, 3))
            n = np.arange(1, len(hist["loss"]) + 1)
            pairs = [(ax_loss, ["loss", "val_loss"]), (ax_acc, ["accuracy", "val_accuracy"])]
            for ax, keys in pairs:
                for key in keys:
                    ax.plot(n, hist[key], label=key)
            return fig
    """,
    ),
    # --- build_digits_model
    Mutant(
        "build_digits_model",
        "sigmoid outputs",
        "visible",
        """
        def build_digits_model():
            model = keras.Sequential(
                [
                    keras.Input(shape=(64,)),
                    layers.Dense(64, activation="relu", kernel_regularizer=regularizers.l2(1e-3)),
                    layers.Dense(10, activation="sigmoid"),
                ]
            )
            model.compile(
                optimizer=keras.optimizers.Adam(learning_rate=0.01),
                loss="sparse_categorical_crossentropy",
                metrics=["accuracy"],
            )
            return model
    """,
    ),
    Mutant(
        "build_digits_model",
        "softmax with binary_crossentropy",
        "visible",
        """
        def build_digits_model():
            model = keras.Sequential(
                [
                    keras.Input(shape=(64,)),
                    layers.Dense(64, activation="relu", kernel_regularizer=regularizers.l2(1e-3)),
                    layers.Dense(10, activation="softmax"),
                ]
            )
            model.compile(
                optimizer=keras.optimizers.Adam(learning_rate=0.01),
                loss="binary_crossentropy",
                metrics=["accuracy"],
            )
            return model
    """,
    ),
    Mutant(
        "build_digits_model",
        "missing L2 regularizer",
        "hidden",
        """
        def build_digits_model():
            model = keras.Sequential(
                [
                    keras.Input(shape=(64,)),
                    layers.Dense(64, activation="relu"),
                    layers.Dense(10, activation="softmax"),
                ]
            )
            model.compile(
                optimizer=keras.optimizers.Adam(learning_rate=0.01),
                loss="sparse_categorical_crossentropy",
                metrics=["accuracy"],
            )
            return model
    """,
    ),
    Mutant(
        "build_digits_model",
        "default learning rate",
        "hidden",
        """
        def build_digits_model():
            model = keras.Sequential(
                [
                    keras.Input(shape=(64,)),
                    layers.Dense(64, activation="relu", kernel_regularizer=regularizers.l2(1e-3)),
                    layers.Dense(10, activation="softmax"),
                ]
            )
            model.compile(
                optimizer="adam", loss="sparse_categorical_crossentropy", metrics=["accuracy"]
            )
            return model
    """,
    ),
]
