"""01-neuron against an exact oracle: the standard library's decimal arithmetic at 50 digits.

The notebook's own test cells are run with exact implementations of its functions (``decimal``,
rounded to float64 only at the end):

- every value a hidden cell hands to ``expect`` must agree with the recorded reference within a
  tenth of that key's tolerance, so an answer closer to the exact value than the solution can
  never fail a key;
- every expected value a visible ``assert_close`` states must be within a tenth of its tolerance
  of the exact value, and the other visible checks must hold for the exact implementations.
"""

from __future__ import annotations

import decimal
import json
from decimal import Decimal

import numpy as np
import pytest

from autograder import checks, reference
from autograder.build import notebooks
from tests.conftest import COURSE

ASSIGNMENT = "01-neuron"
decimal.getcontext().prec = 50


def _d(v) -> Decimal:
    return v if isinstance(v, Decimal) else Decimal(float(v))


def _sigma(v) -> Decimal:
    return 1 / (1 + (-_d(v)).exp())


def sigmoid(x):
    arr = np.asarray(x, dtype=float)
    out = np.array([float(_sigma(v)) for v in arr.ravel()]).reshape(arr.shape)
    return out[()] if out.ndim == 0 else out


class Neuron:
    def __init__(self, weights, bias):
        self.weights = np.asarray(weights, dtype=float)
        self.bias = float(bias)

    def feedforward(self, x):
        x = np.asarray(x, dtype=float)
        z = sum(_d(w) * _d(v) for w, v in zip(self.weights, x, strict=True))
        return np.float64(float(_sigma(z + _d(self.bias))))


class OurNeuralNetwork:
    def __init__(self):
        self.h1 = Neuron([0, 1], 0)
        self.h2 = Neuron([0, 1], 0)
        self.o1 = Neuron([0, 1], 0)

    def feedforward(self, x):
        # Exact through the hidden layer: h1 and h2 are not rounded before o1.
        x = [_d(v) for v in np.asarray(x, dtype=float)]
        h = [self._z(n, x) for n in (self.h1, self.h2)]
        h = [_sigma(z) for z in h]
        return np.float64(float(_sigma(self._z(self.o1, h))))

    @staticmethod
    def _z(neuron, x) -> Decimal:
        return sum(_d(w) * v for w, v in zip(neuron.weights, x, strict=True)) + _d(neuron.bias)


def _train_exact(X, y, n_iter, seed, lr=Decimal(1), losses=None) -> list[Decimal]:
    """The notebook's rule w += lr * X^T((y - out) * out * (1 - out)), in decimal arithmetic.

    ``losses``, if a list, gets L = 1/2 * sum (y - out)^2 before each step (index k: after k steps).
    """
    X = np.asarray(X, dtype=float)
    y = np.reshape(np.asarray(y, dtype=float), -1)
    rows = [[_d(v) for v in row] for row in X]
    targets = [_d(v) for v in y]
    w = [_d(v) for v in 2 * np.random.default_rng(seed).random(3) - 1]
    for _ in range(n_iter):
        outs = [_sigma(sum(a * b for a, b in zip(row, w, strict=True))) for row in rows]
        if losses is not None:
            losses.append(sum((t - o) ** 2 for t, o in zip(targets, outs, strict=True)) / 2)
        deltas = [(t - o) * o * (1 - o) for t, o in zip(targets, outs, strict=True)]
        w = [
            w[j] + lr * sum(row[j] * d for row, d in zip(rows, deltas, strict=True))
            for j in range(3)
        ]
    return w


def train_neuron(X, y, n_iter, seed):
    return np.array([float(v) for v in _train_exact(X, y, n_iter, seed)])


EXACT = {
    "sigmoid": sigmoid,
    "Neuron": Neuron,
    "OurNeuralNetwork": OurNeuralNetwork,
    "train_neuron": train_neuron,
}


def _namespace() -> dict:
    """The provided cells' code, then the exact functions in place of the solutions."""
    nb = notebooks.read(COURSE.source_notebook(ASSIGNMENT))
    ns: dict = {}
    for cell in nb.cells:
        gid = notebooks.grade_id(cell) or ""
        if cell.cell_type == "code" and gid.startswith("provided-"):
            exec(compile(cell.source, f"<{gid}>", "exec"), ns)
    ns.update(EXACT)
    return ns


def _test_cells(part: str) -> dict[str, str]:
    nb = notebooks.read(COURSE.source_notebook(ASSIGNMENT))
    return {ex.name: nb.cells[ex.cells[part]].source for ex in notebooks.exercises(nb)}


def _reference() -> tuple[dict, dict]:
    path = COURSE.reference_file(ASSIGNMENT)
    doc = json.loads(path.read_text(encoding="utf-8"))
    return reference.load(path), doc["tolerances"]


@pytest.fixture(scope="module")
def exact_values() -> dict:
    """key -> the value the hidden cells compute with the exact implementations."""
    got: dict = {}

    def record(key, value, *, rtol=1e-6, atol=1e-9):
        assert key not in got, key
        got[key] = value

    for source in _test_cells("hidden").values():
        ns = _namespace()
        ns["expect"] = record
        exec(compile(source, "<hidden>", "exec"), ns)
    return got


def test_every_hidden_key_is_computed(exact_values):
    values, _ = _reference()
    assert set(exact_values) == set(values)


@pytest.mark.parametrize("key", sorted(_reference()[0]))
def test_reference_is_within_a_tenth_of_the_tolerance_of_the_exact_value(key, exact_values):
    values, tolerances = _reference()
    rtol, atol = tolerances[key]
    problem = reference.compare(values[key], exact_values[key], rtol / 10, atol / 10)
    assert problem is None, f"{key}: {problem}"


