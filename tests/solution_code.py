"""The solution notebooks as code and text, for oracle tests (TensorFlow, scikit-learn, SciPy)."""

from __future__ import annotations

import contextlib
import io

from autograder.build import notebooks


def solution_namespace(nb) -> dict:
    """The code of the ``provided-*`` and ``*-solution`` cells, executed into one namespace."""
    namespace: dict = {}
    for cell in nb.cells:
        gid = notebooks.grade_id(cell) or ""
        if cell.cell_type == "code" and (gid.startswith("provided-") or gid.endswith("-solution")):
            with contextlib.redirect_stdout(io.StringIO()):
                exec(compile(cell.source, f"<{gid}>", "exec"), namespace)
    return namespace


def markdown_text(nb) -> str:
    """Everything the notebook says in prose."""
    return "\n".join(c.source for c in nb.cells if c.cell_type == "markdown")
