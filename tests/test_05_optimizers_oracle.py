"""05-optimizers against independent oracles.

The solution's ``Adam`` and ``Momentum`` are compared with ``keras.optimizers.Adam`` and
``keras.optimizers.SGD(momentum=0.9)`` on the same problem (float64 variables, gradients of size
about 0.1 that depend on the current weights, 50 steps); ``iterate_minibatches`` with
``sklearn.utils.gen_batches``; the restated network of 04 with scikit-learn's ``log_loss`` and
central differences. The numbers the text states are checked too.
"""

from __future__ import annotations

import decimal
import math
import re

import numpy as np
import pytest
from sklearn.metrics import log_loss
from sklearn.utils import gen_batches

from autograder.build import notebooks
from tests.conftest import COURSE
from tests.solution_code import markdown_text, solution_namespace

ASSIGNMENT = "05-optimizers"


@pytest.fixture(scope="module")
def nb():
    return notebooks.read(COURSE.source_notebook(ASSIGNMENT))


@pytest.fixture(scope="module")
def text(nb):
    return markdown_text(nb)


@pytest.fixture(scope="module")
def ns(nb):
    return solution_namespace(nb)


def _code_cell(nb, marker: str) -> str:
    found = [c.source for c in nb.cells if c.cell_type == "code" and marker in c.source]
    assert len(found) == 1, f"expected one code cell containing {marker!r}"
    return found[0]


@pytest.fixture(scope="module")
def keras():
    import keras

    return keras


# --- the optimisers against Keras -----------------------------------------------------------------

TARGET_RNG = np.random.default_rng(123)
INIT = {"W": TARGET_RNG.standard_normal((3, 2)), "b": TARGET_RNG.standard_normal(2)}
TARGET = {k: TARGET_RNG.standard_normal(v.shape) for k, v in INIT.items()}


def _grads(params):
    """Gradients of size about 0.1 that depend on the current weights (as in real training)."""
    return {k: 0.1 * np.tanh(params[k] - TARGET[k]) + 0.05 * np.sin(3 * params[k]) for k in params}


def _run_both(ours, theirs, keras, n_steps=50):
    p = {k: v.copy() for k, v in INIT.items()}
    variables = {k: keras.Variable(v.copy(), dtype="float64") for k, v in INIT.items()}
    sizes = []
    for _ in range(n_steps):
        g = _grads(p)
        sizes.append(max(np.abs(v).max() for v in g.values()))
        ours.step(p, g)
        gk = _grads({k: np.asarray(v) for k, v in variables.items()})
        theirs.apply_gradients([(gk[k], variables[k]) for k in variables])
    moved = max(np.abs(p[k] - INIT[k]).max() for k in p)
    diff = max(np.abs(p[k] - np.asarray(variables[k])).max() for k in p)
    return diff, moved, max(sizes)


@pytest.mark.slow
def test_adam_matches_keras(ns, keras):
    diff, moved, gmax = _run_both(
        ns["Adam"](lr=0.01), keras.optimizers.Adam(learning_rate=0.01), keras
    )
    assert 0.05 < gmax < 0.2, "gradients should be of size about 0.1"
    assert moved > 0.1, "the weights should move noticeably"
    # Keras rounds beta_2 to float32 before computing 1 - beta_2**t: a few 1e-6 at most here.
    assert diff < 1e-5, f"Adam differs from keras.optimizers.Adam by {diff:.2e}"


@pytest.mark.slow
def test_adam_matches_keras_exactly_with_float32_exact_hyperparameters(ns, keras):
    """With hyper-parameters that float32 holds exactly, the agreement is to rounding error."""
    lr, b1, b2 = 2.0**-6, 0.875, 1 - 2.0**-10
    diff, moved, _ = _run_both(
        ns["Adam"](lr=lr, beta1=b1, beta2=b2),
        keras.optimizers.Adam(learning_rate=lr, beta_1=b1, beta_2=b2),
        keras,
    )
    assert moved > 0.1
    assert diff < 1e-10, f"Adam differs from keras.optimizers.Adam by {diff:.2e}"


