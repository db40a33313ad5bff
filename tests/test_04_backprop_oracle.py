"""04-backprop against independent oracles: SciPy for the worked example and the numbers the text
states, TensorFlow's GradientTape for the 2-2-1 gradients and the vectorised network, exact
arithmetic (``decimal``) for every recorded reference value and every visible check."""

from __future__ import annotations

import contextlib
import copy
import decimal
import io
import json

import numpy as np
import pytest
from scipy.optimize import approx_fprime
from scipy.special import expit

from autograder import reference
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
    # reading the chain off the computational graph (§1)
    (r"На ребре $y_{pred} \to L$ градиент $-0.9526$", "-0.9526", DL_DYPRED, ".4f"),
    (r"$\sigma'(z_3) = 0.2494$", "0.2494", fprime(Z3), ".4f"),
    (r"на ребре $h_1$ стоит $-0.2376", "-0.2376", DL_DYPRED * DYPRED_DH1, ".4f"),
    (r"$-0.2376 = -0.9526 \cdot 0.2494$", "-0.9526", DL_DYPRED, ".4f"),
    (r"$-0.2376 = -0.9526 \cdot 0.2494$", "0.2494", DYPRED_DH1, ".4f"),
    (r"$\sigma'(z_1) = 0.04518$", "0.04518", fprime(-3.0), ".5f"),
    (r"на ребре $w_1$ стоит $0.02147$", "0.02147", DL_DW1, ".5f"),
    (r"$x_1\,\sigma'(z_1) = -0.09035$", "-0.09035", DH1_DW1, ".5f"),
    (r"(-0.9526) \cdot 0.2494 \cdot (-0.09035) = 0.02147", "0.02147", DL_DW1, ".5f"),
    (r"(-0.9526) \cdot 0.2494 \cdot (-0.09035) = 0.02147", "-0.09035", DH1_DW1, ".5f"),
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


def test_step_size_plot_claims(sol, text):
    """§4's plot: for Σx³ the error of the central difference is smallest at eps ~ 1e-6…1e-5 and
    falls as eps² on the right (the truncation error is exactly eps² for a cube)."""
    assert r"$10^{-6}$–$10^{-5}$" in text and r"падает как $\varepsilon^2$" in text
    x = np.array([0.7, -1.2, 2.0])
    exact = 3 * x * x
    eps_values = np.logspace(-13, -1, 25)
    errors = [
        sol["relative_error"](
            sol["numerical_gradient"](lambda v: np.sum(v * v * v), x, eps=eps), exact
        )
        for eps in eps_values
    ]
    assert 1e-6 <= eps_values[int(np.argmin(errors))] <= 1e-5
    right = eps_values >= 1e-4
    slope = np.polyfit(np.log10(eps_values[right]), np.log10(np.array(errors)[right]), 1)[0]
    assert slope == pytest.approx(2, abs=0.05)
    # the truncation error in closed form: ((x+e)³ − (x−e)³) / 2e − 3x² = e²
    e = 1e-2
    assert np.allclose(sol["numerical_gradient"](lambda v: np.sum(v**3), x, eps=e) - exact, e**2)


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


# the leaves of the computational graph that §1 draws, and the gradients on their edges
GRAPH_LEAF_EDGES = {
    "w1": [("w1", "m1")], "w2": [("w2", "m2")], "w3": [("w3", "m3")], "w4": [("w4", "m4")],
    "w5": [("w5", "m5")], "w6": [("w6", "m6")], "b1": [("b1", "z1")], "b2": [("b2", "z2")],
    "b3": [("b3", "z3")], "x1": [("x1", "m1"), ("x1", "m3")], "x2": [("x2", "m2"), ("x2", "m4")],
}  # fmt: skip


