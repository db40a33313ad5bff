"""``autograder grade``: submissions -> gradebook, grades.csv, exercises.csv, feedback, report.

nbgrader does the grading: ``generate_assignment`` records the assignment in the gradebook, its
``OverwriteCells`` restores the instructor's read-only and test cells (hidden tests included), its
``Execute`` runs the notebook and its ``SaveAutoGrades`` scores the test cells into the gradebook.
This module adds what nbgrader lacks: tolerant collection and repair of submissions, parallel
execution in worker processes (one process writes the gradebook), limits, a cache that makes
re-runs idempotent and resumable, and reports that never show hidden tests.
"""

from __future__ import annotations

import csv
import hashlib
import json
import logging
import multiprocessing
import os
import sys
import threading
import warnings
from concurrent.futures import ProcessPoolExecutor, as_completed
from dataclasses import dataclass, field
from pathlib import Path

import nbformat
from nbgrader import utils as nbg_utils
from nbgrader.api import Gradebook, MissingEntry
from nbgrader.preprocessors import OverwriteCells, OverwriteKernelspec
from sqlalchemy.exc import SAWarning
from tqdm import tqdm

from .. import diagnoses
from ..build import notebooks
from ..build.course import Course
from ..build.execute import QUIET_ENV
from ..build.generate import generate_release
from ..checks import EMIT_ENV
from ..errors import CourseError
from ..reference import REFERENCE_FILENAME
from . import autograded, warm
from .collect import collect
from .dblock import gradebook_lock
from .gradebook import Writer, stamp_new_gradebooks_in_process
from .run_submission import (
    Limits,
    execute,
    remove_tree,
    standard_imports,
    sweep_dead_workers,
    worker_init,
)
from .sandbox import detect, unconfined
from .submission import Prepared, prepare
from .text import Redactor, clean, error_label, first_line
from .verify import NOT_RUN

log = logging.getLogger("autograder.grading.grade")


@dataclass
class ExerciseResult:
    name: str
    score: float
    max_score: float
    status: str  # passed | failed | partial | not run | no submission
    reason: str = ""
    details: list[str] = field(default_factory=list)  # feedback lines (visible messages)
    diagnoses: list[str] = field(default_factory=list)  # the likely mistakes (autograder.diagnoses)


@dataclass
class StudentResult:
    student: str
    score: float
    max_score: float
    status: str  # graded | flagged | no submission | unusable
    flags: list[str]
    exercises: list[ExerciseResult]
    source: str = ""
    answers: dict[str, str] = field(default_factory=dict)


@dataclass
class Options:
    jobs: int
    db_url: str | None
    timeout: int | None
    roster: Path | None
    quiet: bool
    pattern: str | None
    memory_mb: int = 2048
    output_bytes: int = 5_000_000
    sandbox: str = "auto"  # auto | require | off
    state: Path | None = None  # the grader's own work and cache (default: under the course)
    layout: str = "auto"  # auto | folders | lms
    scheduler: str | None = None  # a Dask scheduler address or local:N; None: the local pool
    autograded: Path | None = None  # also nbgrader's autograded/ folder, for formgrader


# Part of every cache key: a result cached by an older grader is executed again.
CACHE_VERSION = "2"
STATE_FOLDER = ".autograder-state"


def state_dir(course: Course, assignment: str, out: Path, state: Path | None = None) -> Path:
    """Where a grading run into ``out`` keeps its own work and cache: never inside ``out`` (they
    hold the restored hidden tests and the instructor's notebook), one folder per results folder."""
    tag = hashlib.sha256(str(Path(out).resolve()).encode()).hexdigest()[:12]
    return Path(state or course.root / STATE_FOLDER) / f"{assignment}-{tag}"


