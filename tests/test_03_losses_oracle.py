"""03-losses against independent oracles.

Each loss of the solution notebook is compared with TensorFlow's own (``keras.losses.*``,
``tf.nn.softmax_cross_entropy_with_logits``) and each gradient with ``tf.GradientTape`` on random
batches. Cross-entropies of probabilities are compared with Keras only for predictions in
[1e-3, 1 - 1e-3], where the two clipping schemes agree. The numbers the text states are checked too.
The binary cross-entropy from logits is compared with ``tf.nn.sigmoid_cross_entropy_with_logits``
and ``keras.losses.BinaryCrossentropy(from_logits=True)`` for logits up to 1e4, its gradient with
``tf.GradientTape``. Every recorded hidden-test value and every visible expected value is checked
against an exact oracle (50-digit decimal arithmetic; mpmath for the losses from logits), within a
tenth of its tolerance.
"""

from __future__ import annotations

import contextlib
import io
import json
import math
from decimal import Decimal, localcontext

import mpmath
import numpy as np
import pytest
from scipy.optimize import minimize_scalar

from autograder import checks, reference
from autograder.build import notebooks
from tests.conftest import COURSE
from tests.solution_code import solution_namespace

ASSIGNMENT = "03-losses"
SEEDS = [0, 1, 2]


@pytest.fixture(scope="module")
def nb():
    return notebooks.read(COURSE.source_notebook(ASSIGNMENT))


@pytest.fixture(scope="module")
def ns(nb):
    return solution_namespace(nb)


@pytest.fixture(scope="module")
def tf():
    import tensorflow

    return tensorflow


@pytest.fixture(scope="module")
def keras(tf):
    import keras

    return keras


def _binary_batch(seed: int, shape: tuple[int, ...]):
    rng = np.random.default_rng(seed)
    y = rng.integers(0, 2, size=shape).astype(float)
    p = rng.uniform(1e-3, 1 - 1e-3, size=shape)
    return y, p


def _onehot_batch(seed: int, m: int, k: int, low: float = 1e-3):
    """One-hot targets, probabilities with every entry in [low, 1 - low], logits."""
    rng = np.random.default_rng(seed)
    y = np.eye(k)[rng.integers(0, k, size=m)]
    raw = rng.uniform(0.05, 1.0, size=(m, k))
    probs = raw / raw.sum(axis=-1, keepdims=True)
    assert probs.min() >= low and probs.max() <= 1 - low
    logits = rng.normal(scale=3.0, size=(m, k))
    return y, probs, logits


def _tape_grad(tf, loss_fn, x):
    var = tf.Variable(np.asarray(x, dtype=np.float64))
    with tf.GradientTape() as tape:
        loss = loss_fn(var)
    return tape.gradient(loss, var).numpy()


# --- losses against Keras / tf.nn ---------------------------------------------------------------


@pytest.mark.parametrize("seed", SEEDS)
@pytest.mark.parametrize("shape", [(8, 1), (5, 3)])
def test_mse_loss_matches_keras(ns, keras, seed, shape):
    rng = np.random.default_rng(seed)
    y, p = rng.normal(size=shape), rng.normal(scale=2.0, size=shape)
    expected = float(keras.losses.MeanSquaredError(dtype="float64")(y, p))
    assert ns["mse_loss"](y, p) == pytest.approx(expected, rel=1e-12)
    if shape[1] == 1:  # 1-D targets against a column of predictions
        assert ns["mse_loss"](y.ravel(), p) == pytest.approx(expected, rel=1e-12)


def test_mse_loss_seed_example(ns, keras):
    expected = float(keras.losses.MeanSquaredError(dtype="float64")([1, 0, 0, 1], [0, 0, 0, 0]))
    assert expected == 0.5
    assert ns["mse_loss"]([1, 0, 0, 1], [0, 0, 0, 0]) == 0.5


@pytest.mark.parametrize("seed", SEEDS)
@pytest.mark.parametrize("shape", [(10, 1), (4, 3)])
def test_binary_cross_entropy_matches_keras(ns, keras, seed, shape):
    y, p = _binary_batch(seed, shape)
    bce = keras.losses.BinaryCrossentropy(dtype="float64")
    assert ns["binary_cross_entropy"](y, p) == pytest.approx(float(bce(y, p)), rel=1e-10)
    soft = np.random.default_rng(seed + 100).uniform(size=shape)
    assert ns["binary_cross_entropy"](soft, p) == pytest.approx(float(bce(soft, p)), rel=1e-10)