def tf_grads_221_with_inputs(tf, x, y_true, params):
    """∂L/∂(parameter) for the nine parameters and ∂L/∂x1, ∂L/∂x2, and the forward values."""
    v = {k: tf.Variable(float(params[k]), dtype=tf.float64) for k in NAMES_221}
    x1, x2 = (tf.Variable(float(t), dtype=tf.float64) for t in x)
    with tf.GradientTape() as tape:
        z1 = v["w1"] * x1 + v["w2"] * x2 + v["b1"]
        z2 = v["w3"] * x1 + v["w4"] * x2 + v["b2"]
        h1, h2 = tf.sigmoid(z1), tf.sigmoid(z2)
        z3 = v["w5"] * h1 + v["w6"] * h2 + v["b3"]
        o1 = tf.sigmoid(z3)
        loss = (y_true - o1) ** 2
    grads = tape.gradient(loss, [v[k] for k in NAMES_221] + [x1, x2])
    values = {"z1": z1, "z2": z2, "h1": h1, "h2": h2, "z3": z3, "y_pred": o1, "L": loss}
    return (dict(zip([*NAMES_221, "x1", "x2"], (g.numpy() for g in grads), strict=True)),
            {k: t.numpy() for k, t in values.items()})  # fmt: skip


@pytest.mark.slow
@pytest.mark.parametrize("case", ["example", "random-1", "random-2", "x1-zero"])
def test_computational_graph_against_gradient_tape(tf, sol, case):
    """Every number the graph of §1 (and its slider demo) shows: the forward values on the inner
    edges, the gradient on each leaf's edge (x1 and x2 feed two products: their edges sum to
    ∂L/∂x), the σ′ in the σ nodes, and that the three factors it prints multiply to ∂L/∂w1."""
    if case == "example":
        x, y_true, params = [-2.0, -1.0], 1.0, EXAMPLE
    elif case == "x1-zero":
        x, y_true, params = [0.0, -1.0], 1.0, EXAMPLE
    else:
        rng = np.random.default_rng(int(case[-1]))
        x, y_true = rng.normal(scale=2.0, size=2), float(rng.random())
        params = dict(zip(NAMES_221, rng.normal(scale=1.5, size=9), strict=True))
    r = sol["graph_221"](x, y_true, params)
    grads, values = tf_grads_221_with_inputs(tf, x, y_true, params)
    for leaf, edges in GRAPH_LEAF_EDGES.items():
        assert sum(r["grads"][e] for e in edges) == pytest.approx(
            grads[leaf], rel=1e-10, abs=1e-15
        ), leaf
    for key, value in values.items():
        assert r["values"][key] == pytest.approx(value, rel=1e-12, abs=1e-15), key
    for z in ("z1", "z2", "z3"):
        assert r["local"][z] == pytest.approx(fprime(values[z]), rel=1e-12)
    g = r["grads"]
    # the three factors the picture prints: ∂L/∂y_pred, w5·σ′(z3), x1·σ′(z1)
    f1, f2, f3 = g[("y_pred", "L")], params["w5"] * r["local"]["z3"], x[0] * r["local"]["z1"]
    assert f1 == pytest.approx(-2 * (y_true - values["y_pred"]), rel=1e-12)
    assert g[("h1", "m5")] == pytest.approx(f1 * f2, rel=1e-12, abs=1e-15)
    assert f1 * f2 * f3 == pytest.approx(grads["w1"], rel=1e-10, abs=1e-15)
    if case == "x1-zero":  # the self-check: x1 = 0 makes ∂L/∂w1 zero
        assert grads["w1"] == 0 and g[("w1", "m1")] == 0
    if case == "example":
        assert (f1, f2, f3) == pytest.approx((DL_DYPRED, DYPRED_DH1, DH1_DW1), rel=1e-12)


def test_the_drawing_calls_succeed(sol):
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    for w5 in (1.0, 0.0, -3.0):  # the slider's ends and w5 = 0 (no gradient reaches h1)
        params = dict(EXAMPLE, w5=w5)
        r = sol["draw_graph_221"]([3.0, -3.0], 0.0, params)
        if w5 == 0:
            assert r["grads"][("h1", "m5")] == 0 and r["grads"][("w1", "m1")] == 0
        plt.close("all")


