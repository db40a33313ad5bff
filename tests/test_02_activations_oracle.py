"""02-activations against independent oracles: TensorFlow (tf.nn, tf.GradientTape, keras) and SciPy.

The functions are taken from the source notebook: the code of its ``provided-*`` and ``*-solution``
cells is executed into a namespace. Every number the notebook's text states is checked here too.
"""

from __future__ import annotations

import contextlib
import io
import json
import warnings
from decimal import Decimal, localcontext

import numpy as np
import pytest
from scipy.special import expit
from scipy.special import softmax as sp_softmax

from autograder import reference
from autograder.build import notebooks
from tests.conftest import COURSE
from tests.solution_code import solution_namespace

ASSIGNMENT = "02-activations"
ACTIVATIONS = ("sigmoid", "tanh", "relu", "leaky_relu")


def _cells():
    return notebooks.read(COURSE.source_notebook(ASSIGNMENT)).cells


def _grade_id(cell) -> str:
    return cell.metadata.get("nbgrader", {}).get("grade_id", "")


@pytest.fixture(scope="module")
def ns() -> dict:
    return solution_namespace(notebooks.read(COURSE.source_notebook(ASSIGNMENT)))


@pytest.fixture(scope="module")
def tf():
    import tensorflow

    return tensorflow


@pytest.fixture(scope="module")
def inputs() -> list[np.ndarray]:
    rng = np.random.default_rng(12345)
    return [
        rng.normal(scale=3.0, size=7),
        rng.normal(scale=3.0, size=(4, 5)),
        rng.normal(scale=3.0, size=(2, 3, 4)),
        np.array([-30.0, -1.0, 0.0, 1e-9, 1.0, 30.0]),
    ]


# TensorFlow stores leaky ReLU's alpha as a float32 attribute: agreement to float32 precision there.
RTOL = {"sigmoid": 1e-12, "tanh": 1e-12, "relu": 1e-12, "leaky_relu": 1e-7}


def _tf_forward(tf, name, x, alpha=0.01):
    t = tf.constant(x, dtype=tf.float64)
    if name == "leaky_relu":
        return tf.nn.leaky_relu(t, alpha=alpha).numpy()
    return {"sigmoid": tf.nn.sigmoid, "tanh": tf.math.tanh, "relu": tf.nn.relu}[name](t).numpy()


def _tf_grad(tf, name, x, alpha=0.01):
    t = tf.constant(x, dtype=tf.float64)
    with tf.GradientTape() as tape:
        tape.watch(t)
        if name == "leaky_relu":
            y = tf.nn.leaky_relu(t, alpha=alpha)
        else:
            y = {"sigmoid": tf.nn.sigmoid, "tanh": tf.math.tanh, "relu": tf.nn.relu}[name](t)
    return tape.gradient(y, t).numpy()


# --- functions and derivatives against TensorFlow -------------------------------------------------


@pytest.mark.parametrize("name", ACTIVATIONS)
def test_activation_matches_tf(ns, tf, inputs, name):
    for x in inputs:
        got = ns[name](x)
        assert np.shape(got) == x.shape
        np.testing.assert_allclose(got, _tf_forward(tf, name, x), rtol=RTOL[name], atol=1e-15)


@pytest.mark.parametrize("name", ACTIVATIONS)
def test_derivative_matches_gradient_tape(ns, tf, inputs, name):
    for x in inputs:
        got = ns[f"{name}_grad"](x)
        assert np.shape(got) == x.shape
        np.testing.assert_allclose(got, _tf_grad(tf, name, x), rtol=RTOL[name], atol=1e-15)


@pytest.mark.parametrize("alpha", [0.01, 0.1, 0.3])
def test_leaky_relu_alpha_matches_tf(ns, tf, inputs, alpha):
    x = inputs[1]
    np.testing.assert_allclose(
        ns["leaky_relu"](x, alpha=alpha), _tf_forward(tf, "leaky_relu", x, alpha)
    )
    np.testing.assert_allclose(
        ns["leaky_relu_grad"](x, alpha=alpha), _tf_grad(tf, "leaky_relu", x, alpha)
    )


def test_derivatives_at_zero_follow_tf_convention(ns, tf):
    # The design fixes relu_grad(0) = 0 and leaky_relu_grad(0) = alpha: TensorFlow does the same.
    zero = np.zeros(3)
    assert np.array_equal(ns["relu_grad"](zero), _tf_grad(tf, "relu", zero))
    assert np.array_equal(ns["relu_grad"](zero), zero)
    np.testing.assert_allclose(
        ns["leaky_relu_grad"](zero, alpha=0.2), _tf_grad(tf, "leaky_relu", zero, 0.2), rtol=1e-7
    )
    assert np.allclose(ns["leaky_relu_grad"](zero, alpha=0.2), 0.2)