@pytest.mark.slow
def test_momentum_matches_keras_sgd_with_momentum(ns, keras):
    diff, moved, gmax = _run_both(
        ns["Momentum"](lr=0.05, beta=0.9),
        keras.optimizers.SGD(learning_rate=0.05, momentum=0.9),
        keras,
    )
    assert 0.05 < gmax < 0.2
    assert moved > 0.1
    assert diff < 1e-5, f"Momentum differs from keras.optimizers.SGD by {diff:.2e}"


@pytest.mark.slow
def test_sgd_step_matches_keras_plain_sgd(ns, keras):
    diff, moved, _ = _run_both(ns["SGD"](lr=0.5), keras.optimizers.SGD(learning_rate=0.5), keras)
    assert moved > 0.1
    assert diff < 1e-5


@pytest.mark.slow
def test_default_hyperparameters_are_those_of_keras(ns, keras):
    adam, k_adam = ns["Adam"](), keras.optimizers.Adam()
    assert (adam.lr, adam.beta1, adam.beta2, adam.eps) == pytest.approx(
        (float(k_adam.learning_rate), k_adam.beta_1, k_adam.beta_2, k_adam.epsilon)
    )
    assert (adam.lr, adam.beta1, adam.beta2, adam.eps) == (0.001, 0.9, 0.999, 1e-7)
    mom = ns["Momentum"]()
    assert (mom.lr, mom.beta) == (0.01, 0.9)


@pytest.mark.slow
def test_keras_fit_default_batch_size_is_32(text, keras):
    """The text says Keras trains with batch_size=32 by default: 100 samples take 4 steps."""
    assert "по умолчанию `batch_size=32`" in text
    keras.utils.set_random_seed(0)
    model = keras.Sequential([keras.Input(shape=(1,)), keras.layers.Dense(1)])
    model.compile(optimizer="sgd", loss="mse")
    steps = []
    counter = keras.callbacks.LambdaCallback(on_train_batch_end=lambda batch, logs: steps.append(1))
    model.fit(np.zeros((100, 1)), np.zeros((100, 1)), epochs=1, verbose=0, callbacks=[counter])
    assert len(steps) == math.ceil(100 / 32) == 4


# --- Adam: the two forms, bias correction ---------------------------------------------------


def _adam_paper(grads_seq, w0, lr, beta1=0.9, beta2=0.999, eps=1e-7):
    w, m, v = w0.copy(), np.zeros_like(w0), np.zeros_like(w0)
    for t, g in enumerate(grads_seq, start=1):
        m = beta1 * m + (1 - beta1) * g
        v = beta2 * v + (1 - beta2) * g**2
        w = w - lr * (m / (1 - beta1**t)) / (np.sqrt(v / (1 - beta2**t)) + eps(t))
    return w


def test_keras_form_is_algorithm_1_with_eps_over_sqrt_one_minus_beta2t(ns, text):
    rng = np.random.default_rng(0)
    grads_seq = 0.1 * rng.standard_normal((100, 5))
    p = {"w": np.zeros(5)}
    opt = ns["Adam"](lr=0.001)
    for g in grads_seq:
        opt.step(p, {"w": g})
    exact = _adam_paper(grads_seq, np.zeros(5), 0.001, eps=lambda t: 1e-7 / math.sqrt(1 - 0.999**t))
    assert np.allclose(p["w"], exact, rtol=1e-12, atol=1e-15)
    paper = _adam_paper(grads_seq, np.zeros(5), 0.001, eps=lambda t: 1e-7)
    # "разница в шаге ничтожна": the notebook prints this difference (1.9e-07 vs moves of 0.02).
    assert np.abs(p["w"] - paper).max() < 1e-6
    assert np.abs(p["w"]).max() > 1e-2
    # "градиенты порядка 1e-3 и больше": then the two forms differ by well under 1 %.
    small = 1e-3 * rng.standard_normal((100, 5))
    q = {"w": np.zeros(5)}
    opt = ns["Adam"](lr=0.001)
    for g in small:
        opt.step(q, {"w": g})
    paper = _adam_paper(small, np.zeros(5), 0.001, eps=lambda t: 1e-7)
    assert np.abs(q["w"] - paper).max() < 0.01 * np.abs(paper).max()
    assert "(градиенты порядка $10^{-3}$ и больше), разница в шаге ничтожна" in text