# --- the symmetry lesson and the training rule of 01 ----------------------------------------------


def test_identical_hidden_neurons_stay_identical(sol, text):
    """§3: from the symmetric example, SGD on XOR keeps h1 = h2 (bit for bit), unsolved;
    §6: the vectorised net with all weights equal keeps its hidden columns equal, ends at ln 2."""
    assert "остаются одинаковыми навсегда" in text
    p = dict(EXAMPLE)
    data = [([0.0, 0.0], 0.0), ([0.0, 1.0], 1.0), ([1.0, 0.0], 1.0), ([1.0, 1.0], 0.0)]
    for _ in range(300):
        for x, y in data:
            g = sol["backprop_221"](x, y, p)
            for k in p:
                p[k] -= 0.5 * g["dL_d" + k]
    assert p["w1"] == p["w3"] and p["w2"] == p["w4"] and p["b1"] == p["b2"] and p["w5"] == p["w6"]
    assert p["w1"] != 1.0
    outs = [sol["forward_221"](x, p)["o1"] for x, _ in data]
    assert not all((o > 0.5) == (y > 0.5) for o, (_, y) in zip(outs, data, strict=True))
    # the self-check: w5 != w6 alone gives the incoming weights different gradients
    g = sol["backprop_221"]([-2.0, -1.0], 1.0, dict(EXAMPLE, w6=0.5))
    assert g["dL_dw1"] != pytest.approx(g["dL_dw3"])

    X = np.array([[0, 0], [0, 1], [1, 0], [1, 1]], dtype=float)
    Y = np.array([[0], [1], [1], [0]], dtype=float)
    same = {
        "W1": np.full((2, 8), 0.5),
        "b1": np.zeros(8),
        "W2": np.full((8, 1), 0.5),
        "b2": np.zeros(1),
    }
    losses = sol["gradient_descent"](X, Y, same, lr=0.5, n_epochs=2000)
    assert np.allclose(same["W1"], same["W1"][:, :1], rtol=0, atol=1e-12)
    assert losses[-1] == pytest.approx(np.log(2), abs=1e-3)


def test_the_rule_of_01_is_gradient_descent_on_half_the_sum_of_squares(text):
    """The box after §3: 01's step X.T((y - out) out (1 - out)) equals -∇ ½Σ(y - out)² (SciPy),
    with learning rate 1; for the mean squared error the same step is 2/m times the gradient."""
    assert r"скоростью обучения $\eta = 1$" in text and "множителем $2/m$" in text
    X = np.array([[0, 0, 1], [1, 1, 1], [1, 0, 1], [0, 1, 1]], dtype=float)
    y = np.array([0, 1, 1, 0], dtype=float)
    for seed in range(3):
        w = 2 * np.random.default_rng(seed).random(3) - 1
        out = expit(X @ w)
        step = X.T @ ((y - out) * out * (1 - out))
        half_sse = approx_fprime(w, lambda v: 0.5 * np.sum((y - expit(X @ v)) ** 2), 1e-7)
        mse = approx_fprime(w, lambda v: np.mean((y - expit(X @ v)) ** 2), 1e-7)
        np.testing.assert_allclose(step, -half_sse, atol=1e-6)
        np.testing.assert_allclose(step * 2 / len(y), -mse, atol=1e-6)


def test_the_numpy_lesson_code_does_not_run_as_printed():
    """§5: the NumPy lesson's forward np.dot(W1, X) with W1 (4, 3) and X of rows (4, 2) fails;
    it needs X.T and input_size = 2."""
    X = np.array([[0, 0], [0, 1], [1, 0], [1, 1]], dtype=float)
    with pytest.raises(ValueError):
        np.dot(np.ones((4, 3)), X)
    with pytest.raises(ValueError):
        np.dot(np.ones((4, 3)), X.T)
    assert np.dot(np.ones((4, 2)), X.T).shape == (4, 4)


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


