"""Executing one submission in a fresh, sandboxed kernel, within limits (runs in a worker process).

nbgrader's own ``Execute`` preprocessor runs the notebook (same semantics as ``nbgrader autograde``:
errors do not stop the run, a cell timeout is an error output). Added here: the kernel runs in a
sandbox (:mod:`autograder.grading.sandbox`); an output cap applied while the kernel runs; a time
budget for the whole notebook, a resident-memory cap on the kernel's process tree and a disk cap
on the one folder it shares with the host (a watchdog thread kills the kernel); a record of which
cells never ran — nbgrader would otherwise count a test cell that never ran, having no error
output, as passed; and the verdict on every test cell, decided here from the values the kernel
reported (:mod:`autograder.grading.verify`), not by the kernel.
"""

from __future__ import annotations

import os
import shutil
import tempfile
import threading
import time
from contextlib import ExitStack
from dataclasses import dataclass
from pathlib import Path

import nbformat
import psutil
from nbclient.exceptions import DeadKernelError
from nbgrader.preprocessors import Execute

from ..build.execute import start_kernel
from ..checks import RECORD_MIME
from .sandbox import KernelLimits, Sandbox, SandboxKernelManager
from .verify import NOT_RUN, Reference, verify

OUTPUT_CAP_BYTES = 5_000_000
RECORDS_CAP_BYTES = 50_000_000  # check results travel as outputs: kept past the output cap
DISK_CAP_BYTES = 256 << 20  # the shared folder (sockets, connection file) may hold this much


@dataclass
class Limits:
    cell_timeout: int
    notebook_budget: int
    memory_bytes: int
    output_bytes: int = OUTPUT_CAP_BYTES

    def kernel(self) -> KernelLimits:
        # CPU time counts every thread: allow two cores' worth of the wall-clock budget. Address
        # space is a backstop for an allocation faster than the watchdog's polling: TensorFlow
        # maps about 2.5 GB (measured on 07-keras), so the resident cap plus 8 GB.
        return KernelLimits(
            cpu_seconds=2 * self.notebook_budget, address_space=self.memory_bytes + (8 << 30)
        )


class LimitedExecute(Execute):
    """nbgrader's Execute with outputs capped as they arrive."""

    output_cap = OUTPUT_CAP_BYTES

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._output_bytes = 0
        self._record_bytes = 0
        self.truncated = False
        self.executed: set[int] = set()

    def output(self, outs, msg, display_id, cell_index):
        content = msg.get("content", {})
        size = len(str(content))
        if RECORD_MIME in (content.get("data") or {}):
            # What the checks report is kept whole (up to its own cap): the verdict needs it.
            self._record_bytes += size
            if self._record_bytes <= RECORDS_CAP_BYTES:
                return super().output(outs, msg, display_id, cell_index)
            self.truncated = True
            return None
        self._output_bytes += size
        if self._output_bytes <= self.output_cap:
            return super().output(outs, msg, display_id, cell_index)
        if not self.truncated:
            self.truncated = True
            note = "\n[вывод обрезан: слишком много текста]\n"
            outs.append(nbformat.v4.new_output("stream", name="stdout", text=note))
        # Past the cap only what scoring needs is kept, shortened: errors and stderr.
        if msg["msg_type"] == "error":
            content["evalue"] = str(content.get("evalue", ""))[:2000]
            content["traceback"] = [line[:2000] for line in content.get("traceback", [])[-20:]]
            return super().output(outs, msg, display_id, cell_index)
        if msg["msg_type"] == "stream" and content.get("name") == "stderr":
            content["text"] = str(content.get("text", ""))[:1000]
            return super().output(outs, msg, display_id, cell_index)
        return None

    def on_cell_executed(self, **kwargs):
        self.executed.add(kwargs["cell_index"])
        return super().on_cell_executed(**kwargs)