def grade(course: Course, assignment: str, submissions: Path, out: Path, opt: Options):
    # nbgrader's gradebook triggers SQLAlchemy autoflush warnings on new submissions: not ours.
    warnings.filterwarnings("ignore", category=SAWarning)
    course.check_assignment(assignment)
    if not Path(submissions).exists():
        raise CourseError(submissions, "no such file or folder")
    reference = course.reference_file(assignment)
    if not reference.is_file():
        raise CourseError(reference, "missing: run `autograder build` first")
    if not opt.scheduler:
        return _grade(course, assignment, submissions, out, opt, reference, None)
    from .distributed import connect  # dask is imported only when it is used

    # The Dask client lives for the whole run (every attempt); a LocalCluster closes with it.
    with connect(opt.scheduler) as cluster:
        return _grade(course, assignment, submissions, out, opt, reference, cluster)


def _grade(course, assignment, submissions, out, opt, reference, cluster):
    out.mkdir(parents=True, exist_ok=True)
    _setup_log(out / "grade.log")
    db_url = opt.db_url or f"sqlite:///{course.root / 'gradebook.db'}"
    _check_db(db_url)
    if opt.autograded:
        autograded.check(opt.autograded, out)
    state = state_dir(course, assignment, out, opt.state)
    work = state / "work"
    reference = _judging_reference(course, assignment, reference, state)
    template, notebook_id = _register_assignment(course, assignment, db_url, work)
    collected = collect(submissions, work, opt.pattern, opt.layout, assignment)
    for problem in collected.problems:
        log.warning(problem)
    students = dict(collected.submissions)
    roster = _read_roster(opt.roster) if opt.roster else []
    expected = f"{notebook_id}.ipynb"
    limits = time_limits(course, reference, opt)
    log.info(
        "time limits: %d s per cell, %d s per notebook", limits.cell_timeout, limits.notebook_budget
    )
    sandbox = (
        detect() if opt.sandbox != "off" else unconfined("песочница отключена (--sandbox off)")
    )
    if sandbox.cgroups.available:
        log.info("each kernel in cgroups of its own (v%d)", sandbox.cgroups.version)
    elif opt.sandbox != "off":
        warning = (
            f"ВНИМАНИЕ: cgroups недоступны — {sandbox.cgroups.why_not}. Память, число процессов "
            "и доля процессора ядер ограничиваются только опросом (memfd, tmpfs и кэш не видны)."
        )
        log.warning(warning)
        print(warning, file=sys.stderr)
    if sandbox.isolated:
        log.info("kernels run in a bubblewrap sandbox (%s)", sandbox.bwrap)
    elif opt.sandbox == "require":
        raise CourseError("bwrap", f"no sandbox: {sandbox.warning}")
    else:
        warning = (
            f"ВНИМАНИЕ: работы выполняются без песочницы — {sandbox.warning}. Код студентов "
            "видит файлы и сеть этой машины; действуют только лимиты ресурсов"
            + (" и отдельный пользователь." if sandbox.drops_privileges else ".")
        )
        log.warning(warning)
        print(warning, file=sys.stderr)
    if cluster is not None:
        cluster.check_workers(sandbox, opt.sandbox)
    # The kernel gets no reference: it reports values, the grader judges them (verify.py).
    env = {**QUIET_ENV, EMIT_ENV: "1"}
    # While the submissions are prepared, this process builds the font list and starts the
    # kernel zygote that its workers will share (joined before they are forked).
    prestart = threading.Thread(
        target=warm.prestart, args=(sandbox, env, standard_imports(template)), daemon=True
    )
    if cluster is None:
        prestart.start()
    salt = hashlib.sha256(
        CACHE_VERSION.encode()
        + notebooks.dumps(template).encode()
        + reference.read_bytes()
        + repr(limits).encode()
        + repr(sandbox.isolated).encode()
    ).hexdigest()
    log.info(
        "grading %s: %d submissions (%s layout), %d on the roster",
        assignment,
        len(students),
        collected.layout,
        len(roster),
    )

    prepared: dict[str, Prepared] = {}
    for student, sub in sorted(students.items()):
        prepared[student] = prepare(student, sub.files, expected, template)
        prepared[student].flags[:0] = list(getattr(sub, "problems", []))
        for flag in prepared[student].flags:
            log.warning("%s: %s", student, flag)
    resources = {
        "nbgrader": {
            "db_url": db_url,
            "assignment": assignment,
            "notebook": notebook_id,
            "student": None,
        }
    }
    for p in prepared.values():
        if p.nb is not None:
            res = {"nbgrader": {**resources["nbgrader"], "student": p.student}}
            p.nb, _ = OverwriteKernelspec().preprocess(p.nb, res)
            p.nb, _ = OverwriteCells().preprocess(p.nb, res)

    cache = state / "cache"
    cache.mkdir(parents=True, exist_ok=True)
    runs: dict[str, dict] = {}
    pending = []
    for p in prepared.values():
        if p.nb is None:
            continue
        key = hashlib.sha256((salt + p.digest).encode()).hexdigest()
        hit = _load_cache(cache / f"{_safe(p.student)}.json", key)
        if hit:
            runs[p.student] = hit
        else:
            pending.append((p, key))
    log.info("%d to execute, %d unchanged since the last run", len(pending), len(runs))

    done_count = 0
    # One open gradebook for the run; closed even when grading stops half-way.
    with Writer(db_url, assignment, notebook_id) as writer:
        save = writer.save
        for p in prepared.values():
            if p.student in runs:
                if not save(p.student, nbformat.reads(runs[p.student]["nb"], as_version=4)):
                    runs[p.student] = _not_run(p.nb, "не удалось записать оценки")
        # A dead worker, a broken pool or a kernel that did not start is the machine's fault: the
        # submission is tried again in a fresh pool, never cached as a result, and flagged if it
        # still fails.
        for attempt in range(EXECUTION_ATTEMPTS):
            if not pending:
                break
            failed: list[tuple[Prepared, str, str]] = []
            # A retry runs each submission in a pool of its own: one that keeps killing its worker
            # cannot take anybody else's down with it.
            # On Dask the scheduler already keeps a dying worker's task from taking others down.
            groups = [pending] if attempt == 0 or cluster else [[one] for one in pending]
            outcomes = (
                outcome
                for group in groups
                for outcome in _execute_all(
                    group,
                    course,
                    assignment,
                    work,
                    env,
                    limits,
                    sandbox,
                    reference,
                    opt,
                    cluster,
                    before_fork=lambda: _after(prestart, writer.close),
                )
            )
            for p, key, result in outcomes:
                if isinstance(result, str):
                    failed.append((p, key, result))
                    log.warning("%s: %s (attempt %d)", p.student, result, attempt + 1)
                    continue
                if not save(p.student, nbformat.reads(result["nb"], as_version=4)):
                    result = _not_run(p.nb, "не удалось записать оценки")
                _store_cache(cache / f"{_safe(p.student)}.json", key, result)
                runs[p.student] = result
                done_count += 1
            pending = [(p, key) for p, key, _ in failed]
            if attempt == EXECUTION_ATTEMPTS - 1:
                for p, _, why in failed:
                    result = _not_run(p.nb, f"сбой проверяющей системы, не по вине студента: {why}")
                    result["infrastructure"] = True
                    save(p.student, nbformat.reads(result["nb"], as_version=4))
                    runs[p.student] = result
        for student in sorted(set(roster) | {p.student for p in prepared.values() if p.nb is None}):
            if student not in runs:
                save(student, None)

    _after(prestart, lambda: None)  # nothing was left to execute: it ran for nothing
    results = _results(db_url, assignment, notebook_id, template, prepared, runs, roster)
    redact = Redactor(_hidden_sources(course, assignment))
    for r in results:
        r.flags = [redact(f) for f in r.flags]
        for e in r.exercises:
            e.reason, e.details = redact(e.reason), [redact(d) for d in e.details]
            e.diagnoses = [redact(d) for d in e.diagnoses]
    log.info("graded %d students (%d executed now)", len(results), done_count)
    if opt.autograded:
        executed = {student: run["nb"] for student, run in runs.items()}
        files = {student: sub.files for student, sub in students.items()}
        count = autograded.write(opt.autograded, db_url, assignment, notebook_id, executed, files)
        log.info("%d graded notebooks written to %s (for formgrader)", count, opt.autograded)
    return results


