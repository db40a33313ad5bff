"""The warm kernel pool: a spare sandboxed kernel per process, fresh, used once, preloaded with
the course's standard imports and nothing else, seeing the notebook's own data files; a spare
that died or does not fit is replaced; a worker that exits leaves nothing behind.

Real kernels in the real sandbox (bubblewrap, cgroups, a user per kernel), through
:func:`autograder.grading.run_submission.execute` as the grader calls it.
"""

from __future__ import annotations

import json
import os
import signal
import time
from concurrent.futures import ProcessPoolExecutor
from multiprocessing import get_context
from pathlib import Path

import nbformat
import psutil
import pytest

from autograder.build import notebooks
from autograder.build.execute import QUIET_ENV, kernel_session
from autograder.checks import EMIT_ENV
from autograder.grading import warm
from autograder.grading.run_submission import Limits, execute, standard_imports
from autograder.grading.sandbox import RUN_PREFIX, Sandbox, detect
from tests.conftest import COURSE

pytestmark = pytest.mark.slow

REFERENCE = str(COURSE.reference_file("01-neuron"))
LIMITS = Limits(cell_timeout=60, notebook_budget=300, memory_bytes=2048 << 20)
ENV = {**QUIET_ENV, EMIT_ENV: "1"}

# What a kernel holds before the notebook's first cell: its user namespace (names a plain
# kernel has too), which modules are loaded, and what an earlier notebook could have left.
INSPECT = """print(json.dumps({
    "names": sorted(globals()),
    "numpy": "numpy" in __import__("sys").modules,
    "pyplot": "matplotlib.pyplot" in __import__("sys").modules,
    "leaks": [p for p in ("/tmp/leak", __import__("os").path.expanduser("~/leak"))
              if __import__("os").path.exists(p)],
    "uid": __import__("os").getuid(),
}))"""
IMPORTS = """import numpy as np
import matplotlib.pyplot as plt
from autograder.checks import expect"""
LEAVE = """import os
LEAK = 1
open("/tmp/leak", "w").write("x")
open(os.path.expanduser("~/leak"), "w").write("x")"""


@pytest.fixture(scope="module")
def sandbox() -> Sandbox:
    found = detect()
    assert found.isolated, f"bubblewrap sandbox unavailable: {found.warning}"
    return found


def notebook(*cells: str, answer: str = "") -> str:
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_code_cell(c) for c in cells]
    if answer:
        cell = nbformat.v4.new_code_cell(answer)
        cell.metadata["nbgrader"] = {"solution": True, "grade": False, "grade_id": "answer"}
        nb.cells.append(cell)
    return nbformat.writes(nb)


def run(nb_json: str, workdir: Path, sandbox: Sandbox, slot: int = 0, **kw) -> tuple[dict, list]:
    result = execute(nb_json, str(workdir), ENV, LIMITS, sandbox, slot, REFERENCE, **kw)
    assert result["problem"] == "" and not result["leftover"], result["problem"]
    nb = nbformat.reads(result["nb"], as_version=4)
    texts = []
    for cell in nb.cells:
        errors = [o for o in cell.outputs if o.output_type == "error"]
        assert not errors, errors
        texts.append("".join(o.get("text", "") for o in cell.outputs if o.output_type == "stream"))
    return result, texts


def spare_now() -> warm.Kernel | None:
    """This process's spare once it has been started (the pool starts it in the background)."""
    pool = warm.pool()
    with pool._wake:
        pool._wake.wait_for(lambda: not pool._jobs and pool._starting is None, timeout=60)
        return pool._spare


def mine(pid: int) -> list[str]:
    """Folders a process made for its kernels that are still there (run, data, fonts)."""
    return [p.name for p in Path("/tmp").glob(f"{RUN_PREFIX}{pid}-*")]


def test_spare_kernel_fresh_used_once_nothing_predefined(sandbox, tmp_path):
    nb = notebook("import json\n" + INSPECT, IMPORTS, LEAVE)
    seen = []
    for i in range(3):
        spare = spare_now()
        result, texts = run(nb, tmp_path, sandbox, slot=i)
        seen.append(json.loads(texts[0]))
        if i:  # from the second notebook on, the kernel is the spare started meanwhile
            assert spare is not None and spare.km is not None
            if sandbox.drops_privileges:
                assert seen[-1]["uid"] == spare.uid
            assert not spare.alive()  # used once: killed with its notebook
    assert spare_now() is not None
    # The standard imports are loaded and nothing else differs from one notebook to the next:
    # no name, no file of the previous notebook's kernel.
    assert seen[0]["numpy"] and seen[0]["pyplot"]
    for s in seen:
        assert {k: v for k, v in s.items() if k != "uid"} == {
            k: v for k, v in seen[0].items() if k != "uid"
        }
    assert seen[0]["leaks"] == []
    if sandbox.drops_privileges:
        assert len({s["uid"] for s in seen[:2]}) == 2  # a user of its own
    # The user namespace is exactly a plain kernel's (nbclient's own, no sandbox, no preload).
    with kernel_session(nbformat.reads(nb, as_version=4), tmp_path, 60) as session:
        plain = json.loads(session.run_cell(0).outputs[0]["text"])
    assert seen[0]["names"] == plain["names"]
    assert not plain["numpy"]