class Watchdog(threading.Thread):
    """Kills the kernel when its process tree uses too much memory, the notebook too much time or
    the kernel too much of the host's disk (the only host folder it can write to is ``shared``)."""

    def __init__(self, client: LimitedExecute, limits: Limits, shared: list[Path]):
        super().__init__(daemon=True)
        self.client, self.limits, self.shared = client, limits, shared
        self.reason = ""
        self.stop = threading.Event()

    def run(self):
        start = time.monotonic()
        while not self.stop.wait(0.2):
            km = getattr(self.client, "km", None)
            pid = getattr(getattr(km, "provisioner", None), "pid", None) if km else None
            if pid is None:
                continue
            try:
                root = psutil.Process(pid)
                procs = [root, *root.children(recursive=True)]
                rss = sum(p.memory_info().rss for p in procs if p.is_running())
            except psutil.Error:
                continue
            if rss > self.limits.memory_bytes:
                self.reason = f"память: ядро заняло больше {self.limits.memory_bytes >> 20} МБ"
            elif sum(_disk_usage(p) for p in self.shared) > DISK_CAP_BYTES:
                self.reason = f"диск: ядро записало больше {DISK_CAP_BYTES >> 20} МБ"
            elif time.monotonic() - start > self.limits.notebook_budget:
                self.reason = f"время: тетрадка выполнялась дольше {self.limits.notebook_budget} с"
            if self.reason:
                for p in reversed(procs):
                    try:
                        p.kill()
                    except psutil.Error:
                        pass
                return


def _kill_user(uid: int) -> None:
    """Whatever the kernel's private user still runs (a daemon that left the kernel's tree)."""
    for proc in psutil.process_iter(["uids"]):
        uids = proc.info["uids"]
        if uids is not None and uid in (uids.real, uids.effective):
            try:
                proc.kill()
            except psutil.Error:
                pass


def _disk_usage(path: Path) -> int:
    total = 0
    for root, _, files in os.walk(path):
        for name in files:
            try:
                total += os.lstat(os.path.join(root, name)).st_size
            except OSError:
                pass
    return total


def execute(
    nb_json: str,
    workdir: str,
    env: dict[str, str],
    limits: Limits,
    sandbox: Sandbox,
    slot: int,
    reference: str,
) -> dict:
    """Run a notebook in a sandboxed kernel, then judge its test cells from what the kernel
    reported; return the executed notebook (JSON) and what happened."""
    nb = nbformat.reads(nb_json, as_version=4)
    # A graded kernel is thrown away: kill it at the end instead of a polite, slow shutdown.
    client = LimitedExecute(timeout=limits.cell_timeout, shutdown_kernel="immediate")
    client.output_cap = limits.output_bytes
    with sandbox.claim_user(slot) as uid:
        run_dir = sandbox.make_run_dir(uid)
        shared = [run_dir]
        if not sandbox.isolated:  # the kernel works in the host folder itself
            shared.append(Path(workdir))
            if uid is not None:
                for path in [Path(workdir), *Path(workdir).rglob("*")]:
                    os.chown(path, uid, uid)
        watchdog = Watchdog(client, limits, shared)
        problem = ""
        started = time.monotonic()

        def make_km():
            # With bubblewrap the kernel works in its private home, where the data files appear.
            data = Path(workdir) if sandbox.isolated else None
            return SandboxKernelManager(sandbox, run_dir, uid, limits.kernel(), env, data)

        with tempfile.TemporaryFile("w+") as log:
            watchdog.start()
            try:
                _run(client, nb, workdir, log, make_km)
            except DeadKernelError:
                problem = watchdog.reason or "ядро Python завершилось (sys.exit, os._exit или сбой)"
            except Exception as e:  # an unresponsive kernel and the like: grade what ran
                problem = watchdog.reason or f"выполнение прервано: {type(e).__name__}"
            finally:
                watchdog.stop.set()
                if uid is not None:
                    _kill_user(uid)
                shutil.rmtree(run_dir, ignore_errors=True)
    for index, cell in enumerate(nb.cells):
        if cell.cell_type == "code" and index not in client.executed:
            cell.outputs = [
                nbformat.v4.new_output(
                    "error", ename=NOT_RUN, evalue=problem or "ячейка не выполнялась", traceback=[]
                )
            ]
    verify(nb, Reference.load(Path(reference)))
    return {
        "nb": nbformat.writes(nb),
        "problem": problem,
        "truncated": client.truncated,
        "seconds": round(time.monotonic() - started, 2),
    }


def _run(client: LimitedExecute, nb, workdir: str, log, make_km) -> None:
    client.nb = nb
    client.resources = {"metadata": {"path": workdir}}
    with ExitStack() as stack:
        start_kernel(stack, client, None, log, make_km)
        for index, cell in enumerate(nb.cells):
            client.execute_cell(cell, index)


def worker_init() -> None:
    """Each worker process: quiet TensorFlow in kernels, nothing else shared."""
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
