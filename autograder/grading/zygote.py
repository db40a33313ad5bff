"""A fork server for grading kernels: ipykernel and the course's standard imports are loaded
once per grading process, and each kernel is a fork of that clean process placed in a sandbox
that bubblewrap has built, instead of a new Python that imports everything again.

The zygote is started by the grader (as root, with the kernels' environment and nothing of the
grader's) as ``python -m autograder.grading.zygote MODULE ...``: it imports ipykernel and the
MODULEs, then serves requests, one JSON object per line on stdin, each answered by one line on
stdout. For a request the zygote forks; the child

1. joins the kernel's cgroups (while it still sees the host's ``/sys``),
2. opens the sandbox's ``alive`` FIFO for writing, which succeeds once bubblewrap's placeholder
   (``cat alive``) has opened it for reading, i.e. once the sandbox is fully built,
3. joins the placeholder's mount, network, IPC, UTS, cgroup and PID namespaces (``setns``), and
4. forks the kernel, which is in the sandbox's PID namespace; the child reports its pid and ends.

The kernel then drops every capability, sets the hard resource limits, becomes the sandbox's
unprivileged user with ``no_new_privs``, closes every descriptor but the FIFO's, takes the
kernel's environment, working folder, ``argv`` and ``sys.path``, reseeds the random generators
and starts ``IPKernelApp`` as ``python -m ipykernel_launcher`` would. It holds the FIFO until it
exits: then the placeholder reads end-of-file and exits, and bubblewrap ends the sandbox with
everything in it. The student's code runs only after all of that, exactly as in a kernel that
bubblewrap started (see ``tests/test_zygote.py``, which compares the two).

Only the standard imports without threads of their own are loaded here (never TensorFlow: a
process that has started TensorFlow's threads is not safe to fork).
"""

from __future__ import annotations

import ctypes
import ctypes.util
import errno
import json
import os
import resource
import sys
import time

from .confine import LIMITS  # the names of the limits, as the started kernels' launcher sets them

FORKABLE = ("numpy", "matplotlib.pyplot", "autograder.checks", "ipywidgets")
# What an import does when a kernel is running, done in the forked kernel once it runs.
AFTER_FORK = {"ipywidgets": "register_comm_target()"}
CLONE_NEWNS, CLONE_NEWCGROUP, CLONE_NEWUTS = 0x00020000, 0x02000000, 0x04000000
CLONE_NEWIPC, CLONE_NEWPID, CLONE_NEWNET = 0x08000000, 0x20000000, 0x40000000
NAMESPACES = (CLONE_NEWNS, CLONE_NEWCGROUP, CLONE_NEWUTS, CLONE_NEWIPC, CLONE_NEWPID, CLONE_NEWNET)
PR_CAPBSET_DROP, PR_SET_DUMPABLE, PR_SET_NO_NEW_PRIVS, PR_SET_CHILD_SUBREAPER = 24, 4, 38, 36
READY_TIMEOUT = 30.0  # seconds for bubblewrap to build the sandbox

_libc = ctypes.CDLL(ctypes.util.find_library("c"), use_errno=True)


def _check(result: int, what: str) -> None:
    if result != 0:
        code = ctypes.get_errno()
        raise OSError(code, f"{what}: {os.strerror(code)}")


def _inner_pid(outer: int) -> int:
    """bubblewrap's process inside the sandbox: the only child of the one the grader started."""
    with open(f"/proc/{outer}/task/{outer}/children") as f:
        children = f.read().split()
    if len(children) != 1:
        raise OSError(errno.ESRCH, f"bubblewrap {outer} has children {children}")
    return int(children[0])


def _open_alive(path: str, bwrap: int) -> int:
    """Open the FIFO for writing once the placeholder reads it (the sandbox is then built);
    give up when bubblewrap has ended or the sandbox is not built in time."""
    import select

    deadline = time.monotonic() + READY_TIMEOUT
    started = os.pidfd_open(bwrap)  # readable once bubblewrap has ended
    try:
        while True:
            try:
                fd = os.open(path, os.O_WRONLY | os.O_NONBLOCK | os.O_CLOEXEC)
            except OSError as e:
                if e.errno != errno.ENXIO or time.monotonic() > deadline:
                    raise
                if select.select([started], [], [], 0.002)[0]:
                    raise OSError(errno.ESRCH, "bubblewrap ended early") from e
                continue
            os.set_blocking(fd, True)
            return fd
    finally:
        os.close(started)