@pytest.mark.parametrize("exercise", sorted(_test_cells("visible")))
def test_visible_expected_values_are_exact(exercise, capsys):
    source = _test_cells("visible")[exercise]
    stated: list[str] = []

    def assert_close(actual, expected, *, name="", rtol=1e-6, atol=1e-8, hint=None):
        stated.append(name)
        checks.assert_close(actual, expected, name=name, rtol=rtol / 10, atol=atol / 10)

    ns = _namespace()
    ns["assert_close"] = assert_close
    exec(compile(source, f"<{exercise}-visible>", "exec"), ns)
    assert "Видимые проверки пройдены" in capsys.readouterr().out
    assert stated, f"{exercise}: no assert_close in the visible cell"


def test_stated_training_results():
    """Cell [30]'s printed weights and answer, and the text's claims about them."""
    w = train_neuron(
        np.array([[0, 0, 1], [1, 1, 1], [1, 0, 1], [0, 1, 1]], dtype=float),
        np.array([0, 1, 1, 0], dtype=float),
        10_000,
        seed=1,
    )
    assert np.round(w, 3).tolist() == [9.673, -0.208, -4.63]
    assert float(sigmoid(w[0])) == pytest.approx(0.99994, abs=5e-6)


X_TRAIN = np.array([[0, 0, 1], [1, 1, 1], [1, 0, 1], [0, 1, 1]], dtype=float)
Y_TRAIN = np.array([0, 1, 1, 0], dtype=float)


def _half_squared_error(w) -> Decimal:
    """L(w) = 1/2 * sum (y - sigma(X w))^2 on the training examples, exactly."""
    total = Decimal(0)
    for row, t in zip(X_TRAIN, Y_TRAIN, strict=True):
        out = _sigma(sum(_d(a) * _d(b) for a, b in zip(row, w, strict=True)))
        total += (_d(t) - out) ** 2
    return total / 2


def test_the_rule_is_gradient_descent_on_half_the_sum_of_squares_with_rate_one():
    """Section 5: a step of the rule is w - 1 * grad L, L = 1/2 * sum (y - out)^2 (mpmath.diff)."""
    mpmath = pytest.importorskip("mpmath")
    mpmath.mp.dps = 40
    w0 = 2 * np.random.default_rng(0).random(3) - 1
    step = np.array([float(v) for v in _train_exact(X_TRAIN, Y_TRAIN, 1, seed=0)]) - w0

    def loss(*w):
        total = mpmath.mpf(0)
        for row, t in zip(X_TRAIN, Y_TRAIN, strict=True):
            out = 1 / (1 + mpmath.exp(-sum(mpmath.mpf(a) * b for a, b in zip(row, w, strict=True))))
            total += (t - out) ** 2
        return total / 2

    point = [mpmath.mpf(float(v)) for v in w0]
    grad = []
    for j in range(3):
        order = [0, 0, 0]
        order[j] = 1
        grad.append(float(mpmath.diff(loss, point, tuple(order))))
    np.testing.assert_allclose(step, -np.array(grad), rtol=1e-12, atol=1e-15)


def test_stated_losses_and_their_curve():
    """The loss curve falls at every plotted step; its printed ends; the 1/4-rate self-check."""
    steps = np.unique(np.geomspace(1, 10_000, 40).astype(int))
    history: list[Decimal] = []
    w = _train_exact(X_TRAIN, Y_TRAIN, 10_000, seed=1, losses=history)
    history.append(_half_squared_error(w))
    plotted = [history[k] for k in steps]
    assert all(b < a for a, b in zip(plotted, plotted[1:], strict=False))
    assert f"{float(plotted[0]):.4f}" == "0.4588"
    assert f"{float(plotted[-1]):.6f}" == "0.000129"
    quarter = _half_squared_error(
        _train_exact(X_TRAIN, Y_TRAIN, 10_000, seed=1, lr=Decimal("0.25"))
    )
    assert f"{float(history[-1]):.5f}" == "0.00013"
    assert f"{float(quarter):.5f}" == "0.00053"
    assert 3.5 < quarter / history[-1] < 4.5  # «примерно вчетверо больше»


def test_decision_boundary_claims():
    """The boundary section: w = [0, -1], b = 0 is right on all four people, w = [1, 1], b = 0
    on none; the dashed lines sit at z = +-ln 9 ~ +-2.197; the self-checks' numbers."""
    people = np.array([[-2.0, -1.0], [25.0, 6.0], [17.0, 4.0], [-15.0, -6.0]])
    labels = [1, 0, 0, 1]

    def correct(w, b):
        n = Neuron(w, b)
        return sum(
            (n.feedforward(x) > 0.5) == (t == 1) for x, t in zip(people, labels, strict=True)
        )

    assert correct([0, -1], 0) == 4
    assert correct([1, 1], 0) == 0
    assert float(_sigma(Decimal(9).ln())) == pytest.approx(0.9, abs=1e-15)
    assert round(float(Decimal(9).ln()), 3) == 2.197
    # x1 does not matter when w1 = 0; o1 with weights [1, 0] gives the same 0.7216 (h1 == h2)
    assert Neuron([0, 1], 4).feedforward([100, 3]) == Neuron([0, 1], 4).feedforward([2, 3])
    net = OurNeuralNetwork()
    net.o1 = Neuron([1, 0], 0)
    assert round(float(net.feedforward([2, 3])), 4) == 0.7216
    # sigma(-z) = 1 - sigma(z)
    for z in ("-3.5", "0.25", "7"):
        assert abs(_sigma(-Decimal(z)) - (1 - _sigma(Decimal(z)))) < Decimal("1e-45")