@pytest.mark.parametrize(
    "shape, axis", [((6,), -1), ((4, 5), -1), ((4, 5), 0), ((2, 3, 4), 1), ((2, 3, 4), -1)]
)
def test_softmax_matches_tf_keras_and_scipy(ns, tf, shape, axis):
    import keras

    z = np.random.default_rng(99).normal(scale=4.0, size=shape)
    got = ns["softmax"](z, axis=axis)
    np.testing.assert_allclose(got, tf.nn.softmax(tf.constant(z), axis=axis).numpy(), rtol=1e-12)
    np.testing.assert_allclose(got, sp_softmax(z, axis=axis), rtol=1e-12)
    np.testing.assert_allclose(got, keras.activations.softmax(z, axis=axis).numpy(), rtol=1e-12)
    np.testing.assert_allclose(got.sum(axis=axis), 1.0, rtol=1e-12)


def test_default_axis_is_last(ns):
    z = np.random.default_rng(5).normal(size=(3, 4))
    np.testing.assert_array_equal(ns["softmax"](z), ns["softmax"](z, axis=-1))
    np.testing.assert_allclose(ns["softmax"](z), sp_softmax(z, axis=-1), rtol=1e-12)


# --- numerical stability -------------------------------------------------------------------------


def test_extreme_inputs_correct_and_silent(ns, tf):
    big = np.array([-1000.0, -745.0, -710.0, 710.0, 745.0, 1000.0])
    with warnings.catch_warnings(), np.errstate(over="raise", divide="raise", invalid="raise"):
        warnings.simplefilter("error")
        values = {name: ns[name](big) for name in ("sigmoid", "sigmoid_grad", "tanh", "tanh_grad")}
        soft = ns["softmax"]([1000.0, 1001.0])
        soft_mixed = ns["softmax"](np.array([[0.0, 1.0], [1000.0, 1001.0], [-1000.0, 0.0]]))
    np.testing.assert_allclose(values["sigmoid"], expit(big), rtol=1e-12, atol=1e-300)
    np.testing.assert_allclose(
        values["sigmoid"], tf.nn.sigmoid(tf.constant(big)).numpy(), atol=1e-300
    )
    assert values["sigmoid"][0] == 0.0 and values["sigmoid"][-1] == 1.0
    np.testing.assert_allclose(values["tanh"], np.sign(big))
    np.testing.assert_allclose(values["sigmoid_grad"], 0.0, atol=1e-300)
    np.testing.assert_allclose(values["tanh_grad"], 0.0, atol=1e-300)
    np.testing.assert_allclose(
        soft, tf.nn.softmax(tf.constant([1000.0, 1001.0], tf.float64)).numpy()
    )
    np.testing.assert_allclose(soft, sp_softmax([0.0, 1.0]), rtol=1e-12)
    np.testing.assert_allclose(
        soft_mixed, sp_softmax([[0.0, 1.0], [0.0, 1.0], [-1000.0, 0.0]], axis=-1)
    )


def test_inputs_not_modified_and_shapes_kept(ns):
    x = np.random.default_rng(1).normal(size=(3, 4))
    for name in ACTIVATIONS + tuple(f"{a}_grad" for a in ACTIVATIONS) + ("softmax",):
        before = x.copy()
        out = ns[name](x)
        np.testing.assert_array_equal(x, before, err_msg=name)
        assert np.shape(out) == x.shape, name
        assert np.asarray(out).dtype == np.float64, name
        assert np.shape(ns[name]([1.0, -2.0])) == (2,), name
    for name in ACTIVATIONS + tuple(f"{a}_grad" for a in ACTIVATIONS):
        assert np.shape(ns[name](0.5)) == (), name


# --- numbers and identities the text states ------------------------------------------------------


def _markdown() -> str:
    return "\n".join(c.source for c in _cells() if c.cell_type == "markdown")


