"""04-backprop against independent oracles: SciPy for the worked example and the numbers the text
states, TensorFlow's GradientTape for the 2-2-1 gradients and the vectorised network."""

from __future__ import annotations

import numpy as np
import pytest
from scipy.optimize import approx_fprime
from scipy.special import expit

from autograder.build import notebooks
from tests.conftest import COURSE
from tests.solution_code import markdown_text, solution_namespace

ASSIGNMENT = "04-backprop"
NAMES_221 = ["w1", "w2", "w3", "w4", "w5", "w6", "b1", "b2", "b3"]
EXAMPLE = dict.fromkeys(NAMES_221[:6], 1.0) | dict.fromkeys(NAMES_221[6:], 0.0)


def _cells():
    return notebooks.read(COURSE.source_notebook(ASSIGNMENT)).cells


@pytest.fixture(scope="module")
def sol():
    return solution_namespace(notebooks.read(COURSE.source_notebook(ASSIGNMENT)))


@pytest.fixture(scope="module")
def text() -> str:
    return markdown_text(notebooks.read(COURSE.source_notebook(ASSIGNMENT)))


@pytest.fixture(scope="module")
def tf():
    import tensorflow

    return tensorflow


def fprime(z):
    return expit(z) * (1 - expit(z))


# --- the worked example: SciPy by hand -----------------------------------------------------------

# exact values of the worked example, from SciPy
H = expit(-3.0)
Z3 = 2 * H
YPRED = expit(Z3)
DL_DYPRED = -2 * (1 - YPRED)
DYPRED_DH1 = 1.0 * fprime(Z3)
DH1_DW1 = -2 * fprime(-3.0)
DL_DW1 = DL_DYPRED * DYPRED_DH1 * DH1_DW1
SEED_ROUNDED = -0.952 * 0.249 * -0.0904


def test_worked_example_by_the_solution_matches_scipy(sol):
    out = sol["forward_221"]([-2, -1], EXAMPLE)
    np.testing.assert_allclose([out["h1"], out["h2"], out["z3"], out["o1"]], [H, H, Z3, YPRED])
    g = sol["backprop_w1"]([-2, -1], 1.0, EXAMPLE)
    np.testing.assert_allclose(
        [g["dL_dypred"], g["dypred_dh1"], g["dh1_dw1"], g["dL_dw1"]],
        [DL_DYPRED, DYPRED_DH1, DH1_DW1, DL_DW1],
        rtol=1e-12,
    )


# (text as written, the number it shows, the oracle's value, format of the shown number)
STATED = [
    (r"h_1 = h_2 = f(-3) \approx 0.0474", "0.0474", H, ".4f"),
    (r"z_3 = h_1 + h_2 = 0.0474 + 0.0474 = 0.0948", "0.0948", round(H, 4) * 2, ".4f"),
    (r"y_{pred} = f(0.0948) \approx 0.524", "0.524", expit(0.0948), ".3f"),
    (r"-2\,(1 - 0.524) = -0.952", "-0.952", -2 * (1 - 0.524), ".3f"),
    (r"f(0.0948)\,(1 - f(0.0948)) = 0.249", "0.249", fprime(0.0948), ".3f"),
    (r"-2 \cdot f(-3)\,(1 - f(-3)) = -0.0904", "-0.0904", DH1_DW1, ".4f"),
    (r"(-0.952) \cdot 0.249 \cdot (-0.0904) = 0.0214", "0.0214", SEED_ROUNDED, ".4f"),
    (r"f(0.948)(1 - f(0.948)) \approx 0.2013", "0.2013", fprime(0.948), ".4f"),
    (r"\partial L / \partial w_1 \approx 0.02147", "0.02147", DL_DW1, ".5f"),
    ("то есть $0.0215$ после округления", "0.0215", DL_DW1, ".4f"),
    ("$-0.952$ вместо $-0.95261$", "-0.95261", DL_DYPRED, ".5f"),
    ("$0.249$ вместо $0.24944$", "0.24944", DYPRED_DH1, ".5f"),
    ("$-0.0904$ вместо $-0.09035$", "-0.09035", DH1_DW1, ".5f"),
    ("результат\n  $0.021429$", "0.021429", SEED_ROUNDED, ".6f"),
    (r"$\partial L/\partial w_1 \approx 0.02147$", "0.02147", DL_DW1, ".5f"),
    ("промежуточные числа дают\n  $0.0214$", "0.0214", SEED_ROUNDED, ".4f"),
]


