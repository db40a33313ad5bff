"""Hostile submissions graded by the real `autograder grade` (issue 10).

One class: three honest students, the honest controls of the catalogue (right answers in styles
the grader once punished) and one student per attack of tests/attacks/catalogue.py, all graded by
ONE run of the command (real kernels, the real sandbox, a real SQLite gradebook). Then, per
attack: grading finished; the attacked exercise earned no more than its ceiling and every other
exercise its full points; what the secret-reading attacks reported seeing was nothing; a stalling
notebook was stopped in time. For the run: every output file is there, none holds a hidden test's
source or a spreadsheet formula, the cached results stay small, ``--out`` holds none of the
grader's own state; and the host, the gradebook, the course and the honest students are untouched.
"""

from __future__ import annotations

import builtins
import copy
import csv
import hashlib
import html
import json
import os
import re
import shutil
import socket
import subprocess
import sys
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

import psutil
import pytest
from nbgrader.api import Gradebook

import autograder
from autograder.grading.report import folder_name
from tests.attacks.catalogue import (
    ATTACKS,
    EXERCISES,
    FILE_MARK,
    HONEST_CONTROLS,
    SPAWN_MARK,
    Attack,
)
from tests.conftest import COURSE, ROOT
from tests.grade_cli import grade_cli, read_csv, state_of

pytestmark = pytest.mark.slow

A = "01-neuron"
SOLUTION = COURSE.source_notebook(A)
REFERENCE = COURSE.source_dir / A / "reference.json"
COURSE_DB = ROOT / "gradebook.db"
POINTS = {"sigmoid": 2.0, "neuron": 3.0, "network": 2.0, "train_neuron": 4.0}
MAX = 11.0
HONEST = ["honest1", "honest2", "honest3"]
# The progress-printing controls need more than the suite's 10 s per cell on a loaded machine
# (plain Jupyter too): tests/test_grading_hardening.py grades them with the grader's own limits.
SLOW_CONTROLS = ("honest_live_progress", "honest_progress_flush")
CONTROLS = {
    name: (exercise, code) for name, exercise, code in HONEST_CONTROLS if name not in SLOW_CONTROLS
}
SELECTED = list(ATTACKS)
BY_NAME = {a.name: a for a in SELECTED}
STALL_CELLS, STALL_SECONDS = 14, 8  # with --timeout 10: 112 s of sleep against a 100 s budget
HONEST_SECONDS = 30  # an honest notebook takes 3-5 s alone; CPU spinners must not slow it past
CACHE_CAP = 20 << 20  # a cached result past this came through a bypass of the 5 MB output cap
SANDBOX_UIDS = range(61000, 65000)
NOBODY = 65534
GRADE_TIMEOUT = 1500


def load(path: Path) -> dict:
    return json.loads(path.read_text(encoding="utf-8"))


def gid(cell: dict) -> str:
    return cell.get("metadata", {}).get("nbgrader", {}).get("grade_id", "")


def set_answer(nb: dict, exercise: str, code: str) -> dict:
    cells = [c for c in nb["cells"] if gid(c) == f"{exercise}-solution"]
    assert len(cells) == 1, exercise
    cells[0]["source"] = code
    return nb


# --- notebook-level edits (Attack.edit) -------------------------------------------------------


def _kernelspec(nb: dict) -> None:
    nb["metadata"]["kernelspec"] = {
        "name": "agattack-evil",
        "display_name": "Evil",
        "language": "python",
    }
    nb["metadata"]["language_info"] = {"name": "evil", "version": "0"}


def _metadata(nb: dict) -> None:
    """Points inflated, checksums gone, the network's test cells' grade_ids swapped, the answer
    cell turned into a graded one."""
    for cell in nb["cells"]:
        meta = cell["metadata"].get("nbgrader", {})
        if gid(cell).startswith("network-"):
            meta.pop("checksum", None)
            meta["points"] = 99
        if gid(cell) == "network-solution":
            meta["grade"] = True
        elif gid(cell) == "network-visible":
            meta["grade_id"] = "network-hidden"
        elif gid(cell) == "network-hidden":
            meta["grade_id"] = "network-visible"


