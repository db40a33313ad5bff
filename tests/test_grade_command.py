"""`autograder grade` end to end: a generated class of honest, wrong and broken submissions.

Real kernels, real nbgrader preprocessors, a real SQLite gradebook. Every broken kind gets a clear
status and never changes anyone else's grade; results match plain `nbgrader autograde`; re-runs are
idempotent; no hidden-test line reaches any file the command writes.
"""

from __future__ import annotations

import csv
import html
import json
import os
import shutil
import signal
import subprocess
import sys
import time
import zipfile
from pathlib import Path

import pytest
from nbgrader.api import Gradebook

from autograder.build import notebooks
from tests.conftest import COURSE, ROOT
from tests.grade_cli import grade_cli, read_csv, state_of, state_root
from tests.nbgrader_course import autograde

pytestmark = pytest.mark.slow

A = "01-neuron"
SOLUTION = COURSE.source_notebook(A)
RELEASE = COURSE.release_folder(A) / f"{A}.ipynb"
MAX = 11.0


def load(path: Path) -> dict:
    return json.loads(path.read_text(encoding="utf-8"))


def set_answer(nb: dict, exercise: str, code: str) -> dict:
    for cell in nb["cells"]:
        if cell["metadata"].get("nbgrader", {}).get("grade_id") == f"{exercise}-solution":
            cell["source"] = code
    return nb


def gid(cell: dict) -> str:
    return cell.get("metadata", {}).get("nbgrader", {}).get("grade_id", "")


# Over-fitted: trains on the visible data whatever it is given, so it keeps the visible points and
# loses the hidden ones (a wrong update rule is caught by the visible checks now).
WRONG_TRAIN = """def train_neuron(X, y, n_iter, seed):
    w = 2 * np.random.default_rng(seed).random(3) - 1
    for _ in range(n_iter):
        out = sigmoid(X_train @ w)
        w = w + X_train.T @ ((y_train - out) * out * (1 - out))
    return w
"""


def make_class(root: Path) -> None:
    """One folder per student; each kind of submission the grader must cope with."""

    def put(student: str, name: str, data) -> None:
        folder = root / student
        folder.mkdir(parents=True, exist_ok=True)
        if isinstance(data, dict):
            data = json.dumps(data, ensure_ascii=False)
        if isinstance(data, str):
            data = data.encode("utf-8")
        (folder / name).write_bytes(data)

    nb = f"{A}.ipynb"
    put("correct", nb, load(SOLUTION))
    put("blank", nb, load(RELEASE))
    put("partial", nb, set_answer(load(SOLUTION), "train_neuron", WRONG_TRAIN))
    put("bad_json", nb, SOLUTION.read_text()[:5000])
    put("not_utf8", nb, "тетрадка".encode("cp1251"))
    put("empty", nb, b"")
    put("wrong_name", "моя работа.ipynb", load(SOLUTION))
    put("no_notebook", "answers.txt", "забыл тетрадку")
    put("two_notebooks", nb, load(SOLUTION))
    put("two_notebooks", "draft.ipynb", load(RELEASE))
    deleted = load(SOLUTION)
    deleted["cells"] = [c for c in deleted["cells"] if not gid(c).endswith("-visible")]
    put("deleted_tests", nb, deleted)
    dup = load(SOLUTION)
    dup["cells"] = dup["cells"] + [c for c in dup["cells"] if gid(c) == "sigmoid-visible"]
    put("duplicated_cell", nb, dup)
    stripped = load(SOLUTION)
    for cell in stripped["cells"]:
        cell["metadata"] = {}
    put("stripped", nb, stripped)
    edited = load(SOLUTION)
    for cell in edited["cells"]:
        if gid(cell) == "provided-training-data":
            cell["source"] = "X_train = np.zeros((4, 3))\ny_train = np.zeros(4)"
        if gid(cell) == "sigmoid-visible":
            cell["source"] = "pass"
    put("edited_readonly", nb, edited)
    retyped = load(SOLUTION)  # a test cell deleted, then typed again into a fresh cell
    for cell in retyped["cells"]:
        if gid(cell) == "sigmoid-visible":
            cell["metadata"], cell["id"] = {}, "retyped-by-student"
    put("retyped_test", nb, retyped)
    loop = set_answer(
        load(SOLUTION),
        "train_neuron",
        "def train_neuron(X, y, n_iter, seed):\n    while True:\n        pass\n",
    )
    put("infinite_loop", nb, loop)
    put(
        "exits",
        nb,
        set_answer(load(SOLUTION), "network", "import os\nos._exit(0)\n"),
    )
    hog = set_answer(
        load(SOLUTION),
        "train_neuron",
        "hog = [np.ones(10**7) for _ in range(400)]\n" + WRONG_TRAIN,
    )
    put("memory_hog", nb, hog)
    flood = load(SOLUTION)
    for cell in flood["cells"]:
        if gid(cell) == "sigmoid-solution":
            cell["source"] = "print('x' * 20_000_000)\n" + "".join(cell["source"])
    put("output_flood", nb, flood)