EXECUTION_ATTEMPTS = 3
# Time limits from the solution's own run at build time (reference.json's "timing"): an honest
# answer may be many times slower than the solution (a loop instead of vectorised code, a live
# progress print at every step, a slower machine, two kernels per core); an infinite loop costs
# half a minute, not twenty.
CELL_FACTOR, MIN_CELL_SECONDS = 10, 30
NOTEBOOK_FACTOR, MIN_NOTEBOOK_SECONDS = 10, 180


def time_limits(course: Course, reference: Path, opt: Options) -> Limits:
    """Per-cell timeout and notebook budget: ``--timeout`` as given (budget ten cells), else
    calibrated on the solution's recorded run, never above nbgrader_config.py's timeout."""
    memory = opt.memory_mb << 20
    if opt.timeout:
        return Limits(opt.timeout, 10 * opt.timeout, memory, opt.output_bytes)
    ceiling = course.cell_timeout
    try:
        timing = json.loads(reference.read_text(encoding="utf-8")).get("timing") or {}
        slowest, total = float(timing["slowest_cell"]), float(timing["total"])
    except (OSError, ValueError, KeyError, TypeError):
        return Limits(ceiling, 10 * ceiling, memory, opt.output_bytes)
    cell = int(min(ceiling, max(MIN_CELL_SECONDS, CELL_FACTOR * slowest)))
    budget = int(min(10 * ceiling, max(MIN_NOTEBOOK_SECONDS, NOTEBOOK_FACTOR * total, 2 * cell)))
    return Limits(cell, budget, memory, opt.output_bytes)