def _fake_tests(nb: dict) -> None:
    """The network's visible tests deleted, its hidden test cell emptied into a print."""
    nb["cells"] = [c for c in nb["cells"] if gid(c) != "network-visible"]
    for cell in nb["cells"]:
        if gid(cell) == "network-hidden":
            cell["source"] = "print('Видимые проверки пройдены ✓')"


def _duplicate_tests(nb: dict) -> None:
    out = []
    for cell in nb["cells"]:
        out.append(cell)
        if gid(cell) in ("network-visible", "network-hidden"):
            for i in range(3):
                twin = copy.deepcopy(cell)
                twin["id"] = f"{twin.get('id', 'cell')}-twin{i}"
                out.append(twin)
    nb["cells"] = out


def _stall_cells(nb: dict) -> None:
    """Sleeping code cells between train_neuron's answer and its tests, each under the cell
    timeout, longer in all than the notebook's budget."""
    at = next(i for i, c in enumerate(nb["cells"]) if gid(c) == "train_neuron-solution") + 1
    stalls = [
        {
            "cell_type": "code",
            "id": f"stall-{i}",
            "metadata": {},
            "execution_count": None,
            "outputs": [],
            "source": f"import time\ntime.sleep({STALL_SECONDS})",
        }
        for i in range(STALL_CELLS)
    ]
    nb["cells"][at:at] = stalls


EDITS = {
    "kernelspec": _kernelspec,
    "metadata": _metadata,
    "fake_tests": _fake_tests,
    "duplicate_tests": _duplicate_tests,
    "stall_cells": _stall_cells,
}


# --- the class ----------------------------------------------------------------------------------


def fill(code: str, places: dict[str, str]) -> str:
    for key, value in places.items():
        code = code.replace("{" + key + "}", value)
    return code


def make_class(subs: Path, places: dict[str, str]) -> None:
    nb_name = f"{A}.ipynb"
    for student in HONEST:
        nb = load(SOLUTION)
        nb["cells"].append(
            {
                "cell_type": "markdown",
                "id": f"secret-{student}",
                "metadata": {},
                "source": f"Мои заметки: SECRET-MARKER-{student}",
            }
        )
        (subs / student).mkdir(parents=True)
        (subs / student / nb_name).write_text(json.dumps(nb, ensure_ascii=False))
    for student, (exercise, code) in CONTROLS.items():
        nb = set_answer(load(SOLUTION), exercise, code)
        (subs / student).mkdir(parents=True)
        (subs / student / nb_name).write_text(json.dumps(nb, ensure_ascii=False))
    for attack in SELECTED:
        nb = set_answer(load(SOLUTION), attack.exercise, fill(attack.code, places))
        if attack.edit:
            EDITS[attack.edit](nb)
        (subs / attack.name).mkdir(parents=True)
        (subs / attack.name / nb_name).write_text(json.dumps(nb, ensure_ascii=False))


class Listener(threading.Thread):
    """A TCP listener on the host's loopback: a sandboxed kernel must not reach it."""

    def __init__(self):
        super().__init__(daemon=True)
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(16)
        self.sock.settimeout(0.5)
        self.port = self.sock.getsockname()[1]
        self.connections = 0
        self.stop = threading.Event()

    def run(self):
        while not self.stop.is_set():
            try:
                conn, _ = self.sock.accept()
            except OSError:
                continue
            self.connections += 1
            conn.close()
        self.sock.close()


def sha(path: Path) -> str | None:
    return hashlib.sha256(path.read_bytes()).hexdigest() if path.exists() else None


def tmp_entries(folder: str = "/tmp") -> dict[str, int]:
    out = {}
    for entry in os.scandir(folder):
        try:
            out[entry.path] = entry.stat(follow_symlinks=False).st_uid
        except OSError:
            pass
    return out


