"""05-optimizers against independent oracles.

The solution's ``Adam``, ``RMSprop`` and ``Momentum`` are compared with ``keras.optimizers.Adam``,
``keras.optimizers.RMSprop`` and ``keras.optimizers.SGD(momentum=0.9)`` on the same problem
(float64 variables, gradients of size about 0.1 that depend on the current weights, 50 steps);
``iterate_minibatches`` with ``sklearn.utils.gen_batches``; the restated network of 04 with
scikit-learn's ``log_loss`` and central differences. The numbers the text states are checked too.
"""

from __future__ import annotations

import contextlib
import decimal
import io
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
    assert "пакеты из 4, 4 и 2 примеров" in text
    assert np.array_equal(
        np.concatenate([b[1] for b in batches]), np.random.default_rng(3).permutation(10)
    )


def test_steps_per_epoch_in_the_text(text):
    assert "мини-пакетами по 32 (13 шагов за эпоху)" in text and math.ceil(400 / 32) == 13
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
    # eta = 0.5 = 1 / L'': the minimum in one step
    assert "при $\\eta = 0.5$ множитель равен 0 — спуск попадает в минимум **за один шаг**" in text
    assert 2.0 - 0.5 * 2 * 2.0 == 0.0
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
    flat = " ".join(text.split())
    assert "вес 128, рост 63, то есть −7 и −3" in flat and (128 - 135, 63 - 66) == (-7, -3)
    assert "вес 155, рост 68, то есть 20 и 2" in flat and (155 - 135, 68 - 66) == (20, 2)
    # standardised by the training examples' mean and standard deviation, the same for new people
    assert "X_people_std = (X_people - mean_people) / std_people" in source
    assert "X_new = (np.array([[-7.0, -3.0], [20.0, 2.0]]) - mean_people) / std_people" in source


def test_xor_and_gender_examples(ns):
    X = np.array([[0.0, 0.0], [0.0, 1.0], [1.0, 0.0], [1.0, 1.0]])
    Y = np.array([[0.0], [1.0], [1.0], [0.0]])
    params = ns["init_params"](2, 8, 1, seed=0)
    ns["train"](X, Y, params, ns["Adam"](lr=0.05), epochs=300, batch_size=4, seed=0)
    assert np.array_equal(ns["forward"](X, params)[0] > 0.5, Y > 0.5)  # 100 %

    X_people = np.array([[-2.0, -1.0], [25.0, 6.0], [17.0, 4.0], [-15.0, -6.0]])
    Y_people = np.array([[1.0], [0.0], [0.0], [1.0]])
    params = ns["init_params"](2, 4, 1, seed=0)
    mean, std = X_people.mean(axis=0), X_people.std(axis=0)
    X_std = (X_people - mean) / std
    ns["train"](X_std, Y_people, params, ns["Adam"](lr=0.01), epochs=200, batch_size=2, seed=0)
    X_new = (np.array([[-7.0, -3.0], [20.0, 2.0]]) - mean) / std
    probs = ns["forward"](X_new, params)[0][:, 0]
    assert probs[0] > 0.5 > probs[1]  # Emily: female, Frank: male
    # "около 0.9 у Алисы и Дианы и почти 0 у Боба и Чарли"
    train_probs = ns["forward"](X_std, params)[0][:, 0]
    assert np.all(np.abs(train_probs[[0, 3]] - 0.9) < 0.05) and np.all(train_probs[[1, 2]] < 0.01)


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
    # "RMSprop ... без инерции идёт по изогнутому дну медленнее и проходит только часть пути"
    p = {"w": np.array([-1.5, 2.0])}
    opt = ns["RMSprop"](lr=0.03)
    for _ in range(500):
        opt.step(p, {"w": grad(p["w"])})
    assert f(p["w"]) > 0.1 and 0.0 < p["w"][0] < 0.9
    assert "RMSprop с $\\eta = 0.03$" in text and "проходит только часть пути" in text