# --- exact arithmetic: the recorded references and the visible checks -----------------------------
#
# Each exercise is re-implemented in exact arithmetic (``decimal``, 60 digits; every float input is
# taken at its exact binary value, results are rounded once). The hidden test cells then run with
# these oracles in place of the solution: every recorded reference value must lie within a tenth
# of its key's tolerance of the oracle's, so an answer closer to the exact value than the solution
# can never lose points. The visible test cells run with the oracles too, at a tenth of their
# tolerances.

_CTX = decimal.Context(prec=60, Emax=10**6, Emin=-(10**6))
_D = np.vectorize(lambda v: decimal.Decimal(float(v)), otypes=[object])
_F = np.vectorize(float, otypes=[float])
_EXP = np.vectorize(lambda v: v.exp(), otypes=[object])
_LN = np.vectorize(lambda v: v.ln(), otypes=[object])


def _dec(x):
    return _D(np.asarray(x, dtype=float))


def _sig(z):
    return 1 / (1 + _EXP(-z))


def _exact(func):
    def wrapped(*args, **kwargs):
        with decimal.localcontext(_CTX):
            return func(*args, **kwargs)

    return wrapped


def _fwd221(x, params):
    x1, x2 = _dec(x)
    p = {k: decimal.Decimal(float(v)) for k, v in params.items()}
    z1 = p["w1"] * x1 + p["w2"] * x2 + p["b1"]
    z2 = p["w3"] * x1 + p["w4"] * x2 + p["b2"]
    h1, h2 = 1 / (1 + (-z1).exp()), 1 / (1 + (-z2).exp())
    z3 = p["w5"] * h1 + p["w6"] * h2 + p["b3"]
    o1 = 1 / (1 + (-z3).exp())
    return x1, x2, p, {"z1": z1, "z2": z2, "z3": z3, "h1": h1, "h2": h2, "o1": o1}


@_exact
def exact_forward_221(x, params):
    return {k: float(v) for k, v in _fwd221(x, params)[3].items()}


@_exact
def exact_backprop_w1(x, y_true, params):
    x1, _, p, o = _fwd221(x, params)
    dL = -2 * (decimal.Decimal(float(y_true)) - o["o1"])
    dy = p["w5"] * o["o1"] * (1 - o["o1"])
    dh = x1 * o["h1"] * (1 - o["h1"])
    return {"dL_dypred": float(dL), "dypred_dh1": float(dy), "dh1_dw1": float(dh),
            "dL_dw1": float(dL * dy * dh)}  # fmt: skip


@_exact
def exact_backprop_221(x, y_true, params):
    x1, x2, p, o = _fwd221(x, params)
    d3 = -2 * (decimal.Decimal(float(y_true)) - o["o1"]) * o["o1"] * (1 - o["o1"])
    d1 = d3 * p["w5"] * o["h1"] * (1 - o["h1"])
    d2 = d3 * p["w6"] * o["h2"] * (1 - o["h2"])
    g = {"w1": d1 * x1, "w2": d1 * x2, "w3": d2 * x1, "w4": d2 * x2, "w5": d3 * o["h1"],
         "w6": d3 * o["h2"], "b1": d1, "b2": d2, "b3": d3}  # fmt: skip
    return {"dL_d" + k: float(v) for k, v in g.items()}


@_exact
def exact_numerical_gradient(f, x, eps=1e-5):
    """The central difference in exact arithmetic, for functions numpy can apply to Decimals."""
    base = _dec(x)
    e = decimal.Decimal(float(eps))
    grad = np.zeros(base.shape, dtype=object)
    for idx in np.ndindex(base.shape):
        up, down = base.copy(), base.copy()
        up[idx] += e
        down[idx] -= e
        grad[idx] = (f(up) - f(down)) / (2 * e)
    return _F(grad)[()] if base.ndim == 0 else _F(grad)