def test_binary_cross_entropy_clipping_matches_keras_epsilon(ns, keras):
    # Keras clips to [epsilon, 1 - epsilon] with epsilon = 1e-7, the notebook's default eps.
    assert keras.backend.epsilon() == 1e-7
    y, p = np.array([[1.0], [0.0]]), np.array([[0.0], [1.0]])
    expected = float(keras.losses.BinaryCrossentropy(dtype="float64")(y, p))
    assert ns["binary_cross_entropy"](y, p) == pytest.approx(expected, rel=1e-6)


@pytest.mark.parametrize("seed", SEEDS)
def test_categorical_cross_entropy_matches_keras(ns, keras, seed):
    y, probs, _ = _onehot_batch(seed, m=7, k=4)
    cce = keras.losses.CategoricalCrossentropy(dtype="float64")
    assert ns["categorical_cross_entropy"](y, probs) == pytest.approx(
        float(cce(y, probs)), rel=1e-10
    )
    # one sample as a 1-D vector is the same as a batch of one
    expected_one = float(cce(y[:1], probs[:1]))
    assert ns["categorical_cross_entropy"](y[0], probs[0]) == pytest.approx(expected_one, rel=1e-10)


@pytest.mark.parametrize("seed", SEEDS)
@pytest.mark.parametrize("scale", [1.0, 30.0, 1000.0])
def test_softmax_cross_entropy_with_logits_matches_tf(ns, tf, keras, seed, scale):
    rng = np.random.default_rng(seed)
    y = np.eye(5)[rng.integers(0, 5, size=6)]
    z = rng.normal(scale=scale, size=(6, 5))
    expected = float(tf.reduce_mean(tf.nn.softmax_cross_entropy_with_logits(labels=y, logits=z)))
    got = ns["softmax_cross_entropy_with_logits"](y, z)
    assert got == pytest.approx(expected, rel=1e-10)
    keras_cce = keras.losses.CategoricalCrossentropy(from_logits=True, dtype="float64")
    assert got == pytest.approx(float(keras_cce(y, z)), rel=1e-10)
    soft = rng.dirichlet(np.ones(5), size=6)
    expected_soft = tf.reduce_mean(tf.nn.softmax_cross_entropy_with_logits(labels=soft, logits=z))
    got_soft = ns["softmax_cross_entropy_with_logits"](soft, z)
    assert got_soft == pytest.approx(float(expected_soft), rel=1e-10)


def test_logits_and_probabilities_agree(ns):
    y, _, z = _onehot_batch(4, m=6, k=3)
    two_steps = ns["categorical_cross_entropy"](y, ns["softmax"](z))
    assert ns["softmax_cross_entropy_with_logits"](y, z) == pytest.approx(two_steps, rel=1e-9)
    # binary cross-entropy is the categorical one for the two classes [1 - p, p]
    yb, pb = _binary_batch(5, (9,))
    cce = ns["categorical_cross_entropy"](np.stack([1 - yb, yb], -1), np.stack([1 - pb, pb], -1))
    assert ns["binary_cross_entropy"](yb, pb) == pytest.approx(cce, rel=1e-10)


# --- gradients against tf.GradientTape ----------------------------------------------------------


@pytest.mark.parametrize("seed", SEEDS)
@pytest.mark.parametrize("shape", [(8, 1), (5, 3)])
def test_mse_grad_matches_gradient_tape(ns, tf, keras, seed, shape):
    rng = np.random.default_rng(seed)
    y, p = rng.normal(size=shape), rng.normal(size=shape)
    mse = keras.losses.MeanSquaredError(dtype="float64")
    expected = _tape_grad(tf, lambda v: mse(y, v), p)
    np.testing.assert_allclose(ns["mse_grad"](y, p), expected, rtol=1e-10, atol=1e-14)
    if shape[1] == 1:
        np.testing.assert_allclose(ns["mse_grad"](y.ravel(), p), expected, rtol=1e-10, atol=1e-14)


@pytest.mark.parametrize("seed", SEEDS)
@pytest.mark.parametrize("shape", [(10, 1), (4, 3)])
def test_binary_cross_entropy_grad_matches_gradient_tape(ns, tf, keras, seed, shape):
    y, p = _binary_batch(seed, shape)
    bce = keras.losses.BinaryCrossentropy(dtype="float64")
    expected = _tape_grad(tf, lambda v: bce(y, v), p)
    np.testing.assert_allclose(ns["binary_cross_entropy_grad"](y, p), expected, rtol=1e-9)


