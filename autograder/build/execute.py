"""Running notebooks in a real Jupyter kernel, cell by cell (nbclient)."""

from __future__ import annotations

import os
import sys
import tempfile
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from pathlib import Path
from typing import IO

import nbformat
from nbclient import NotebookClient
from nbclient.exceptions import CellExecutionError, CellTimeoutError, DeadKernelError

from ..demos import HEADLESS_ENV

# TensorFlow writes notices to stderr on import unless told not to; nbgrader scores a test cell
# that writes to stderr 0, so every kernel we start is set up to keep it quiet.
KERNEL_START_ATTEMPTS = 3
# The same kernels draw the notebooks' slider demos once, without widgets (autograder.demos).
QUIET_ENV = {"TF_CPP_MIN_LOG_LEVEL": "3", "TF_ENABLE_ONEDNN_OPTS": "0", HEADLESS_ENV: "1"}


def kernel_env(extra: dict[str, str] | None = None) -> dict[str, str]:
    env = {**os.environ, **QUIET_ENV, **(extra or {})}
    # Tools the notebooks may call (and the kernel itself) come from this environment first.
    env["PATH"] = os.pathsep.join([str(Path(sys.executable).parent), env.get("PATH", "")])
    # A kernel started by the tools must not record or read another run's reference by accident.
    for key in ("AUTOGRADER_RECORD", "AUTOGRADER_REFERENCE"):
        if extra is None or key not in extra:
            env.pop(key, None)
    return env


class CellFailed(Exception):
    """A cell raised, timed out or killed the kernel; ``summary`` is one line."""

    def __init__(self, index: int, summary: str):
        self.index = index
        self.summary = summary
        super().__init__(summary)


class KernelSession:
    """One kernel running cells of one notebook; cells keep their outputs as Jupyter shows them."""

    def __init__(self, client: NotebookClient, log: IO[str]):
        self._client = client
        self._log = log

    @property
    def nb(self) -> nbformat.NotebookNode:
        return self._client.nb

    def run_cell(self, index: int) -> nbformat.NotebookNode:
        """Execute cell ``index`` of the notebook (its outputs are replaced); raise CellFailed."""
        cell = self.nb.cells[index]
        try:
            self._client.execute_cell(cell, index)
        except CellExecutionError as e:
            raise CellFailed(index, f"{e.ename}: {_first_line(e.evalue)}") from None
        except CellTimeoutError:
            raise CellFailed(index, f"timed out after {self._client.timeout} s") from None
        except DeadKernelError:
            raise CellFailed(index, f"the kernel died{self._last_log_line()}") from None
        return cell

    def _last_log_line(self) -> str:
        self._log.seek(0)
        lines = [line for line in self._log.read().splitlines() if line.strip()]
        return f" ({lines[-1].strip()})" if lines else ""

    def run_code(self, source: str) -> nbformat.NotebookNode:
        """Execute extra code in the same kernel, as a cell appended to the notebook."""
        self.nb.cells.append(nbformat.v4.new_code_cell(source))
        index = len(self.nb.cells) - 1
        try:
            return self.run_cell(index)
        finally:
            self.nb.cells.pop()


@contextmanager
def kernel_session(
    nb: nbformat.NotebookNode, workdir: Path, timeout: int, env: dict[str, str] | None = None
) -> Iterator[KernelSession]:
    """Start a fresh kernel in ``workdir`` for ``nb`` and shut it down afterwards."""
    # The kernel process's own messages (start-up notices, a crash report) go to a log, not to
    # the instructor's terminal; cell outputs travel over the kernel protocol as usual.
    with tempfile.TemporaryFile("w+") as log, ExitStack() as stack:
        client = NotebookClient(
            nb,
            timeout=timeout,
            kernel_name="python3",
            allow_errors=False,
            record_timing=False,
            resources={"metadata": {"path": str(workdir)}},
        )
        start_kernel(stack, client, env, log)
        yield KernelSession(client, log)


def start_kernel(
    stack: ExitStack,
    client: NotebookClient,
    env: dict[str, str] | None,
    log,
    make_km=None,
) -> None:
    """Start ``client``'s kernel, shut down when ``stack`` closes; its own output goes to ``log``.

    Start-up can lose a race for a TCP port when kernels start in parallel: that is the machine's
    fault, not the notebook's, so it is tried again. ``make_km`` makes the kernel manager (a
    sandboxed one when grading); by default nbclient makes its own.
    """
    for attempt in range(KERNEL_START_ATTEMPTS):
        if make_km is not None:
            client.km = make_km()
        try:
            stack.enter_context(
                client.setup_kernel(env=kernel_env(env), cleanup_kc=True, stdout=log, stderr=log)
            )
            return
        except (RuntimeError, TimeoutError):
            if attempt == KERNEL_START_ATTEMPTS - 1:
                raise
            client.km = client.kc = None


def stderr_text(cell: nbformat.NotebookNode) -> str:
    """What the cell wrote to stderr (nbgrader scores a test cell with any of it 0)."""
    return "".join(
        o.get("text", "")
        for o in cell.get("outputs", [])
        if o.output_type == "stream" and o.name == "stderr"
    )


def displays_value(cell: nbformat.NotebookNode) -> bool:
    """True when the cell's last line produced a value (nbgrader reads it as partial credit)."""
    return any(o.output_type == "execute_result" for o in cell.get("outputs", []))


def _first_line(text: str) -> str:
    lines = [line for line in str(text).splitlines() if line.strip()]
    return lines[0] if lines else ""