def test_first_adam_step_is_about_lr_and_would_be_3_16_times_larger_uncorrected(ns, text):
    g = np.array([0.3, -2.0, 1e-3, 0.05])
    p = {"w": np.zeros(4)}
    ns["Adam"](lr=0.1).step(p, {"w": g})
    assert np.allclose(p["w"], -0.1 * np.sign(g), rtol=5e-3)
    # exactly lr * g / (|g| + eps / sqrt(1 - beta2)), as the text says
    assert np.allclose(p["w"], -0.1 * g / (np.abs(g) + 1e-7 / math.sqrt(0.001)), rtol=1e-12)
    ratio = (1 - 0.9) / math.sqrt(1 - 0.999)
    assert "\\approx 3.16" in text and f"{ratio:.2f}" == "3.16"
    assert "\\approx 31.6" in text and f"{1 / math.sqrt(1 - 0.999):.1f}" == "31.6"
    assert "$m = 0.1\\,g$ и $v = 0.001\\,g^2$" in text


def test_adam_with_constant_gradient_moves_lr_per_step(ns):
    p = {"w": np.array([0.0, 0.0])}
    opt = ns["Adam"](lr=0.01)
    for _ in range(50):
        opt.step(p, {"w": np.array([0.2, -3.0])})
    assert np.allclose(p["w"], [-0.5, 0.5], rtol=1e-4)


def test_momentum_velocity_tends_to_minus_lr_g_over_one_minus_beta(ns, text):
    opt = ns["Momentum"](lr=0.01, beta=0.9)
    p = {"w": np.zeros(2)}
    g = np.array([1.0, -0.5])
    for _ in range(400):
        opt.step(p, {"w": g})
    step = next(iter(opt.velocity.values()))
    assert np.allclose(step, -0.01 * g / (1 - 0.9), rtol=1e-9)
    assert np.allclose(step / (-0.01 * g), 10.0)
    assert "при $\\beta = 0.9$ шаг в 10 раз больше" in text


# --- mini-batches -------------------------------------------------------------------------------


@pytest.mark.parametrize("m, batch_size", [(10, 4), (7, 3), (12, 4), (5, 8), (33, 1)])
def test_minibatches_without_shuffle_are_sklearn_gen_batches(ns, m, batch_size):
    X = np.arange(2.0 * m).reshape(m, 2)
    y = np.arange(m)
    ours = [yb for _, yb in ns["iterate_minibatches"](X, y, batch_size, shuffle=False)]
    theirs = [y[s] for s in gen_batches(m, batch_size)]
    assert len(ours) == len(theirs) == math.ceil(m / batch_size)
    for a, b in zip(ours, theirs, strict=True):
        assert np.array_equal(a, b)


def test_minibatch_order_is_the_designs_permutation(ns, text):
    X = np.arange(20.0).reshape(10, 2)
    y = np.arange(10)
    batches = list(ns["iterate_minibatches"](X, y, 4, shuffle=True, seed=3))
    assert [len(b[1]) for b in batches] == [4, 4, 2]
    assert "батчи из 4, 4 и 2 примеров" in text
    assert np.array_equal(
        np.concatenate([b[1] for b in batches]), np.random.default_rng(3).permutation(10)
    )


def test_steps_per_epoch_in_the_text(text):
    assert "мини-батчами по 32 (13 шагов за эпоху)" in text and math.ceil(400 / 32) == 13
    assert "по одному примеру (400 шагов за эпоху)" in text


# --- the network of 04, restated ----------------------------------------------------------------


def test_init_params_uses_the_designs_rng_calls(ns):
    p = ns["init_params"](3, 5, 1, seed=7)
    rng = np.random.default_rng(7)
    assert np.array_equal(p["W1"], rng.standard_normal((3, 5)) * np.sqrt(2 / 3))
    assert np.array_equal(p["W2"], rng.standard_normal((5, 1)) * np.sqrt(2 / 5))
    assert np.array_equal(p["b1"], np.zeros(5)) and np.array_equal(p["b2"], np.zeros(1))


