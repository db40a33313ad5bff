"""The mutant catalogue: plausible wrong answers that each exercise's tests must reject.

One file per assignment, ``tests/mutants/<assignment>.py``, defining ``MUTANTS``: a list of
:class:`Mutant`. A mutant's ``source`` replaces the exercise's solution cell. ``caught_by`` says
which tests must reject it: ``"visible"`` (the visible tests fail) or ``"hidden"`` (the visible
tests pass and only the hidden ones fail — the case hidden tests exist for).
"""

from __future__ import annotations

import runpy
from dataclasses import dataclass
from pathlib import Path
from textwrap import dedent

HERE = Path(__file__).parent


@dataclass(frozen=True)
class Mutant:
    exercise: str
    name: str
    caught_by: str  # "visible" or "hidden"
    source: str

    def __post_init__(self):
        if self.caught_by not in ("visible", "hidden"):
            raise ValueError(f"mutant {self.name!r}: caught_by must be 'visible' or 'hidden'")
        object.__setattr__(self, "source", dedent(self.source).strip() + "\n")


def catalogue(assignment: str) -> list[Mutant]:
    path = HERE / f"{assignment}.py"
    if not path.is_file():
        return []
    return list(runpy.run_path(str(path))["MUTANTS"])
