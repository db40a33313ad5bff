"""The mutant catalogue: plausible wrong answers that each exercise's tests must reject.

One file per assignment, ``tests/mutants/<assignment>.py``, defining ``MUTANTS``: a list of
:class:`Mutant`. A mutant's ``source`` replaces the exercise's solution cell. ``caught_by`` says
which tests must reject it, and ``diagnosis`` is what the student is told when their answer fails a
check the way this mutant does (a Russian sentence beginning «Похоже, »):

- ``"visible"``: the mutant breaks a requirement the statement states (a formula, a promised input
  type or shape, stability at the stated extremes, no warnings, in place, per key, once per call,
  inputs unchanged, ...): the visible tests must fail, so the student sees it before submitting;
- ``"hidden"``: the over-fitting kind only — an answer hard-coded for the visible inputs or
  special-cased to the visible shapes: it passes the visible tests and the hidden ones (other
  data, shapes, seeds, sizes) fail.

``OVERFIT_IMPOSSIBLE`` (optional): ``{exercise: why}`` for exercises whose visible checks already
cover every input the statement allows (e.g. a constructor without arguments), so no answer can
over-fit them and no ``"hidden"`` mutant exists.
"""

from __future__ import annotations

import runpy
from dataclasses import dataclass
from pathlib import Path
from textwrap import dedent

HERE = Path(__file__).parent
DIAGNOSIS_START = "Похоже, "


@dataclass(frozen=True)
class Mutant:
    exercise: str
    name: str
    caught_by: str  # "visible" or "hidden"
    source: str
    diagnosis: str = ""

    def __post_init__(self):
        if self.caught_by not in ("visible", "hidden"):
            raise ValueError(f"mutant {self.name!r}: caught_by must be 'visible' or 'hidden'")
        if self.diagnosis and not self.diagnosis.startswith(DIAGNOSIS_START):
            raise ValueError(f"mutant {self.name!r}: the diagnosis must begin {DIAGNOSIS_START!r}")
        object.__setattr__(self, "source", dedent(self.source).strip() + "\n")


def _module(assignment: str) -> dict:
    path = HERE / f"{assignment}.py"
    return runpy.run_path(str(path)) if path.is_file() else {}


def catalogue(assignment: str) -> list[Mutant]:
    return list(_module(assignment).get("MUTANTS", []))


def overfit_impossible(assignment: str) -> dict[str, str]:
    return dict(_module(assignment).get("OVERFIT_IMPOSSIBLE", {}))
