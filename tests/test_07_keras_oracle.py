"""07-keras: the notebook's models, restated NumPy network and stated numbers against oracles.

The solution's functions come from the source notebook: the code of its ``provided-*`` and
``*-solution`` cells is executed into one namespace. Oracles: TensorFlow/Keras itself (a Dense
layer, the Adam optimizer), scikit-learn's ``load_digits`` and a central-difference gradient.
"""

from __future__ import annotations

import numpy as np
import pytest

from autograder import reference
from autograder.build import notebooks
from tests.conftest import COURSE
from tests.solution_code import markdown_text, solution_namespace

ASSIGNMENT = "07-keras"


def _nb():
    return notebooks.read(COURSE.source_notebook(ASSIGNMENT))


@pytest.fixture(scope="module")
def ns():
    return solution_namespace(_nb())


def _markdown() -> str:
    return markdown_text(_nb())


def _code() -> str:
    return "\n".join(c.source for c in _nb().cells if c.cell_type == "code")


def test_build_model_architecture(ns):
    keras = ns["keras"]
    ns["keras"].utils.set_random_seed(0)
    m = ns["build_model"]()
    assert [type(layer).__name__ for layer in m.layers] == [
        "Dense",
        "BatchNormalization",
        "Dropout",
        "Dense",
        "Dense",
    ]
    dense = [layer for layer in m.layers if isinstance(layer, keras.layers.Dense)]
    assert [d.units for d in dense] == [128, 64, 1]
    assert [d.activation.__name__ for d in dense] == ["relu", "relu", "sigmoid"]
    assert m.layers[2].rate == 0.5
    assert tuple(m.input_shape) == (None, 20)
    assert m.loss == "binary_crossentropy"
    assert type(m.optimizer).__name__ == "Adam"
    # the parameter count the text derives
    assert (20 * 128 + 128, 128 * 64 + 64, 64 + 1, 4 * 128) == (2688, 8256, 65, 512)
    assert m.count_params() == 2688 + 8256 + 65 + 512 == 11521


def test_stated_numbers_are_in_the_text():
    text = _markdown()
    for s in [
        "20 \\cdot 128 + 128 = 2688",
        "128 \\cdot 64 + 64 = 8256",
        "64 + 1 = 65",
        "4 \\cdot 128 = 512",
        "всего $11521$",
        "1797 изображений",
        "8×8",
    ]:
        assert s in text, s


def test_digits_dataset_facts(ns):
    d = ns["load_digits"]()
    assert d.data.shape == (1797, 64) and d.data.min() == 0 and d.data.max() == 16
    assert ns["Xd_train"].shape == (1347, 64) and ns["Xd_test"].shape == (450, 64)


def test_keras_defaults_stated_in_table(ns):
    keras = ns["keras"]
    adam = keras.optimizers.Adam()
    assert float(np.asarray(adam.learning_rate)) == pytest.approx(0.001)
    assert adam.epsilon == pytest.approx(1e-7)
    assert "`learning_rate=0.001`, `epsilon=1e-7`" in _markdown()
    init = keras.layers.Dense(3).kernel_initializer
    assert type(init).__name__ == "GlorotUniform"


def test_dense_is_x_w_plus_b(ns):
    keras = ns["keras"]
    keras.utils.set_random_seed(3)
    layer = keras.layers.Dense(4, activation="relu")
    X = np.random.default_rng(1).normal(size=(6, 5)).astype("float32")
    out = np.asarray(layer(X))
    W, b = layer.get_weights()
    assert W.shape == (5, 4) and b.shape == (4,)
    np.testing.assert_allclose(out, np.maximum(X @ W + b, 0), atol=1e-6)


def test_numpy_backward_matches_numerical_gradient(ns):
    rng = np.random.default_rng(0)
    X = rng.normal(size=(7, 4))
    Y = (rng.random((7, 1)) > 0.5).astype(float)
    params = ns["init_params"](4, 5, 1, seed=1)
    _, cache = ns["forward"](X, params)
    grads = ns["backward"](X, Y, cache, params)
    for k, p in params.items():
        num = np.zeros_like(p)
        for i in np.ndindex(p.shape):
            old = p[i]
            p[i] = old + 1e-6
            up = ns["binary_cross_entropy"](Y, ns["forward"](X, params)[0])
            p[i] = old - 1e-6
            down = ns["binary_cross_entropy"](Y, ns["forward"](X, params)[0])
            p[i] = old
            num[i] = (up - down) / 2e-6
        np.testing.assert_allclose(grads[k], num, rtol=1e-5, atol=1e-8)