# student -> (score, status, a phrase expected among the flags or "")
EXPECTED = {
    "correct": (MAX, "graded", ""),
    "blank": (0.0, "graded", ""),
    "partial": (MAX - 2, "graded", ""),
    "bad_json": (0.0, "unusable", "повреждённый JSON"),
    "not_utf8": (0.0, "unusable", "UTF-8"),
    "empty": (0.0, "unusable", "пустой файл"),
    "wrong_name": (MAX, "flagged", "вместо '01-neuron.ipynb'"),
    "no_notebook": (0.0, "unusable", "нет файла .ipynb"),
    "two_notebooks": (MAX, "flagged", "несколько тетрадок"),
    "deleted_tests": (MAX, "graded", ""),
    "duplicated_cell": (MAX, "graded", ""),
    "stripped": (MAX, "flagged", "метаданные nbgrader удалены"),
    "edited_readonly": (MAX, "graded", ""),
    "retyped_test": (MAX, "flagged", "копия ячейки с проверками"),
    "infinite_loop": (MAX - 4, "graded", ""),
    "exits": (5.0, "flagged", "ядро Python завершилось"),
    "memory_hog": (MAX - 4, "flagged", "память"),
    "output_flood": (MAX, "flagged", "вывод обрезан"),
    "absent": (0.0, "no submission", "не сдана"),
}


def run_grade(submissions: Path, out: Path, db: Path, *extra: str) -> subprocess.CompletedProcess:
    limits = ["--jobs", "2", "--timeout", "5", "--memory-mb", "600"]
    return grade_cli(A, submissions, out, db, *limits, *extra)


def last_plan(out: Path) -> str:
    """The last "N to execute, M unchanged" line of the grading log."""
    lines = [line for line in (out / "grade.log").read_text().splitlines() if "to execute" in line]
    return lines[-1].split(" INFO ", 1)[1]