FLOAT_MAX = np.finfo(np.float64).max
SIGMA_PRIME_10 = expit(10.0) * expit(-10.0)
STATED = [
    (r"\sigma'(0) = 0.5 \cdot 0.5 = 0.25", "0.25", expit(0.0) * (1 - expit(0.0)), 2),
    (r"\sigma'(5) \approx 0.0066", "0.0066", expit(5.0) * expit(-5.0), 4),
    (r"\tanh'(0) = 1", "1", 1 - np.tanh(0.0) ** 2, 0),
    (r"0.25^{10} \approx 9.5 \cdot 10^{-7}", "9.5", 0.25**10 * 1e7, 1),
    (r"\approx 1.8 \cdot 10^{308}", "1.8", FLOAT_MAX / 1e308, 1),
    (r"\sigma(-40) \approx 4.2 \cdot 10^{-18}", "4.2", expit(-40.0) * 1e18, 1),
    # Self-check 2: sigma'(10) and how many times smaller it is than sigma'(0) = 0.25.
    (r"\sigma'(10) = \sigma(10)\,\sigma(-10) \approx", "4.5", expit(10.0) * expit(-10.0) * 1e5, 1),
    (r"0.25 / (4.5 \cdot 10^{-5}) \approx 5.5 \cdot 10^{3}", "5.5", 0.25 / SIGMA_PRIME_10 / 1e3, 1),
    ("Примерно в 5500 раз", "55", 0.25 / SIGMA_PRIME_10 / 100, 0),
    ("при $x > 709.78$", "709.78", np.log(FLOAT_MAX), 2),
    ("уже при $x > 709.78$", "709.78", np.log(FLOAT_MAX), 2),
]


@pytest.mark.parametrize("text, shown, value, digits", STATED, ids=[s[0] for s in STATED])
def test_stated_number_matches_oracle(text, shown, value, digits):
    assert text in _markdown(), f"the text no longer says {text!r}: update this test"
    assert shown == f"{value:.{digits}f}", f"{text}: the oracle gives {value:.8f}"


def test_stated_softmax_values():
    text = _markdown()
    for logits, shown in [
        ([1.0, 2.0, 3.0], r"\mathrm{softmax}(1, 2, 3) \approx (0.0900, 0.2447, 0.6652)"),
        ([1000.0, 1001.0], r"\mathrm{softmax}(1000, 1001) \approx (0.2689, 0.7311)"),
    ]:
        assert shown in text
        expected = ", ".join(f"{p:.4f}" for p in sp_softmax(np.array(logits) - max(logits)))
        assert shown.endswith(f"({expected})"), f"{shown}: SciPy gives ({expected})"


def test_stated_identities(ns):
    text = _markdown()
    xs = np.linspace(-8.0, 8.0, 1601)
    # tanh(x) = 2σ(2x) − 1; σ' = σ(1 − σ) ≤ 0.25, tanh' = 1 − tanh² ≤ 1 (maxima at 0).
    assert r"= 2\sigma(2x) - 1" in text
    np.testing.assert_allclose(np.tanh(xs), 2 * expit(2 * xs) - 1, atol=1e-12)
    assert np.max(ns["sigmoid_grad"](xs)) == pytest.approx(0.25)
    assert np.max(ns["tanh_grad"](xs)) == pytest.approx(1.0)
    # softmax(0, x)_2 = σ(x) and softmax(z + c) = softmax(z).
    assert r"\mathrm{softmax}(0, x)_2 = \frac{e^{x}}{1 + e^{x}} = \sigma(x)" in text
    pairs = np.stack([np.zeros_like(xs), xs], axis=-1)
    np.testing.assert_allclose(sp_softmax(pairs, axis=-1)[:, 1], expit(xs), rtol=1e-12)
    z = np.array([0.3, -1.2, 2.0])
    np.testing.assert_allclose(sp_softmax(z + 123.0), sp_softmax(z), rtol=1e-12)


def test_stated_linear_collapse_and_xor(ns):
    text = _markdown()
    # (XW1 + b1)W2 + b2 = X(W1 W2) + (b1 W2 + b2).
    assert (
        r"(XW_1 + b_1)W_2 + b_2 = X\,\underbrace{W_1 W_2}_{W} + \underbrace{b_1 W_2 + b_2}_{b}"
        in text
    )
    rng = np.random.default_rng(3)
    X, W1, b1, W2, b2 = (rng.normal(size=s) for s in [(6, 3), (3, 4), 4, (4, 2), 2])
    np.testing.assert_allclose((X @ W1 + b1) @ W2 + b2, X @ (W1 @ W2) + (b1 @ W2 + b2))
    # XOR by hand: ReLU layer W1 = ones, b1 = (0, −1), w2 = (1, −2); without ReLU −x1 − x2 + 2.
    assert "без активации выход $-x_1 - x_2 + 2$" in text.lower()
    X = np.array([[0, 0], [0, 1], [1, 0], [1, 1]], dtype=float)
    W1, b1, w2 = np.ones((2, 2)), np.array([0.0, -1.0]), np.array([1.0, -2.0])
    np.testing.assert_array_equal(ns["relu"](X @ W1 + b1) @ w2, [0, 1, 1, 0])
    np.testing.assert_array_equal((X @ W1 + b1) @ w2, -X[:, 0] - X[:, 1] + 2)