def _spawn(request: dict) -> dict:
    """Fork a kernel into the sandbox of ``request["bwrap"]``; its pid, or the error."""
    read, write = os.pipe()
    child = os.fork()
    if child == 0:  # pragma: no cover - runs in the forked child
        os.close(read)
        try:
            kernel = _enter(request)
        except BaseException as e:  # noqa: BLE001 - reported to the grader
            os.write(write, json.dumps({"error": f"{type(e).__name__}: {e}"}).encode())
            os._exit(1)
        if kernel == 0:
            _become_kernel(request)  # never returns
        os.write(write, json.dumps({"pid": kernel, "inner": request["_inner"]}).encode())
        os._exit(0)
    os.close(write)
    chunks = []
    while chunk := os.read(read, 65536):
        chunks.append(chunk)
    os.close(read)
    os.waitpid(child, 0)
    try:
        answer = json.loads(b"".join(chunks) or b'{"error": "the child ended silently"}')
    except ValueError:
        return {"error": "unreadable answer"}
    if "pid" in answer:
        # When the kernel ends, so does its sandbox, as when bubblewrap's own child ends (a
        # process the kernel left holding the FIFO would keep the placeholder waiting).
        try:
            _SANDBOXES[answer["pid"]] = os.pidfd_open(answer.pop("inner"))
        except OSError:  # already gone: so is the kernel
            pass
    return answer


_SANDBOXES: dict[int, int] = {}  # kernel pid -> pidfd of bubblewrap's process in its sandbox


def _enter(request: dict) -> int:
    """In the zygote's child: cgroups, wait for the sandbox, its namespaces, then fork."""
    for procs in request["cgroups"]:
        with open(procs, "w") as f:
            f.write(str(os.getpid()))
    alive = _open_alive(request["alive"], request["bwrap"])
    os.set_inheritable(alive, True)
    request["_alive_fd"] = alive
    inner = _inner_pid(request["bwrap"])
    request["_inner"] = inner
    pidfd = os.pidfd_open(inner)
    flags = 0
    for flag in NAMESPACES:
        flags |= flag
    _check(_libc.setns(pidfd, flags), "setns")
    os.close(pidfd)
    return os.fork()  # the child is the first of this process's in the sandbox's PID namespace


def _become_kernel(request: dict) -> None:  # pragma: no cover - runs in the kernel
    """In the sandbox: confine this process as the sandbox's own launcher would, then start the
    kernel. Nothing of the student's has run yet; nothing returns into the zygote's loop."""
    import signal

    code = 1
    try:
        signal.set_wakeup_fd(-1)
        signal.signal(signal.SIGCHLD, signal.SIG_DFL)
        os.setsid()
        null = os.open("/dev/null", os.O_RDWR)
        for fd in (0, 1, 2):
            os.dup2(null, fd)
        alive = request["_alive_fd"]
        os.closerange(3, alive)
        os.closerange(alive + 1, resource.getrlimit(resource.RLIMIT_NOFILE)[0])
        with open("/proc/sys/kernel/cap_last_cap") as f:
            last_cap = int(f.read())
        for cap in range(last_cap + 1):
            _check(_libc.prctl(PR_CAPBSET_DROP, cap, 0, 0, 0), "PR_CAPBSET_DROP")
        for name, value in request["limits"]:
            resource.setrlimit(LIMITS[name], (value, value))
        uid = request["uid"]
        os.setgroups([])
        os.setresgid(uid, uid, uid)
        os.setresuid(uid, uid, uid)
        if os.getuid() == 0 or os.geteuid() == 0:
            raise OSError("could not drop root")
        _check(_libc.prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0), "PR_SET_NO_NEW_PRIVS")
        # A change of user made the process undumpable; a kernel started by exec is not.
        _check(_libc.prctl(PR_SET_DUMPABLE, 1, 0, 0, 0), "PR_SET_DUMPABLE")
        os.umask(0o077)
        os.environ.clear()
        os.environ.update(request["env"])
        os.environ["PWD"] = request["cwd"]  # as bubblewrap's --chdir sets it
        os.chdir(request["cwd"])
        _as_fresh_interpreter(request["argv"])
        from ipykernel import kernelapp

        _deeper_iopub_queue(kernelapp.IPKernelApp)
        kernelapp.launch_new_instance()
        code = 0
    except SystemExit as e:
        code = e.code if isinstance(e.code, int) else 1
    except BaseException:  # noqa: BLE001 - a kernel that cannot start ends; the grader sees it
        code = 1
    # The end of a kernel started afresh: its exit handlers, then the process ends.
    import atexit

    atexit._run_exitfuncs()
    os._exit(code)