@_exact
def exact_relative_error(a, b):
    a, b = _dec(a), _dec(b)
    floor = decimal.Decimal(1e-8)
    return float(
        max(
            (
                abs(p - q) / max(floor, abs(p) + abs(q))
                for p, q in zip(a.ravel(), b.ravel(), strict=True)
            )
        )
    )


@_exact
def exact_init_params(n_in, n_hidden, n_out, seed):
    rng = np.random.default_rng(seed)
    z1 = rng.standard_normal((n_in, n_hidden))
    z2 = rng.standard_normal((n_hidden, n_out))
    s1 = (decimal.Decimal(2) / n_in).sqrt()
    s2 = (decimal.Decimal(2) / n_hidden).sqrt()
    return {"W1": _F(_dec(z1) * s1), "b1": np.zeros(n_hidden), "W2": _F(_dec(z2) * s2),
            "b2": np.zeros(n_out)}  # fmt: skip


def _forward_exact(X, p):
    Z1 = _dec(X) @ p["W1"] + p["b1"]
    A1 = np.where(Z1 > 0, Z1, decimal.Decimal(0))
    Z2 = A1 @ p["W2"] + p["b2"]
    return {"Z1": Z1, "A1": A1, "Z2": Z2, "A2": _sig(Z2)}


def _backward_exact(X, Y, cache, p):
    A2 = cache["A2"]
    dZ2 = (A2 - np.reshape(Y, A2.shape)) / A2.size
    dZ1 = (dZ2 @ p["W2"].T) * np.where(cache["Z1"] > 0, 1, 0)
    return {"W1": _dec(X).T @ dZ1, "b1": dZ1.sum(axis=0), "W2": cache["A1"].T @ dZ2,
            "b2": dZ2.sum(axis=0)}  # fmt: skip


def _bce_exact(Y, A2):
    lo, hi = decimal.Decimal(1e-7), decimal.Decimal(1.0 - 1e-7)
    P = np.where(A2 < lo, lo, np.where(A2 > hi, hi, A2))
    Y = np.reshape(Y, P.shape)
    return -(Y * _LN(P) + (1 - Y) * _LN(1 - P)).sum() / P.size


@_exact
def exact_forward(X, params):
    cache = _forward_exact(X, {k: _dec(v) for k, v in params.items()})
    cache = {k: _F(v) for k, v in cache.items()}
    return cache["A2"], cache


@_exact
def exact_backward(X, Y, cache, params):
    cache = {k: _dec(v) for k, v in cache.items()}
    grads = _backward_exact(X, _dec(Y), cache, {k: _dec(v) for k, v in params.items()})
    return {k: _F(v) for k, v in grads.items()}


@_exact
def exact_gradient_descent(X, Y, params, lr, n_epochs):
    p = {k: _dec(v) for k, v in params.items()}
    Yd, step = _dec(Y), decimal.Decimal(float(lr))
    losses = []
    for _ in range(n_epochs):
        cache = _forward_exact(X, p)
        losses.append(float(_bce_exact(Yd, cache["A2"])))
        grads = _backward_exact(X, Yd, cache, p)
        p = {k: p[k] - step * grads[k] for k in p}
    for k in params:
        params[k][...] = _F(p[k])
    return losses


EXACT = {
    "forward_221": exact_forward_221,
    "backprop_w1": exact_backprop_w1,
    "backprop_221": exact_backprop_221,
    "numerical_gradient": exact_numerical_gradient,
    "relative_error": exact_relative_error,
    "init_params": exact_init_params,
    "forward": exact_forward,
    "backward": exact_backward,
    "gradient_descent": exact_gradient_descent,
}
# Hidden cells whose test functions numpy cannot apply to Decimals: see the closed forms below.
HIDDEN_BY_CLOSED_FORM = {"numerical_gradient"}