def _execute_all(
    pending,
    course,
    assignment,
    work,
    env,
    limits,
    sandbox,
    reference,
    opt,
    cluster=None,
    before_fork=lambda: None,
):
    """Execute ``pending`` in a fresh pool (or as tasks on the Dask ``cluster``); yield
    (prepared, key, result or failure text). ``before_fork`` closes what the workers must not
    inherit (the gradebook's connection)."""
    if cluster is not None:
        bar = tqdm(total=len(pending), disable=opt.quiet, unit="работ", desc=assignment)
        try:
            data = course.source_dir / assignment
            yield from cluster.execute(
                pending, data, env, limits, sandbox, opt.sandbox, reference, bar
            )
        finally:
            bar.close()
        return
    # fork: workers start with nbgrader already imported (no new interpreter, no re-import);
    # the parent holds no kernel, zmq context or thread yet.
    ctx = multiprocessing.get_context("fork")
    before_fork()
    bar = tqdm(total=len(pending), disable=opt.quiet, unit="работ", desc=assignment)
    jobs = min(opt.jobs, len(pending))
    try:
        with ProcessPoolExecutor(jobs, mp_context=ctx, initializer=worker_init) as pool:
            futures = {}
            for slot, (p, key) in enumerate(pending):
                workdir = _workdir(course, assignment, work / "run" / _safe(p.student))
                args = (nbformat.writes(p.nb), str(workdir), env, limits, sandbox, slot)
                futures[pool.submit(execute, *args, str(reference))] = (p, key)
            for fut in as_completed(futures):
                p, key = futures[fut]
                try:
                    result = fut.result()
                except Exception as e:  # a worker died, the pool broke, no kernel started
                    result = f"{type(e).__name__}"
                bar.set_postfix_str(p.student)
                bar.update()
                yield p, key, result
    finally:
        bar.close()
        for path in sweep_dead_workers(sandbox):
            log.warning("removed what a dead worker left: %s", path)


def _after(thread: threading.Thread, then) -> None:
    """Wait for ``thread`` (if it was started), then call ``then``: nothing runs in a second
    thread when the workers are forked."""
    if thread.is_alive():
        thread.join()
    then()


def _judging_reference(course: Course, assignment: str, reference: Path, state: Path) -> Path:
    """One file with all the grader judges by: the reference and the diagnoses of the mutant
    catalogue (hidden keys included). It travels to wherever the notebook is judged."""
    doc = json.loads(reference.read_text(encoding="utf-8"))
    doc["diagnoses"] = diagnoses.load(course.source_dir / assignment / diagnoses.DIAGNOSES_FILENAME)
    state.mkdir(parents=True, exist_ok=True)
    path = state / REFERENCE_FILENAME
    text = json.dumps(doc, ensure_ascii=False, sort_keys=True)
    if not path.is_file() or path.read_text(encoding="utf-8") != text:
        path.write_text(text, encoding="utf-8")
    return path