IOPUB_SEND_QUEUE = 100_000  # messages; ZeroMQ's default of 1000 drops a progress loop's


def _deeper_iopub_queue(app) -> None:
    """A live-progress loop sends tens of thousands of messages faster than a busy grader reads
    them; past ZeroMQ's queue they are dropped, a cell's final ``idle`` among them, and the
    grader then waits for it until the notebook's budget ends. The kernel's output sockets get
    a deeper queue (its memory stays bounded by the kernel's cgroup)."""
    import zmq

    init_iopub = app.init_iopub

    def deeper(self, context):
        context.setsockopt(zmq.SNDHWM, IOPUB_SEND_QUEUE)
        init_iopub(self, context)

    app.init_iopub = deeper


def _as_fresh_interpreter(argv: list[str]) -> None:
    """What differs between this fork and ``python -m ipykernel_launcher ARGV`` in the kernel's
    home: argv, ``__main__``, the random generators and matplotlib's cached folders."""
    import importlib.util
    import random
    import types

    launcher = importlib.util.find_spec("ipykernel_launcher").origin
    sys.argv = [launcher, *argv]
    main = types.ModuleType("__main__")
    main.__file__ = launcher
    sys.modules["__main__"] = main
    random.seed()
    if "numpy" in sys.modules:
        sys.modules["numpy"].random.seed()
    if "matplotlib" in sys.modules:
        _reset_matplotlib_folders(sys.modules["matplotlib"])


def _reset_matplotlib_folders(mpl) -> None:
    """matplotlib remembers its config and cache folders (the zygote's font folder): forget
    them, so they are the kernel's MPLCONFIGDIR like in a kernel that imported it afresh."""
    for func in (mpl.get_configdir, mpl.get_cachedir):
        cells = dict(zip(func.__code__.co_freevars, func.__closure__ or (), strict=True))
        if "called" in cells:
            cells["called"].cell_contents = False
    style = sys.modules.get("matplotlib.style.core")
    if style is not None:
        style.USER_LIBRARY_PATHS[:] = [os.path.join(mpl.get_configdir(), "stylelib")]


def main(argv: list[str]) -> None:
    # As for python -m ipykernel_launcher: the working folder is not on the path while loading.
    if sys.path and (sys.path[0] in ("", os.getcwd())):
        del sys.path[0]
    # The grader's fast-import switch (autograder.fastimport) is not the kernels' business.
    if "rfc3987_syntax" in sys.modules and sys.modules["rfc3987_syntax"] is None:
        del sys.modules["rfc3987_syntax"]
    import importlib

    import ipykernel.ipkernel  # noqa: F401 - what every kernel loads
    import ipykernel.kernelapp  # noqa: F401

    for module in argv:
        if module not in FORKABLE:
            raise SystemExit(f"autograder.grading.zygote: {module} is not safe to fork")
        importlib.import_module(module)
    import gc

    gc.collect()
    gc.freeze()  # the loaded modules' objects stay shared with every kernel, not copied
    # The kernels' parents end at once: the kernels become this process's children, reaped
    # here (a zombie would count against its user's process limit, and the user is reused).
    _check(_libc.prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0), "PR_SET_CHILD_SUBREAPER")
    _serve(sys.stdin.fileno(), sys.stdout)


def _reap() -> None:
    import signal

    while True:
        try:
            pid, _ = os.waitpid(-1, os.WNOHANG)
        except ChildProcessError:
            return
        if pid == 0:
            return
        sandbox = _SANDBOXES.pop(pid, None)
        if sandbox is not None:
            try:
                signal.pidfd_send_signal(sandbox, signal.SIGKILL)
            except OSError:
                pass
            os.close(sandbox)