def test_loss_is_sklearn_log_loss_and_backward_is_its_gradient(ns):
    rng = np.random.default_rng(1)
    X = rng.normal(size=(9, 4))
    Y = rng.integers(0, 2, size=(9, 1)).astype(float)
    params = ns["init_params"](4, 6, 1, seed=2)
    params = {k: v + 0.1 * rng.normal(size=v.shape) for k, v in params.items()}
    A2, cache = ns["forward"](X, params)
    loss = ns["binary_cross_entropy"](Y, A2)
    assert loss == pytest.approx(log_loss(Y.ravel(), A2.ravel(), labels=[0, 1]), rel=1e-9)
    grads = ns["backward"](X, Y, cache, params)
    assert set(grads) == set(params)

    def f():
        return ns["binary_cross_entropy"](Y, ns["forward"](X, params)[0])

    for key, value in params.items():
        numeric = np.zeros_like(value)
        for idx in np.ndindex(value.shape):
            old = value[idx]
            value[idx] = old + 1e-6
            up = f()
            value[idx] = old - 1e-6
            down = f()
            value[idx] = old
            numeric[idx] = (up - down) / 2e-6
        assert np.allclose(grads[key], numeric, rtol=1e-5, atol=1e-8), key


# --- the text's worked numbers ------------------------------------------------------------------


def test_learning_rate_multipliers_of_w_squared(text):
    for lr, factor in [(0.1, "0.8"), (0.4, "0.2"), (0.9, "−0.8"), (1.05, "−1.1")]:
        assert f"при $\\eta = {lr}$ множитель равен {factor}" in text
        assert f"{1 - 2 * lr:.1f}" == factor.replace("−", "-")
    # |1 - 2 eta| < 1  <=>  0 < eta < 1
    assert "при $0 < \\eta < 1$" in text
    assert abs(1 - 2 * 0.999) < 1 and abs(1 - 2 * 1.001) > 1


def test_bowl_stability_threshold(text):
    assert "$\\eta < 2/10 = 0.2$" in text
    assert abs(1 - 10 * 0.199) < 1 < abs(1 - 10 * 0.201)
    for lr in (0.02, 0.15):  # the figure's converging rates
        assert max(abs(1 - lr), abs(1 - 10 * lr)) < 1
    assert abs(1 - 10 * 0.21) > 1  # the diverging one


def test_gender_data_is_the_tutorials_shifted_by_135_and_66(nb, text):
    # The tutorial's people: weight (lb), height (in), 1 = female.
    raw = {"Алиса": (133, 65), "Боб": (160, 72), "Чарли": (152, 70), "Диана": (120, 60)}
    source = _code_cell(nb, "X_people = ")
    for name, (w, h) in raw.items():
        row = f"| {name} | {w - 135} | {h - 66} |".replace("-", "−")
        assert row in text, row
    shifted = [[w - 135, h - 66] for w, h in raw.values()]
    means = np.mean(list(raw.values()), axis=0)
    assert "точные средние этих четырёх людей — 141.25 фунта и 66.75 дюйма" in text
    assert tuple(means) == (141.25, 66.75)
    line = next(x for x in source.splitlines() if x.startswith("X_people = "))
    assert np.array_equal(eval(line.split("=", 1)[1], {"np": np}), shifted)
    assert "вес 128, рост 63, то есть\n−7 и −3" in text and (128 - 135, 63 - 66) == (-7, -3)
    assert "вес 155, рост 68, то есть 20 и 2" in text and (155 - 135, 68 - 66) == (20, 2)


def test_xor_and_gender_examples(ns):
    X = np.array([[0.0, 0.0], [0.0, 1.0], [1.0, 0.0], [1.0, 1.0]])
    Y = np.array([[0.0], [1.0], [1.0], [0.0]])
    params = ns["init_params"](2, 8, 1, seed=0)
    ns["train"](X, Y, params, ns["Adam"](lr=0.05), epochs=300, batch_size=4, seed=0)
    assert np.array_equal(ns["forward"](X, params)[0] > 0.5, Y > 0.5)  # 100 %

    X_people = np.array([[-2.0, -1.0], [25.0, 6.0], [17.0, 4.0], [-15.0, -6.0]])
    Y_people = np.array([[1.0], [0.0], [0.0], [1.0]])
    params = ns["init_params"](2, 4, 1, seed=0)
    ns["train"](X_people, Y_people, params, ns["Adam"](lr=0.01), epochs=200, batch_size=2, seed=0)
    probs = ns["forward"](np.array([[-7.0, -3.0], [20.0, 2.0]]), params)[0][:, 0]
    assert probs[0] > 0.5 > probs[1]  # Emily: female, Frank: male


