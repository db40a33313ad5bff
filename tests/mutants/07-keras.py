"""Wrong answers to 07-keras.

Every exercise's statement prescribes its layers, compilation and plot exactly, and the visible
checks inspect each of them, so nearly every wrong answer is caught visibly. Only answers
special-cased to the visible inputs (the input sizes 20 and 5, three epochs) pass the visible
checks and fail the hidden ones.
"""

from tests.mutants import Mutant


def _model(
    *,
    input_layer="keras.Input(shape=(input_dim,)),",
    first='layers.Dense(128, activation="relu"),',
    middle="layers.BatchNormalization(),\n                layers.Dropout(0.5),",
    out='layers.Dense(1, activation="sigmoid"),',
    compile_args='optimizer="adam", loss="binary_crossentropy", metrics=["accuracy"]',
    before="",
    compile_line=True,
):
    """A build_model with one part changed."""
    body = f"""
    def build_model(input_dim=20):
        {before}model = keras.Sequential(
            [
                {input_layer}
                {first}
                {middle}
                layers.Dense(64, activation="relu"),
                {out}
            ]
        )
        {"model.compile(" + compile_args + ")" if compile_line else "pass"}
        return model
    """
    return body


def _digits(
    *,
    hidden='layers.Dense(64, activation="relu", kernel_regularizer=regularizers.l2(1e-3)),',
    out='layers.Dense(10, activation="softmax"),',
    optimizer="keras.optimizers.Adam(learning_rate=0.01)",
    loss='"sparse_categorical_crossentropy"',
    before="",
    compile_line=True,
):
    """A build_digits_model with one part changed."""
    compile_call = (
        f'model.compile(optimizer={optimizer}, loss={loss}, metrics=["accuracy"])'
        if compile_line
        else "pass"
    )
    return f"""
    def build_digits_model():
        {before}model = keras.Sequential(
            [
                keras.Input(shape=(64,)),
                {hidden}
                {out}
            ]
        )
        {compile_call}
        return model
    """


def _plot(*, x="np.arange(1, len(hist[key]) + 1)", y="hist[key]", extra="", labels=True):
    """A plot_history with one part changed."""
    label_lines = (
        'ax.set_xlabel("эпоха")\n            ax.set_ylabel("значение")\n            ax.legend()'
        if labels
        else "ax.legend()"
    )
    return f"""
    def plot_history(history):
        hist = history.history
        fig, (ax_loss, ax_acc) = plt.subplots(1, 2, figsize=(8, 3))
        for ax, keys in [(ax_loss, ["loss", "val_loss"]), (ax_acc, ["accuracy", "val_accuracy"])]:
            for key in keys:
                if key in hist:
                    ax.plot({x}, {y}, label=key)
            {extra}{label_lines}
        return fig
    """


def _bn(
    *,
    mean="X.mean(axis=0)",
    var="X.var(axis=0)",
    norm="(X - mu) / np.sqrt(var + eps)",
    out="gamma * x_hat + beta",
    head="",
    eps="1e-3",
):
    """A batchnorm_forward with one part changed."""
    return f"""
    def batchnorm_forward(X, gamma, beta, eps={eps}):
        {head}X = np.asarray(X, dtype=float)
        mu = {mean}
        var = {var}
        x_hat = {norm}
        return {out}
    """