def _serve(fd: int, out) -> None:
    import select
    import signal

    # A child's end wakes the loop (the handler itself does nothing; the wake-up byte does).
    wake_read, wake_write = os.pipe2(os.O_NONBLOCK | os.O_CLOEXEC)
    signal.set_wakeup_fd(wake_write)
    signal.signal(signal.SIGCHLD, lambda *_: None)
    out.write(json.dumps({"ready": os.getpid()}) + "\n")
    out.flush()
    pending = b""
    while True:
        ready, _, _ = select.select([fd, wake_read], [], [], 5.0)
        if wake_read in ready:
            try:
                os.read(wake_read, 4096)
            except BlockingIOError:
                pass
        _reap()
        if fd not in ready:
            continue
        chunk = os.read(fd, 1 << 20)
        if not chunk:  # the grader has gone: so do the kernels it can no longer talk to
            for sandbox in _SANDBOXES.values():
                try:
                    signal.pidfd_send_signal(sandbox, signal.SIGKILL)
                except OSError:
                    pass
            return
        pending += chunk
        while b"\n" in pending:
            line, pending = pending.split(b"\n", 1)
            try:
                answer = _spawn(json.loads(line))
            except Exception as e:  # noqa: BLE001 - one bad request is answered, not fatal
                answer = {"error": f"{type(e).__name__}: {e}"}
            out.write(json.dumps(answer) + "\n")
            out.flush()


class Zygote:
    """The grader's side: one zygote process (started on first use) and its requests.

    Worker processes forked from the process that started it share it: a request and its
    answer hold a lock on a file (``flock``, opened by each process), so two workers never
    interleave on the pipes. Only the process that started a zygote stops it.
    """

    def __init__(self, modules: tuple[str, ...], env: dict[str, str], lock_path: str):
        import subprocess
        import threading

        self.modules, self.env, self.lock_path = modules, env, lock_path
        self._lock = threading.Lock()
        self._proc: subprocess.Popen | None = None
        self._owner = 0  # the pid that started _proc

    def start(self) -> None:
        """Start the zygote now if it is not running (otherwise on the first request)."""
        with self._lock, self._exclusive():
            if self._proc is None:
                self._start()

    def _start(self) -> None:
        import subprocess

        proc = subprocess.Popen(
            [sys.executable, "-m", "autograder.grading.zygote", *self.modules],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            env=self.env,
            cwd="/",
            start_new_session=True,  # the grader's signals are not the zygote's
            text=True,
        )
        line = proc.stdout.readline()
        if not line.startswith('{"ready"'):
            proc.kill()
            proc.wait()
            raise OSError("the kernel zygote did not start")
        self._proc, self._owner = proc, os.getpid()

    def _exclusive(self):
        import contextlib
        import fcntl

        @contextlib.contextmanager
        def held():
            with open(self.lock_path, "a") as f:
                fcntl.flock(f, fcntl.LOCK_EX)
                yield

        return held()

    def spawn(self, request: dict) -> int:
        """Fork a kernel into a built sandbox; its pid. Raises OSError when it could not."""
        with self._lock, self._exclusive():
            if self._proc is None:
                self._start()
            try:
                self._proc.stdin.write(json.dumps(request) + "\n")
                self._proc.stdin.flush()
                line = self._proc.stdout.readline()
                if not line:
                    raise OSError("the zygote has ended")
                answer = json.loads(line)
            except (OSError, ValueError) as e:
                self._forget()  # the next request starts a zygote of this process's own
                raise OSError(f"kernel zygote: {e}") from e
        if "pid" not in answer:
            raise OSError(f"kernel zygote: {answer.get('error', 'no answer')}")
        return int(answer["pid"])

    def _forget(self) -> None:
        proc, self._proc = self._proc, None
        if proc is not None and self._owner == os.getpid():
            proc.kill()
            proc.wait()

    def close(self) -> None:
        """Stop the zygote if this process started it (a forked worker leaves its parent's)."""
        with self._lock:
            self._forget()


if __name__ == "__main__":
    main(sys.argv[1:])