def test_spare_kernel_sees_the_data_files(sandbox, tmp_path):
    (tmp_path / "data.txt").write_text("first", encoding="utf-8")
    read = """import os
print(open("data.txt").read(), os.access("data.txt", os.W_OK))"""
    nb = notebook(IMPORTS, read)
    assert run(nb, tmp_path, sandbox)[1][1] == "first False\n"
    assert spare_now() is not None
    assert run(nb, tmp_path, sandbox)[1][1] == "first False\n"  # the spare: its own copy
    (tmp_path / "data.txt").write_text("second", encoding="utf-8")
    stale = spare_now()
    assert run(nb, tmp_path, sandbox)[1][1] == "second False\n"  # the spare did not fit
    assert stale is not None and not stale.alive() and not stale.data.exists()


def test_dead_or_unfit_spare_is_replaced(sandbox, tmp_path):
    nb = notebook(IMPORTS, "print(np.arange(3).sum())")
    run(nb, tmp_path, sandbox)
    spare = spare_now()
    assert spare is not None and spare.alive()
    os.killpg(spare.km.provisioner.process.pid, signal.SIGKILL)
    spare.km.provisioner.process.wait(timeout=30)
    assert run(nb, tmp_path, sandbox)[1][1] == "3\n"
    assert not spare.run_dir.exists() and not spare.data.exists()
    # Another notebook's standard imports: the spare started for these is not used for it.
    other = spare_now()
    assert run(notebook("print(1)"), tmp_path, sandbox)[1][0] == "1\n"
    assert other is not None and not other.alive() and not other.run_dir.exists()
    # The last notebook of a process asks for no spare: none is started.
    run(notebook("print(2)"), tmp_path, sandbox, prepare_next=False)
    assert spare_now() is None


def _worker_pid() -> int:
    return os.getpid()


def _spare_started() -> bool:
    spare = spare_now()
    return spare is not None and spare.alive() and spare.data.is_dir()


def test_worker_exit_leaves_nothing(sandbox, tmp_path):
    nb = notebook(IMPORTS, "print('ok')")
    with ProcessPoolExecutor(1, mp_context=get_context("fork")) as pool:
        pid = pool.submit(_worker_pid).result()
        result = pool.submit(execute, nb, str(tmp_path), ENV, LIMITS, sandbox, 0, REFERENCE)
        assert result.result()["problem"] == ""
        assert pool.submit(_spare_started).result()  # its spare, waiting
    deadline = time.monotonic() + 30
    while (mine(pid) or _kernels_of(pid)) and time.monotonic() < deadline:
        time.sleep(0.2)  # nothing should need it: the worker cleaned up before it exited
    assert mine(pid) == []
    assert _kernels_of(pid) == []
    for parent in sandbox.cgroups.parents.values():
        assert list(parent.glob(f"autograder-{pid}-*")) == []


def _kernels_of(pid: int) -> list[int]:
    found = []
    for proc in psutil.process_iter(["cmdline"]):
        if any(f"/{RUN_PREFIX}{pid}-" in part for part in proc.info["cmdline"] or []):
            found.append(proc.pid)
    return found


def test_standard_imports_from_the_notebooks_own_cells():
    nb01 = notebooks.read(COURSE.source_notebook("01-neuron"))
    assert standard_imports(nb01) == (
        "numpy",
        "matplotlib.pyplot",
        "autograder.checks",
        "ipywidgets",
    )
    nb07 = notebooks.read(COURSE.source_notebook("07-keras"))
    assert {"tensorflow", "keras"} <= set(standard_imports(nb07))
    # A student's answer cell never decides what every kernel loads.
    nb = nbformat.reads(notebook("%matplotlib inline\nimport numpy", answer="import keras"), 4)
    assert standard_imports(nb) == ("numpy",)
