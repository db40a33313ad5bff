"""Kernels forked from the zygote (autograder.grading.zygote) against kernels that bubblewrap
starts afresh: the same confinement (user, capabilities, limits, namespaces, mounts, cgroups,
environment), the same interpreter state before the first cell, the same outputs and grades,
the same end when the kernel dies; TensorFlow is never forked; nothing is left behind.

Real kernels in the real sandbox, through :func:`autograder.grading.run_submission.execute`
as the grader calls it, with ``AUTOGRADER_ZYGOTE=off`` for the kernels started afresh.
"""

from __future__ import annotations

import json
import os
import time
from concurrent.futures import ProcessPoolExecutor
from multiprocessing import get_context
from pathlib import Path

import nbformat
import psutil
import pytest

from autograder.build.execute import QUIET_ENV
from autograder.checks import EMIT_ENV
from autograder.grading import warm
from autograder.grading.run_submission import Limits, execute
from autograder.grading.sandbox import Sandbox, detect, font_cache
from autograder.grading.zygote import Zygote
from tests.conftest import COURSE

pytestmark = pytest.mark.slow

REFERENCE = str(COURSE.reference_file("01-neuron"))
LIMITS = Limits(cell_timeout=60, notebook_budget=300, memory_bytes=2048 << 20)
ENV = {**QUIET_ENV, EMIT_ENV: "1"}
IMPORTS = """import numpy as np
import matplotlib.pyplot as plt
from autograder.checks import expect
from ipywidgets import FloatSlider"""

# Everything a student's code could read about its process and sandbox before it runs.
FACTS = r"""import json, os, random, resource, socket, sys
import matplotlib
status = dict(line.split(":\t", 1) for line in open("/proc/self/status").read().splitlines()
              if ":\t" in line)
run_dir = sys.argv[sys.argv.index("-f") + 1].rsplit("/", 1)[0]
print(json.dumps({
    "ids": [os.getresuid(), os.getresgid(), os.getgroups()],
    "caps": {k: int(status[k], 16) for k in ("CapInh", "CapPrm", "CapEff", "CapAmb", "CapBnd")},
    "no_new_privs": status["NoNewPrivs"].strip(),
    "limits": {n: resource.getrlimit(getattr(resource, "RLIMIT_" + n))
               for n in ("AS", "CPU", "FSIZE", "NOFILE", "NPROC", "CORE")},
    "cwd": os.getcwd(), "env": dict(os.environ), "path": sys.path, "argv0": sys.argv[0],
    "host": socket.gethostname(), "interfaces": [n for _, n in socket.if_nameindex()],
    "pid1": open("/proc/1/cmdline").read().split("\0")[0].rsplit("/", 1)[-1],
    "cgroup": open("/proc/self/cgroup").read(),
    "mounts": sorted(m.split()[4].replace(run_dir, "RUN") for m in open("/proc/self/mountinfo")),
    "home": sorted(os.listdir(os.path.expanduser("~"))),
    "umask": os.umask(0o077),
    "matplotlib": [matplotlib.get_configdir(), matplotlib.get_cachedir(), matplotlib.get_backend()],
    "names": sorted(globals()),
    "main": sys.modules["__main__"].__name__,
    "dumpable": os.access("/proc/self/fd", os.R_OK),
    "forked": "autograder.grading.zygote" in sys.orig_argv,
    "comm_targets": sorted(__import__("comm").get_comm_manager().targets),
    "random": [random.random(), __import__("numpy").random.rand()],
}))"""

# A notebook whose outputs cover what a graded notebook shows: text, a figure, an error.
OUTPUTS = [
    IMPORTS,
    "xs = np.linspace(-3, 3, 50)\nplt.plot(xs, np.tanh(xs))\nplt.title('tanh')\nplt.show()",
    "print(np.round(np.tanh(xs[:3]), 6))\nxs.mean()",
    "fig, ax = plt.subplots()\nax.bar(['a', 'b'], [1, 2])",
    "slider = FloatSlider(value=0.5, min=0, max=1, description='w')\nprint(slider.value)\nslider",
    "1 / 0",
]


@pytest.fixture(scope="module")
def sandbox() -> Sandbox:
    found = detect()
    assert found.isolated, f"bubblewrap sandbox unavailable: {found.warning}"
    if not found.drops_privileges:
        pytest.skip("the zygote is used only when the grader runs as root")
    if not warm.forking_supported():
        pytest.skip("the zygote needs Linux 5.8 (setns on a pidfd): kernels start afresh")
    return found