def test_numpy_adam_matches_keras_adam(ns):
    keras = ns["keras"]
    rng = np.random.default_rng(4)
    w0 = rng.normal(size=(3, 2))
    ours = {"W": w0.copy()}
    opt = ns["Adam"](lr=0.01)
    var = keras.Variable(w0.astype("float64"), dtype="float64")
    kopt = keras.optimizers.Adam(learning_rate=0.01)
    for _ in range(5):
        g = rng.normal(size=(3, 2))
        opt.step(ours, {"W": g})
        kopt.apply_gradients([(keras.ops.convert_to_tensor(g, dtype="float64"), var)])
    # Keras keeps its learning rate and step count in float32: compare to 1e-6 of the steps
    np.testing.assert_allclose(ours["W"], np.asarray(var), rtol=0, atol=1e-6)


def test_minibatches_cover_every_sample_once(ns):
    X = np.arange(10).reshape(10, 1)
    batches = list(ns["iterate_minibatches"](X, X, 4, shuffle=True, seed=3))
    assert [len(b[0]) for b in batches] == [4, 4, 2]
    assert sorted(np.concatenate([b[0] for b in batches]).ravel()) == list(range(10))


def test_sigmoid_stable(ns):
    with np.errstate(over="raise", divide="raise", invalid="raise"):  # underflow to 0 is fine
        s = ns["sigmoid"](np.array([-1000.0, 0.0, 1000.0]))
    np.testing.assert_allclose(s, [0.0, 0.5, 1.0])


def test_pinned_seeds_are_the_ones_the_notebook_uses():
    code = _code()
    assert "DATA_SEED, MODEL_SEED = 0, 0" in code
    assert "epochs=20, batch_size=32, validation_split=0.2, verbose=0" in code


@pytest.mark.slow
def test_pinned_seeds_reach_090_with_margin(ns):
    X, y = ns["make_classification"](n_samples=1000, n_features=20, random_state=0)
    X_tr, X_te, y_tr, y_te = ns["train_test_split"](X, y, test_size=0.2, random_state=0)
    ns["keras"].utils.set_random_seed(0)
    m = ns["build_model"]()
    m.fit(X_tr, y_tr, epochs=20, batch_size=32, validation_split=0.2, verbose=0)
    acc = m.evaluate(X_te, y_te, verbose=0)[1]
    assert acc >= 0.93, acc  # the issue asks for >= 0.9


@pytest.mark.slow
def test_digits_model_reaches_095(ns):
    keras = ns["keras"]
    keras.utils.set_random_seed(0)
    m = ns["build_digits_model"]()
    assert m.loss == "sparse_categorical_crossentropy"
    assert float(m.layers[0].kernel_regularizer.l2) == pytest.approx(1e-3)
    stop = keras.callbacks.EarlyStopping(monitor="val_loss", patience=5, restore_best_weights=True)
    m.fit(
        ns["Xd_train"],
        ns["yd_train"],
        epochs=60,
        batch_size=32,
        validation_split=0.2,
        callbacks=[stop],
        verbose=0,
    )
    acc = m.evaluate(ns["Xd_test"], ns["yd_test"], verbose=0)[1]
    assert acc >= 0.96, acc  # the notebook promises >= 0.95


def _reference() -> dict:
    import json

    return json.loads(COURSE.reference_file(ASSIGNMENT).read_text(encoding="utf-8"))


def test_recorded_learning_rates_are_within_a_tenth_of_the_tolerance_of_exact():
    # Keras keeps the learning rate in float32; the recorded value must sit well inside the
    # tolerance around the exact rate, so an answer that stores it more precisely never fails.
    ref = _reference()
    for key, exact in [
        ("build_model/learning-rate", 1e-3),
        ("build_digits_model/learning-rate", 1e-2),
    ]:
        rtol, atol = ref["tolerances"][key]
        assert abs(ref["values"][key] - exact) <= 0.1 * (atol + rtol * exact), key


def test_recorded_structure_matches_the_statements():
    values = _reference()["values"]
    assert values["build_model/layer-types"] == [
        "Dense",
        "BatchNormalization",
        "Dropout",
        "Dense",
        "Dense",
    ]
    assert values["build_model/n-params"] == 11521
    # input_dim=7: 7*128+128 + 128*64+64 + 64+1 + 4*128
    assert values["build_model/input-dim-7"] == [[None, 7], 7 * 128 + 128 + 8256 + 65 + 512]
    assert values["build_digits_model/units"] == [64, 10]
    assert values["build_digits_model/activations"] == ["relu", "softmax"]
    assert values["build_digits_model/l2"] == [pytest.approx(1e-3), 0.0]