def planted_files(tmp: Path) -> list[Path]:
    """Files the disk attacks may have left on the host (an unsandboxed grader)."""
    places = [Path("/tmp"), Path.home(), Path(os.environ.get("TMPDIR", "/tmp"))]
    found = {p for place in places for p in place.glob(f"{FILE_MARK}-*")}
    found |= set((state_of(A, tmp / "out") / "work").rglob(f"{FILE_MARK}-*"))
    return sorted(found)


def leftover_processes(tmp: Path, started: float, before: set[int]) -> list[psutil.Process]:
    """Processes of this grading still alive: kernels, their children, the attacks' sleepers."""
    found = []
    for proc in psutil.process_iter(["pid", "cmdline", "create_time", "uids"]):
        info = proc.info
        if info["pid"] in before or (info["create_time"] or 0) < started - 1:
            continue
        cmd = " ".join(info["cmdline"] or [])
        ours = FILE_MARK in cmd or (info["cmdline"] or [])[-1:] == [SPAWN_MARK]
        if "ipykernel" in cmd:
            run_dir = re.search(r"(/\S*/ag-[^/\s]+)", cmd)
            try:
                cwd = proc.cwd()
            except psutil.Error:
                cwd = ""
            ours |= (
                str(tmp) in cmd
                or cwd.startswith(str(tmp))
                or bool(run_dir and not os.path.exists(run_dir.group(1)))
            )
        if ours:
            found.append(proc)
    return found


@dataclass
class Graded:
    tmp: Path
    out: Path
    db: Path
    result: subprocess.CompletedProcess | None
    error: str = ""
    hashes_before: dict = field(default_factory=dict)
    hashes_after: dict = field(default_factory=dict)
    new_tmp_entries: list = field(default_factory=list)
    planted: list = field(default_factory=list)
    processes: list = field(default_factory=list)
    listener_connections: int = 0
    seconds: float = 0.0  # the whole run's wall-clock time


def run_grade(subs: Path, out: Path, db: Path, tmpdir: Path) -> subprocess.CompletedProcess:
    # The grader's own temporary folders (the kernels' run folders) go where only this test looks:
    # other tests grade in parallel and have run folders of their own in /tmp.
    limits = ["--jobs", "2", "--timeout", "10", "--memory-mb", "1500"]
    return grade_cli(A, subs, out, db, *limits, env={"TMPDIR": str(tmpdir)}, timeout=GRADE_TIMEOUT)