@pytest.mark.parametrize("seed", SEEDS)
@pytest.mark.parametrize("scale", [1.0, 30.0, 1000.0])
def test_softmax_cross_entropy_grad_matches_gradient_tape(ns, tf, seed, scale):
    rng = np.random.default_rng(seed)
    y = np.eye(4)[rng.integers(0, 4, size=5)]
    z = rng.normal(scale=scale, size=(5, 4))

    def loss(v):
        return tf.reduce_mean(tf.nn.softmax_cross_entropy_with_logits(labels=y, logits=v))

    expected = _tape_grad(tf, loss, z)
    np.testing.assert_allclose(
        ns["softmax_cross_entropy_grad"](y, z), expected, rtol=1e-9, atol=1e-15
    )
    # a single 1-D sample is a batch of one
    one = _tape_grad(tf, lambda v: tf.nn.softmax_cross_entropy_with_logits(y[0], v), z[0])
    np.testing.assert_allclose(ns["softmax_cross_entropy_grad"](y[0], z[0]), one, rtol=1e-9)


def test_sigmoid_bce_gradient_wrt_logit_is_p_minus_y(ns, tf):
    """The text's claim: with a sigmoid output, BCE's gradient w.r.t. the logit is (p - y) / N."""
    rng = np.random.default_rng(6)
    y = rng.integers(0, 2, size=(7, 1)).astype(float)
    z = rng.normal(scale=2.0, size=(7, 1))

    def loss(v):
        return tf.reduce_mean(tf.nn.sigmoid_cross_entropy_with_logits(labels=y, logits=v))

    expected = _tape_grad(tf, loss, z)
    p = ns["sigmoid"](z)
    chain = ns["binary_cross_entropy_grad"](y, p) * p * (1 - p)
    np.testing.assert_allclose(chain, expected, rtol=1e-9)
    np.testing.assert_allclose((p - y) / y.size, expected, rtol=1e-9)


@pytest.mark.parametrize("seed", SEEDS)
@pytest.mark.parametrize("scale", [1.0, 30.0, 1e4])
@pytest.mark.parametrize("shape", [(8, 1), (4, 3)])
def test_binary_cross_entropy_with_logits_matches_tf(ns, tf, keras, seed, scale, shape):
    rng = np.random.default_rng(seed)
    z = rng.normal(scale=scale, size=shape)
    z.flat[0] = -1e4 if scale > 100 else z.flat[0]
    for y in (rng.integers(0, 2, size=shape).astype(float), rng.uniform(size=shape)):
        per_element = tf.nn.sigmoid_cross_entropy_with_logits(labels=y, logits=z)
        expected = float(tf.reduce_mean(per_element))
        got = ns["binary_cross_entropy_with_logits"](y, z)
        assert np.isfinite(got)
        assert got == pytest.approx(expected, rel=1e-10)
        bce = keras.losses.BinaryCrossentropy(from_logits=True, dtype="float64")
        assert got == pytest.approx(float(bce(y, z)), rel=1e-10)
        if shape[1] == 1:
            assert ns["binary_cross_entropy_with_logits"](y.ravel(), z) == pytest.approx(
                expected, rel=1e-10
            )


@pytest.mark.parametrize("seed", SEEDS)
@pytest.mark.parametrize("scale", [1.0, 30.0, 1e4])
@pytest.mark.parametrize("shape", [(8, 1), (4, 3)])
def test_binary_cross_entropy_with_logits_grad_matches_gradient_tape(ns, tf, seed, scale, shape):
    rng = np.random.default_rng(seed)
    y = rng.integers(0, 2, size=shape).astype(float)
    z = rng.normal(scale=scale, size=shape)

    def loss(v):
        return tf.reduce_mean(tf.nn.sigmoid_cross_entropy_with_logits(labels=y, logits=v))

    expected = _tape_grad(tf, loss, z)
    got = ns["binary_cross_entropy_with_logits_grad"](y, z)
    np.testing.assert_allclose(got, expected, rtol=1e-9, atol=1e-15)
    assert np.max(np.abs(got)) <= 1 / y.size  # bounded by 1/N, as the text says