def test_rosenbrock_gradient_and_the_comparison_the_text_describes(nb, ns, text):
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    cell_ns = dict(ns)
    exec(compile(_code_cell(nb, "def rosenbrock_grad"), "<rosenbrock>", "exec"), cell_ns)
    plt.close("all")
    f, grad = cell_ns["rosenbrock"], cell_ns["rosenbrock_grad"]
    for w in [np.array([-1.5, 2.0]), np.array([0.3, -0.7]), np.array([1.0, 1.0])]:
        numeric = [(f(w + d) - f(w - d)) / 2e-6 for d in np.eye(2) * 1e-6]
        assert np.allclose(grad(w), numeric, rtol=1e-6, atol=1e-6)
    assert f(np.array([1.0, 1.0])) == 0.0

    def run(opt):
        p = {"w": np.array([-1.5, 2.0])}
        for _ in range(500):
            opt.step(p, {"w": grad(p["w"])})
        return f(p["w"])

    # "SGD едва сдвинулся", "Momentum доходит почти до минимума", "Adam тоже проходит овраг"
    assert run(ns["SGD"](lr=1e-3)) > 1.0
    assert run(ns["Momentum"](lr=1e-3, beta=0.9)) < 0.01
    assert run(ns["Adam"](lr=0.1)) < 0.05
    assert "в 100 раз больше" in text and 0.1 / 1e-3 == pytest.approx(100)


def test_momentum_beats_sgd_on_the_bowl(ns):
    """Section 5: with the same lr = 0.02, Momentum ends far lower than SGD after 60 steps."""
    curv = np.array([1.0, 10.0])

    def run(opt):
        p = {"w": np.array([-9.0, 1.5])}
        for _ in range(60):
            opt.step(p, {"w": curv * p["w"]})
        return 0.5 * np.sum(curv * p["w"] ** 2)

    assert run(ns["Momentum"](lr=0.02, beta=0.9)) < 0.01 * run(ns["SGD"](lr=0.02))


def test_no_formula_lost(text):
    """The update rules as the text writes them."""
    for formula in [
        r"w \leftarrow w - \eta \, \nabla L(w)",
        r"v \leftarrow \beta\, v - \eta\, g, \qquad w \leftarrow w + v",
        r"m \leftarrow \beta_1 m + (1 - \beta_1)\, g, \qquad "
        r"v \leftarrow \beta_2 v + (1 - \beta_2)\, g^2",
        r"\eta_t = \eta \cdot \frac{\sqrt{1 - \beta_2^t}}{1 - \beta_1^t}",
        r"w \leftarrow w - \eta_t \cdot \frac{m}{\sqrt{v} + \varepsilon}",
    ]:
        assert formula in text, formula
    assert re.search(r"Kingma & Ba, 2014", text)


# --- fairness: the recorded values against exact arithmetic, and their conditioning ------------


def _reference_doc():
    import json

    path = COURSE.source_notebook(ASSIGNMENT).parent / "reference.json"
    return json.loads(path.read_text(encoding="utf-8"))


def _reference_values():
    from autograder import reference

    return reference.load(COURSE.source_notebook(ASSIGNMENT).parent / "reference.json")


_EXACT = decimal.Context(prec=80)


def _d(x) -> decimal.Decimal:
    """A float (exactly) or a decimal string as an 80-digit Decimal."""
    return _EXACT.create_decimal(x if isinstance(x, str) else float(x))


def _dcos(x: decimal.Decimal) -> decimal.Decimal:
    """cos by its Taylor series in 80-digit arithmetic (the recipe of the decimal docs)."""
    with decimal.localcontext(_EXACT):
        i, last, s, fact, num, sign = 0, 0, 1, 1, 1, 1
        while s != last:
            last = s
            i += 2
            fact *= i * (i - 1)
            num *= x * x
            sign *= -1
            s += num / fact * sign
        return +s