@pytest.mark.parametrize("snippet, shown, value, fmt", STATED, ids=[s[0] for s in STATED])
def test_stated_number(text, snippet, shown, value, fmt):
    assert snippet in text, f"the text no longer says {snippet!r}: update this test"
    assert shown in snippet
    assert shown == format(value, fmt), f"{snippet}: the oracle gives {value:.8f}"


def test_rounding_explanation(text):
    """The text's account of why the seed gets 0.0214: the rounded product lies ~0.2 % below the
    exact one and on the other side of the rounding boundary 0.02145."""
    assert "примерно на 0.2 %" in text and "границы округления $0.02145$" in text
    assert round(100 * (DL_DW1 - SEED_ROUNDED) / DL_DW1, 1) == 0.2
    assert SEED_ROUNDED < 0.02145 < DL_DW1
    # the seed's second factor is f'(0.0948), not f'(0.948)
    assert round(fprime(0.0948), 3) == 0.249 != round(fprime(0.948), 3)


def test_gradient_check_errors_in_stated_range(sol, text):
    """The text: errors of correct gradients in this lesson's checks lie between 1e-11 and 1e-8."""
    assert "от $10^{-11}$ до $10^{-8}$" in text
    ns = sol
    rng = np.random.default_rng(0)
    theta = rng.normal(size=9)
    x, y = np.array([0.5, -1.2]), 1.0

    def loss(t):
        return (y - ns["forward_221"](x, dict(zip(NAMES_221, t, strict=True)))["o1"]) ** 2

    g = ns["backprop_221"](x, y, dict(zip(NAMES_221, theta, strict=True)))
    analytic = np.array([g["dL_d" + k] for k in NAMES_221])
    errors = [ns["relative_error"](analytic, ns["numerical_gradient"](loss, theta))]
    rng = np.random.default_rng(1)
    X = rng.normal(size=(10, 3))
    Y = (rng.random((10, 1)) < 0.5).astype(float)
    p = ns["init_params"](3, 5, 1, seed=2)
    p["b1"] = rng.normal(size=5)
    grads = ns["backward"](X, Y, ns["forward"](X, p)[1], p)
    for key in p:

        def loss_of(v, key=key):
            return ns["binary_cross_entropy"](Y, ns["forward"](X, dict(p, **{key: v}))[0])

        errors.append(ns["relative_error"](grads[key], ns["numerical_gradient"](loss_of, p[key])))
    assert all(1e-11 <= e <= 1e-8 for e in errors), errors


# --- TensorFlow: the 2-2-1 gradients -------------------------------------------------------------


def tf_grads_221(tf, x, y_true, params):
    v = {k: tf.Variable(float(params[k]), dtype=tf.float64) for k in NAMES_221}
    x1, x2 = (tf.constant(float(t), dtype=tf.float64) for t in x)
    with tf.GradientTape() as tape:
        h1 = tf.sigmoid(v["w1"] * x1 + v["w2"] * x2 + v["b1"])
        h2 = tf.sigmoid(v["w3"] * x1 + v["w4"] * x2 + v["b2"])
        o1 = tf.sigmoid(v["w5"] * h1 + v["w6"] * h2 + v["b3"])
        loss = (y_true - o1) ** 2
    grads = tape.gradient(loss, [v[k] for k in NAMES_221])
    return np.array([g.numpy() for g in grads])


@pytest.mark.slow
def test_worked_example_against_gradient_tape(tf, sol):
    expected = tf_grads_221(tf, [-2.0, -1.0], 1.0, EXAMPLE)
    assert expected[0] == pytest.approx(DL_DW1, rel=1e-12)
    g = sol["backprop_221"]([-2, -1], 1.0, EXAMPLE)
    np.testing.assert_allclose([g["dL_d" + k] for k in NAMES_221], expected, rtol=1e-10)
    assert sol["backprop_w1"]([-2, -1], 1.0, EXAMPLE)["dL_dw1"] == pytest.approx(expected[0])


@pytest.mark.slow
def test_backprop_221_random_against_gradient_tape(tf, sol):
    rng = np.random.default_rng(3)
    for y_true in (0.0, 1.0, 0.3):
        params = dict(zip(NAMES_221, rng.normal(scale=1.5, size=9), strict=True))
        x = rng.normal(scale=2.0, size=2)
        g = sol["backprop_221"](x, y_true, params)
        np.testing.assert_allclose(
            [g["dL_d" + k] for k in NAMES_221],
            tf_grads_221(tf, x, y_true, params),
            rtol=1e-9,
            atol=1e-14,
        )