def test_losses_from_logits_warn_nowhere_up_to_1e4(ns):
    z = np.array([[-1e4, 1e4], [1e4, -1e4], [0.0, 1e-3]])
    y = np.array([[1.0, 0.0], [1.0, 0.0], [0.5, 1.0]])
    with np.errstate(over="raise", divide="raise", invalid="raise"):  # underflow to 0 is fine
        loss = ns["binary_cross_entropy_with_logits"](y, z)
        grad = ns["binary_cross_entropy_with_logits_grad"](y, z)
    assert np.isfinite(loss) and np.all(np.isfinite(grad))


def test_mae_as_stated(keras, tf):
    """The MAE paragraph: the formula (Keras's loss="mae"), its gradient sign(ŷ - y) / N, and the
    best constants of [1, 2, 3, 4, 100] (22 and 3) and of [1, 2, 3, 4, 1000] (202 and 3)."""
    rng = np.random.default_rng(8)
    y, p = rng.normal(size=(6, 2)), rng.normal(size=(6, 2))
    mae = keras.losses.MeanAbsoluteError(dtype="float64")
    assert float(mae(y, p)) == pytest.approx(float(np.mean(np.abs(y - p))), rel=1e-12)
    np.testing.assert_allclose(
        _tape_grad(tf, lambda v: mae(y, v), p), np.sign(p - y) / y.size, rtol=1e-12
    )
    for answers, mean in (([1, 2, 3, 4, 100], 22.0), ([1, 2, 3, 4, 1000], 202.0)):
        answers = np.array(answers, dtype=float)
        best_mse = minimize_scalar(lambda c, a=answers: np.mean((a - c) ** 2))
        best_mae = minimize_scalar(
            lambda c, a=answers: np.mean(np.abs(a - c)),
            bounds=(-10, 1100),
            method="bounded",
            options={"xatol": 1e-9},
        )
        assert best_mse.x == pytest.approx(mean, abs=1e-4)
        assert np.mean(answers) == mean
        assert best_mae.x == pytest.approx(3.0, abs=1e-5)


# --- numbers the text states --------------------------------------------------------------------


def _markdown(nb) -> str:
    return "\n".join(c.source for c in nb.cells if c.cell_type == "markdown")


def test_stated_numbers(nb, ns, tf, keras):
    text = _markdown(nb)

    assert "квадраты в сумме дают 2, среднее $2 / 4 = 0.5$" in text
    assert ns["mse_loss"]([1, 0, 0, 1], [0, 0, 0, 0]) == 0.5

    assert r"$-\ln 10^{-7} \approx 16.1181$" in text
    assert r"$-\ln\varepsilon \approx 16.1181$" in text
    assert r"(в Keras $10^{-7}$)" in text
    assert f"{-math.log(keras.backend.epsilon()):.4f}" == "16.1181"

    assert r"$-\ln 0.7 \approx 0.3567$" in text
    cce = keras.losses.CategoricalCrossentropy(dtype="float64")
    assert f"{float(cce([[1.0, 0.0, 0.0]], [[0.7, 0.2, 0.1]])):.4f}" == "0.3567"

    # logits [-1000, 0, 1000], first class: the true loss is 2000, the two-step way gives 16.1181
    assert r"$-\ln \operatorname{softmax}(z)_1 \approx 2000$" in text
    assert "два шага дают 16.1181" in text
    y, z = np.array([[1.0, 0.0, 0.0]]), np.array([[-1000.0, 0.0, 1000.0]])
    true_loss = float(tf.nn.softmax_cross_entropy_with_logits(labels=y, logits=z)[0])
    assert true_loss == pytest.approx(2000.0, abs=1e-9)
    probs = tf.nn.softmax(z).numpy()
    assert f"{float(cce(y, probs)):.4f}" == "16.1181"  # Keras clips the same way
    assert f"{ns['categorical_cross_entropy'](y, ns['softmax'](z)):.4f}" == "16.1181"

    # |dMSE/dz| = 2 p (1 - p)^2 for y = 1 is largest at p = 1/3, z = -ln 2
    assert r"$2p(1 - p)^2$ наибольший при $p = 1/3$" in text
    assert r"$z = -\ln 2 \approx -0.69$" in text
    best = minimize_scalar(
        lambda zz: -abs(2 * (1 - ns["sigmoid"](zz)) * ns["sigmoid"](zz) * (1 - ns["sigmoid"](zz))),
        bounds=(-5, 5),
        method="bounded",
        options={"xatol": 1e-8},
    )
    assert best.x == pytest.approx(-math.log(2), abs=1e-5)
    assert f"{-math.log(2):.2f}" == "-0.69"
    assert float(ns["sigmoid"](best.x)) == pytest.approx(1 / 3, abs=1e-5)