def _hidden_sources(course: Course, assignment: str) -> list[str]:
    """The hidden tests' source, from the instructor's notebook: what no output may show."""
    nb = notebooks.read(course.source_notebook(assignment))
    blocks = []
    for cell in nb.cells:
        for part in cell.source.split("### BEGIN HIDDEN TESTS")[1:]:
            blocks.append("### BEGIN HIDDEN TESTS" + part.split("### END HIDDEN TESTS")[0])
    return blocks


def _setup_log(path: Path) -> None:
    handler = logging.FileHandler(path, mode="a", encoding="utf-8")
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(message)s"))
    log.handlers[:] = [handler]
    log.setLevel(logging.INFO)
    log.propagate = False


def _check_db(db_url: str) -> None:
    stamp_new_gradebooks_in_process()
    try:  # under the lock: a first run creates the tables, a second must not race it
        with gradebook_lock(db_url), Gradebook(db_url):
            pass
    except Exception as e:
        raise CourseError(db_url, f"database unreachable: {str(e).splitlines()[0]}") from None


def _register_assignment(course: Course, assignment: str, db_url: str, work: Path):
    """Record the assignment in the gradebook (generate_assignment); return the template."""
    with gradebook_lock(db_url):
        released = generate_release(course, assignment, work / "course", db_url)
    released = sorted(released.glob("*.ipynb"))
    if len(released) != 1:
        raise CourseError(course.source_dir / assignment, "an assignment must have one notebook")
    return nbformat.read(released[0], as_version=4), released[0].stem


def _read_roster(path: Path) -> list[str]:
    try:
        with open(path, newline="", encoding="utf-8-sig") as f:
            rows = list(csv.reader(f))
    except OSError as e:
        raise CourseError(path, f"cannot read the roster: {e.strerror}") from None
    if not rows:
        return []
    first = rows[0][0].strip().lower() if rows[0] else ""
    body = rows[1:] if first in ("student_id", "id", "student") else rows
    return [r[0].strip() for r in body if r and r[0].strip()]


def _safe(student: str) -> str:
    return "".join(ch if ch.isalnum() or ch in "-_." else "_" for ch in student) or "_"


def _workdir(course: Course, assignment: str, path: Path) -> Path:
    """A private folder with the assignment's data files (as nbgrader copies them)."""
    remove_tree(path)  # a previous kernel's leftovers, whatever it left (no recursion)
    # One list of what never reaches a kernel (the reference, the diagnoses), shared with the
    # build; notebooks are not data files.
    course.copy_assignment(assignment, path, "*.ipynb")
    return path


def _load_cache(path: Path, key: str) -> dict | None:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return data["result"] if data.get("key") == key else None


def _store_cache(path: Path, key: str, result: dict) -> None:
    tmp = path.with_suffix(".tmp")
    tmp.write_text(json.dumps({"key": key, "result": result}), encoding="utf-8")
    os.replace(tmp, path)


def _not_run(nb, why: str) -> dict:
    for cell in nb.cells:
        if cell.cell_type == "code":
            cell.outputs = [
                nbformat.v4.new_output("error", ename=NOT_RUN, evalue=why, traceback=[])
            ]
    return {"nb": nbformat.writes(nb), "problem": why, "truncated": False, "seconds": 0}