@pytest.fixture(scope="module")
def graded(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("class")
    make_class(tmp / "subs")
    roster = tmp / "roster.csv"
    roster.write_text("student_id\n" + "\n".join([*EXPECTED]) + "\n")
    out, db = tmp / "out", tmp / "gradebook.db"
    result = run_grade(tmp / "subs", out, db, "--roster", str(roster))
    assert result.returncode == 0, result.stderr[-3000:]
    return tmp, out, db, result


def test_every_student_gets_the_exact_score_and_status(graded):
    _, out, _, _ = graded
    grades = {r["student_id"]: r for r in read_csv(out / "grades.csv")}
    assert set(grades) == set(EXPECTED)
    assert list(read_csv(out / "grades.csv")[0]) == [
        "student_id",
        "assignment",
        "score",
        "max_score",
    ]
    report = (out / "report.html").read_text()
    for student, (score, _, _) in EXPECTED.items():
        row = grades[student]
        assert float(row["score"]) == score, f"{student}: {row['score']} != {score}"
        assert float(row["max_score"]) == MAX and row["assignment"] == A
        assert (out / "feedback" / student / f"{A}.html").is_file()
    for student, (_, status, phrase) in EXPECTED.items():
        if status != "graded":
            assert student in report, f"{student} is not flagged in the report"
        if phrase:
            feedback = html.unescape((out / "feedback" / student / f"{A}.html").read_text())
            assert phrase in feedback, f"{student}: {phrase!r} not in the feedback"


def test_exercises_csv_explains_failures(graded):
    _, out, _, _ = graded
    rows = {(r["student_id"], r["exercise"]): r for r in read_csv(out / "exercises.csv")}
    assert rows[("correct", "sigmoid")]["status"] == "passed"
    partial = rows[("partial", "train_neuron")]
    assert partial["status"] == "partial" and "train_neuron/" in partial["reason"]
    assert rows[("exits", "network")]["status"] == "not run"
    assert rows[("exits", "sigmoid")]["status"] == "passed"
    assert "превышено время" in rows[("infinite_loop", "train_neuron")]["reason"]
    assert rows[("bad_json", "sigmoid")]["reason"].startswith("работа не оценена")
    assert rows[("absent", "sigmoid")]["status"] == "no submission"
    # A blank exercise is named as such in Russian, never as a bare «NotImplementedError:».
    blank = rows[("blank", "sigmoid")]["reason"]
    assert "упражнение не решено" in blank and "NotImplementedError:" not in blank, blank


def test_no_hidden_test_line_in_any_output(graded):
    _, out, _, _ = graded
    source = notebooks.read(SOLUTION)
    hidden_lines = set()
    for ex in notebooks.exercises(source):
        block = source.cells[ex.cells["hidden"]].source.split("### BEGIN HIDDEN TESTS")[1]
        for line in block.split("### END HIDDEN TESTS")[0].splitlines():
            if len(line.strip()) > 12:
                hidden_lines.add(line.strip())
    assert hidden_lines
    # --out holds only what may be handed out: the grader's work and cache live elsewhere.
    assert not (out / ".work").exists() and not (out / ".cache").exists()
    written = [p for p in out.rglob("*") if p.is_file()]
    for path in written:
        text = path.read_text(encoding="utf-8", errors="replace")
        for line in hidden_lines:
            assert line not in text, f"{path.name} shows a hidden-test line: {line}"


def test_scores_equal_plain_nbgrader_on_well_formed_submissions(graded, tmp_path):
    tmp, out, _, _ = graded
    ours = {r["student_id"]: float(r["score"]) for r in read_csv(out / "grades.csv")}
    subs = {s: tmp / "subs" / s / f"{A}.ipynb" for s in ("correct", "blank", "partial")}
    plain = autograde(COURSE, A, subs, tmp_path)
    for student in subs:
        assert ours[student] == plain[student].score, student


def test_rerun_is_idempotent_and_keeps_manual_overrides(graded):
    tmp, out, db, _ = graded
    before = (out / "grades.csv").read_text()
    with Gradebook(f"sqlite:///{db}") as gb:  # an instructor's manual override of one cell
        gb.find_grade("sigmoid-visible", A, A, "blank").manual_score = 1
        gb.db.commit()
    result = run_grade(tmp / "subs", out, db, "--roster", str(tmp / "roster.csv"))
    assert result.returncode == 0, result.stderr[-2000:]
    assert last_plan(out).startswith("0 to execute")
    after = {r["student_id"]: float(r["score"]) for r in read_csv(out / "grades.csv")}
    expected = {r["student_id"]: float(r["score"]) for r in csv.DictReader(before.splitlines())}
    expected["blank"] += 1
    assert after == expected
    with Gradebook(f"sqlite:///{db}") as gb:  # nothing duplicated
        assert len(gb.find_assignment(A).submissions) == len(EXPECTED)


def test_changed_submission_is_regraded(graded, tmp_path):
    tmp, out, db, _ = graded
    subs = tmp_path / "subs"
    shutil.copytree(tmp / "subs", subs)
    shutil.copy(SOLUTION, subs / "blank" / f"{A}.ipynb")
    result = run_grade(subs, out, db)
    assert result.returncode == 0, result.stderr[-2000:]
    assert last_plan(out).startswith("1 to execute")
    grades = {r["student_id"]: float(r["score"]) for r in read_csv(out / "grades.csv")}
    assert grades["blank"] == MAX  # the manual override of 1 point on a passed cell stays <= max


def test_lms_zip_with_hostile_entries(tmp_path):
    archive = tmp_path / "moodle.zip"
    good = SOLUTION.read_bytes()
    with zipfile.ZipFile(archive, "w") as zf:
        zf.writestr("Иван Петров_1001_assignsubmission_file_/01-neuron.ipynb", good)
        zf.writestr(
            "Анна Смирнова_1002_assignsubmission_file_/01-neuron.ipynb", RELEASE.read_bytes()
        )
        zf.writestr("../escape.ipynb", good)
        zf.writestr("/abs.ipynb", good)
        link = zipfile.ZipInfo("Олег_1003_assignsubmission_file_/01-neuron.ipynb")
        link.external_attr = 0o120777 << 16
        zf.writestr(link, "/etc/passwd")
    out, db = tmp_path / "out", tmp_path / "gb.db"
    result = run_grade(archive, out, db)
    assert result.returncode == 0, result.stderr[-2000:]
    grades = {r["student_id"]: float(r["score"]) for r in read_csv(out / "grades.csv")}
    assert grades == {"1001": MAX, "1002": 0.0}
    log = (out / "grade.log").read_text()
    assert "../escape.ipynb: refused" in log and "/abs.ipynb: refused" in log
    assert "symbolic link" in log
    assert not (tmp_path / "escape.ipynb").exists()


@pytest.mark.parametrize(
    "args, says",
    [
        (["99-nothing", "."], "unknown assignment"),
        ([A, "/no/such/folder"], "no such file or folder"),
        ([A, ".", "--db", "postgresql://nobody@127.0.0.1:1/none"], "database unreachable"),
    ],
)
def test_instructor_errors_are_one_line(tmp_path, args, says):
    result = subprocess.run(
        [sys.executable, "-m", "autograder.cli", "grade", *args, "--out", str(tmp_path / "o")],
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    assert result.returncode == 2
    assert says in result.stderr and len(result.stderr.strip().splitlines()) == 1, result.stderr


def test_killed_run_resumes_with_the_same_grades(tmp_path):
    subs = tmp_path / "subs"
    for i in range(6):
        (subs / f"s{i}").mkdir(parents=True)
        nb = (
            load(SOLUTION)
            if i % 2 == 0
            else set_answer(load(SOLUTION), "train_neuron", WRONG_TRAIN)
        )
        (subs / f"s{i}" / f"{A}.ipynb").write_text(json.dumps(nb))
    out, db = tmp_path / "out", tmp_path / "gb.db"
    env = {**os.environ, "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}"}
    cmd = [
        sys.executable,
        "-m",
        "autograder.cli",
        "grade",
        A,
        str(subs),
        "--out",
        str(out),
        "--db",
        f"sqlite:///{db}",
        "--jobs",
        "1",
        "--quiet",
        "--state",
        str(state_root(out)),
    ]
    cache = state_of(A, out) / "cache"
    proc = subprocess.Popen(
        cmd,
        cwd=ROOT,
        env=env,
        start_new_session=True,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 300
    while time.monotonic() < deadline and len(list(cache.glob("*.json"))) < 2:
        time.sleep(0.2)
    os.killpg(proc.pid, signal.SIGKILL)  # the whole command, mid-run
    proc.wait()
    done_before = len(list(cache.glob("*.json")))
    assert 2 <= done_before < 6
    result = subprocess.run(cmd, cwd=ROOT, env=env, capture_output=True, text=True, timeout=600)
    assert result.returncode == 0, result.stderr[-2000:]
    assert last_plan(out).startswith(f"{6 - done_before} to execute")
    grades = {r["student_id"]: float(r["score"]) for r in read_csv(out / "grades.csv")}
    assert grades == {f"s{i}": (MAX if i % 2 == 0 else MAX - 2) for i in range(6)}