# --- hidden-test references against exact values (decimal arithmetic, 60 digits) -----------------

ONE = Decimal(1)
DIGITS = 60


def _dexp(v: float) -> Decimal:
    return Decimal(float(v)).exp()


def _exact(f, x) -> np.ndarray:
    x = np.asarray(x, dtype=float)
    with localcontext() as ctx:
        ctx.prec = DIGITS
        return np.array([float(f(v)) for v in x.ravel()]).reshape(x.shape)


def _sigmoid_exact(v):
    return ONE / (ONE + _dexp(-v))


def _sigmoid_grad_exact(v):
    e = _dexp(-abs(v))
    return e / (ONE + e) ** 2


def _tanh_exact(v):
    e = _dexp(-2 * abs(v))
    return (ONE - e) / (ONE + e) * (1 if v >= 0 else -1)


def _tanh_grad_exact(v):
    e = _dexp(-2 * abs(v))
    return 4 * e / (ONE + e) ** 2


def _softmax_exact(z, axis=-1) -> np.ndarray:
    z = np.moveaxis(np.asarray(z, dtype=float), axis, -1)
    out = np.empty_like(z)
    with localcontext() as ctx:
        ctx.prec = DIGITS
        for idx in np.ndindex(z.shape[:-1]):
            e = [_dexp(v) for v in z[idx]]
            total = sum(e)
            out[idx] = [float(v / total) for v in e]
    return np.moveaxis(out, -1, axis)


def _hidden_inputs() -> dict[str, np.ndarray]:
    """The inputs of the hidden tests, drawn as the hidden cells draw them."""
    out = {}
    rng = np.random.default_rng(202)
    out["sigmoid/matrix"] = rng.normal(scale=4.0, size=(3, 4))
    out["sigmoid/3d"] = rng.normal(scale=3.0, size=(2, 3, 2))
    rng = np.random.default_rng(303)
    out["sigmoid_grad/matrix"] = rng.uniform(-6.0, 6.0, size=(4, 3))
    out["sigmoid_grad/3d"] = rng.normal(scale=3.0, size=(2, 2, 3))
    rng = np.random.default_rng(404)
    out["tanh/matrix"] = rng.normal(scale=2.0, size=(5, 2))
    out["tanh/3d"] = rng.normal(scale=2.0, size=(2, 2, 3))
    rng = np.random.default_rng(505)
    out["tanh_grad/matrix"] = rng.uniform(-3.0, 3.0, size=(3, 4))
    out["tanh_grad/3d"] = rng.normal(scale=2.0, size=(3, 1, 2))
    return out


TAILS = {
    "sigmoid/extreme": (_sigmoid_exact, [-1000.0, -710.0, -40.0, 40.0, 710.0, 1000.0]),
    "sigmoid/extreme-3d": (_sigmoid_exact, np.full((2, 2, 2), -800.0)),
    "sigmoid/extreme-list": (_sigmoid_exact, [-900, 900]),
    "sigmoid/int-list": (_sigmoid_exact, [-3, 1, 4]),
    "sigmoid/scalar": (_sigmoid_exact, -1.5),
    "sigmoid_grad/extreme": (_sigmoid_grad_exact, [-1000.0, -720.0, -40.0, 40.0, 720.0, 1000.0]),
    "sigmoid_grad/list": (_sigmoid_grad_exact, [-4, 0.5, 7]),
    "tanh/extreme": (_tanh_exact, [[-1000.0, -711.0], [711.0, 1000.0]]),
    "tanh/extreme-3d": (_tanh_exact, np.full((2, 1, 2), 900.0)),
    "tanh/list": (_tanh_exact, [-3, 0, 1.5]),
    "tanh_grad/extreme": (_tanh_grad_exact, [-1000.0, -720.0, -20.0, 20.0, 720.0, 1000.0]),
    "tanh_grad/list": (_tanh_grad_exact, [-2, 0.25, 4]),
}
EXACT_BY_PREFIX = {
    "sigmoid/": _sigmoid_exact,
    "sigmoid_grad/": _sigmoid_grad_exact,
    "tanh/": _tanh_exact,
    "tanh_grad/": _tanh_grad_exact,
}
SOFTMAX_CASES = {
    "softmax/large-logits": ([1000.0, 1001.0], -1),
    "softmax/negative-logits": ([-1000.0, -1001.0, -1002.0], -1),
    "softmax/mixed-scales": ([[0.0, 1.0], [1000.0, 1001.0], [-1000.0, 0.0]], -1),
    "softmax/mixed-scales-axis-0": ([[0.0, 1000.0, -1000.0], [1.0, 1001.0, 0.0]], 0),
    "softmax/list": ([0.5, -1.0, 2.0, 0.0], -1),
}


