"""Executing one submission in a fresh kernel, within limits (runs in a worker process).

nbgrader's own ``Execute`` preprocessor runs the notebook (same semantics as ``nbgrader autograde``:
errors do not stop the run, a cell timeout is an error output). Added here: an output cap applied
while the kernel runs, a time budget for the whole notebook and a resident-memory cap on the
kernel's process tree (a watchdog thread kills the kernel), and a record of which cells never
ran — nbgrader would otherwise count a test cell that never ran, having no error output, as passed.
"""

from __future__ import annotations

import os
import tempfile
import threading
import time
from contextlib import ExitStack
from dataclasses import dataclass

import nbformat
import psutil
from nbclient.exceptions import DeadKernelError
from nbgrader.preprocessors import Execute

from .execute import start_kernel

OUTPUT_CAP_BYTES = 5_000_000
NOT_RUN = "CellNotRun"


@dataclass
class Limits:
    cell_timeout: int
    notebook_budget: int
    memory_bytes: int
    output_bytes: int = OUTPUT_CAP_BYTES


class LimitedExecute(Execute):
    """nbgrader's Execute with outputs capped as they arrive."""

    output_cap = OUTPUT_CAP_BYTES

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._output_bytes = 0
        self.truncated = False
        self.executed: set[int] = set()

    def output(self, outs, msg, display_id, cell_index):
        content = msg.get("content", {})
        self._output_bytes += len(str(content))
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
    """Kills the kernel when its process tree uses too much memory or the notebook too much time."""

    def __init__(self, client: LimitedExecute, limits: Limits):
        super().__init__(daemon=True)
        self.client, self.limits = client, limits
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
            elif time.monotonic() - start > self.limits.notebook_budget:
                self.reason = f"время: тетрадка выполнялась дольше {self.limits.notebook_budget} с"
            if self.reason:
                for p in reversed(procs):
                    try:
                        p.kill()
                    except psutil.Error:
                        pass
                return


def execute(nb_json: str, workdir: str, env: dict[str, str], limits: Limits) -> dict:
    """Run a notebook; return the executed notebook (JSON) and what happened."""
    nb = nbformat.reads(nb_json, as_version=4)
    # A graded kernel is thrown away: kill it at the end instead of a polite, slow shutdown.
    client = LimitedExecute(timeout=limits.cell_timeout, shutdown_kernel="immediate")
    client.output_cap = limits.output_bytes
    watchdog = Watchdog(client, limits)
    problem = ""
    started = time.monotonic()
    with tempfile.TemporaryFile("w+") as log:
        watchdog.start()
        try:
            _run(client, nb, workdir, env, log)
        except DeadKernelError:
            problem = watchdog.reason or "ядро Python завершилось (sys.exit, os._exit или сбой)"
        except Exception as e:  # an unresponsive kernel and the like: grade what ran
            problem = watchdog.reason or f"выполнение прервано: {type(e).__name__}"
        finally:
            watchdog.stop.set()
    for index, cell in enumerate(nb.cells):
        if cell.cell_type == "code" and index not in client.executed:
            cell.outputs = [
                nbformat.v4.new_output(
                    "error", ename=NOT_RUN, evalue=problem or "ячейка не выполнялась", traceback=[]
                )
            ]
    return {
        "nb": nbformat.writes(nb),
        "problem": problem,
        "truncated": client.truncated,
        "seconds": round(time.monotonic() - started, 2),
    }


def _run(client: LimitedExecute, nb, workdir: str, env: dict[str, str], log) -> None:
    client.nb = nb
    client.resources = {"metadata": {"path": workdir}}
    with ExitStack() as stack:
        start_kernel(stack, client, env, log)
        for index, cell in enumerate(nb.cells):
            client.execute_cell(cell, index)


def worker_init() -> None:
    """Each worker process: quiet TensorFlow in kernels, nothing else shared."""
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
