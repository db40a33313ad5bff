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

import ast
import os
import shutil
import subprocess
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

from ..build import notebooks
from ..build.execute import start_kernel
from ..checks import RECORD_MIME
from . import warm
from .sandbox import RUN_PREFIX, KernelLimits, Sandbox, SandboxKernelManager, font_cache
from .verify import NOT_RUN, Reference, is_report, verify

OUTPUT_CAP_BYTES = 5_000_000
RECORDS_CAP_BYTES = 50_000_000  # check results travel as outputs: kept past the output cap
DISK_CAP_BYTES = 256 << 20  # the shared folder (sockets, connection file) may hold this much
MAX_SHARED_ENTRIES = 10_000  # files and folders in it (an honest kernel makes a handful)
MAX_SHARED_DEPTH = 64


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
    """nbgrader's Execute with outputs capped as they arrive.

    Also: the check reports survive ``clear_output`` (a progress loop must not erase them); a
    display update or a comm message counts against the cap like any output (an update rewrites
    every output with its id: it costs that many copies); slow output never aborts the notebook
    (no 4-second iopub timeout: a late report is missing, and a missing report fails closed).
    """

    output_cap = OUTPUT_CAP_BYTES
    raise_on_iopub_timeout = False
    iopub_timeout = 30

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.raise_on_iopub_timeout = False
        self._output_bytes = 0
        self._record_bytes = 0
        self.truncated = False
        self.executed: set[int] = set()

    def process_message(self, msg, cell, cell_index):
        msg_type = msg.get("msg_type", "")
        content = msg.get("content") or {}
        transient = content.get("transient") or {}
        display_id = transient.get("display_id") if isinstance(transient, dict) else None
        is_record = RECORD_MIME in (content.get("data") or {})
        if is_record and display_id:
            content["transient"] = {}  # a report is never a target of display updates
        elif msg_type.startswith("comm") or (display_id and msg_type != "stream"):
            copies = 1 + sum(len(v) for v in self._display_id_map.get(display_id, {}).values())
            if not self._charge(len(str(content)) * copies, cell.outputs):
                return None
        return super().process_message(msg, cell, cell_index)

    def _charge(self, size: int, outs) -> bool:
        """Count ``size`` bytes against the cap; False (and a note, once) once it is exceeded."""
        self._output_bytes += size
        if self._output_bytes <= self.output_cap:
            return True
        if not self.truncated:
            self.truncated = True
            note = "\n[вывод обрезан: слишком много текста]\n"
            outs.append(nbformat.v4.new_output("stream", name="stdout", text=note))
        return False

    def clear_output(self, outs, msg, cell_index):
        parent = msg.get("parent_header", {}).get("msg_id")
        if self.output_hook_stack[parent]:
            return super().clear_output(outs, msg, cell_index)
        if (msg.get("content") or {}).get("wait"):
            self.clear_before_next_output = True
        else:
            self._clear_keeping_reports(outs, cell_index)

    def handle_comm_msg(self, outs, msg, cell_index):
        # A malformed widget message is the student's problem, never a reason to stop the run.
        try:
            return super().handle_comm_msg(outs, msg, cell_index)
        except Exception:
            return None

    def _clear_keeping_reports(self, outs, cell_index):
        outs[:] = [o for o in outs if is_report(o)]
        self.clear_display_id_mapping(cell_index)

    def output(self, outs, msg, display_id, cell_index):
        if self.clear_before_next_output:
            # The delayed clear of clear_output(wait=True), done here so reports stay.
            self.clear_before_next_output = False
            self._clear_keeping_reports(outs, cell_index)
        content = msg.get("content", {})
        size = len(str(content))
        if RECORD_MIME in (content.get("data") or {}):
            # What the checks report is kept whole (up to its own cap): the verdict needs it.
            self._record_bytes += size
            if self._record_bytes <= RECORDS_CAP_BYTES:
                return super().output(outs, msg, None, cell_index)
            self.truncated = True
            return None
        if self._charge(size, outs):
            return super().output(outs, msg, display_id, cell_index)
        # Past the cap only what scoring needs is kept, shortened: errors and stderr.
        if msg["msg_type"] == "error":
            content["evalue"] = str(content.get("evalue", ""))[:2000]
            content["traceback"] = [line[:2000] for line in content.get("traceback", [])[-20:]]
            return super().output(outs, msg, None, cell_index)
        if msg["msg_type"] == "stream" and content.get("name") == "stderr":
            content["text"] = str(content.get("text", ""))[:1000]
            return super().output(outs, msg, None, cell_index)
        return None

    def on_cell_executed(self, **kwargs):
        self.executed.add(kwargs["cell_index"])
        return super().on_cell_executed(**kwargs)