def _exact_references() -> dict[str, np.ndarray]:
    exact = {key: _exact(f, x) for key, (f, x) in TAILS.items()}
    for key, x in _hidden_inputs().items():
        f = next(f for prefix, f in EXACT_BY_PREFIX.items() if key.startswith(prefix))
        exact[key] = _exact(f, x)
    for key, (z, axis) in SOFTMAX_CASES.items():
        exact[key] = _softmax_exact(z, axis)
    rng = np.random.default_rng(1001)
    Z, Z3 = rng.normal(scale=2.0, size=(4, 5)), rng.normal(size=(2, 3, 4))
    exact["softmax/batch"] = _softmax_exact(Z)
    exact["softmax/axis-0"] = _softmax_exact(Z, axis=0)
    exact["softmax/3d-axis-1"] = _softmax_exact(Z3, axis=1)
    exact["softmax/3d-default"] = _softmax_exact(Z3)
    return exact


def test_hidden_references_are_exact_to_a_tenth_of_the_tolerance():
    """A better answer never loses points: the solution's recorded values lie within a tenth of
    each key's tolerance of the exact value, so any answer within 0.9 of the tolerance passes."""
    doc = json.loads(COURSE.reference_file(ASSIGNMENT).read_text(encoding="utf-8"))
    values = reference.load(COURSE.reference_file(ASSIGNMENT))
    for key, exact in _exact_references().items():
        rtol, atol = doc["tolerances"][key]
        got = np.asarray(values[key], dtype=float)
        assert got.shape == exact.shape, key
        err = np.abs(got - exact)
        assert np.all(err <= 0.1 * (atol + rtol * np.abs(exact))), (key, float(err.max()))


def test_hidden_tolerances_accept_other_sound_formulas():
    """Stable float64 formulas other than the solution's (half-tanh, 1 - sigma(-x), clipping the
    argument, float32 rounding of a float64 result) pass every hidden key's tolerance."""
    doc = json.loads(COURSE.reference_file(ASSIGNMENT).read_text(encoding="utf-8"))
    values = reference.load(COURSE.reference_file(ASSIGNMENT))
    sigmoids = {
        "half-tanh": lambda x: 0.5 * (1.0 + np.tanh(np.asarray(x, dtype=float) / 2.0)),
        "one-minus": lambda x: np.where(
            np.asarray(x) >= 0,
            1.0 / (1.0 + np.exp(-np.abs(x))),
            1.0 - 1.0 / (1.0 + np.exp(-np.abs(x))),
        ),
        "clip-500": lambda x: 1.0 / (1.0 + np.exp(-np.clip(np.asarray(x, dtype=float), -500, 500))),
        "float32": lambda x: expit(np.asarray(x, dtype=float)).astype(np.float32),
    }
    cases = dict(TAILS)
    cases.update({k: (None, x) for k, x in _hidden_inputs().items()})
    for name, f in sigmoids.items():
        for key, (_, x) in cases.items():
            if not key.startswith("sigmoid/"):
                continue
            rtol, atol = doc["tolerances"][key]
            problem = reference.compare(values[key], f(x), rtol, atol)
            assert problem is None, (name, key, problem)


# --- the tests stay inside the input contract the statements give ---------------------------------

FUNCTIONS = ACTIVATIONS + tuple(f"{a}_grad" for a in ACTIVATIONS) + ("softmax", "clip_by_norm")


def _kind(x) -> str:
    """'number', 'int-list', 'list' or 'array' — or 'other' (outside every statement)."""
    if isinstance(x, (bool, np.bool_)):
        return "other"
    if isinstance(x, (int, float, np.integer, np.floating)):
        return "number"
    if isinstance(x, np.ndarray):
        return "array" if x.dtype.kind in "iuf" else "other"
    if isinstance(x, list):
        flat = np.asarray(x, dtype=object).ravel().tolist()
        if not flat or not all(_kind(v) == "number" for v in flat):
            return "other"
        return "int-list" if all(isinstance(v, int) for v in flat) else "list"
    return "other"