def _exact_adam(w0, grad_of, n_steps, lr, beta1=0.9, beta2=0.999, eps=1e-7):
    """Adam in the Keras form in 80-digit arithmetic; grad_of(w, t) -> the gradients (Decimals).

    The hyper-parameters are the floats the notebook passes, taken exactly."""
    with decimal.localcontext(_EXACT):
        w = [_d(x) for x in w0]
        m = [_d(0)] * len(w)
        v = [_d(0)] * len(w)
        b1, b2, e, lr = _d(beta1), _d(beta2), _d(eps), _d(lr)
        one = _d(1)
        path = []
        for t in range(1, n_steps + 1):
            g = grad_of(w, t - 1)
            lr_t = lr * (one - b2**t).sqrt() / (one - b1**t)
            m = [b1 * mi + (one - b1) * gi for mi, gi in zip(m, g, strict=True)]
            v = [b2 * vi + (one - b2) * gi * gi for vi, gi in zip(v, g, strict=True)]
            w = [wi - lr_t * mi / (vi.sqrt() + e) for wi, mi, vi in zip(w, m, v, strict=True)]
            path.append([float(x) for x in w])
        return path


def _within_a_tenth(key, exact):
    doc = _reference_doc()
    rtol, atol = doc["tolerances"][key]
    got = np.asarray(_reference_values()[key], dtype=float)
    exact = np.asarray(exact, dtype=float)
    err = np.abs(got - exact)
    assert np.all(err <= (atol + rtol * np.abs(exact)) / 10), f"{key}: {err.max():.2e}"


def test_adam_hidden_references_match_exact_arithmetic():
    first = {"a": [0.3, -2.0, 1e-3], "b": [5.0, -0.01]}
    exact = {
        k: _exact_adam(np.zeros(len(g)), lambda w, t, g=g: [_d(x) for x in g], 1, lr=0.5)[-1]
        for k, g in first.items()
    }
    recorded = _reference_values()["adam/first-step-bias-correction"]
    rtol, atol = _reference_doc()["tolerances"]["adam/first-step-bias-correction"]
    for k in first:
        assert np.shape(recorded[k]) == ((3,) if k == "a" else (1, 2))
        err = np.abs(np.ravel(recorded[k]) - np.asarray(exact[k]))
        assert np.all(err <= (atol + rtol * np.abs(exact[k])) / 10), k

    path = _exact_adam(
        [2.0, -2.0],
        lambda w, t: [_d(1e-4) * _dcos(w[0] + t), _d(3.0) * _dcos(w[1] + t)],
        30,
        lr=0.1,
        beta1=0.5,
        beta2=0.9,
        eps=1e-4,
    )
    _within_a_tenth("adam/custom-hyperparams-path", path)
    tiny = _exact_adam([1.0, 1.0], lambda w, t: [_d(1e-5), _d(-3e-6)], 20, lr=0.001)
    _within_a_tenth("adam/tiny-gradients", tiny[-1])


def test_momentum_hidden_bowl_matches_exact_arithmetic():
    from fractions import Fraction as F

    w, v = [F(3), F(-1)], [F(0), F(0)]
    lr, beta, curv = F(1, 100), F(9, 10), [F(1), F(10)]
    for _ in range(25):
        v = [beta * vi - lr * c * wi for vi, c, wi in zip(v, curv, w, strict=True)]
        w = [wi + vi for wi, vi in zip(w, v, strict=True)]
    _within_a_tenth("momentum/defaults-bowl", [float(x) for x in w])


def _visible_expected(cell: str, name: str):
    checks = _reference_doc()["checks"][cell]
    found = [c for c in checks if c["options"].get("name") == name]
    assert len(found) == 1, name
    from autograder import reference

    return np.asarray(reference.decode(found[0]["expected"]), dtype=float), found[0]["options"]


