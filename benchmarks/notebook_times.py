"""Execute every solution notebook in a fresh kernel and print how long each takes.

    .venv/bin/python benchmarks/notebook_times.py [ASSIGNMENT ...]

Prints wall time per notebook (kernel start included) and the slowest cell, to compare with the
per-cell timeout in nbgrader_config.py. Run from the repository root.
"""

from __future__ import annotations

import sys
import tempfile
import time
from pathlib import Path

from autograder.build import notebooks
from autograder.build.course import Course
from autograder.build.execute import kernel_session
from autograder.checks import REFERENCE_ENV


def main(names: list[str]) -> None:
    course = Course.find()
    names = names or course.assignments()
    print(f"per-cell timeout: {course.cell_timeout} s")
    for name in names:
        nb = notebooks.read(course.source_notebook(name))
        env = {REFERENCE_ENV: str(course.reference_file(name))}
        cell_times = []
        start = time.perf_counter()
        with tempfile.TemporaryDirectory() as tmp:
            with kernel_session(nb, Path(tmp), course.cell_timeout, env) as session:
                started = time.perf_counter()
                for index, cell in enumerate(nb.cells):
                    if cell.cell_type == "code":
                        t = time.perf_counter()
                        session.run_cell(index)
                        cell_times.append((time.perf_counter() - t, index))
        total = time.perf_counter() - start
        slowest, where = max(cell_times)
        print(
            f"{name}: {total:.1f} s in all ({started - start:.1f} s kernel start), "
            f"{len(cell_times)} code cells, slowest cell {where + 1}: {slowest:.2f} s"
        )


if __name__ == "__main__":
    main(sys.argv[1:])