class Watchdog(threading.Thread):
    """Kills the kernel when its process tree uses too much memory, the notebook too much time or
    the kernel too much of the host's disk (the only host folder it can write to is ``shared``).

    Fails closed: any error of its own kills the kernel too, with a reason.
    """

    def __init__(self, client: LimitedExecute, limits: Limits, shared: list[Path]):
        super().__init__(daemon=True)
        self.client, self.limits, self.shared = client, limits, shared
        self.reason = ""
        self.stop = threading.Event()
        self.started = time.monotonic()

    def run(self):
        procs: list = []
        while not self.stop.wait(0.2):
            try:
                procs = self._processes() or procs
                if procs:
                    self.reason = self._over_limit(procs)
            except Exception as e:  # the watchdog must never die silently: stop the kernel
                self.reason = f"сбой контроля ресурсов ({type(e).__name__}): ядро остановлено"
            if self.reason:
                _kill_all(procs)
                return

    def _processes(self) -> list:
        km = getattr(self.client, "km", None)
        pid = getattr(getattr(km, "provisioner", None), "pid", None) if km else None
        if pid is None:
            return []
        try:
            root = psutil.Process(pid)
            return [root, *root.children(recursive=True)]
        except psutil.Error:
            return []

    def _over_limit(self, procs: list) -> str:
        rss = 0
        for p in procs:
            try:
                rss += p.memory_info().rss
            except psutil.Error:
                pass
        if rss > self.limits.memory_bytes:
            return f"память: ядро заняло больше {self.limits.memory_bytes >> 20} МБ"
        used, entries = 0, 0
        for path in self.shared:
            b, n = disk_usage(path)
            used, entries = used + b, entries + n
        if used > DISK_CAP_BYTES:
            return f"диск: ядро записало больше {DISK_CAP_BYTES >> 20} МБ"
        if entries > MAX_SHARED_ENTRIES:
            return f"диск: ядро создало больше {MAX_SHARED_ENTRIES} файлов и папок"
        if time.monotonic() - self.started > self.limits.notebook_budget:
            return f"время: тетрадка выполнялась дольше {self.limits.notebook_budget} с"
        return ""


def _kill_all(procs: list) -> None:
    for p in reversed(procs):
        try:
            p.kill()
        except psutil.Error:
            pass


def _kill_user(uid: int) -> None:
    """Whatever the kernel's private user still runs (a daemon that left the kernel's tree)."""
    for proc in psutil.process_iter(["uids"]):
        uids = proc.info["uids"]
        if uids is not None and uid in (uids.real, uids.effective):
            try:
                proc.kill()
            except psutil.Error:
                pass


def disk_usage(path: Path) -> tuple[int, int]:
    """(bytes allocated, entries) under ``path``, walked without recursion and without following
    links; a tree deeper or larger than any honest kernel makes is counted as over the cap."""
    total, entries = 0, 0
    stack = [(str(path), 0)]
    while stack:
        folder, depth = stack.pop()
        try:
            with os.scandir(folder) as it:
                for entry in it:
                    entries += 1
                    if entries > MAX_SHARED_ENTRIES or depth > MAX_SHARED_DEPTH:
                        return max(total, DISK_CAP_BYTES + 1), entries
                    try:
                        st = entry.stat(follow_symlinks=False)
                    except OSError:
                        continue
                    # Blocks, not st_size: fallocate(KEEP_SIZE) and sparse files count as used.
                    total += max(st.st_size, st.st_blocks * 512)
                    if entry.is_dir(follow_symlinks=False):
                        stack.append((entry.path, depth + 1))
        except OSError:
            continue
    return total, entries


def remove_tree(path: Path) -> bool:
    """Remove a folder whatever a student left in it (no recursion, no raising); True when gone."""
    try:
        shutil.rmtree(path, ignore_errors=True)
    except Exception:  # RecursionError on a deep chain: fall back to an iterative removal
        pass
    if not os.path.lexists(path):
        return True
    try:
        subprocess.run(["rm", "-rf", "--one-file-system", str(path)], timeout=120, check=False)
    except Exception:
        pass
    return not os.path.lexists(path)