def _exercise_cells():
    nb = notebooks.read(COURSE.source_notebook(ASSIGNMENT))
    return {ex.name: {part: nb.cells[i].source for part, i in ex.cells.items()}
            for ex in notebooks.exercises(nb)}  # fmt: skip


def _reference():
    doc = json.loads(COURSE.reference_file(ASSIGNMENT).read_text(encoding="utf-8"))
    return reference.load(COURSE.reference_file(ASSIGNMENT)), doc["tolerances"]


def _with_oracle(sol, exercise):
    ns = {k: v for k, v in sol.items() if not k.startswith("__")}
    ns[exercise] = EXACT[exercise]
    return ns


def test_every_exercise_has_an_exact_oracle():
    assert set(_exercise_cells()) == set(EXACT)


@pytest.mark.parametrize("exercise", sorted(set(EXACT) - HIDDEN_BY_CLOSED_FORM))
def test_reference_is_within_a_tenth_of_tolerance_of_exact(sol, exercise):
    refs, tolerances = _reference()
    got = {}

    def capture(key, value, *, rtol=1e-6, atol=1e-9):
        got[key] = copy.deepcopy(value)

    ns = _with_oracle(sol, exercise)
    ns["expect"] = capture
    hidden = _exercise_cells()[exercise]["hidden"]
    exec(hidden.split("### BEGIN HIDDEN TESTS")[1].split("### END HIDDEN TESTS")[0], ns)
    assert got and set(got) == {k for k in refs if k.startswith(exercise + "/")}
    for key, value in got.items():
        rtol, atol = tolerances[key]
        problem = reference.compare(refs[key], value, rtol / 10, atol / 10)
        assert problem is None, f"{key}: the exact value is off the reference: {problem}"


def test_numerical_gradient_references_against_closed_forms():
    """The recorded central differences against the exact derivatives (the truncation error of a
    central difference, eps²·f'''/6 ~ 1e-11, lies far inside a tenth of each tolerance) and, for the
    large step, against the central difference of exp in closed form: e^x·sinh(eps)/eps."""
    refs, tolerances = _reference()
    rng = np.random.default_rng(7)
    A = rng.normal(size=(3, 4))
    x2d = rng.normal(size=(4, 2))
    t = 1.3
    exact = {
        "numerical_gradient/matrix-input": A.T @ (1 - np.tanh(A @ x2d) ** 2),
        "numerical_gradient/scalar-input": np.cos(t) * t**2 + 2 * t * np.sin(t),
        "numerical_gradient/input-unchanged": np.array([0.1, 0.7, 1 / 3, -2.9, 1e3 + 0.1]),
        "numerical_gradient/custom-eps": np.exp([0.0, 1.0]) * np.sinh(1e-2) / 1e-2,
    }
    assert set(exact) == {k for k in refs if k.startswith("numerical_gradient/")}
    for key, value in exact.items():
        rtol, atol = tolerances[key]
        problem = reference.compare(refs[key], value, rtol / 10, atol / 10)
        assert problem is None, f"{key}: {problem}"


def _tightened(checks_module):
    def assert_close(actual, expected, *, rtol=1e-6, atol=1e-8, **kw):
        checks_module.assert_close(actual, expected, rtol=rtol / 10, atol=atol / 10, **kw)

    return assert_close


@pytest.mark.parametrize("exercise", sorted(EXACT))
def test_exact_answers_pass_the_visible_checks_at_a_tenth_of_their_tolerance(sol, exercise):
    from autograder import checks

    ns = _with_oracle(sol, exercise)
    ns["assert_close"] = _tightened(checks)
    with contextlib.redirect_stdout(io.StringIO()) as out:
        exec(_exercise_cells()[exercise]["visible"], ns)
    assert "Видимые проверки пройдены ✓" in out.getvalue()


# --- the input contract of each statement, kept in step with the tests ----------------------------
#
# What each statement promises a function receives, per argument: the kinds of value (a number, a
# list, a NumPy array of so many dimensions, a dict). Hidden tests may pass only these; the visible
# checks must exercise every kind a statement names for the inputs a student converts themselves.