def test_stated_numbers_of_the_clipped_bce_and_the_losses_from_logits(nb, ns, tf):
    text = _markdown(nb)
    eps = 1e-7
    # the clipped BCE plateaus at -ln(eps) left of z = ln(eps / (1 - eps))
    assert r"$z = \ln\frac{\varepsilon}{1 - \varepsilon} \approx -16.12$" in text
    assert r"$z < \ln\frac{\varepsilon}{1-\varepsilon} \approx -16.12$" in text
    edge = float(mpmath.log(mpmath.mpf(eps) / (1 - mpmath.mpf(eps))))
    assert f"{edge:.2f}" == "-16.12"
    bce, sig = ns["binary_cross_entropy"], ns["sigmoid"]
    plateau = float(-mpmath.log(mpmath.mpf(eps)))
    for z in (-17.0, -50.0, -1000.0):
        assert bce(1.0, sig(z)) == pytest.approx(plateau, rel=1e-7)
    assert bce(1.0, sig(-16.0)) == pytest.approx(16.0, rel=1e-6)  # still linear at -16
    # the gradient convention at p = 0, y = 1: (eps - 1) / (eps (1 - eps)) / N = -1e7 / N
    assert r"= -\frac{10^7}{N}$" in text
    for n in (1, 4):
        grad = ns["binary_cross_entropy_grad"](np.ones(n), np.zeros(n))
        np.testing.assert_allclose(grad, -1e7 / n, rtol=1e-9)
    # self-check: p = 0 and p = 1e-9 both cost -ln 1e-7 = 16.1181; the true derivative there is 0
    assert r"$p = 10^{-9}$" in text and r"около $-10^7$" in text
    for p in (0.0, 1e-9):
        assert f"{bce(1.0, p):.4f}" == "16.1181"
        var = tf.Variable(p, dtype=tf.float64)
        with tf.GradientTape() as tape:
            loss = -tf.math.log(tf.clip_by_value(var, eps, 1 - eps))
        assert float(tape.gradient(loss, var)) == 0.0
    # self-check: y = 1, p = 0.001: dL/dz is about -0.002 for MSE, -0.999 for BCE, ratio about 500
    assert r"\approx -0.002$" in text and r"$p - 1 = -0.999$" in text
    assert r"\approx 500$" in text
    z = tf.Variable(float(mpmath.log(mpmath.mpf("0.001") / mpmath.mpf("0.999"))), dtype=tf.float64)
    with tf.GradientTape(persistent=True) as tape:
        mse = (1.0 - tf.sigmoid(z)) ** 2
        bce_z = tf.nn.sigmoid_cross_entropy_with_logits(tf.constant(1.0, tf.float64), z)
    d_mse, d_bce = float(tape.gradient(mse, z)), float(tape.gradient(bce_z, z))
    assert f"{d_mse:.3f}" == "-0.002" and f"{d_bce:.3f}" == "-0.999"
    assert d_bce / d_mse == pytest.approx(500, rel=2e-3)
    # y = 1, z = -1000: two steps give 16.1181, from logits ln(1 + e^1000) = 1000, gradient -1
    assert r"$\ln(1 + e^{1000}) \approx 1000$" in text
    bce_logits = ns["binary_cross_entropy_with_logits"]
    assert f"{bce(1.0, sig(-1000.0)):.4f}" == "16.1181"
    exact = float(mpmath.log(1 + mpmath.exp(1000)))
    assert bce_logits(1.0, -1000.0) == pytest.approx(exact, rel=1e-15)
    assert f"{exact:.4f}" == "1000.0000"
    assert r"$\sigma(-1000) - 1 \approx -1$" in text
    assert float(ns["binary_cross_entropy_with_logits_grad"](1.0, -1000.0)) == -1.0


def test_stated_cce_gradient_wrt_probabilities(nb, tf):
    r"""The text states dCCE/dp = -y / (m p) (no exercise): checked with tf.GradientTape."""
    assert r"= -\frac{y_{ij}}{m\,p_{ij}}$" in _markdown(nb)
    y, probs, _ = _onehot_batch(7, m=6, k=4)

    def loss(v):
        return -tf.reduce_mean(tf.reduce_sum(y * tf.math.log(v), axis=-1))

    np.testing.assert_allclose(-y / (len(y) * probs), _tape_grad(tf, loss, probs), rtol=1e-12)