def _calls_by_test_cells() -> dict[str, dict[str, list]]:
    """{"visible"|"hidden": {function: [(kind of x, ndim, kwargs), ...]}} as the test cells call."""
    nb = notebooks.read(COURSE.source_notebook(ASSIGNMENT))
    ns = solution_namespace(nb)
    ns["expect"] = lambda *args, **kwargs: None
    calls: dict[str, dict[str, list]] = {"visible": {}, "hidden": {}}
    phase = {"now": None}

    def recording(name, f):
        def wrapper(x, *args, **kwargs):
            if phase["now"] is not None:
                calls[phase["now"]].setdefault(name, []).append(
                    (_kind(x), np.ndim(x), args, kwargs)
                )
            saved, phase["now"] = phase["now"], None  # calls from inside another function
            try:
                return f(x, *args, **kwargs)
            finally:
                phase["now"] = saved

        return wrapper

    for name in FUNCTIONS:
        ns[name] = recording(name, ns[name])
    for ex in notebooks.exercises(nb):
        for part in ("visible", "hidden"):
            phase["now"] = part
            with warnings.catch_warnings(), contextlib.redirect_stdout(io.StringIO()):
                warnings.simplefilter("ignore")
                exec(compile(nb.cells[ex.cells[part]].source, f"<{ex.name}-{part}>", "exec"), ns)
            phase["now"] = None
    return calls


def test_test_cells_stay_inside_the_input_contract():
    calls = _calls_by_test_cells()
    for part, by_function in calls.items():
        assert set(by_function) == set(FUNCTIONS), (part, set(FUNCTIONS) - set(by_function))
        for name, made in by_function.items():
            for kind, ndim, args, kwargs in made:
                assert kind != "other", (part, name, kind)
                if name == "softmax":
                    # A list or an array of any shape, not a number; axis an existing axis.
                    assert kind != "number" and ndim >= 1, (part, name, kind)
                    axis = kwargs.get("axis", args[0] if args else -1)
                    assert isinstance(axis, int) and -ndim <= axis < ndim, (part, name, axis)
                if name == "clip_by_norm":
                    # A float array of any shape and a positive threshold.
                    max_norm = kwargs.get("max_norm", args[0] if args else None)
                    assert kind == "array", (part, name, kind)
                    assert isinstance(max_norm, float) and max_norm > 0, (part, name, max_norm)
                if name.startswith("leaky_relu"):
                    alpha = kwargs.get("alpha", args[0] if args else 0.01)
                    assert isinstance(alpha, float) and 0 <= alpha <= 1, (part, name, alpha)


def test_every_kind_of_input_the_hidden_tests_pass_is_shown_visibly():
    """Fairness: a number, a list, a list of integers, a matrix the hidden tests give a function
    has its visible counterpart, so a student sees that the function must accept it."""
    calls = _calls_by_test_cells()
    for name in FUNCTIONS:
        hidden = {kind for kind, *_ in calls["hidden"][name]}
        visible = {kind for kind, *_ in calls["visible"][name]}
        assert hidden <= visible | {"array"}, (name, hidden - visible)
        assert "array" in visible, name
        assert max(ndim for _, ndim, *_ in calls["visible"][name]) >= 2, name


# --- statements on library defaults and the self-check answers -----------------------------------


def test_stated_leaky_relu_defaults_match_the_installed_libraries(tf):
    import inspect

    import keras

    text = _markdown()
    assert "в PyTorch\n(`torch.nn.LeakyReLU`) — 0.01" in text
    assert "`keras.layers.LeakyReLU` — 0.3" in text
    assert "`keras.activations.leaky_relu` (и у `tf.nn.leaky_relu` в TensorFlow) — 0.2" in text
    assert keras.layers.LeakyReLU().negative_slope == pytest.approx(0.3)
    keras_function = inspect.signature(keras.activations.leaky_relu)
    assert keras_function.parameters["negative_slope"].default == 0.2
    assert inspect.signature(tf.nn.leaky_relu).parameters["alpha"].default == 0.2
    # The course's own default is PyTorch's.
    assert inspect.signature(_namespace()["leaky_relu"]).parameters["alpha"].default == 0.01


def test_stated_softmax_of_scaled_logits():
    import mpmath

    text = _markdown()
    shown = r"\approx" + "\n" + r"(1.4 \cdot 10^{-87},\ 3.7 \cdot 10^{-44},\ 1)"
    assert shown in text
    mpmath.mp.dps = 50
    z = [mpmath.mpf(100), mpmath.mpf(200), mpmath.mpf(300)]
    total = sum(mpmath.exp(v) for v in z)
    p = [mpmath.exp(v) / total for v in z]
    assert mpmath.nstr(p[0], 2) == "1.4e-87" and mpmath.nstr(p[1], 2) == "3.7e-44"
    assert 1 - p[2] < mpmath.mpf("1e-40")