def test_visible_adam_and_momentum_numbers_are_exact_to_a_tenth_of_their_tolerance():
    def check(cell, name, exact):
        expected, opt = _visible_expected(cell, name)
        exact = np.asarray(exact, dtype=float)
        err = np.abs(expected - exact)
        assert np.all(err <= (opt["atol"] + opt["rtol"] * np.abs(exact)) / 10), (name, err.max())

    gb = [[-3e-4], [2e-4], [-1e-4]]
    gw = [[0.1, -0.05, 0.2], [0.05, 0.05, -0.1], [-0.1, 0.02, 0.1]]
    b = _exact_adam([0.0], lambda w, t: [_d(x) for x in gb[t]], 3, lr=0.1)
    w = _exact_adam([1.0, -1.0, 0.5], lambda w_, t: [_d(x) for x in gw[t]], 3, lr=0.1)
    check("adam-visible", 'params["b"] после первого шага (маленький градиент -3e-4)', b[0])
    check("adam-visible", 'params["w"] после первого шага', w[0])
    check("adam-visible", 'params["b"] после трёх шагов', b[2])
    check("adam-visible", 'params["w"] после трёх шагов', w[2])
    gd = [[0.5, 0.5], [-0.2, 1.0]]
    d = _exact_adam([1.0, -1.0], lambda w_, t: [_d(x) for x in gd[t]], 2, lr=0.001)
    check("adam-visible", "Adam() (lr=0.001 по умолчанию): w после первого шага", d[0])
    check("adam-visible", "Adam(): w после второго шага", d[1])
    # Momentum: exact fractions, v <- beta v - lr g, w <- w + v
    from fractions import Fraction as F

    def momentum(w, g, lr, beta, n):
        v = [F(0)] * len(w)
        for _ in range(n):
            v = [beta * vi - lr * gi for vi, gi in zip(v, g, strict=True)]
            w = [wi + vi for wi, vi in zip(w, v, strict=True)]
        return [float(x) for x in w]

    lr, beta = F(1, 10), F(9, 10)
    check(
        "momentum-visible",
        'params["w"] после трёх шагов',
        momentum([F(1), F(-2)], [F(1), F(1, 2)], lr, beta, 3),
    )
    check(
        "momentum-visible",
        'params["b"] после трёх шагов',
        momentum([F(1, 2)], [F(-2)], lr, beta, 3),
    )
    check(
        "momentum-visible",
        "Momentum(): w после второго шага",
        momentum([F(1), F(-2)], [F(1), F(1, 2)], F(1, 100), beta, 2),
    )


def test_hidden_values_are_well_conditioned(nb):
    """Every hidden value, recomputed with each optimiser step's result moved by a few ULPs (what
    another sound float64 formula changes), stays within a tenth of its key's tolerance: an
    answer as exact as the solution cannot fail by rounding."""
    from autograder import reference
    from autograder.build import notebooks as nbs

    doc = _reference_doc()
    values = _reference_values()
    ns = solution_namespace(nb)
    rng = np.random.default_rng(0)

    def jiggle(params):
        for k in params:
            params[k] *= 1 + 4e-16 * rng.choice([-1.0, 1.0], size=np.shape(params[k]))

    sgd_step, Momentum, Adam = ns["sgd_step"], ns["Momentum"], ns["Adam"]

    def sgd_noisy(params, grads, lr):
        sgd_step(params, grads, lr)
        jiggle(params)

    class MomentumNoisy(Momentum):
        def step(self, params, grads):
            super().step(params, grads)
            jiggle(params)

    class AdamNoisy(Adam):
        def step(self, params, grads):
            super().step(params, grads)
            jiggle(params)

    got = {}

    def collect(key, value, rtol=1e-6, atol=1e-9):
        got[key] = reference.decode(reference.encode(value))

    ns.update(sgd_step=sgd_noisy, Momentum=MomentumNoisy, Adam=AdamNoisy, expect=collect)
    for cell in nb.cells:
        gid = nbs.grade_id(cell) or ""
        if gid.endswith("-hidden"):
            exec(compile(cell.source, f"<{gid}>", "exec"), ns)
    assert set(got) == set(values)
    for key, value in got.items():
        rtol, atol = doc["tolerances"][key]
        problem = reference.compare(values[key], value, rtol / 10, atol / 10)
        assert problem is None, f"{key}: {problem}"
