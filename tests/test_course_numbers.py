"""Numbers the course text states, checked against an independent oracle (SciPy)."""

from __future__ import annotations

import pytest
from scipy.special import expit

from autograder.build import notebooks
from tests.conftest import COURSE


def markdown(assignment: str) -> str:
    nb = notebooks.read(COURSE.source_notebook(assignment))
    return "\n".join(c.source for c in nb.cells if c.cell_type == "markdown")


# (assignment, the text as written, the value it claims, digits shown)
STATED = [
    ("01-neuron", r"\sigma(7) \approx 0.999089", expit(7.0), 6),
    ("01-neuron", r"\sigma(3) \approx 0.9526", expit(3.0), 4),
    ("01-neuron", r"\sigma(0.9526) \approx 0.7216", expit(expit(3.0)), 4),
    ("01-neuron", r"\sigma(0) = 0.5", expit(0.0), 1),
    ("01-neuron", "≈ 0.7216", expit(expit(3.0)), 4),
]


@pytest.mark.parametrize("assignment, text, value, digits", STATED, ids=[s[1] for s in STATED])
def test_stated_number_matches_oracle(assignment, text, value, digits):
    assert text in markdown(assignment), f"the text no longer says {text!r}: update this test"
    shown = text.rsplit(" ", 1)[-1]
    assert shown == f"{value:.{digits}f}", f"{text}: the oracle gives {value:.8f}"