def test_stated_path_survival_below_one_in_a_million():
    assert r"$(1/2)^{20}$ — меньше одной миллионной" in _markdown()
    assert 0.5**20 < 1e-6


# --- the deep-network experiment of section 8, against TensorFlow's GradientTape ------------------


def _cell(cell_id: str):
    return next(c for c in _cells() if c.get("id") == cell_id)


def _namespace() -> dict:
    return solution_namespace(notebooks.read(COURSE.source_notebook(ASSIGNMENT)))


def _experiment_namespace() -> dict:
    """The solution functions and the experiment cells of the notebook, plotting switched off."""
    import matplotlib

    matplotlib.use("Agg")
    ns = _namespace()
    for cell_id in ("vanishing-functions", "vanishing-experiment", "clipping-demo"):
        with contextlib.redirect_stdout(io.StringIO()), warnings.catch_warnings():
            warnings.simplefilter("ignore")
            exec(compile(_cell(cell_id).source, f"<{cell_id}>", "exec"), ns)
    return ns


@pytest.fixture(scope="module")
def experiment() -> dict:
    return _experiment_namespace()


WIDTH, LAYERS, M = 50, 20, 100
CASES = {  # label: (TensorFlow activation, weight standard deviation)
    "сигмоида, Ксавье": ("sigmoid", np.sqrt(1 / WIDTH)),
    "ReLU, Хе": ("relu", np.sqrt(2 / WIDTH)),
    "ReLU, веса Хе × 1.5": ("relu", 1.5 * np.sqrt(2 / WIDTH)),
}


def _tf_deep_gradients(tf, activation: str, std: float):
    """‖∂L/∂W_l‖ and ‖∂L/∂Z_l‖ per layer by GradientTape, on weights drawn here as the text says."""
    rng = np.random.default_rng(0)
    X, Y = rng.standard_normal((M, WIDTH)), rng.standard_normal((M, WIDTH))
    rng = np.random.default_rng(1)
    weights = [tf.Variable(rng.standard_normal((WIDTH, WIDTH)) * std) for _ in range(LAYERS)]
    f = {"sigmoid": tf.nn.sigmoid, "relu": tf.nn.relu}[activation]
    with tf.GradientTape() as tape:
        A, Zs = tf.constant(X), []
        for W in weights:
            Z = A @ W
            Zs.append(Z)
            A = f(Z)
        loss = tf.reduce_sum((A - Y) ** 2) / (2 * M)
    grads = tape.gradient(loss, weights + Zs)
    return grads[:LAYERS], np.array([np.linalg.norm(g.numpy()) for g in grads[LAYERS:]])


def test_experiment_setup_is_what_the_text_says(experiment):
    ns = experiment
    assert (ns["n_layers"], ns["width"], ns["m_deep"]) == (LAYERS, WIDTH, M)
    assert set(ns["deep_cases"]) == set(CASES)
    for label, (_, std) in CASES.items():
        assert ns["deep_cases"][label][2] == pytest.approx(std)
    text = _markdown()
    assert "20 слоёв по 50 нейронов (без смещений), 100 случайных примеров" in text
    assert r"$L = \frac{1}{2m}\sum (A_{20} - Y)^2$" in text
    assert r"$W \sim \mathcal{N}(0, 1/n)$" in text and r"$\mathcal{N}(0, 2/n)$ для ReLU" in text


def test_experiment_gradients_match_gradient_tape(experiment, tf):
    for label, (activation, std) in CASES.items():
        tf_grads, tf_dZ = _tf_deep_gradients(tf, activation, std)
        pairs = zip(experiment["deep_grads"][label], tf_grads, strict=True)
        for layer, (got, want) in enumerate(pairs, 1):
            np.testing.assert_allclose(got, want.numpy(), rtol=1e-9, err_msg=f"{label} {layer}")
        np.testing.assert_allclose(experiment["deep_dZ"][label], tf_dZ, rtol=1e-9, err_msg=label)