def notebook(*cells: str) -> str:
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_code_cell(c) for c in cells]
    return nbformat.writes(nb)


def run(nb_json: str, workdir: Path, sandbox: Sandbox, monkeypatch, fork: bool) -> dict:
    monkeypatch.setenv("AUTOGRADER_ZYGOTE", "on" if fork else "off")
    result = execute(nb_json, str(workdir), ENV, LIMITS, sandbox, 0, REFERENCE, warm_pool=False)
    assert not result["leftover"]
    return result


def facts(workdir: Path, sandbox: Sandbox, monkeypatch, fork: bool) -> dict:
    result = run(notebook(IMPORTS, FACTS), workdir, sandbox, monkeypatch, fork)
    assert result["problem"] == "", result["problem"]
    cell = nbformat.reads(result["nb"], as_version=4).cells[1]
    return json.loads(cell.outputs[0]["text"])


def test_forked_kernel_is_confined_like_a_started_one(sandbox, tmp_path, monkeypatch):
    (tmp_path / "data.csv").write_text("1,2\n", encoding="utf-8")
    fresh = facts(tmp_path, sandbox, monkeypatch, fork=False)
    forked = [facts(tmp_path, sandbox, monkeypatch, fork=True) for _ in range(2)]
    assert not fresh["forked"] and all(f["forked"] for f in forked)  # the zygote was used
    # Capabilities: none held; the bounding set is emptied, where bubblewrap keeps most.
    for f in (fresh, *forked):
        assert {f["caps"][k] for k in ("CapPrm", "CapEff", "CapAmb")} == {0}
        assert f["ids"][0][0] >= 61000 and f["no_new_privs"] == "1" and f["dumpable"]
    assert forked[0]["caps"]["CapBnd"] & ~fresh["caps"]["CapBnd"] == 0
    # Reseeded at fork: two kernels do not share their random numbers.
    assert forked[0]["random"] != forked[1]["random"]
    ignore = {"caps", "random", "forked", "ids"}
    for f in forked:
        assert {k: v for k, v in f.items() if k not in ignore} == {
            k: v for k, v in fresh.items() if k not in ignore
        }
        assert f["ids"][1:] == [[f["ids"][0][0]] * 3, []]
    assert "data.csv" in fresh["home"] and fresh["interfaces"] == ["lo"]
    assert "jupyter.widget" in fresh["comm_targets"]  # ipywidgets, loaded before the kernel ran


WIDGET = "application/vnd.jupyter.widget-view+json"


def same_ids(outputs: list) -> list:
    """The outputs with each widget's random model id replaced by one placeholder."""
    text = json.dumps(outputs, sort_keys=True)
    for output in outputs:
        model = output.get("data", {}).get(WIDGET, {}).get("model_id")
        if model:
            text = text.replace(model, "MODEL")
    return json.loads(text)


def test_same_outputs_and_grades(sandbox, tmp_path, monkeypatch):
    nb = notebook(*OUTPUTS)
    fresh = run(nb, tmp_path, sandbox, monkeypatch, fork=False)
    forked = run(nb, tmp_path, sandbox, monkeypatch, fork=True)
    cells = [nbformat.reads(r["nb"], as_version=4).cells for r in (fresh, forked)]
    assert [same_ids(c.outputs) for c in cells[0]] == [same_ids(c.outputs) for c in cells[1]]
    assert any(WIDGET in o.get("data", {}) for c in cells[1] for o in c.outputs)
    assert any("image/png" in o.get("data", {}) for c in cells[1] for o in c.outputs)
    assert cells[1][-1].outputs[0]["ename"] == "ZeroDivisionError"
    assert (fresh["problem"], fresh["verdicts"]) == (forked["problem"], forked["verdicts"])

    # A whole submission of the course: the same verdicts on every hidden test.
    solution = COURSE.source_notebook("01-neuron").read_text(encoding="utf-8")
    graded = [run(solution, tmp_path, sandbox, monkeypatch, fork=f) for f in (False, True)]
    assert graded[0]["problem"] == graded[1]["problem"] == ""
    assert graded[0]["verdicts"] == graded[1]["verdicts"]