def sweep_dead_workers(sandbox: Sandbox) -> list[str]:
    """Remove what grading workers that died (killed, out of memory) left behind: their run
    folders (unmounted) and their kernels' cgroups. Workers alive, of any run, are left alone."""
    removed = []
    for base in {tempfile.gettempdir(), "/tmp"}:
        for folder in Path(base).glob(f"{RUN_PREFIX}*-*"):
            pid = folder.name[len(RUN_PREFIX) :].split("-")[0]
            if pid.isdigit() and not _alive(int(pid)):
                sandbox.release_run_dir(folder)
                if remove_tree(folder):
                    removed.append(str(folder))
    for group in sandbox.cgroups.leftovers(_alive):
        if group.remove():
            removed += [str(f) for f in group.folders.values()]
    return removed


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:
        return True
    return True


class KernelStartFailed(RuntimeError):
    """The sandboxed kernel did not start: the machine's fault, retried, never a grade."""


def execute(
    nb_json: str,
    workdir: str,
    env: dict[str, str],
    limits: Limits,
    sandbox: Sandbox,
    slot: int,
    reference: str,
    *,
    warm_pool: bool = True,
    prepare_next: bool = True,
) -> dict:
    """Run a notebook in a sandboxed kernel, then judge its test cells from what the kernel
    reported; return the executed notebook (JSON) and what happened.

    With ``warm_pool`` (and bubblewrap) the kernel is this process's spare when one fits, and
    the next spare starts while this notebook runs (:mod:`autograder.grading.warm`) unless
    ``prepare_next`` is False (the process's last notebook: a spare would be thrown away).
    Raises :class:`KernelStartFailed` when the kernel never started (the caller retries it).
    """
    nb = nbformat.reads(nb_json, as_version=4)
    # A graded kernel is thrown away: kill it at the end instead of a polite, slow shutdown.
    client = LimitedExecute(timeout=limits.cell_timeout, shutdown_kernel="immediate")
    client.output_cap = limits.output_bytes
    cleaned = True
    kernel_limits = limits.kernel()
    fonts = font_cache(sandbox, env)
    preload = standard_imports(nb)
    spare, spec = None, None
    if warm_pool and sandbox.isolated:
        spec = warm.Spec(
            repr(sandbox),
            kernel_limits,
            limits.memory_bytes,
            tuple(sorted(env.items())),
            warm.data_digest(Path(workdir)),
            preload,
            str(fonts),
        )
        spare = warm.pool().take(spec)
    if spare is not None:
        kernel = spare
    else:
        # With bubblewrap the kernel works in its private home, where the data files appear.
        data = Path(workdir) if sandbox.isolated else None
        try:
            kernel = warm.new_kernel(
                sandbox, slot, limits.memory_bytes, kernel_limits, data, spec=None
            )
        except OSError as e:  # cgroups there, but this one could not be made: never run bare
            raise KernelStartFailed(f"cgroup: {e}") from e
    if spec is not None and prepare_next:  # the next notebook's kernel starts meanwhile
        warm.pool().prepare(spec, sandbox, Path(workdir), slot + 1, fonts)
    uid, run_dir, group = kernel.uid, kernel.run_dir, kernel.group
    with kernel.hold:
        shared = [run_dir]
        if not sandbox.isolated:  # the kernel works in the host folder itself
            shared.append(Path(workdir))
            if uid is not None:
                for path in [Path(workdir), *Path(workdir).rglob("*")]:
                    os.chown(path, uid, uid)
        watchdog = Watchdog(client, limits, shared)
        problem = ""
        started = time.monotonic()
        warm_km = [kernel.km] if kernel.km is not None else []

        def make_km():
            if warm_km:  # the spare, on the first attempt only
                return warm_km.pop()
            return SandboxKernelManager(
                sandbox,
                run_dir,
                uid,
                kernel_limits,
                env,
                kernel.data,
                group,
                fonts,
                preload,
                warm.zygote(sandbox, env, fonts, preload),
            )

        watchdog.start()
        try:
            # The kernel's own stdout/stderr go nowhere: no descriptor of the grader reaches it.
            _run(client, nb, workdir, subprocess.DEVNULL, make_km, limits, started)
        except KernelStartFailed:
            raise
        except DeadKernelError:
            problem = watchdog.reason or "ядро Python завершилось (sys.exit, os._exit или сбой)"
        except OverBudget:
            problem = watchdog.reason or (
                f"время: тетрадка выполнялась дольше {limits.notebook_budget} с"
            )
        except Exception as e:  # an unresponsive kernel and the like: grade what ran
            problem = watchdog.reason or f"выполнение прервано: {type(e).__name__}"
        finally:
            watchdog.stop.set()
            if group is not None:
                if group.oom_killed():
                    # The kernel's own OOM killer enforced the cgroup: that is the reason.
                    problem = f"память: ядро заняло больше {limits.memory_bytes >> 20} МБ"
                cleaned &= group.remove()
            if uid is not None:
                _kill_user(uid)
            sandbox.release_run_dir(run_dir)
            cleaned &= remove_tree(run_dir)
            if spare is not None:  # the spare's private copy of the data files
                cleaned &= remove_tree(spare.data)
    if not problem and watchdog.reason:
        problem = watchdog.reason
    verdicts: dict[str, str] = {}
    for index, cell in enumerate(nb.cells):
        if cell.cell_type == "code" and index not in client.executed:
            why = problem or "ячейка не выполнялась"
            cell.outputs = [
                nbformat.v4.new_output("error", ename=NOT_RUN, evalue=why, traceback=[])
            ]
            if notebooks.is_test_cell(cell):
                verdicts[notebooks.grade_id(cell) or ""] = f"не выполнялась: {why}"
    for gid, text in verify(nb, Reference.load(Path(reference))).items():
        verdicts.setdefault(gid, text)
    return {
        "nb": nbformat.writes(nb),
        "problem": problem,
        "truncated": client.truncated,
        "seconds": round(time.monotonic() - started, 2),
        "verdicts": verdicts,
        "not_run": sorted(g for g, t in verdicts.items() if t.startswith("не выполнялась")),
        "leftover": not cleaned,
    }