# --- references and visible expectations against an exact oracle -------------------------------
#
# Exact implementations of the nine functions in 50-digit arithmetic (decimal; mpmath for the two
# from logits), following each statement's letter: the inputs are the float64 arrays the function
# receives, clipping happens at the float values np.clip gives, everything after that is exact and
# rounded once to float64.
# Every value the hidden tests record, and every expected value a visible check states, must lie
# within a tenth of its tolerance of the exact value: then an answer closer to the exact value
# than the solution can never fail.

PREC = 50


def _d(x) -> Decimal:
    return Decimal(float(x))  # exact: every float is a finite binary fraction


def _floats(x) -> np.ndarray:
    return np.asarray(x, dtype=float)


def _as_array(values, shape) -> np.ndarray:
    return np.array([float(v) for v in values], dtype=float).reshape(shape)


def exact_mse_loss(y_true, y_pred):
    p = _floats(y_pred)
    y = _floats(y_true).reshape(p.shape)
    with localcontext() as ctx:
        ctx.prec = PREC
        total = sum(
            ((_d(a) - _d(b)) ** 2 for a, b in zip(y.ravel(), p.ravel(), strict=True)), Decimal(0)
        )
        return float(total / p.size)


def exact_mse_grad(y_true, y_pred):
    p = _floats(y_pred)
    y = _floats(y_true).reshape(p.shape)
    with localcontext() as ctx:
        ctx.prec = PREC
        g = [2 * (_d(b) - _d(a)) / p.size for a, b in zip(y.ravel(), p.ravel(), strict=True)]
        return _as_array(g, p.shape)


def _clipped(probs, eps) -> np.ndarray:
    return np.clip(_floats(probs), eps, 1 - eps)


def exact_binary_cross_entropy(y_true, y_pred, eps=1e-7):
    q = _clipped(y_pred, eps)
    y = _floats(y_true).reshape(q.shape)
    with localcontext() as ctx:
        ctx.prec = PREC
        total = Decimal(0)
        for a, b in zip(y.ravel(), q.ravel(), strict=True):
            a, b = _d(a), _d(b)
            total += a * b.ln() + (1 - a) * (1 - b).ln()
        return float(-total / q.size)


def exact_binary_cross_entropy_grad(y_true, y_pred, eps=1e-7):
    q = _clipped(y_pred, eps)
    y = _floats(y_true).reshape(q.shape)
    with localcontext() as ctx:
        ctx.prec = PREC
        g = [
            (_d(b) - _d(a)) / (_d(b) * (1 - _d(b))) / q.size
            for a, b in zip(y.ravel(), q.ravel(), strict=True)
        ]
        return _as_array(g, q.shape)


def exact_categorical_cross_entropy(y_true_onehot, probs, eps=1e-7):
    q = _clipped(probs, eps)
    k = q.shape[-1]
    y = _floats(y_true_onehot).reshape(-1, k)
    with localcontext() as ctx:
        ctx.prec = PREC
        total = Decimal(0)
        for y_row, q_row in zip(y, q.reshape(-1, k), strict=True):
            total -= sum(
                (_d(a) * _d(b).ln() for a, b in zip(y_row, q_row, strict=True)), Decimal(0)
            )
        return float(total / len(y))


def _exact_log_sum_exp(row) -> Decimal:
    top = max(_d(v) for v in row)
    return top + sum(((_d(v) - top).exp() for v in row), Decimal(0)).ln()


def exact_softmax_cross_entropy_with_logits(y_true_onehot, logits):
    z = _floats(logits)
    k = z.shape[-1]
    y = _floats(y_true_onehot).reshape(-1, k)
    with localcontext() as ctx:
        ctx.prec = PREC
        total = Decimal(0)
        for y_row, z_row in zip(y, z.reshape(-1, k), strict=True):
            lse = _exact_log_sum_exp(z_row)
            total += sum(
                (_d(a) * (lse - _d(b)) for a, b in zip(y_row, z_row, strict=True)), Decimal(0)
            )
        return float(total / len(y))


def exact_softmax_cross_entropy_grad(y_true_onehot, logits):
    z = _floats(logits)
    k = z.shape[-1]
    y = _floats(y_true_onehot).reshape(-1, k)
    rows = z.reshape(-1, k)
    with localcontext() as ctx:
        ctx.prec = PREC
        g = []
        for y_row, z_row in zip(y, rows, strict=True):
            lse = _exact_log_sum_exp(z_row)
            g += [
                ((_d(b) - lse).exp() - _d(a)) / len(rows) for a, b in zip(y_row, z_row, strict=True)
            ]
        return _as_array(g, z.shape)