@pytest.mark.parametrize(
    "end",
    [
        "import os\nos._exit(1)",
        # A process left holding the kernel's descriptors does not keep its sandbox alive.
        "import os, subprocess\nsubprocess.Popen(['sleep', '300'])\nos._exit(1)",
        "import os, time\nif os.fork() == 0:\n    time.sleep(300)\nos._exit(3)",
    ],
)
def test_a_dead_kernel_ends_like_a_started_one(sandbox, tmp_path, monkeypatch, end):
    nb = notebook(IMPORTS, end, "print('after')")
    outcomes = []
    for fork in (False, True):
        started = time.monotonic()
        result = run(nb, tmp_path, sandbox, monkeypatch, fork)
        outcomes.append((result["problem"], result["verdicts"], time.monotonic() - started))
    assert outcomes[0][:2] == outcomes[1][:2]
    assert "ядро Python завершилось" in outcomes[1][0]
    assert outcomes[1][2] < 30  # noticed at once, not after a timeout


def test_a_kernel_the_zygote_cannot_fork_is_started_afresh(sandbox, tmp_path, monkeypatch):
    def refuse(self, request):
        raise OSError("kernel zygote: setns: Invalid argument")

    monkeypatch.setattr(Zygote, "spawn", refuse)
    result = run(
        notebook(IMPORTS, FORKED, "print(np.arange(4).sum())"),
        tmp_path,
        sandbox,
        monkeypatch,
        fork=True,
    )
    assert result["problem"] == ""
    cells = nbformat.reads(result["nb"], as_version=4).cells
    assert [c.outputs[0]["text"] for c in cells[1:]] == ["False\n", "6\n"]


def test_tensorflow_is_never_forked(sandbox):
    fonts = font_cache(sandbox, ENV)
    assert warm.zygote(sandbox, ENV, fonts, ("numpy", "autograder.checks")) is not None
    for preload in [("numpy", "tensorflow"), ("keras",)]:
        assert warm.zygote(sandbox, ENV, fonts, preload) is None


FORKED = "import sys\nprint('autograder.grading.zygote' in sys.orig_argv)"


def _zygote_processes(root: psutil.Process) -> list[psutil.Process]:
    return [
        p
        for p in root.children(recursive=True)
        if "autograder.grading.zygote" in " ".join(p.cmdline())
        and "autograder.grading.zygote" not in " ".join(p.parent().cmdline())
    ]


def _zygotes_after(nb: str, workdir: str, times: int, own: bool) -> list[int]:
    os.environ["AUTOGRADER_ZYGOTE"] = "on"
    if own:  # forget the zygote inherited from the test process: start one of this worker's
        warm._ZYGOTES.clear()
    for _ in range(times):
        result = execute(nb, workdir, ENV, LIMITS, detect(), 0, REFERENCE)
        assert result["problem"] == ""
        printed = nbformat.reads(result["nb"], as_version=4).cells[-1].outputs[0]["text"]
        assert printed == "True\n"  # a forked kernel
    mine = _zygote_processes(psutil.Process())
    if own:
        assert len(mine) == 1
        # Every kernel it forked is reaped as it ends: no zombie holds a user's process slot.
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            zombies = [c for c in mine[0].children() if c.status() == psutil.STATUS_ZOMBIE]
            if not zombies:
                break
            time.sleep(0.05)
        assert zombies == []
    else:
        assert mine == []  # the parent's zygote served this worker
    return [p.pid for p in mine]


def test_workers_share_their_parents_zygote(sandbox, tmp_path, monkeypatch):
    nb = notebook(IMPORTS, FORKED)
    fonts = font_cache(sandbox, ENV)
    shared = warm.zygote(
        sandbox, ENV, fonts, ("numpy", "matplotlib.pyplot", "autograder.checks", "ipywidgets")
    )
    shared.start()
    before = {p.pid for p in _zygote_processes(psutil.Process())}
    for i in (0, 1):
        (tmp_path / str(i)).mkdir()
    with ProcessPoolExecutor(2, mp_context=get_context("fork")) as pool:
        runs = [pool.submit(_zygotes_after, nb, str(tmp_path / str(i)), 2, False) for i in (0, 1)]
        assert [r.result() for r in runs] == [[], []]
    # Still this process's, still serving: the workers' exit did not stop it.
    assert {p.pid for p in _zygote_processes(psutil.Process())} == before != set()
    assert run(nb, tmp_path, sandbox, monkeypatch, fork=True)["problem"] == ""


def test_worker_exit_ends_its_zygote(tmp_path):
    nb = notebook(IMPORTS, FORKED)
    with ProcessPoolExecutor(1, mp_context=get_context("fork")) as pool:
        pids = pool.submit(_zygotes_after, nb, str(tmp_path), 3, True).result()
    deadline = time.monotonic() + 30
    while any(psutil.pid_exists(p) for p in pids) and time.monotonic() < deadline:
        time.sleep(0.2)
    assert not any(psutil.pid_exists(p) for p in pids)