# The course's standard imports, loaded as a kernel starts (TensorFlow and Keras only where the
# notebook imports them): a student's `import numpy as np` then finds the module loaded.
PRELOADABLE = (
    "numpy",
    "matplotlib.pyplot",
    "autograder.checks",
    "ipywidgets",
    "tensorflow",
    "keras",
)


def standard_imports(nb) -> tuple[str, ...]:
    """The modules of :data:`PRELOADABLE` that the notebook's own cells (not the student's
    answer cells) import, in the order they first do."""
    found: list[str] = []
    for cell in nb.cells:
        answer = cell.get("metadata", {}).get("nbgrader", {}).get("solution")
        if cell.cell_type != "code" or answer:
            continue
        source = "\n".join(
            line for line in cell.source.splitlines() if not line.lstrip().startswith(("%", "!"))
        )
        try:
            tree = ast.parse(source)
        except (SyntaxError, ValueError):
            continue
        for node in tree.body:
            names = []
            if isinstance(node, ast.Import):
                names = [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                names = [node.module]
            for name in names:
                if name in PRELOADABLE and name not in found:
                    found.append(name)
    return tuple(found)


class OverBudget(Exception):
    """The notebook's time budget ran out (enforced here too, not only by the watchdog)."""


def _run(client: LimitedExecute, nb, workdir: str, log, make_km, limits: Limits, started) -> None:
    client.nb = nb
    client.resources = {"metadata": {"path": workdir}}
    with ExitStack() as stack:
        try:
            start_kernel(stack, client, None, log, make_km)
        except Exception as e:
            raise KernelStartFailed(f"{type(e).__name__}: {e}") from e
        for index, cell in enumerate(nb.cells):
            left = limits.notebook_budget - (time.monotonic() - started)
            if left <= 0:
                raise OverBudget()
            # No cell may run past the budget: its timeout is what is left of it. Its output is
            # awaited as long as the budget lasts (a live-progress loop floods iopub; the budget
            # and the watchdog bound the wait).
            client.timeout = max(1, min(limits.cell_timeout, int(left) + 1))
            client.iopub_timeout = max(1, int(left) + 1)
            client.execute_cell(cell, index)


def worker_init() -> None:
    """Each worker process: quiet TensorFlow in kernels, nothing else shared."""
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