def _mp_log_sigmoid(z: float):
    return -mpmath.log1p(mpmath.exp(-mpmath.mpf(z)))


def exact_binary_cross_entropy_with_logits(y_true, logits):
    """The definition -(y ln sigma(z) + (1 - y) ln(1 - sigma(z))), with 1 - sigma(z) = sigma(-z)."""
    z = _floats(logits)
    y = _floats(y_true).reshape(z.shape)
    with mpmath.workdps(PREC):
        total = mpmath.mpf(0)
        for a, b in zip(y.ravel(), z.ravel(), strict=True):
            a = mpmath.mpf(float(a))
            total -= a * _mp_log_sigmoid(b) + (1 - a) * _mp_log_sigmoid(-b)
        return float(total / z.size)


def exact_binary_cross_entropy_with_logits_grad(y_true, logits):
    z = _floats(logits)
    y = _floats(y_true).reshape(z.shape)
    with mpmath.workdps(PREC):
        g = [
            (1 / (1 + mpmath.exp(-mpmath.mpf(float(b)))) - mpmath.mpf(float(a))) / z.size
            for a, b in zip(y.ravel(), z.ravel(), strict=True)
        ]
        return _as_array(g, z.shape)


EXACT = {
    "mse_loss": exact_mse_loss,
    "mse_grad": exact_mse_grad,
    "binary_cross_entropy": exact_binary_cross_entropy,
    "binary_cross_entropy_grad": exact_binary_cross_entropy_grad,
    "categorical_cross_entropy": exact_categorical_cross_entropy,
    "softmax_cross_entropy_with_logits": exact_softmax_cross_entropy_with_logits,
    "softmax_cross_entropy_grad": exact_softmax_cross_entropy_grad,
    "binary_cross_entropy_with_logits": exact_binary_cross_entropy_with_logits,
    "binary_cross_entropy_with_logits_grad": exact_binary_cross_entropy_with_logits_grad,
}


def _cell(nb, grade_id: str) -> str:
    return next(c.source for c in nb.cells if notebooks.grade_id(c) == grade_id)


def _exact_namespace(ns) -> dict:
    space = {"np": np, "softmax": ns["softmax"], "sigmoid": ns["sigmoid"]}
    space.update(EXACT)
    for name in checks.__all__:
        space[name] = getattr(checks, name)
    return space


def test_exact_oracle_agrees_with_the_solution(ns):
    y, p = _binary_batch(11, (5, 3))
    assert exact_binary_cross_entropy(y, p) == pytest.approx(
        ns["binary_cross_entropy"](y, p), rel=1e-12
    )
    _, _, z = _onehot_batch(12, m=4, k=3)
    y_oh = np.eye(3)[[0, 2, 1, 1]]
    np.testing.assert_allclose(
        exact_softmax_cross_entropy_grad(y_oh, z),
        ns["softmax_cross_entropy_grad"](y_oh, z),
        rtol=1e-12,
        atol=1e-15,
    )


@pytest.mark.parametrize("exercise", sorted(EXACT))
def test_hidden_references_within_a_tenth_of_tolerance_of_exact(nb, ns, exercise):
    doc = json.loads(COURSE.reference_file(ASSIGNMENT).read_text(encoding="utf-8"))
    values = {k: reference.decode(v) for k, v in doc["values"].items()}
    got: dict = {}

    def collect(key, value, *, rtol=1e-6, atol=1e-9):
        got[key] = value

    space = _exact_namespace(ns)
    space["expect"] = collect
    exec(compile(_cell(nb, f"{exercise}-hidden"), f"<{exercise}-hidden>", "exec"), space)
    mine = sorted(k for k in values if k.startswith(f"{exercise}/"))
    assert sorted(got) == mine
    for key in mine:
        rtol, atol = doc["tolerances"][key]
        problem = reference.compare(values[key], got[key], rtol / 10, atol / 10)
        assert problem is None, f"{key}: the recorded reference is off the exact value: {problem}"


@pytest.mark.parametrize("exercise", sorted(EXACT))
def test_visible_expected_values_within_a_tenth_of_tolerance_of_exact(nb, ns, exercise):
    space = _exact_namespace(ns)

    def assert_close_tight(actual, expected, *, rtol=1e-6, atol=1e-8, **options):
        checks.assert_close(actual, expected, rtol=rtol / 10, atol=atol / 10, **options)

    space["assert_close"] = assert_close_tight
    with contextlib.redirect_stdout(io.StringIO()) as out:
        exec(compile(_cell(nb, f"{exercise}-visible"), f"<{exercise}-visible>", "exec"), space)
    assert "Видимые проверки пройдены ✓" in out.getvalue()