# --- TensorFlow: the vectorised network ----------------------------------------------------------


@pytest.mark.slow
@pytest.mark.parametrize(
    "m, n_in, n_hidden, n_out", [(1, 3, 4, 1), (4, 2, 8, 1), (17, 5, 6, 1), (9, 4, 3, 3)]
)
def test_backward_against_gradient_tape(tf, sol, m, n_in, n_hidden, n_out):
    rng = np.random.default_rng(m * 100 + n_out)
    params = sol["init_params"](n_in, n_hidden, n_out, seed=m)
    params["b1"] = rng.normal(size=n_hidden)
    params["b2"] = rng.normal(size=n_out)
    X = rng.normal(size=(m, n_in))
    Y = (rng.random((m, n_out)) < 0.5).astype(float)
    A2, cache = sol["forward"](X, params)
    grads = sol["backward"](X, Y, cache, params)
    assert set(grads) == set(params)

    v = {k: tf.Variable(p) for k, p in params.items()}
    dense_in = tf.constant(X)
    with tf.GradientTape() as tape:
        a1 = tf.nn.relu(dense_in @ v["W1"] + v["b1"])
        a2 = tf.sigmoid(a1 @ v["W2"] + v["b2"])
        # Keras's binary cross-entropy: mean over the outputs, then over the batch
        loss = tf.reduce_mean(tf.keras.losses.binary_crossentropy(Y, a2))
    expected = tape.gradient(loss, v)
    np.testing.assert_allclose(A2, a2.numpy(), rtol=1e-12)
    assert sol["binary_cross_entropy"](Y, A2) == pytest.approx(float(loss), rel=1e-5)
    for k in params:
        assert grads[k].shape == params[k].shape
        np.testing.assert_allclose(grads[k], expected[k].numpy(), rtol=1e-7, atol=1e-12)


def test_backward_accepts_flat_targets(sol):
    params = sol["init_params"](2, 5, 1, seed=0)
    X = np.random.default_rng(0).normal(size=(6, 2))
    y = np.array([0.0, 1.0, 1.0, 0.0, 1.0, 0.0])
    cache = sol["forward"](X, params)[1]
    flat = sol["backward"](X, y, cache, params)
    column = sol["backward"](X, y.reshape(-1, 1), cache, params)
    for k in params:
        np.testing.assert_array_equal(flat[k], column[k])


# --- the other functions -------------------------------------------------------------------------


def test_numerical_gradient_against_scipy_and_analytic(sol):
    A = np.random.default_rng(4).normal(size=(3, 4))

    def f(v):
        return float(np.sum(np.tanh(A @ v)))

    x = np.array([0.3, -0.2, 0.5, 1.0])
    analytic = A.T @ (1 - np.tanh(A @ x) ** 2)
    got = sol["numerical_gradient"](f, x)
    np.testing.assert_allclose(got, analytic, rtol=1e-8)
    np.testing.assert_allclose(got, approx_fprime(x, f, 1e-7), rtol=1e-5)
    # any shape, input untouched
    M = np.arange(6.0).reshape(2, 3) / 7
    before = M.copy()
    np.testing.assert_allclose(sol["numerical_gradient"](lambda t: np.sum(t**2), M), 2 * M)
    np.testing.assert_array_equal(M, before)


def test_relative_error_formula(sol):
    rel = sol["relative_error"]
    assert rel([1.0, 3.0], [1.1, 3.0]) == pytest.approx(0.1 / 2.1)
    assert rel(np.zeros(3), np.zeros(3)) == 0.0
    assert rel([-1.0], [1.0]) == 1.0
    assert isinstance(rel([1.0], [2.0]), float)


def test_init_params_is_he(sol):
    p = sol["init_params"](400, 300, 2, seed=0)
    assert np.std(p["W1"]) == pytest.approx(np.sqrt(2 / 400), rel=0.02)
    assert np.std(p["W2"]) == pytest.approx(np.sqrt(2 / 300), rel=0.1)
    assert p["b1"].shape == (300,) and p["b2"].shape == (2,) and not p["b1"].any()


def test_xor_is_learned(sol):
    X = np.array([[0, 0], [0, 1], [1, 0], [1, 1]], dtype=float)
    Y = np.array([[0], [1], [1], [0]], dtype=float)
    params = sol["init_params"](2, 8, 1, seed=0)
    losses = sol["gradient_descent"](X, Y, params, lr=0.5, n_epochs=2000)
    assert losses[-1] < 0.01 < losses[0]
    assert np.all((sol["forward"](X, params)[0] > 0.5) == Y)
