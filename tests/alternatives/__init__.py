"""The catalogue of correct alternatives: answers that differ from the solution and must earn
full marks in the real grader.

One file per assignment, ``tests/alternatives/<assignment>.py``, defining ``ALTERNATIVES``: a list
of :class:`Alternative`. An alternative's ``source`` replaces the exercise's solution cell. Each
follows the statement's letter but not the solution's code: another sound formula, a loop instead
of vectorised code, other internal names or layout, an API spelling with the same behaviour.

Optionally ``EXTRA_CELLS``: ``(after_grade_id, cell_type, source)`` cells a student adds of their
own (experiments, notes); a generic set is added after every exercise in any case.
"""

from __future__ import annotations

import json
import runpy
from dataclasses import dataclass
from pathlib import Path
from textwrap import dedent

HERE = Path(__file__).parent


@dataclass(frozen=True)
class Alternative:
    exercise: str
    name: str
    source: str

    def __post_init__(self):
        object.__setattr__(self, "source", dedent(self.source).strip() + "\n")


def _module(assignment: str) -> dict:
    path = HERE / f"{assignment}.py"
    return runpy.run_path(str(path)) if path.is_file() else {}


def catalogue(assignment: str) -> list[Alternative]:
    return list(_module(assignment).get("ALTERNATIVES", []))


def extra_cells(assignment: str) -> list[tuple[str, str, str]]:
    return list(_module(assignment).get("EXTRA_CELLS", []))


def rounds(assignment: str) -> list[dict[str, Alternative]]:
    """The alternatives as submissions: round k holds the k-th alternative of every exercise."""
    by_exercise: dict[str, list[Alternative]] = {}
    for alt in catalogue(assignment):
        by_exercise.setdefault(alt.exercise, []).append(alt)
    n = max((len(v) for v in by_exercise.values()), default=0)
    return [{ex: alts[k] for ex, alts in by_exercise.items() if k < len(alts)} for k in range(n)]


def _gid(cell: dict) -> str:
    return cell.get("metadata", {}).get("nbgrader", {}).get("grade_id", "")


def with_answers(solution: dict, answers: dict[str, str]) -> dict:
    """A copy of the solution notebook (JSON) with these exercises' solution cells replaced."""
    nb = json.loads(json.dumps(solution))
    for cell in nb["cells"]:
        gid = _gid(cell)
        if gid.endswith("-solution") and gid.removesuffix("-solution") in answers:
            cell["source"] = answers[gid.removesuffix("-solution")]
    return nb


GENERIC_EXTRA = [
    (
        "code",
        "# Мой эксперимент: не часть задания\n"
        "import numpy as np\n"
        "мои_данные = np.linspace(-3, 3, 7)\n"
        "print('мой эксперимент:', мои_данные.round(2))\n",
    ),
    ("markdown", "Заметка для себя: проверить ещё раз на других данных."),
]


def with_extra_cells(nb: dict, assignment: str) -> dict:
    """A student's own cells, without nbgrader metadata, after every exercise's solution cell
    (and wherever the catalogue's EXTRA_CELLS say)."""
    nb = json.loads(json.dumps(nb))
    specific: dict[str, list[tuple[str, str]]] = {}
    for after, kind, source in extra_cells(assignment):
        specific.setdefault(after, []).append((kind, source))
    cells = []
    for cell in nb["cells"]:
        cells.append(cell)
        gid = _gid(cell)
        added = specific.get(gid, []) + (GENERIC_EXTRA if gid.endswith("-solution") else [])
        for kind, source in added:
            new = {"cell_type": kind, "metadata": {}, "source": source}
            if kind == "code":
                new.update(execution_count=None, outputs=[])
            cells.append(new)
    nb["cells"] = cells
    return nb