@pytest.fixture(scope="module")
def graded(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("attacks")
    subs, out, db = tmp / "subs", tmp / "out", tmp / "gradebook.db"
    canary = tmp / "canary.txt"
    canary.write_text(f"canary {time.time()} {os.getpid()}")
    listener = Listener()
    listener.start()
    places = {
        "course_root": str(ROOT),
        "subs_dir": str(subs),
        "out_dir": str(out),
        "host_port": str(listener.port),
    }
    make_class(subs, places)
    watched = {"reference": REFERENCE, "course_db": COURSE_DB, "canary": canary}
    course_db_backup = COURSE_DB.read_bytes() if COURSE_DB.exists() else None
    g = Graded(tmp, out, db, None)
    g.hashes_before = {k: sha(p) for k, p in watched.items()}
    tmp_before = tmp_entries()
    grader_tmp = tmp / "t"
    grader_tmp.mkdir()
    procs_before = set(psutil.pids())
    started = time.time()
    try:
        g.result = run_grade(subs, out, db, grader_tmp)
    except subprocess.TimeoutExpired:
        g.error = f"grading did not finish in {GRADE_TIMEOUT} s"
    g.seconds = time.time() - started
    # What the run left behind, recorded first, then cleaned up.
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline and leftover_processes(tmp, started, procs_before):
        time.sleep(0.5)
    g.processes = [
        f"{p.pid}: {' '.join(p.info['cmdline'] or [])[:200]}"
        for p in leftover_processes(tmp, started, procs_before)
    ]
    g.hashes_after = {k: sha(p) for k, p in watched.items()}
    g.new_tmp_entries = [
        f"{path} (uid {uid})"
        for path, uid in tmp_entries().items()
        if path not in tmp_before
        and (uid in SANDBOX_UIDS or uid == NOBODY)
        and not os.path.basename(path).startswith("ag-")  # other tests' kernels, running now
    ] + [f"{path} (uid {uid})" for path, uid in tmp_entries(str(grader_tmp)).items()]
    g.planted = [str(p) for p in planted_files(tmp)]
    listener.stop.set()
    g.listener_connections = listener.connections
    yield g
    for proc in leftover_processes(tmp, started, procs_before):  # only what this run started
        try:
            proc.kill()
        except psutil.Error:
            pass
    for path in planted_files(tmp):
        path.unlink(missing_ok=True)
    shutil.rmtree(state_of(A, out) / "work", ignore_errors=True)
    if g.hashes_after["course_db"] != g.hashes_before["course_db"]:  # undo a broken sandbox's harm
        if course_db_backup is None:
            COURSE_DB.unlink(missing_ok=True)
        else:
            COURSE_DB.write_bytes(course_db_backup)


# --- reading the results ------------------------------------------------------------------------


def finished(g: Graded) -> None:
    assert not g.error, g.error
    assert g.result.returncode == 0, g.result.stderr[-3000:]


def grades(g: Graded) -> dict[str, dict]:
    finished(g)
    return {r["student_id"]: r for r in read_csv(g.out / "grades.csv")}


def exercise_scores(g: Graded, student: str) -> dict[str, float]:
    finished(g)
    rows = [r for r in read_csv(g.out / "exercises.csv") if r["student_id"] == student]
    return {r["exercise"]: float(r["score"]) for r in rows}


def exercise_rows(g: Graded, student: str) -> dict[str, dict]:
    return {
        r["exercise"]: r for r in read_csv(g.out / "exercises.csv") if r["student_id"] == student
    }


def cached_result(g: Graded, student: str) -> dict:
    cache = state_of(A, g.out) / "cache" / f"{student}.json"
    return json.loads(cache.read_text(encoding="utf-8"))["result"]


def executed_notebook(g: Graded, student: str) -> dict:
    return json.loads(cached_result(g, student)["nb"])


def attack_reports(g: Graded, student: str) -> list[dict]:
    text = ""
    for cell in executed_notebook(g, student)["cells"]:
        for o in cell.get("outputs", []):
            if o.get("output_type") == "stream" and o.get("name") == "stdout":
                t = o.get("text", "")
                text += t if isinstance(t, str) else "".join(t)
    return [
        json.loads(line[len("ATTACK-REPORT ") :])
        for line in text.splitlines()
        if line.startswith("ATTACK-REPORT ")
    ]


def _floats(value, found: set[str]) -> None:
    if isinstance(value, float):
        if len(repr(value)) >= 12:
            found.add(repr(value))
    elif isinstance(value, dict):
        for v in value.values():
            _floats(v, found)
    elif isinstance(value, list):
        for v in value:
            _floats(v, found)


def secret_texts() -> list[str]:
    """Text that only the course's secrets contain: hidden reference values, markers, headers."""
    found: set[str] = set()
    _floats(load(REFERENCE).get("values", {}), found)
    return ["BEGIN SOLUTION", "BEGIN HIDDEN TESTS", "SECRET-MARKER", "SQLite format 3", *found]


def _allowed_paths() -> tuple[set[str], set[str]]:
    """What the sandbox shows on purpose (the Python install, the environment, the package) and
    the folders above them (they must exist for those to)."""
    roots = {
        os.path.realpath(sys.base_prefix),
        os.path.realpath(sys.prefix),
        str(Path(autograder.__file__).resolve().parent),
    }
    ancestors = {str(a) for r in roots for a in Path(r).parents}
    return roots, ancestors


def forbidden_path(path: str, g: Graded) -> bool:
    p = os.path.normpath(path if os.path.isabs(path) else os.path.join("/", path))
    roots, ancestors = _allowed_paths()
    if p in ancestors or any(p == r or p.startswith(r + "/") for r in roots):
        return False
    secret_roots = [str(ROOT), str(ROOT.parent), str(g.tmp), "/root", "/etc/shadow"]
    return any(p == s or p.startswith(s + "/") for s in secret_roots)


# --- the tests ----------------------------------------------------------------------------------


def test_catalogue_is_complete():
    names = [a.name for a in ATTACKS]
    assert len(names) == len(set(names)) >= 35
    assert all(re.fullmatch(r"[a-z0-9_]+", n) for n in names)
    assert {a.exercise for a in ATTACKS} <= set(EXERCISES)
    assert all(a.exercise == "train_neuron" for a in ATTACKS if a.kills_kernel)
    assert all(a.edit in EDITS for a in ATTACKS if a.edit)
    assert len({a.threat for a in ATTACKS}) == 5


def test_grading_finishes_with_every_student(graded):
    table = grades(graded)
    assert set(table) == set(HONEST) | set(CONTROLS) | set(BY_NAME)
    for student, row in table.items():
        assert float(row["max_score"]) == MAX, f"{student}: max_score {row['max_score']}"


@pytest.mark.parametrize("student", HONEST + list(CONTROLS))
def test_honest_students_get_full_marks(graded, student):
    rows = exercise_rows(graded, student)
    assert exercise_scores(graded, student) == POINTS, {e: r["reason"] for e, r in rows.items()}
    assert float(grades(graded)[student]["score"]) == MAX


@pytest.mark.parametrize("attack", SELECTED, ids=lambda a: a.name)
def test_attack_earns_nothing_and_harms_nothing_else(graded, attack: Attack):
    scores = exercise_scores(graded, attack.name)
    rows = exercise_rows(graded, attack.name)
    assert set(scores) == set(EXERCISES), scores
    assert scores[attack.exercise] <= attack.ceiling, (
        f"{attack.name} earned {scores[attack.exercise]} > {attack.ceiling} on "
        f"{attack.exercise}: {rows[attack.exercise]['reason']}"
    )
    position = EXERCISES.index(attack.exercise)
    for i, exercise in enumerate(EXERCISES):
        if exercise == attack.exercise or (attack.kills_kernel and i > position):
            continue
        assert scores[exercise] == POINTS[exercise], (
            f"{attack.name}: {exercise} got {scores[exercise]} of {POINTS[exercise]}: "
            f"{rows[exercise]['reason']}"
        )
    total = float(grades(graded)[attack.name]["score"])
    assert total <= MAX - POINTS[attack.exercise] + attack.ceiling


@pytest.mark.parametrize("attack", [a for a in SELECTED if a.secrets], ids=lambda a: a.name)
def test_secret_reading_attack_saw_nothing(graded, attack: Attack):
    finished(graded)
    reports = attack_reports(graded, attack.name)
    assert reports, f"{attack.name} printed no ATTACK-REPORT line (it must always report)"
    secrets = secret_texts()
    for report in reports:
        assert report["hits"] == [], f"{attack.name} found: {report['hits']}"
        assert report["connected"] == [], f"{attack.name} reached: {report['connected']}"
        shown = [p for p in report["existed"] if forbidden_path(p, graded)]
        assert shown == [], f"{attack.name} saw host paths: {shown}"
        seen = json.dumps([report["read"], report["listed"]], ensure_ascii=False)
        leaked = [s for s in secrets if s in seen]
        assert leaked == [], f"{attack.name} read secret text: {leaked}"


def test_gradebook_untouched_by_students(graded):
    finished(graded)
    with Gradebook(f"sqlite:///{graded.db}") as gb:
        manual = {
            (sub.student.id, g.name): g.manual_score
            for sub in gb.find_assignment(A).submissions
            for nb in sub.notebooks
            for g in nb.grades
            if g.manual_score is not None
        }
    assert manual == {}


def test_course_files_and_canary_unchanged(graded):
    assert graded.hashes_after == graded.hashes_before


def test_no_file_left_on_the_host(graded):
    assert graded.planted == [], "files written outside the sandbox"
    assert graded.new_tmp_entries == [], "the sandbox's users left files in /tmp"


def test_no_process_left_running(graded):
    assert graded.processes == []


def test_host_listener_never_reached(graded):
    assert graded.listener_connections == 0


# --- the run as a whole (reviews/redteam-1.md) ----------------------------------------------------

OUTPUT_FILES = ("grades.csv", "exercises.csv", "lms.csv", "report.html")
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def test_every_output_file_is_written(graded):
    finished(graded)
    missing = [name for name in OUTPUT_FILES if not (graded.out / name).is_file()]
    for student in grades(graded):
        feedback = graded.out / "feedback" / folder_name(student) / f"{A}.html"
        if not feedback.is_file():
            missing.append(str(feedback.relative_to(graded.out)))
    assert missing == []


def test_out_holds_no_grader_state(graded):
    finished(graded)
    state = [str(p) for p in graded.out.rglob("*") if p.name in (".work", ".cache")]
    assert state == [], "the grader's own work (restored hidden tests) is inside --out"


def _alnum(text: str) -> str:
    return "".join(ch for ch in text.lower() if ch.isalnum())


def hidden_test_lines() -> list[str]:
    """Each line of a hidden test cell (between its markers) longer than 12 characters that no
    other cell of the solution holds, reduced to its letters and digits (so that no escaping —
    JSON, HTML, CSV — can hide it)."""
    cells = load(SOLUTION)["cells"]
    public = set()
    hidden = set()
    for c in cells:
        src = c["source"] if isinstance(c["source"], str) else "".join(c["source"])
        lines = [ln.strip() for ln in src.splitlines()]
        if gid(c).endswith("-hidden"):
            if "BEGIN HIDDEN TESTS" in src:
                start = lines.index("### BEGIN HIDDEN TESTS")
                hidden |= {ln for ln in lines[start:] if len(ln) > 12}
        else:
            public |= {_alnum(ln) for ln in lines}
    return sorted({_alnum(ln) for ln in hidden} - public - {""})


def _out_texts(out: Path) -> dict[str, str]:
    texts = {}
    for path in sorted(out.rglob("*")):
        if path.is_file() and path.suffix in (".csv", ".html", ".log", ".txt", ".json"):
            text = path.read_text(encoding="utf-8", errors="replace")
            texts[str(path.relative_to(out))] = html.unescape(text)
    return texts


def test_no_hidden_test_source_under_out(graded):
    finished(graded)
    lines = hidden_test_lines()
    assert len(lines) >= 15  # the four hidden cells
    found = {
        name: [ln for ln in lines if ln in squeezed]
        for name, text in _out_texts(graded.out).items()
        if (squeezed := _alnum(text))
    }
    found = {name: hits for name, hits in found.items() if hits}
    assert found == {}, f"hidden tests' lines in --out: {json.dumps(found)[:3000]}"


BUILTIN_EXCEPTIONS = {
    name
    for name in dir(builtins)
    if isinstance(getattr(builtins, name), type)
    and issubclass(getattr(builtins, name), BaseException)
}


def test_hidden_cell_errors_name_a_builtin_type_at_most(graded):
    finished(graded)
    pattern = re.compile(r"скрытая проверка: ошибка в вашем коде \(([^)]*)\)", re.IGNORECASE)
    bad = []
    for row in read_csv(graded.out / "exercises.csv"):
        for named in pattern.findall(row["reason"]):
            if named not in BUILTIN_EXCEPTIONS | {"исключение"}:
                bad.append((row["student_id"], row["exercise"], row["reason"][:300]))
    assert bad == []
    for attack in ("leak_hidden_message", "leak_hidden_ename"):
        reason = exercise_rows(graded, attack)["train_neuron"]["reason"]
        assert pattern.fullmatch(reason), reason[:500]


def test_no_csv_cell_is_a_formula(graded):
    finished(graded)
    formulas = []
    for path in sorted(graded.out.rglob("*.csv")):
        with open(path, newline="", encoding="utf-8") as f:
            for row in csv.reader(f):
                formulas += [(path.name, c[:80]) for c in row if c.startswith(FORMULA_START)]
    assert formulas == []


def test_cached_results_stay_small(graded):
    finished(graded)
    cache = state_of(A, graded.out) / "cache"
    sizes = {p.stem: p.stat().st_size for p in cache.glob("*.json")}
    assert set(sizes) >= set(grades(graded))
    big = {name: size >> 20 for name, size in sizes.items() if size > CACHE_CAP}
    assert big == {}, "cached results over 20 MB (MB)"


@pytest.mark.parametrize("attack", [a for a in SELECTED if a.max_seconds], ids=lambda a: a.name)
def test_attack_notebook_is_stopped_in_time(graded, attack: Attack):
    finished(graded)
    result = cached_result(graded, attack.name)
    assert result["seconds"] <= attack.max_seconds, result["problem"]
    if attack.edit == "stall_cells":  # it outran the budget: stopped, flagged, tests not run
        assert result["problem"], "a notebook that outran its budget ran to the end unflagged"
        assert set(result["not_run"]) >= {"train_neuron-visible", "train_neuron-hidden"}


def test_memfd_counts_against_the_memory_cap(graded):
    """memfd_hog reports what it held if it survives (a cell timeout may stop it first); the
    outputs of the cell a kernel dies in are dropped, so no report means it was killed: then for
    memory."""
    finished(graded)
    result = cached_result(graded, "memfd_hog")
    reports = attack_reports(graded, "memfd_hog")
    if reports:
        assert [r["hits"] for r in reports if r["hits"]] == [], reports[-1]["listed"]
    else:
        assert result["problem"].startswith("память"), result["problem"]


def test_honest_students_are_not_starved(graded):
    """CPU spinners in sessions of their own (hog_cpu_setsid) run while the honest students are
    graded: each kernel has an equal CPU share, so an honest notebook keeps its usual pace."""
    finished(graded)
    seconds = {s: cached_result(graded, s)["seconds"] for s in HONEST}
    assert max(seconds.values()) <= HONEST_SECONDS, seconds


def test_kernel_holds_no_descriptor_of_the_grader(graded):
    """fallocate_keep_size lists the kernel's descriptors: no host file is open for writing (the
    grader's log once was), and the kernel's original stdout and stderr are /dev/null."""
    finished(graded)
    reports = attack_reports(graded, "fallocate_keep_size")
    assert reports, "fallocate_keep_size printed no ATTACK-REPORT line"
    fds = reports[0]["listed"]["fds"]
    roots, _ = _allowed_paths()
    host_files = [
        fd
        for fd in fds
        if fd.split()[1].startswith("file")
        and not fd.split(None, 2)[2].startswith("/home/student/")
        and not (
            fd.split()[1] == "file-r" and any(fd.split(None, 2)[2].startswith(r) for r in roots)
        )
    ]
    assert host_files == [], f"host files open in the kernel: {fds}"
    assert any(fd.endswith(" /dev/null") for fd in fds), fds
    assert not [fd for fd in fds if "(deleted)" in fd], fds


def test_no_notebook_holds_a_worker_past_the_budget(graded):
    """With --timeout 10 the budget is 100 s: no student, stalling or not, kept a worker longer
    (plus the kernel's start and stop). The whole run's time is printed on failure."""
    finished(graded)
    seconds = {s: cached_result(graded, s)["seconds"] for s in grades(graded)}
    slow = {s: t for s, t in seconds.items() if t > 130}
    assert slow == {}, f"run took {graded.seconds:.0f} s"