def test_plot_history_solution_meets_its_statement(ns):
    import types

    plt = ns["plt"]
    fig = ns["plot_history"](
        types.SimpleNamespace(
            history={"loss": [0.3, 0.2], "val_loss": [0.4, 0.35], "accuracy": [0.6, 0.7]}
        )
    )
    try:
        for ax in fig.axes:
            assert ax.get_xlabel() and ax.get_ylabel() and ax.get_legend() is not None
        xs = [list(line.get_xdata()) for ax in fig.axes for line in ax.get_lines()]
        assert xs == [[1, 2]] * 3
    finally:
        plt.close(fig)


def test_statements_state_what_the_visible_checks_require():
    text = _markdown()
    for s in [
        "**начиная с 1**",
        "других линий на осях не рисуйте",
        "`ax.set_ylabel`",
        "модель должна собираться без предупреждений",
        "две модели, построенные подряд, получают разные начальные веса",
        "`input_dim` — целое положительное число",
        "(без регуляризатора)",
    ]:
        assert s in text, s
    # review M5: stderr costs nothing in this course's grader; only plain nbgrader zeroes the cell
    assert "проверяющая система этого курса так не делает" in text
    assert "В «чистом» nbgrader ячейка с" in text
    assert text.count("получает 0 баллов") == 1


def _bn_keras64(X, gamma, beta, eps=1e-3):
    """Keras's BatchNormalization in training mode, computed in float64."""
    import keras

    layer = keras.layers.BatchNormalization(epsilon=eps, dtype="float64")
    layer.build(X.shape)
    layer.set_weights([gamma, beta, np.zeros_like(gamma), np.ones_like(gamma)])
    return np.asarray(layer(X, training=True), dtype=float)


def _bn_hidden_inputs():
    """The hidden test's inputs, restated (cell batchnorm_forward-hidden)."""
    rng_h = np.random.default_rng(21)
    X_h = rng_h.normal(
        loc=rng_h.uniform(-3, 3, 10), scale=rng_h.uniform(0.2, 3.0, 10), size=(64, 10)
    )
    g_h, b_h = rng_h.uniform(0.5, 2.0, 10), rng_h.normal(size=10)
    X_const = np.column_stack([np.full(5, 7.0), np.arange(5.0)])
    one = rng_h.normal(size=(5, 1))
    return {
        "batchnorm_forward/batch-64x10": (X_h, g_h, b_h, 1e-3),
        "batchnorm_forward/eps-1e-5": (X_h[:8], g_h, b_h, 1e-5),
        "batchnorm_forward/two-examples": (X_h[:2, :4], g_h[:4], b_h[:4], 1e-3),
        "batchnorm_forward/constant-column": (
            X_const,
            np.array([1.5, 1.0]),
            np.array([-0.5, 0.0]),
            1e-3,
        ),
        "batchnorm_forward/one-feature": (one, np.array([3.0]), np.array([1.0]), 1e-3),
    }


def test_keras_batchnorm_defaults_stated_in_the_text(ns):
    bn = ns["keras"].layers.BatchNormalization()
    assert bn.epsilon == pytest.approx(1e-3) and bn.momentum == pytest.approx(0.99)
    text = _markdown()
    assert "$\\varepsilon = 0.001$" in text and "`momentum=0.99`" in text
    assert "eps=1e-3)` (3 балла)" in text


def test_batchnorm_solution_matches_keras_in_float64(ns):
    rng = np.random.default_rng(3)
    for m, n, eps in [(6, 3, 1e-3), (1, 4, 1e-3), (2, 5, 0.5), (50, 7, 1e-5)]:
        X = rng.normal(loc=rng.uniform(-3, 3, n), scale=rng.uniform(0.1, 3, n), size=(m, n))
        g, b = rng.uniform(0.5, 2, n), rng.normal(size=n)
        got = ns["batchnorm_forward"](X, g, b, eps=eps)
        np.testing.assert_allclose(got, _bn_keras64(X, g, b, eps), rtol=1e-12, atol=1e-12)


def test_batchnorm_reference_is_within_a_tenth_of_the_tolerance_of_keras():
    ref = _reference()
    for key, (X, g, b, eps) in _bn_hidden_inputs().items():
        rtol, atol = ref["tolerances"][key]
        exact = _bn_keras64(X, g, b, eps)
        got = np.asarray(reference.decode(ref["values"][key]), dtype=float)
        assert got.shape == exact.shape, key
        assert np.all(np.abs(got - exact) <= 0.1 * (atol + rtol * np.abs(exact))), key
    # a float32 answer (Keras's own layer) passes these tolerances on the hidden inputs
    import keras

    for key, (X, g, b, eps) in _bn_hidden_inputs().items():
        rtol, atol = ref["tolerances"][key]
        layer = keras.layers.BatchNormalization(epsilon=eps)
        layer.build(X.shape)
        layer.set_weights([g, b, np.zeros_like(g), np.ones_like(g)])
        f32 = np.asarray(layer(X, training=True), dtype=float)
        exact = _bn_keras64(X, g, b, eps)
        assert np.all(np.abs(f32 - exact) <= 0.5 * (atol + rtol * np.abs(exact))), key