ANY = None  # an argument the statement does not constrain by kind (a function, a dict of numbers)
CONTRACT = {
    "forward_221": {"x": {"list", "array1"}, "params": ANY},
    "backprop_w1": {"x": {"list", "array1"}, "y_true": {"number"}, "params": ANY},
    "backprop_221": {"x": {"list", "array1"}, "y_true": {"number"}, "params": ANY},
    "numerical_gradient": {
        "f": ANY,
        "x": {"number", "list", "array1", "array2"},
        "eps": {"number"},
    },
    "relative_error": {
        "a": {"number", "list", "array1", "array2"},
        "b": {"number", "list", "array1", "array2"},
    },
    "init_params": {name: {"number"} for name in ("n_in", "n_hidden", "n_out", "seed")},
    "forward": {"X": {"array2"}, "params": {"dict"}},
    "backward": {"X": {"array2"}, "Y": {"array2", "array1"}, "cache": {"dict"}, "params": {"dict"}},
    "gradient_descent": {
        "X": {"array2"},
        "Y": {"array2"},
        "params": {"dict"},
        "lr": {"number"},
        "n_epochs": {"number"},
    },
}
# kinds the visible checks must exercise (the rest are covered by the hidden tests' other data)
VISIBLY = {
    "forward_221": {"x": {"list", "array1"}},
    "backprop_w1": {"x": {"list", "array1"}},
    "backprop_221": {"x": {"list", "array1"}},
    "numerical_gradient": {"x": {"number", "list", "array1", "array2"}},
    "relative_error": {"a": {"number", "list", "array2"}},
    "backward": {"Y": {"array2", "array1"}},
}


def _kind(value) -> str:
    if isinstance(value, bool):
        return "bool"
    if isinstance(value, (int, float, np.integer, np.floating)):
        return "number"
    if isinstance(value, np.ndarray):
        return f"array{value.ndim}" if value.ndim else "number"
    return type(value).__name__


def _calls(sol, exercise, part):
    import inspect

    from autograder import checks

    ns = {k: v for k, v in sol.items() if not k.startswith("__")}
    real = ns[exercise]
    signature = inspect.signature(real)
    seen: list[dict] = []

    def recording(*args, **kwargs):
        bound = signature.bind(*args, **kwargs)
        seen.append({name: value for name, value in bound.arguments.items()})
        return real(*args, **kwargs)

    ns[exercise] = recording
    ns["expect"] = lambda key, value, **kw: None
    ns["assert_close"] = checks.assert_close
    source = _exercise_cells()[exercise][part]
    if part == "hidden":
        source = source.split("### BEGIN HIDDEN TESTS")[1].split("### END HIDDEN TESTS")[0]
    with contextlib.redirect_stdout(io.StringIO()):
        exec(source, ns)
    return seen


@pytest.mark.parametrize("exercise", sorted(CONTRACT))
def test_hidden_tests_stay_inside_the_input_contract(sol, exercise):
    calls = _calls(sol, exercise, "hidden")
    assert calls
    for call in calls:
        for name, value in call.items():
            allowed = CONTRACT[exercise][name]
            if allowed is not ANY:
                assert _kind(value) in allowed, f"{exercise}({name}=…): {_kind(value)} not promised"
        if exercise == "backward" and _kind(call["Y"]) == "array1":
            assert call["cache"]["A2"].shape[1] == 1, "1-D targets are promised for one output only"


@pytest.mark.parametrize("exercise", sorted(VISIBLY))
def test_visible_checks_exercise_every_promised_kind(sol, exercise):
    calls = _calls(sol, exercise, "visible")
    for name, kinds in VISIBLY[exercise].items():
        assert kinds <= {_kind(call[name]) for call in calls}, f"{exercise}: {name}"
        assert kinds <= CONTRACT[exercise][name]