def test_momentum_beats_sgd_on_the_bowl(ns):
    """Section 5: with the same lr = 0.02, Momentum ends far lower than SGD after 60 steps."""
    curv = np.array([1.0, 10.0])

    def run(opt):
        p = {"w": np.array([-9.0, 1.5])}
        for _ in range(60):
            opt.step(p, {"w": curv * p["w"]})
        return 0.5 * np.sum(curv * p["w"] ** 2)

    assert run(ns["Momentum"](lr=0.02, beta=0.9)) < 0.01 * run(ns["SGD"](lr=0.02))
    # "шарик даже проскакивает минимум и возвращается", no growing zigzag across the valley
    p = {"w": np.array([-9.0, 1.5])}
    opt, path = ns["Momentum"](lr=0.02, beta=0.9), []
    for _ in range(60):
        opt.step(p, {"w": curv * p["w"]})
        path.append(p["w"].copy())
    path = np.array(path)
    assert path[:, 0].max() > 1.0 and abs(path[-1, 0]) < 1.0
    assert np.abs(path[:, 1]).max() < 1.5


def test_no_formula_lost(text):
    """The update rules as the text writes them."""
    for formula in [
        r"w \leftarrow w - \eta \, \nabla L(w)",
        r"v \leftarrow \beta\, v - \eta\, g, \qquad w \leftarrow w + v",
        r"m \leftarrow \beta_1 m + (1 - \beta_1)\, g, \qquad "
        r"v \leftarrow \beta_2 v + (1 - \beta_2)\, g^2",
        r"\eta_t = \eta \cdot \frac{\sqrt{1 - \beta_2^t}}{1 - \beta_1^t}",
        r"w \leftarrow w - \eta_t \cdot \frac{m}{\sqrt{v} + \varepsilon}",
        r"v \leftarrow \rho\, v + (1 - \rho)\, g^2, \qquad "
        r"w \leftarrow w - \eta\, \frac{g}{\sqrt{v + \varepsilon}}",
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

    sgd_step, Momentum, Adam, RMSprop = ns["sgd_step"], ns["Momentum"], ns["Adam"], ns["RMSprop"]

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

    class RMSpropNoisy(RMSprop):
        def step(self, params, grads):
            super().step(params, grads)
            jiggle(params)

    got = {}

    def collect(key, value, rtol=1e-6, atol=1e-9):
        got[key] = reference.decode(reference.encode(value))

    ns.update(
        sgd_step=sgd_noisy,
        Momentum=MomentumNoisy,
        Adam=AdamNoisy,
        RMSprop=RMSpropNoisy,
        expect=collect,
    )
    for cell in nb.cells:
        gid = nbs.grade_id(cell) or ""
        if gid.endswith("-hidden"):
            exec(compile(cell.source, f"<{gid}>", "exec"), ns)
    assert set(got) == set(values)
    for key, value in got.items():
        rtol, atol = doc["tolerances"][key]
        problem = reference.compare(values[key], value, rtol / 10, atol / 10)
        assert problem is None, f"{key}: {problem}"


# --- RMSprop (exercise 4) against Keras and exact arithmetic -------------------------------------


def _rmsprop_step_by_step(ours, theirs, keras, scale=1.0, n_steps=50):
    """The largest difference of the weights after each step (not only at the end)."""
    p = {k: v.copy() for k, v in INIT.items()}
    variables = {k: keras.Variable(v.copy(), dtype="float64") for k, v in INIT.items()}
    worst, moved = 0.0, 0.0
    for _ in range(n_steps):
        g = {k: scale * v for k, v in _grads(p).items()}
        ours.step(p, g)
        gk = {
            k: scale * v
            for k, v in _grads({k: np.asarray(v) for k, v in variables.items()}).items()
        }
        theirs.apply_gradients([(gk[k], variables[k]) for k in variables])
        worst = max(worst, max(np.abs(p[k] - np.asarray(variables[k])).max() for k in p))
        moved = max(moved, max(np.abs(p[k] - INIT[k]).max() for k in p))
    return worst, moved


@pytest.mark.slow
def test_rmsprop_matches_keras_step_by_step(ns, keras):
    k_opt = keras.optimizers.RMSprop(learning_rate=0.01)
    assert (k_opt.momentum, k_opt.centered) == (0.0, False)
    worst, moved = _rmsprop_step_by_step(ns["RMSprop"](lr=0.01), k_opt, keras)
    assert moved > 0.1
    # Keras keeps the learning rate as a float32 variable: 0.01 is rounded by ~2e-10 relative.
    assert worst < 1e-7, f"RMSprop differs from keras.optimizers.RMSprop by {worst:.2e}"


@pytest.mark.slow
def test_rmsprop_matches_keras_to_rounding_with_a_float32_exact_learning_rate(ns, keras):
    lr = 2.0**-6
    for rho, eps in [(0.9, 1e-7), (0.5, 1e-4)]:
        worst, moved = _rmsprop_step_by_step(
            ns["RMSprop"](lr=lr, rho=rho, eps=eps),
            keras.optimizers.RMSprop(learning_rate=lr, rho=rho, epsilon=eps),
            keras,
        )
        assert moved > 0.1
        assert worst < 1e-12, (rho, eps, worst)


@pytest.mark.slow
def test_rmsprop_puts_eps_under_the_root_as_keras_does(ns, keras):
    """With gradients of about 1e-4 the placement of eps matters, and Keras agrees with ours."""
    lr = 2.0**-10
    worst, moved = _rmsprop_step_by_step(
        ns["RMSprop"](lr=lr), keras.optimizers.RMSprop(learning_rate=lr), keras, scale=1e-3
    )
    assert worst < 1e-12 and moved > 1e-3

    class EpsOutside:
        def __init__(self):
            self.v = {}

        def step(self, params, grads):
            for k, g in grads.items():
                self.v[k] = 0.9 * self.v.get(k, 0.0) + 0.1 * g**2
                params[k] -= lr * g / (np.sqrt(self.v[k]) + 1e-7)

    worst, _ = _rmsprop_step_by_step(
        EpsOutside(), keras.optimizers.RMSprop(learning_rate=lr), keras, scale=1e-3
    )
    assert worst > 1e-3  # the PyTorch placement is not what Keras computes


@pytest.mark.slow
def test_rmsprop_defaults_are_those_of_keras(ns, keras):
    ours, theirs = ns["RMSprop"](), keras.optimizers.RMSprop()
    assert (ours.lr, ours.rho, ours.eps) == pytest.approx(
        (float(theirs.learning_rate), theirs.rho, theirs.epsilon)
    )
    assert (ours.lr, ours.rho, ours.eps) == (0.001, 0.9, 1e-7)


def test_rmsprop_text_numbers(ns, text):
    # the first step without bias correction: lr * g / sqrt((1 - rho) g^2 + eps) ~ 3.16 lr
    for g in (0.5, -2.0, 30.0):
        p = {"w": np.array([0.0])}
        ns["RMSprop"](lr=0.01).step(p, {"w": np.array([g])})
        assert -p["w"][0] / 0.01 == pytest.approx(math.copysign(1 / math.sqrt(0.1), g), rel=1e-4)
    assert f"{1 / math.sqrt(0.1):.2f}" == "3.16" and "\\approx 3.16\\,\\eta" in text
    # sqrt(1e-7) ~ 3.2e-4; gradients of 1e-4: the two placements of eps differ 10 times
    assert (
        f"{math.sqrt(1e-7):.1e}" == "3.2e-04"
        and "\\sqrt{10^{-7}} \\approx 3.2 \\cdot 10^{-4}" in text
    )
    g = 1e-4
    inside = g / math.sqrt(0.1 * g * g + 1e-7)
    outside = g / (math.sqrt(0.1 * g * g) + 1e-7)
    assert 9.5 < outside / inside < 10.5 and "различающиеся в 10 раз" in text


def test_self_check_gradient_scale(ns, text):
    """Question 3: gradients x1000 -> the SGD step x1000, the RMSprop step almost unchanged."""
    rng = np.random.default_rng(4)
    gs = 0.1 * rng.standard_normal((10, 3))
    runs = {}
    for scale in (1.0, 1000.0):
        p, q = {"w": np.zeros(3)}, {"w": np.zeros(3)}
        rms, sgd = ns["RMSprop"](lr=0.01), ns["SGD"](lr=0.01)
        for g in gs:
            rms.step(p, {"w": scale * g})
            sgd.step(q, {"w": scale * g})
        runs[scale] = (p["w"], q["w"])
    assert np.allclose(runs[1000.0][1], 1000 * runs[1.0][1], rtol=1e-12)
    assert np.allclose(runs[1000.0][0], runs[1.0][0], rtol=1e-3)
    assert "почти не изменится" in text


def test_self_check_first_steps_of_rmsprop_and_adam(ns, text):
    """Question 4: the first RMSprop step is ~3.16 lr, the first Adam step ~lr."""
    g = np.array([0.7, -0.2])
    p, q = {"w": np.zeros(2)}, {"w": np.zeros(2)}
    ns["RMSprop"](lr=0.01).step(p, {"w": g})
    ns["Adam"](lr=0.01).step(q, {"w": g})
    assert np.allclose(-p["w"] / 0.01, np.sign(g) / math.sqrt(0.1), rtol=1e-3)
    assert np.allclose(-q["w"] / 0.01, np.sign(g), rtol=1e-4)
    assert "примерно в 3.16 раза больше $\\eta$" in text


def test_self_check_w_squared_at_eta_1_and_0_5(nb, text):
    """Question 1: eta = 1 -> w jumps 2, -2, 2, ... with loss 4; eta = 0.5 -> 0 in one step."""
    cell_ns = {"np": np}
    src = _code_cell(nb, "def descend_1d")
    exec(compile(src.split("\n\n\ngrid")[0], "<descend_1d>", "exec"), cell_ns)
    ws = cell_ns["descend_1d"](1.0)
    assert np.array_equal(ws, 2.0 * (-1.0) ** np.arange(13)) and np.all(ws**2 == 4.0)
    assert cell_ns["descend_1d"](0.5)[1] == 0.0
    assert "$2 \\to -2 \\to 2 \\to \\dots$" in text and "потери всё время равны 4" in text


def test_self_check_momentum_step_ratio(ns, text):
    """Question 2: with a constant gradient the step grows 1 / (1 - beta) times: 10 and 100."""
    for beta, ratio in [(0.9, 10), (0.99, 100)]:
        opt = ns["Momentum"](lr=0.01, beta=beta)
        p = {"w": np.zeros(1)}
        for _ in range(5000):
            opt.step(p, {"w": np.array([1.0])})
        assert opt.velocity["w"][0] / -0.01 == pytest.approx(ratio, rel=1e-9)
    assert "в 10 раз при\n$\\beta = 0.9$ и в 100 раз при $\\beta = 0.99$" in text


def _exact_rmsprop(w0, grad_of, n_steps, lr, rho=0.9, eps=1e-7):
    """RMSprop in the Keras form (eps under the root) in 80-digit arithmetic."""
    with decimal.localcontext(_EXACT):
        w = [_d(x) for x in w0]
        v = [_d(0)] * len(w)
        r, e, lr, one = _d(rho), _d(eps), _d(lr), _d(1)
        path = []
        for t in range(n_steps):
            g = grad_of(w, t)
            v = [r * vi + (one - r) * gi * gi for vi, gi in zip(v, g, strict=True)]
            w = [wi - lr * gi / (vi + e).sqrt() for wi, gi, vi in zip(w, g, v, strict=True)]
            path.append([float(x) for x in w])
        return path


def test_rmsprop_hidden_references_match_exact_arithmetic():
    path = _exact_rmsprop(
        [2.0, -2.0],
        lambda w, t: [_d(1e-3) * _dcos(w[0] + t), _d(2.0) * _dcos(w[1] + t)],
        30,
        lr=0.05,
        rho=0.5,
        eps=1e-4,
    )
    _within_a_tenth("rmsprop/custom-hyperparams-path", path)
    w = _exact_rmsprop([1.0, 1.0], lambda w_, t: [_d(1e-5), _d(-3e-6)], 20, lr=0.001)[-1]
    u = _exact_rmsprop([0.5, -0.5], lambda w_, t: [_d(2.0), _d(1e-6)], 20, lr=0.001)[-1]
    rtol, atol = _reference_doc()["tolerances"]["rmsprop/tiny-gradients"]
    recorded = _reference_values()["rmsprop/tiny-gradients"]
    for key, exact in [("w", w), ("u", u)]:
        err = np.abs(np.ravel(recorded[key]) - np.asarray(exact))
        assert np.all(err <= (atol + rtol * np.abs(exact)) / 10), key


def test_visible_rmsprop_numbers_are_exact_to_a_tenth_of_their_tolerance():
    def check(name, exact):
        expected, opt = _visible_expected("rmsprop-visible", name)
        exact = np.asarray(exact, dtype=float)
        err = np.abs(expected - exact)
        assert np.all(err <= (opt["atol"] + opt["rtol"] * np.abs(exact)) / 10), (name, err.max())

    gb = [[-1e-4], [-2e-4], [1e-4]]
    gw = [[0.1, -0.05, 0.2], [0.05, 0.05, -0.1], [-0.1, 0.02, 0.1]]
    b = _exact_rmsprop([0.0], lambda w, t: [_d(x) for x in gb[t]], 3, lr=0.01)
    w = _exact_rmsprop([1.0, -1.0, 0.5], lambda w_, t: [_d(x) for x in gw[t]], 3, lr=0.01)
    check('params["b"] после первого шага (маленький градиент -1e-4)', b[0])
    check('params["w"] после первого шага', w[0])
    check('новый RMSprop(lr=0.01): params["w"] после первого шага', w[0])
    check('params["b"] после трёх шагов', b[2])
    check('params["w"] после трёх шагов', w[2])
    gd = [[0.5, 0.5], [-0.2, 1.0]]
    d = _exact_rmsprop([1.0, -1.0], lambda w_, t: [_d(x) for x in gd[t]], 2, lr=0.001)
    check("RMSprop() (lr=0.001 по умолчанию): w после первого шага", d[0])
    check("RMSprop(): w после второго шага", d[1])


# --- section 9: the comparison the text describes -------------------------------------------------


@pytest.fixture(scope="module")
def comparison(nb, ns):
    """The bowl, run_optimizer and the learning-rate sweep cells, executed with the solution."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    cell_ns = dict(ns)
    for marker in ["CURVATURE = np.array", "def run_optimizer", "LRS_BOWL = ", "BOWL_RUNS = "]:
        source = _code_cell(nb, marker)
        with contextlib.redirect_stdout(io.StringIO()):
            exec(compile(source, f"<{marker}>", "exec"), cell_ns)
        plt.close("all")
    return cell_ns


def test_sweep_each_optimizer_has_its_own_good_range(comparison, text):
    c = comparison
    lrs, net, best = c["LRS_NET"], c["sweep_net"], c["best_net"]
    assert np.allclose(lrs, 10.0 ** np.arange(-4, 0.51, 0.5))
    # SGD best near 0.3 and still fine at 3; Momentum 3-10 times smaller; RMSprop and Adam ~0.03
    assert best["SGD"] == pytest.approx(10**-0.5)
    assert net["SGD"][-1] < 0.3 and np.isfinite(net["SGD"]).all()
    assert 3 <= best["SGD"] / best["Momentum"] <= 10
    assert best["RMSprop"] == pytest.approx(10**-1.5) and best["Adam"] == pytest.approx(10**-1.5)
    assert "SGD лучше всего при η около 0.3 (и\n  терпит η до 3)" in text
    assert "при η в 3–10 раз меньшей" in text and "RMSprop и Adam — при η около 0.03" in text
    # left of the range: slow (all above 0.7 at 1e-4); right: Momentum, RMSprop, Adam much worse
    assert all(net[name][0] > 0.7 for name in net)
    for name in ("Momentum", "RMSprop", "Adam"):
        assert net[name][-1] > 2 * net[name].min(), name
    # Adam is the best on the network at its own rate, and worse than SGD at rates of 1 and more
    assert net["Adam"].min() < min(net[n].min() for n in ("SGD", "Momentum", "RMSprop"))
    assert net["Adam"][lrs >= 1].min() > net["SGD"].min()
    assert "**На сети лучший — Adam** при своей η" in text
    # question 5: at eta = 0.01 SGD reaches only ~0.46, Adam ~0.21
    at = int(np.flatnonzero(np.isclose(lrs, 0.01))[0])
    assert round(net["SGD"][at], 2) == 0.46 and round(net["Adam"][at], 2) == 0.21
    assert "доходит только до BCE около 0.46, а Adam — до 0.21" in text


def test_sweep_on_the_bowl(comparison, text):
    c = comparison
    lrs, bowl, best = c["LRS_BOWL"], c["sweep_bowl"], c["best_bowl"]
    assert np.allclose(lrs, 10.0 ** np.arange(-3, 0.51, 0.25))
    # the best constant rate for curvatures 1 and 10 is 2 / (1 + 10)
    assert abs(math.log10(best["SGD"]) - math.log10(2 / 11)) < 0.125
    assert f"{2 / 11:.2f}" == "0.18" and "$2/(1 + 10) \\approx 0.18$" in text
    assert 1e-17 < bowl["SGD"].min() < 1e-15 and "$L \\sim 10^{-16}$" in text
    for name in ("Momentum", "RMSprop", "Adam"):
        assert bowl[name].min() > 1e8 * bowl["SGD"].min(), name
    # RMSprop and Adam do not diverge even at eta = 3: below the starting loss
    start = 0.5 * (81 + 10 * 1.5**2)
    for name in ("RMSprop", "Adam"):
        assert np.isfinite(bowl[name]).all() and bowl[name][-1] < start
    assert not np.isfinite(bowl["SGD"][-1]) or bowl["SGD"][-1] > 1e100


def test_bowl_paths_the_text_describes(comparison, text):
    c = comparison
    run, runs = c["run_optimizer"], dict(c["BOWL_RUNS"])
    names = list(runs)
    assert names == ["SGD η=0.15", "Momentum η=0.02, β=0.9", "RMSprop η=0.1", "Adam η=0.3"]
    paths = {
        "SGD": run(c["SGD"](lr=0.15), 100),
        "Momentum": run(c["Momentum"](lr=0.02, beta=0.9), 100),
        "RMSprop": run(c["RMSprop"](lr=0.1), 100),
        "Adam": run(c["Adam"](lr=0.3), 100),
    }
    loss = {k: c["bowl_loss"](v) for k, v in paths.items()}
    # SGD: multipliers -0.5 and 0.85, the loss falls along a straight line in log scale
    assert 1 - 10 * 0.15 == pytest.approx(-0.5) and 1 - 0.15 == pytest.approx(0.85)
    assert np.all(np.diff(np.log(loss["SGD"][10:])) < 0)
    assert loss["SGD"][-1] < 1e-8 * min(loss[k][-1] for k in ("Momentum", "RMSprop", "Adam"))
    # Momentum and Adam overshoot the minimum along w1
    assert paths["Momentum"][:, 0].max() > 1.0 and paths["Adam"][:, 0].max() > 0.1
    # RMSprop and Adam: the first step moves both coordinates by about the same amount (diagonal)
    for k in ("RMSprop", "Adam"):
        step = np.abs(paths[k][1] - paths[k][0])
        assert step[0] == pytest.approx(step[1], rel=1e-3)
    # RMSprop at 0.1: a little less than eta per step along w1, ~8.6 of the 9 units in 100 steps
    w1 = paths["RMSprop"][:, 0]
    assert np.all(np.diff(w1) > 0) and np.all(np.diff(w1)[17:] < 0.1)
    assert np.diff(w1)[0] == pytest.approx(0.1 / math.sqrt(0.1), rel=1e-6)
    assert w1[-1] + 9 == pytest.approx(8.6, abs=0.05)
    # ... and a jump along w2 once its v has decayed: a spike of the loss near step 92
    jumps = np.flatnonzero(np.diff(loss["RMSprop"]) > 0) + 1
    assert jumps.size and 88 <= jumps[0] <= 96, jumps
    flat = " ".join(text.split())
    assert "к сотому шагу проходит около 8.6 из 9 единиц" in flat
    assert "всплеск на кривой потерь около 92-го шага" in flat
    # "Adam с η = 0.3 проходит путь быстрее": it reaches |w1| < 0.5 sooner and ends lower
    adam_first = int(np.argmax(np.abs(paths["Adam"][:, 0]) < 0.5))
    rms_first = int(np.argmax(np.abs(w1) < 0.5))
    assert 0 < adam_first < rms_first and loss["Adam"][-1] < loss["RMSprop"][-1]


def test_batch_size_experiment(nb, comparison, text):
    """Smaller batches end lower after 20 epochs; an epoch of single examples takes much longer."""
    c = dict(comparison)
    source = _code_cell(nb, "def steps_word")
    c["plt"].close("all")
    with contextlib.redirect_stdout(io.StringIO()) as out:
        exec(compile(source, "<batch size>", "exec"), c)
    c["plt"].close("all")
    lines = out.getvalue().splitlines()
    losses = [float(re.search(r"потери после 20 эпох (\d\.\d+)", x).group(1)) for x in lines]
    times = [float(re.search(r"время: (\d+\.\d+) с", x).group(1)) for x in lines]
    assert losses[0] > losses[1] > losses[2]
    assert times[2] > 3 * times[1]
    assert [c["steps_word"](n) for n in (1, 2, 5, 11, 13, 21, 22, 400)] == [
        "шаг",
        "шага",
        "шагов",
        "шагов",
        "шагов",
        "шаг",
        "шага",
        "шагов",
    ]
    assert "во много раз дольше, чем по 32" in text