def _classification_data(seed=0):
    from sklearn.datasets import make_classification
    from sklearn.model_selection import train_test_split

    X, y = make_classification(n_samples=1000, n_features=20, random_state=seed)
    return train_test_split(X, y, test_size=0.2, random_state=seed)


def test_same_network_same_numbers_in_float64(ns):
    # the text: in float64 the weights after 10 steps agree with ours to 1e-12
    keras = ns["keras"]
    keras.config.set_floatx("float64")  # losses and optimizer variables follow floatx
    try:
        _same_numbers_float64(ns, keras)
    finally:
        keras.config.set_floatx("float32")


def _same_numbers_float64(ns, keras):
    import tensorflow as tf

    X_train, _, y_train, _ = _classification_data()
    Y = y_train.reshape(-1, 1).astype(float)
    lr, steps = 0.25, 10  # 0.25 is exact in float32, the dtype of Keras's learning rate
    params = ns["init_params"](20, 64, 1, seed=0)
    start = [params[k].copy() for k in ("W1", "b1", "W2", "b2")]
    losses = []
    for _ in range(steps):
        A2, cache = ns["forward"](X_train, params)
        losses.append(ns["binary_cross_entropy"](Y, A2))
        grads = ns["backward"](X_train, Y, cache, params)
        for k in params:
            params[k] -= lr * grads[k]
    net = keras.Sequential(
        [
            keras.Input(shape=(20,), dtype="float64"),
            keras.layers.Dense(64, activation="relu", dtype="float64"),
            keras.layers.Dense(1, activation="sigmoid", dtype="float64"),
        ]
    )
    net.set_weights(start)
    net.compile(optimizer=keras.optimizers.SGD(learning_rate=lr), loss="binary_crossentropy")
    # float64 tensors: NumPy arrays would be cast to floatx (float32) by the data adapter
    data = tf.data.Dataset.from_tensors((tf.constant(X_train), tf.constant(Y)))
    hist = net.fit(data, epochs=steps, shuffle=False, verbose=0)
    for got, want in zip(
        net.get_weights(), [params[k] for k in ("W1", "b1", "W2", "b2")], strict=True
    ):
        np.testing.assert_allclose(got, want, rtol=0, atol=1e-12)
    # history["loss"] is kept by a float32 metric: the losses agree to float32 precision
    np.testing.assert_allclose(hist.history["loss"], losses, rtol=1e-6)


def test_self_check_numbers(ns):
    keras = ns["keras"]
    text = _markdown()
    conv = keras.layers.Conv2D(16, 3)
    conv.build((None, 8, 8, 1))
    assert conv.count_params() == 16 * (3 * 3 * 1) + 16 == 160
    assert "16 \\cdot (3 \\cdot 3 \\cdot 1) + 16 = 160" in text
    conv3 = keras.layers.Conv2D(16, 3)
    conv3.build((None, 8, 8, 3))
    assert conv3.count_params() == 16 * (3 * 3 * 3) + 16 == 448
    assert "16 \\cdot (3 \\cdot 3 \\cdot 3) + 16 = 448" in text
    # 100 moons training points, batches of 16: ceil(100 / 16) = 7 steps, the last of 4
    assert -(-100 // 16) == 7 and 100 - 6 * 16 == 4
    assert "\\lceil 100 / 16 \\rceil = 7" in text and "из 4" in text
    # 800 training examples in batches of 100: 8 steps per epoch
    X_train, *_ = _classification_data()
    assert len(X_train) // 100 == 8 and len(X_train) % 100 == 0
    assert "8 пакетов (800 / 100)" in text
    # the moons split of 06: 200 points, 50 test, 50 validation, 100 training
    assert "следующие 50 валидация, остальные 100 обучение" in text


@pytest.mark.slow
def test_other_seeds_give_about_085(ns):
    # the text: "при других зёрнах бывает и около 0.85" (review m28: seeds (1, 1) give 0.845)
    X_tr, X_te, y_tr, y_te = _classification_data(seed=1)
    ns["keras"].utils.set_random_seed(1)
    m = ns["build_model"]()
    m.fit(X_tr, y_tr, epochs=20, batch_size=32, validation_split=0.2, verbose=0)
    acc = m.evaluate(X_te, y_te, verbose=0)[1]
    assert 0.82 <= acc <= 0.88, acc