def test_experiment_claims_and_printed_numbers(experiment, tf):
    norms = {
        label: np.array([np.linalg.norm(g.numpy()) for g in _tf_deep_gradients(tf, act, std)[0]])
        for label, (act, std) in CASES.items()
    }
    dZ_big = _tf_deep_gradients(tf, "relu", CASES["ReLU, веса Хе × 1.5"][1])[1]
    text = _markdown()
    # Sigmoid: layer 1 is more than twelve orders of magnitude below layer 20.
    assert "на двенадцать с лишним порядков меньше" in text
    sig = norms["сигмоида, Ксавье"]
    assert 1e-13 < sig[0] / sig[-1] < 1e-12
    assert np.all(np.diff(np.log(sig)) > 0)
    # He: every layer of one order of magnitude.
    assert "градиенты всех слоёв одного порядка" in text
    he = norms["ReLU, Хе"]
    assert he.max() / he.min() < 10
    # x1.5: the error signal grows by thousands towards the input; the weight gradients are
    # millions of times those of He, about 1.5**39 each.
    assert "растёт от слоя 20 к слою 1 в\n  тысячи раз" in text
    assert 1e3 < dZ_big[0] / dZ_big[-1] < 1e4 and np.all(np.diff(dZ_big) < 0)
    assert "в миллионы раз больше, чем у сети Хе" in text
    ratio = norms["ReLU, веса Хе × 1.5"] / he
    assert 1e6 < ratio.min() and ratio.max() < 1e7
    np.testing.assert_allclose(ratio, 1.5**39, rtol=0.05)
    # The printed lines of the experiment cell.
    printed = "".join(o.get("text", "") for o in _cell("vanishing-experiment").outputs)
    for label, n in norms.items():
        line = (
            f"{label:>20}: ‖∂L/∂W‖ слоя 1 = {n[0]:.1e}, слоя 20 = {n[-1]:.1e}, "
            f"слой 1 / слой 20 = {n[0] / n[-1]:.1e}"
        )
        assert line in printed, line
    assert f"в {ratio.min():.1e} … {ratio.max():.1e} раз; 1.5 ** 39 = {1.5**39:.1e}" in printed


# --- gradient clipping against tf.clip_by_norm and tf.clip_by_global_norm -------------------------


def test_clip_by_norm_matches_tf(ns, tf):
    rng = np.random.default_rng(77)
    cases = [
        (np.array([3.0, 4.0]), 1.0),
        (np.array([3.0, 4.0]), 5.0),
        (np.array([3.0, 4.0]), 10.0),
        (rng.normal(scale=10.0, size=(4, 5)), 3.0),
        (rng.normal(scale=1e6, size=(2, 3, 4)), 1.0),
        (rng.normal(scale=0.01, size=(3, 2, 2)), 1.0),
        (np.zeros((2, 3)), 1.0),
    ]
    for g, c in cases:
        before = g.copy()
        with warnings.catch_warnings():
            warnings.simplefilter("error")
            got = ns["clip_by_norm"](g, c)
        np.testing.assert_array_equal(g, before)
        want = tf.clip_by_norm(tf.constant(g), c).numpy()
        np.testing.assert_allclose(got, want, rtol=1e-12, atol=1e-300)
        np.testing.assert_allclose(np.linalg.norm(got), min(np.linalg.norm(g), c), rtol=1e-12)


def test_clipping_demo_matches_tf(experiment, tf):
    exploding = [tf.constant(g) for g in experiment["exploding"]]
    c = experiment["clip_c"]
    for got, g in zip(experiment["per_layer"], exploding, strict=True):
        np.testing.assert_allclose(got, tf.clip_by_norm(g, c).numpy(), rtol=1e-12)
    want, global_norm = tf.clip_by_global_norm(exploding, c)
    assert float(global_norm) > 1e8
    for got, w in zip(experiment["global_clip"], want, strict=True):
        np.testing.assert_allclose(got, w.numpy(), rtol=1e-9)
    text = _markdown()
    assert "у каждого слоя норма ровно 1" in text and "(косинус 1)" in text
    printed = "".join(o.get("text", "") for o in _cell("clipping-demo").outputs)
    assert "наибольшая норма слоя после обрезки по слоям: 1.0\n" in printed
    assert "общая норма после обрезки по общей норме: 1.0\n" in printed
    assert "наименьший косинус «до — после» по слоям: 1.0\n" in printed


def test_stated_clipping_keras_options():
    import keras

    text = _markdown()
    for option in ("clipnorm", "global_clipnorm", "clipvalue"):
        assert f"`{option}" in text
    opt = keras.optimizers.SGD(clipnorm=1.0)
    assert opt.clipnorm == 1.0 and keras.optimizers.SGD(global_clipnorm=1.0).global_clipnorm == 1.0
