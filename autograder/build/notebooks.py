"""Reading, normalising and writing notebooks, and finding the exercises in them."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

import nbformat
from nbformat.validator import ValidationError

from ..errors import CourseError

# Cell metadata worth keeping: nbgrader's, and the lock flags it derives from it.
_CELL_METADATA = ("nbgrader", "editable", "deletable", "tags")
# Exercise cells, in this order: EX-task, EX-solution, EX-visible, EX-hidden.
PARTS = ("task", "solution", "visible", "hidden")


def read(path: Path, label: str | None = None) -> nbformat.NotebookNode:
    """Read a notebook; invalid JSON or an invalid notebook is a one-line CourseError.

    ``label`` names the file in messages (default: ``path``).
    """
    where = label or path
    try:
        text = Path(path).read_text(encoding="utf-8")
    except OSError as e:
        raise CourseError(where, f"cannot read: {e.strerror}") from None
    except UnicodeDecodeError:
        raise CourseError(where, "not UTF-8 text") from None
    try:
        json.loads(text)
    except json.JSONDecodeError as e:
        raise CourseError(where, f"invalid JSON at line {e.lineno}, column {e.colno}") from None
    try:
        nb = nbformat.reads(text, as_version=4)
        nbformat.validate(nb)
    except ValidationError as e:
        raise CourseError(where, f"invalid notebook: {e.message}") from None
    except Exception as e:  # nbformat raises several types for malformed notebooks
        raise CourseError(where, f"not a notebook: {str(e).splitlines()[0]}") from None
    return nb


def normalise(nb: nbformat.NotebookNode, keep_outputs: bool) -> nbformat.NotebookNode:
    """Drop what varies between machines and runs, so committed notebooks diff cleanly."""
    nb.metadata = nbformat.from_dict(
        {
            "kernelspec": {
                "display_name": "Python 3 (ipykernel)",
                "language": "python",
                "name": "python3",
            },
            "language_info": language_info(),
        }
    )
    for cell in nb.cells:
        cell.metadata = nbformat.from_dict(
            {k: v for k, v in cell.metadata.items() if k in _CELL_METADATA}
        )
        if cell.cell_type == "code" and not keep_outputs:
            cell.outputs = []
            cell.execution_count = None
        elif cell.cell_type == "code":
            cell.outputs = _coalesced(cell.outputs)
    return nb


def _coalesced(outputs: list) -> list:
    """Consecutive text on one stream as one output: where the kernel cut it varies with load."""
    out: list = []
    for o in outputs:
        if o.get("output_type") == "stream" and out and out[-1].get("output_type") == "stream":
            if out[-1].get("name") == o.get("name"):
                out[-1]["text"] = _text(out[-1]["text"]) + _text(o["text"])
                continue
        out.append(o)
    return out


def _text(text) -> str:
    return "".join(text) if isinstance(text, list) else text


def language_info() -> dict:
    """What this environment's Python kernel writes into a notebook when it connects: JupyterLab
    marks a notebook as modified on open when its ``language_info`` differs."""
    from ipykernel.ipkernel import IPythonKernel

    return json.loads(json.dumps(IPythonKernel.language_info))


def same_but_python_version(a: str, b: str) -> bool:
    """Two notebook texts equal except for the patch version of Python that built them."""
    try:
        na, nb = json.loads(a), json.loads(b)
    except ValueError:
        return False
    for parsed in (na, nb):
        parsed.get("metadata", {}).get("language_info", {}).pop("version", None)
    return na == nb


def dumps(nb: nbformat.NotebookNode) -> str:
    """Stable text: sorted keys, one-space indent (nbformat's own style), final newline."""
    text = nbformat.writes(nb, version=4)
    return text if text.endswith("\n") else text + "\n"


def grade_id(cell) -> str | None:
    return cell.metadata.get("nbgrader", {}).get("grade_id")


@dataclass
class Exercise:
    """The cells of one exercise, by part; ``points`` are the visible and hidden points."""

    name: str
    cells: dict[str, int] = field(default_factory=dict)  # part -> cell index
    points: dict[str, float] = field(default_factory=dict)

    @property
    def max_points(self) -> float:
        return sum(self.points.values())


def exercises(nb: nbformat.NotebookNode) -> list[Exercise]:
    """Exercises in notebook order, from grade_ids of the form ``EX-part``."""
    found: dict[str, Exercise] = {}
    for index, cell in enumerate(nb.cells):
        gid = grade_id(cell)
        if not gid or "-" not in gid:
            continue
        name, part = gid.rsplit("-", 1)
        if part not in PARTS or name == "provided":
            continue
        ex = found.setdefault(name, Exercise(name))
        ex.cells[part] = index
        meta = cell.metadata["nbgrader"]
        if meta.get("grade"):
            ex.points[part] = float(meta.get("points", 0))
    return list(found.values())


def is_test_cell(cell) -> bool:
    """A code cell nbgrader scores that is not a student's answer: a visible or hidden test."""
    meta = cell.get("metadata", {}).get("nbgrader", {})
    return cell.get("cell_type") == "code" and bool(meta.get("grade")) and not meta.get("solution")