# --- the input contract: hidden tests stay inside it, visible checks cover it -----------------
#
# The statements promise: MSE and BCE (and their gradients, and BCE from logits) take numbers,
# lists or arrays of any shape, of one shape or the pair (m,) / (m, 1) in either order; the
# cross-entropies of k classes take lists or arrays of shape (m, k), or (k,) for one sample, of
# one shape.

ELEMENTWISE = {
    "mse_loss",
    "mse_grad",
    "binary_cross_entropy",
    "binary_cross_entropy_grad",
    "binary_cross_entropy_with_logits",
    "binary_cross_entropy_with_logits_grad",
}
CONTRACT_COVERAGE = {
    "elementwise": {
        "number",
        "list",
        "array",
        "mixed (m,) (m, 1)",
        "mixed (m, 1) (m,)",
        "matrix (m, k)",
    },
    "classes": {"list", "array", "one sample (k,)", "batch (m, k), m > 1"},
}


def _arg_kind(x) -> str:
    if isinstance(x, (bool, np.bool_)):
        return "bool"
    if isinstance(x, (int, float, np.integer, np.floating)):
        return "number"
    if isinstance(x, list):
        return "list"
    if isinstance(x, np.ndarray):
        return "array"
    return type(x).__name__


def _features(exercise: str, args, kwargs) -> set[str]:
    """What one call exercises; AssertionError when it is outside the statement's contract."""
    assert len(args) == 2, f"{exercise}: called with {len(args)} positional arguments"
    assert set(kwargs) <= ({"eps"} if "entropy" in exercise else set()), kwargs
    assert all(isinstance(v, float) and 0 < v < 0.5 for v in kwargs.values()), kwargs
    kinds = {_arg_kind(a) for a in args}
    a, b = (np.shape(x) for x in args)
    if exercise in ELEMENTWISE:
        assert kinds <= {"number", "list", "array"}, f"{exercise}: argument types {kinds}"
        feats = set(kinds)
        if a != b:
            assert len(a) in (1, 2) and {a, b} == {(a[0],), (a[0], 1)}, f"{exercise}: {a}, {b}"
            feats.add("mixed (m,) (m, 1)" if len(a) == 1 else "mixed (m, 1) (m,)")
        elif len(a) == 2 and a[0] > 1 and a[1] > 1:
            feats.add("matrix (m, k)")
        return feats
    assert kinds <= {"list", "array"}, f"{exercise}: argument types {kinds}"
    assert a == b and len(a) in (1, 2), f"{exercise}: shapes {a}, {b}"
    feats = set(kinds)
    feats.add("one sample (k,)" if len(a) == 1 else "batch (m, k), m > 1" if a[0] > 1 else "")
    return feats - {""}


def _recording_namespace(ns, seen: dict) -> dict:
    space = _exact_namespace(ns)
    for name, func in EXACT.items():

        def recorder(*args, _name=name, _func=func, **kwargs):
            seen.setdefault(_name, set()).update(_features(_name, args, kwargs))
            return _func(*args, **kwargs)

        space[name] = recorder
    space["expect"] = lambda key, value, **tolerances: None
    return space


@pytest.mark.parametrize("exercise", sorted(EXACT))
def test_hidden_tests_stay_inside_the_input_contract(nb, ns, exercise):
    seen: dict = {}
    space = _recording_namespace(ns, seen)
    exec(compile(_cell(nb, f"{exercise}-hidden"), f"<{exercise}-hidden>", "exec"), space)
    assert exercise in seen


@pytest.mark.parametrize("exercise", sorted(EXACT))
def test_visible_checks_cover_the_input_contract(nb, ns, exercise):
    seen: dict = {}
    space = _recording_namespace(ns, seen)
    with contextlib.redirect_stdout(io.StringIO()):
        exec(compile(_cell(nb, f"{exercise}-visible"), f"<{exercise}-visible>", "exec"), space)
    family = "elementwise" if exercise in ELEMENTWISE else "classes"
    missing = CONTRACT_COVERAGE[family] - seen.get(exercise, set())
    assert not missing, f"{exercise}: no visible check exercises {sorted(missing)}"
