"""Structural checks of a source (solution) notebook, before anything is built from it."""

from __future__ import annotations

from pathlib import Path

import nbformat

from ..errors import CourseError
from .notebooks import PARTS, exercises, grade_id

BEGIN_SOLUTION = "### BEGIN SOLUTION"
BEGIN_HIDDEN = "### BEGIN HIDDEN TESTS"
END_HIDDEN = "### END HIDDEN TESTS"


def validate_source(nb: nbformat.NotebookNode, path: Path) -> None:
    """Raise CourseError naming the file and the first problem found."""
    seen: dict[str, int] = {}
    for index, cell in enumerate(nb.cells):
        meta = cell.metadata.get("nbgrader")
        if not meta:
            continue
        gid = grade_id(cell)
        where = f"cell {index + 1}"
        if not gid:
            raise CourseError(path, f"{where}: nbgrader cell without a grade_id")
        if gid in seen:
            raise CourseError(
                path, f"duplicated grade_id {gid!r} (cells {seen[gid] + 1} and {index + 1})"
            )
        seen[gid] = index
        if meta.get("grade") and not meta.get("solution"):
            points = meta.get("points")
            if not isinstance(points, (int, float)) or points <= 0:
                raise CourseError(path, f"test cell {gid!r} has no points")
        name, _, part = gid.rpartition("-")
        if not gid.startswith("provided-") and (not name or part not in PARTS):
            raise CourseError(
                path,
                f"grade_id {gid!r} is neither 'provided-…' nor 'EXERCISE-{{{','.join(PARTS)}}}'",
            )
        if gid.startswith("provided-") and not meta.get("locked"):
            raise CourseError(path, f"provided cell {gid!r} must be read-only (locked)")

    found = exercises(nb)
    if not found:
        raise CourseError(path, "no exercises (cells with grade_id 'EX-task', 'EX-solution', …)")
    for ex in found:
        missing = [p for p in PARTS if p not in ex.cells]
        if missing:
            raise CourseError(path, f"exercise {ex.name!r} lacks cells {missing}")
        order = [ex.cells[p] for p in PARTS]
        if order != sorted(order):
            raise CourseError(path, f"exercise {ex.name!r}: cells must come in the order {PARTS}")
        _check_parts(nb, ex, path)


def _check_parts(nb, ex, path: Path) -> None:
    task, solution, visible, hidden = (nb.cells[ex.cells[p]] for p in PARTS)
    name = ex.name
    if task.cell_type != "markdown":
        raise CourseError(path, f"{name}-task must be a markdown cell")
    if not (solution.metadata.nbgrader.get("solution") and BEGIN_SOLUTION in solution.source):
        raise CourseError(path, f"{name}-solution must be an answer cell with {BEGIN_SOLUTION}")
    for part, cell in (("visible", visible), ("hidden", hidden)):
        meta = cell.metadata.nbgrader
        if cell.cell_type != "code" or not meta.get("grade") or meta.get("solution"):
            raise CourseError(path, f"{name}-{part} must be an autograder-tests code cell")
    if BEGIN_HIDDEN in visible.source:
        raise CourseError(path, f"{name}-visible must not hold hidden tests")
    if BEGIN_HIDDEN not in hidden.source or END_HIDDEN not in hidden.source:
        raise CourseError(path, f"{name}-hidden must hold a {BEGIN_HIDDEN} … {END_HIDDEN} block")
    block = hidden.source.split(BEGIN_HIDDEN, 1)[1].split(END_HIDDEN, 1)[0]
    if "expect(" not in block:
        raise CourseError(path, f"{name}-hidden: hidden tests must check values with expect(...)")