def _results(db_url, assignment, notebook_id, template, prepared, runs, roster):
    exercises = notebooks.exercises(template)
    out: list[StudentResult] = []
    students = sorted(set(prepared) | set(roster))
    with Gradebook(db_url) as gb:
        for student in students:
            p = prepared.get(student)
            run = runs.get(student)
            try:
                sub = gb.find_submission(assignment, student)
                score, max_score = float(sub.score), float(sub.max_score)
                nb_sub = gb.find_submission_notebook(notebook_id, assignment, student)
                cell_scores = {g.name: float(g.score) for g in nb_sub.grades}
            except MissingEntry:
                score, max_score, cell_scores = 0.0, 0.0, {}
            flags = list(p.flags) if p else []
            if p is None:
                status = "no submission"
                ex_results = _empty(exercises, "no submission", "работа не сдана")
                flags.append("работа не сдана")
            elif run is None:
                status = "unusable"
                ex_results = _empty(exercises, "not run", f"работа не оценена: {p.fatal}")
                flags.append(p.fatal)
            else:
                executed = nbformat.reads(run["nb"], as_version=4)
                ex_results = _exercise_results(executed, exercises, cell_scores, run)
                if run.get("problem"):
                    flags.append(first_line(run["problem"]))
                if run.get("truncated"):
                    flags.append("вывод обрезан: слишком много текста")
                if run.get("leftover"):
                    flags.append("после выполнения не удалось убрать файлы ядра с диска")
                status = "flagged" if flags else "graded"
            answers = _answers(p.nb, exercises) if p and p.nb is not None else {}
            out.append(
                StudentResult(
                    student,
                    score,
                    max_score,
                    status,
                    flags,
                    ex_results,
                    p.source if p else "",
                    answers,
                )
            )
    return out


def _empty(exercises, status, reason):
    return [ExerciseResult(ex.name, 0.0, ex.max_points, status, reason) for ex in exercises]


def _answers(nb, exercises) -> dict[str, str]:
    by_gid = {notebooks.grade_id(c): c.source for c in nb.cells if notebooks.grade_id(c)}
    return {ex.name: by_gid.get(f"{ex.name}-solution", "") for ex in exercises}


def _exercise_results(nb, exercises, cell_scores, run: dict) -> list[ExerciseResult]:
    by_gid = {notebooks.grade_id(c): c for c in nb.cells if notebooks.grade_id(c)}
    verdicts = run.get("verdicts") or {}
    not_run_cells = set(run.get("not_run") or [])
    results = []
    for ex in exercises:
        score, reasons, details, likely, not_run = 0.0, [], [], [], False
        for part in ("visible", "hidden"):
            gid = f"{ex.name}-{part}"
            cell = by_gid.get(gid)
            if cell is None:
                reasons.append(f"{part}: ячейка не найдена")
                continue
            auto, _ = nbg_utils.determine_grade(cell)
            score += cell_scores.get(gid, auto or 0.0)
            if (auto or 0) < ex.points.get(part, 0):
                skipped = gid in not_run_cells
                reason, detail = _why_failed(cell, part, verdicts.get(gid))
                not_run |= skipped
                reasons.append(reason)
                if detail:
                    details.append(detail)
                found = diagnoses.diagnosis_in(verdicts.get(gid) or "")
                if found and found not in likely:
                    likely.append(found)
        if score >= ex.max_points:
            status = "passed"
        elif not_run:
            status = "not run"
        else:
            status = "failed" if score == 0 else "partial"
        results.append(
            ExerciseResult(
                ex.name, score, ex.max_points, status, "; ".join(reasons), details, likely
            )
        )
    return results


def _why_failed(cell, part: str, verdict: str | None) -> tuple[str, str]:
    """(one-line reason, feedback detail) of a failed test cell.

    The grader's own verdict first (for hidden tests: the key and the size of the error). What the
    kernel wrote is the student's code speaking, so for a hidden cell only the type of a
    built-in exception is named — never its text, which could carry the hidden tests' source —
    and for a visible cell only the grader's verdict (the check's message, judged again here).
    """
    if verdict:
        if part == "hidden":
            return first_line(verdict), ""
        return first_line(verdict), clean(verdict)
    for o in cell.outputs:
        if o.output_type == "error":
            if o.ename in ("KeyboardInterrupt", "CellTimeoutError"):
                # nbgrader interrupts a cell that ran past the timeout
                return f"{part}: превышено время выполнения ячейки (бесконечный цикл?)", ""
            what = error_label(o.ename)
            return (f"скрытая проверка: {what}" if part == "hidden" else what), ""
    for o in cell.outputs:
        if o.output_type == "stream" and o.name == "stderr":
            if part == "hidden":
                return "скрытая проверка: вывод в stderr (например, предупреждение numpy)", ""
            return "вывод в stderr, ячейка не засчитана", ""
    return "не засчитано", ""