MUTANTS = [
    # --- batchnorm_forward: every part of the formula and of the contract is checked visibly
    Mutant(
        "batchnorm_forward",
        "unbiased variance (ddof=1)",
        "visible",
        _bn(var="X.var(axis=0, ddof=1)"),
        diagnosis=(
            "Похоже, дисперсия несмещённая (`ddof=1`, деление на `m − 1`), а нужна смещённая — "
            "деление на `m`"
        ),
    ),
    Mutant(
        "batchnorm_forward",
        "eps outside the square root",
        "visible",
        _bn(norm="(X - mu) / (np.sqrt(var) + eps)"),
        diagnosis=(
            "Похоже, `eps` прибавлен к корню, `np.sqrt(var) + eps`, а должен стоять под корнем"
        ),
    ),
    Mutant(
        "batchnorm_forward",
        "statistics over axis 1 (per example instead of per feature)",
        "visible",
        _bn(mean="X.mean(axis=1, keepdims=True)", var="X.var(axis=1, keepdims=True)"),
        diagnosis=(
            "Похоже, среднее и дисперсия считаются по оси 1 (по признакам примера), а не по оси 0 "
            "(по примерам пакета)"
        ),
    ),
    Mutant(
        "batchnorm_forward",
        "statistics over the whole batch (axis=None)",
        "visible",
        _bn(mean="X.mean()", var="X.var()"),
        diagnosis=(
            "Похоже, среднее и дисперсия считаются по всему массиву, а не отдельно для каждого "
            "признака (по оси 0)"
        ),
    ),
    Mutant(
        "batchnorm_forward",
        "PyTorch's default eps 1e-5",
        "visible",
        _bn(eps="1e-5"),
        diagnosis=(
            "Похоже, `eps` по умолчанию равен `1e-5`, как в PyTorch, а не `1e-3`, как в Keras"
        ),
    ),
    Mutant(
        "batchnorm_forward",
        "eps hard-coded at 1e-3, the argument ignored",
        "visible",
        _bn(norm="(X - mu) / np.sqrt(var + 1e-3)"),
        diagnosis="Похоже, в формуле стоит число `1e-3`, а не переданный аргумент `eps`",
    ),
    Mutant(
        "batchnorm_forward",
        "no eps at all (var of a one-example batch divides by zero)",
        "visible",
        _bn(norm="(X - mu) / np.sqrt(var)"),
        diagnosis=(
            "Похоже, в знаменателе нет `eps`, и при нулевой дисперсии (пакет из одного примера) "
            "выходит деление на ноль"
        ),
    ),
    Mutant(
        "batchnorm_forward",
        "returns x_hat, gamma and beta ignored",
        "visible",
        _bn(out="x_hat"),
        diagnosis="Похоже, возвращается `x_hat` без масштаба `gamma` и сдвига `beta`",
    ),
    Mutant(
        "batchnorm_forward",
        "gamma and beta swapped",
        "visible",
        _bn(out="beta * x_hat + gamma"),
        diagnosis=(
            "Похоже, `gamma` и `beta` перепутаны: `gamma` масштабирует `x_hat`, а `beta` сдвигает"
        ),
    ),
    Mutant(
        "batchnorm_forward",
        "divides by the variance, not by the standard deviation",
        "visible",
        _bn(norm="(X - mu) / (var + eps)"),
        diagnosis="Похоже, вы делите на дисперсию, а не на корень `np.sqrt(var + eps)`",
    ),
    Mutant(
        "batchnorm_forward",
        "returns the output with a cache, like a layer with a backward pass",
        "visible",
        _bn(out="gamma * x_hat + beta, (x_hat, mu, var)"),
        diagnosis=(
            "Похоже, функция возвращает кортеж с промежуточными значениями, а не один массив "
            "`gamma * x_hat + beta`"
        ),
    ),
    Mutant(
        "batchnorm_forward",
        "centres X in place",
        "visible",
        """
        def batchnorm_forward(X, gamma, beta, eps=1e-3):
            var = X.var(axis=0)
            X -= X.mean(axis=0)
            return gamma * X / np.sqrt(var + eps) + beta
        """,
        diagnosis="Похоже, `X` центрируется на месте (`X -= ...`), и массив вызывающего меняется",
    ),
    Mutant(
        "batchnorm_forward",
        "special-cased to the visible three features: other widths skip eps, gamma and beta",
        "hidden",
        """
        def batchnorm_forward(X, gamma, beta, eps=1e-3):
            X = np.asarray(X, dtype=float)
            mu, var = X.mean(axis=0), X.var(axis=0)
            if X.shape[1] != 3:
                return (X - mu) / np.sqrt(var + 1e-8)
            return gamma * (X - mu) / np.sqrt(var + eps) + beta
        """,
        diagnosis=(
            "Похоже, решение подогнано под число признаков из видимых проверок и при другом числе "
            "признаков считает иначе"
        ),
    ),
    # --- build_model: every stated layer, argument and compile option is checked visibly
    Mutant(
        "build_model",
        "ReLU on the output layer",
        "visible",
        _model(out='layers.Dense(1, activation="relu"),'),
        diagnosis="Похоже, на выходном слое ReLU, а выход бинарного классификатора — сигмоида",
    ),
    Mutant(
        "build_model",
        "softmax on a single output unit with binary_crossentropy",
        "visible",
        _model(out='layers.Dense(1, activation="softmax"),'),
        diagnosis=(
            "Похоже, на выходном слое из одного нейрона softmax, который всегда даёт 1, а нужна "
            "сигмоида"
        ),
    ),
    Mutant(
        "build_model",
        "Dropout before BatchNormalization (review M3)",
        "visible",
        _model(middle="layers.Dropout(0.5),\n                layers.BatchNormalization(),"),
        diagnosis="Похоже, `Dropout` стоит перед `BatchNormalization`, а по условию — после",
    ),
    Mutant(
        "build_model",
        "no BatchNormalization (review M3)",
        "visible",
        _model(middle="layers.Dropout(0.5),"),
        diagnosis="Похоже, в модели нет слоя `BatchNormalization`",
    ),
    Mutant(
        "build_model",
        "dropout rate 0.2",
        "visible",
        _model(middle="layers.BatchNormalization(),\n                layers.Dropout(0.2),"),
        diagnosis="Похоже, у `Dropout` не та доля отключаемых выходов: по условию `Dropout(0.5)`",
    ),
    Mutant(
        "build_model",
        "SGD instead of Adam",
        "visible",
        _model(compile_args='optimizer="sgd", loss="binary_crossentropy", metrics=["accuracy"]'),
        diagnosis="Похоже, оптимизатор — SGD, а по условию — Adam со скоростью по умолчанию",
    ),
    Mutant(
        "build_model",
        "Adam with learning rate 0.01",
        "visible",
        _model(
            compile_args="optimizer=keras.optimizers.Adam(learning_rate=0.01), "
            'loss="binary_crossentropy", metrics=["accuracy"]'
        ),
        diagnosis="Похоже, скорость обучения Adam 0.01, а нужна стандартная 0.001",
    ),
    Mutant(
        "build_model",
        "mean squared error instead of binary cross-entropy",
        "visible",
        _model(compile_args='optimizer="adam", loss="mse", metrics=["accuracy"]'),
        diagnosis=(
            "Похоже, функция потерь — MSE, а для бинарной классификации нужна бинарная "
            "кросс-энтропия"
        ),
    ),
    Mutant(
        "build_model",
        "metric BinaryAccuracy() under its own name binary_accuracy",
        "visible",
        _model(
            compile_args='optimizer="adam", loss="binary_crossentropy", '
            "metrics=[keras.metrics.BinaryAccuracy()]"
        ),
        diagnosis=(
            "Похоже, метрика называется `binary_accuracy`, а в истории обучения она должна "
            "называться `accuracy`"
        ),
    ),
    Mutant(
        "build_model",
        "not compiled (review m24)",
        "visible",
        _model(compile_line=False),
        diagnosis=(
            "Похоже, модель не скомпилирована: перед `return` нет вызова `model.compile(...)`"
        ),
    ),
    Mutant(
        "build_model",
        "the seed's Dense(128, input_dim=...) without keras.Input (warns)",
        "visible",
        _model(
            input_layer="",
            first='layers.Dense(128, input_dim=input_dim, activation="relu"),',
        ),
        diagnosis=(
            "Похоже, размер входа задан устаревшим в Keras 3 аргументом `input_dim=` у `Dense`, а "
            "не слоем `keras.Input`"
        ),
    ),
    Mutant(
        "build_model",
        "input size fixed at 20, input_dim ignored",
        "visible",
        _model(input_layer="keras.Input(shape=(20,)),"),
        diagnosis="Похоже, размер входа задан числом, а не взят из аргумента `input_dim`",
    ),
    Mutant(
        "build_model",
        "sets the random seed inside",
        "visible",
        _model(before="keras.utils.set_random_seed(0)\n        "),
        diagnosis=(
            "Похоже, зерно случайности задаётся внутри функции, и две модели подряд получают "
            "одинаковые начальные веса"
        ),
    ),
    Mutant(
        "build_model",
        "input size special-cased to the visible sizes 20 and 5",
        "hidden",
        _model(input_layer="keras.Input(shape=(5 if input_dim == 5 else 20,)),"),
        diagnosis=(
            "Похоже, размер входа подогнан под значения `input_dim` из видимых проверок, а не взят "
            "из аргумента"
        ),
    ),
    # --- plot_history
    Mutant(
        "plot_history",
        "plots only the training curves",
        "visible",
        """
        def plot_history(history):
            fig, (ax_loss, ax_acc) = plt.subplots(1, 2, figsize=(8, 3))
            ax_loss.plot([1, 2, 3], history.history["loss"], label="loss")
            ax_acc.plot([1, 2, 3], history.history["accuracy"], label="accuracy")
            for ax in (ax_loss, ax_acc):
                ax.set_xlabel("эпоха")
                ax.set_ylabel("значение")
                ax.legend()
            return fig
        """,
        diagnosis=(
            "Похоже, рисуются только кривые обучающей выборки, без `val_loss` и `val_accuracy`"
        ),
    ),
    Mutant(
        "plot_history",
        "epochs counted from 0, the seed's plt.plot(values) (review M2)",
        "visible",
        _plot(x="list(range(len(hist[key])))"),
        diagnosis="Похоже, эпохи по оси x нумеруются с 0, а не с 1",
    ),
    Mutant(
        "plot_history",
        "values without x: matplotlib numbers the epochs from 0 (review M2)",
        "visible",
        """
        def plot_history(history):
            hist = history.history
            fig, (ax_loss, ax_acc) = plt.subplots(1, 2, figsize=(8, 3))
            pairs = [(ax_loss, ["loss", "val_loss"]), (ax_acc, ["accuracy", "val_accuracy"])]
            for ax, keys in pairs:
                for key in keys:
                    if key in hist:
                        ax.plot(hist[key], label=key)
                ax.set_xlabel("эпоха")
                ax.set_ylabel("значение")
                ax.legend()
            return fig
        """,
        diagnosis="Похоже, эпохи по оси x нумеруются с 0, а не с 1",
    ),
    Mutant(
        "plot_history",
        "accuracy axis shows the training curve twice",
        "visible",
        _plot(y='hist[key if ax is ax_loss else "accuracy"]'),
        diagnosis=(
            "Похоже, на правой оси дважды нарисована кривая `accuracy`, а вторая линия должна "
            "показывать `val_accuracy`"
        ),
    ),
    Mutant(
        "plot_history",
        "assumes validation curves are always there",
        "visible",
        """
        def plot_history(history):
            hist = history.history
            fig, (ax_loss, ax_acc) = plt.subplots(1, 2, figsize=(8, 3))
            pairs = [(ax_loss, ["loss", "val_loss"]), (ax_acc, ["accuracy", "val_accuracy"])]
            for ax, keys in pairs:
                for key in keys:
                    ax.plot(np.arange(1, len(hist[key]) + 1), hist[key], label=key)
                ax.set_xlabel("эпоха")
                ax.set_ylabel("значение")
                ax.legend()
            return fig
        """,
        diagnosis=(
            "Похоже, `val_loss` и `val_accuracy` рисуются всегда, даже когда этих ключей нет в "
            "словаре"
        ),
    ),
    Mutant(
        "plot_history",
        "the seed's labels Training Loss / Validation Loss",
        "visible",
        """
        def plot_history(history):
            hist = history.history
            n = np.arange(1, len(hist["loss"]) + 1)
            fig, (ax_loss, ax_acc) = plt.subplots(1, 2, figsize=(8, 3))
            ax_loss.plot(n, hist["loss"], label="Training Loss")
            ax_loss.plot(n, hist["val_loss"], label="Validation Loss")
            ax_acc.plot(n, hist["accuracy"], label="Training Accuracy")
            ax_acc.plot(n, hist["val_accuracy"], label="Validation Accuracy")
            for ax in (ax_loss, ax_acc):
                ax.set_xlabel("эпоха")
                ax.set_ylabel("значение")
                ax.legend()
            return fig
        """,
        diagnosis=(
            "Похоже, подписи линий — свои (например, «Training Loss»), а `label` должен быть равен "
            "имени ключа"
        ),
    ),
    Mutant(
        "plot_history",
        "shows the figure and returns None",
        "visible",
        """
        def plot_history(history):
            hist = history.history
            fig, (ax_loss, ax_acc) = plt.subplots(1, 2, figsize=(8, 3))
            pairs = [(ax_loss, ["loss", "val_loss"]), (ax_acc, ["accuracy", "val_accuracy"])]
            for ax, keys in pairs:
                for key in keys:
                    if key in hist:
                        ax.plot(np.arange(1, len(hist[key]) + 1), hist[key], label=key)
                ax.legend()
            plt.show()
        """,
        diagnosis=(
            "Похоже, функция вызывает `plt.show()` и ничего не возвращает, а должна вернуть фигуру"
        ),
    ),
    Mutant(
        "plot_history",
        "no y-axis labels (review m23: the old solution)",
        "visible",
        _plot(labels=False, extra='ax.set_xlabel("эпоха")\n            '),
        diagnosis="Похоже, у осей нет подписи по оси y (`ax.set_ylabel`)",
    ),
    Mutant(
        "plot_history",
        "no legend",
        "visible",
        _plot(
            labels=False,
            extra='ax.set_xlabel("эпоха")\n            ax.set_ylabel("y")\n            #',
        ),
        diagnosis="Похоже, на осях нет легенды (`ax.legend()`)",
    ),
    Mutant(
        "plot_history",
        "an extra vertical line at the best epoch (review m25)",
        "visible",
        _plot(extra="ax.axvline(1 + int(np.argmin(hist['loss'])), color='gray')\n            "),
        diagnosis="Похоже, на оси нарисована лишняя линия (например, `ax.axvline` у лучшей эпохи)",
    ),
    Mutant(
        "plot_history",
        "turns the history lists into arrays in place",
        "visible",
        """
        def plot_history(history):
            hist = history.history
            for key in hist:
                hist[key] = np.asarray(hist[key])
            fig, (ax_loss, ax_acc) = plt.subplots(1, 2, figsize=(8, 3))
            pairs = [(ax_loss, ["loss", "val_loss"]), (ax_acc, ["accuracy", "val_accuracy"])]
            for ax, keys in pairs:
                for key in keys:
                    if key in hist:
                        ax.plot(np.arange(1, len(hist[key]) + 1), hist[key], label=key)
                ax.set_xlabel("эпоха")
                ax.set_ylabel("значение")
                ax.legend()
            return fig
        """,
        diagnosis=(
            "Похоже, функция заменяет списки словаря `history.history` массивами и так меняет "
            "словарь"
        ),
    ),
    Mutant(
        "plot_history",
        "adds an epochs key to the history dictionary",
        "visible",
        """
        def plot_history(history):
            hist = history.history
            hist["epoch"] = list(range(1, len(hist["loss"]) + 1))
            fig, (ax_loss, ax_acc) = plt.subplots(1, 2, figsize=(8, 3))
            pairs = [(ax_loss, ["loss", "val_loss"]), (ax_acc, ["accuracy", "val_accuracy"])]
            for ax, keys in pairs:
                for key in keys:
                    if key in hist:
                        ax.plot(hist["epoch"], hist[key], label=key)
                ax.set_xlabel("эпоха")
                ax.set_ylabel("значение")
                ax.legend()
            return fig
        """,
        diagnosis="Похоже, функция добавляет в словарь `history.history` новый ключ",
    ),
    Mutant(
        "plot_history",
        "x axis hard-coded for the visible three epochs",
        "hidden",
        _plot(x="[1, 2, 3]"),
        diagnosis=(
            "Похоже, значения по оси x заданы числами под видимые проверки, а не взяты из длины "
            "списков"
        ),
    ),
    # --- build_digits_model (no arguments: see OVERFIT_IMPOSSIBLE)
    Mutant(
        "build_digits_model",
        "sigmoid outputs",
        "visible",
        _digits(out='layers.Dense(10, activation="sigmoid"),'),
        diagnosis=(
            "Похоже, на выходе сигмоида, а для десяти классов нужен softmax: вероятности должны "
            "складываться в 1"
        ),
    ),
    Mutant(
        "build_digits_model",
        "softmax with binary_crossentropy",
        "visible",
        _digits(loss='"binary_crossentropy"'),
        diagnosis=(
            "Похоже, функция потерь `binary_crossentropy` — для двух классов, а для меток 0…9 "
            "нужна `sparse_categorical_crossentropy`"
        ),
    ),
    Mutant(
        "build_digits_model",
        "categorical_crossentropy with integer labels",
        "visible",
        _digits(loss='"categorical_crossentropy"'),
        diagnosis=(
            "Похоже, функция потерь `categorical_crossentropy`, которая ждёт one-hot, а метки — "
            "целые числа 0…9"
        ),
    ),
    Mutant(
        "build_digits_model",
        "missing L2 regularizer",
        "visible",
        _digits(hidden='layers.Dense(64, activation="relu"),'),
        diagnosis="Похоже, у скрытого слоя нет L2-регуляризации `regularizers.l2(1e-3)`",
    ),
    Mutant(
        "build_digits_model",
        "L2 on the output layer too",
        "visible",
        _digits(
            out='layers.Dense(10, activation="softmax", kernel_regularizer=regularizers.l2(1e-3)),'
        ),
        diagnosis=(
            "Похоже, L2-регуляризатор стоит и у выходного слоя, а по условию — только у скрытого"
        ),
    ),
    Mutant(
        "build_digits_model",
        "L2 of Keras's default strength 0.01",
        "visible",
        _digits(hidden='layers.Dense(64, activation="relu", kernel_regularizer="l2"),'),
        diagnosis=(
            "Похоже, у L2-регуляризатора коэффициент Keras по умолчанию 0.01 (строка `l2`), а "
            "нужен 1e-3"
        ),
    ),
    Mutant(
        "build_digits_model",
        "default learning rate",
        "visible",
        _digits(optimizer='"adam"'),
        diagnosis="Похоже, у Adam скорость обучения по умолчанию 0.001, а нужна 0.01",
    ),
    Mutant(
        "build_digits_model",
        "not compiled",
        "visible",
        _digits(compile_line=False),
        diagnosis=(
            "Похоже, модель не скомпилирована: перед `return` нет вызова `model.compile(...)`"
        ),
    ),
    Mutant(
        "build_digits_model",
        "sets the random seed inside",
        "visible",
        _digits(before="keras.utils.set_random_seed(0)\n        "),
        diagnosis=(
            "Похоже, зерно случайности задаётся внутри функции, и две модели подряд получают "
            "одинаковые начальные веса"
        ),
    ),
]

OVERFIT_IMPOSSIBLE = {
    "build_digits_model": (
        "no arguments, and the visible checks inspect every layer, unit, activation, regulariser, "
        "the optimiser with its learning rate, the loss and the metric the statement prescribes: "
        "no answer can be special-cased to the visible inputs; the hidden tests only train it"
    ),
}
