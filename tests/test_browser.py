"""The student's JupyterLab in a real browser: Binder-like and local, every notebook.

The published student repository gets its environment the way Binder builds it (a fresh venv,
``pip install -r binder/requirements.txt``, ``binder/postBuild``); JupyterLab runs on a free
port with a token, and Debian's chromium (Playwright) plays a student through every notebook.
The instructor's ``make lab`` (formgrader) and the local ``make student`` are checked too.
Screenshots of failures are kept in ``build/browser/``.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import sysconfig
import time
from pathlib import Path
from types import SimpleNamespace

import pytest

from autograder.build import notebooks
from tests import browser
from tests.conftest import COURSE, ROOT, assignments
from tests.diagnosis_lookup import diagnoses_of, reference_of, visible_point
from tests.grade_cli import autograder_cli, grade_cli, read_csv
from tests.mutants import catalogue

pytestmark = pytest.mark.slow
ARTIFACTS = ROOT / "build" / "browser"
STUB_MESSAGE = "Упражнение ещё не решено"
PASSED = "Видимые проверки пройдены ✓"


def _tracked_copy(target: Path) -> Path:
    files = subprocess.run(
        ["git", "ls-files", "-co", "--exclude-standard"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    ).stdout.split()
    for name in files:
        if (ROOT / name).is_file():
            (target / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(ROOT / name, target / name)
    return target


def _venv_like_pip_made_it(venv: Path) -> None:
    """A fresh venv that sees this environment's packages (a .pth file) and has the data files
    pip installs with them (share/jupyter, etc/jupyter), so no 1.5 GB is downloaded again."""
    # pip too comes from this environment (ensurepip would copy it in again, slowly).
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True)
    site = next((venv / "lib").glob("python3*/site-packages"))
    (site / "outer-environment.pth").write_text(sysconfig.get_paths()["purelib"] + "\n")
    share = Path(sys.prefix) / "share" / "jupyter"
    (venv / "share" / "jupyter" / "lab").mkdir(parents=True)
    for item in share.iterdir():
        if item.name == "lab":  # lab/settings is the environment's own (postBuild writes there)
            for sub in item.iterdir():
                (venv / "share" / "jupyter" / "lab" / sub.name).symlink_to(sub)
        elif item.name != "kernels":  # the kernel is the new venv's python
            (venv / "share" / "jupyter" / item.name).symlink_to(item)
    shutil.copytree(Path(sys.prefix) / "etc" / "jupyter", venv / "etc" / "jupyter")


@pytest.fixture(scope="module")
def binder(tmp_path_factory):
    """The published student repository in an environment built the way Binder builds it."""
    tmp = tmp_path_factory.mktemp("binder")
    repo = tmp / "student"
    published = autograder_cli("publish", str(repo))
    assert published.returncode == 0, published.stderr
    venv = tmp / "venv"
    _venv_like_pip_made_it(venv)
    env = browser.clean_home(tmp / "home")
    env["PATH"] = os.pathsep.join([str(venv / "bin"), os.environ["PATH"]])
    env["PIP_DISABLE_PIP_VERSION_CHECK"] = "1"
    python = str(venv / "bin" / "python")
    for step in (
        [python, "-m", "pip", "install", "-q", "-r", "binder/requirements.txt"],
        ["bash", "binder/postBuild"],
    ):
        done = subprocess.run(step, cwd=repo, env=env, capture_output=True, text=True, timeout=900)
        assert done.returncode == 0, done.stdout[-2000:] + done.stderr[-2000:]
    return SimpleNamespace(repo=repo, venv=venv, python=python, env=env, tmp=tmp)


def test_postbuild_installs_the_package_and_hides_instructor_tools(binder):
    where = subprocess.run(
        [binder.python, "-c", "import autograder.checks as c; print(c.__file__)"],
        capture_output=True,
        text=True,
        env=binder.env,
        cwd=binder.tmp,
    )
    assert where.returncode == 0, where.stderr
    assert where.stdout.startswith(str(binder.venv / "lib")), where.stdout
    page = json.loads((binder.venv / "etc/jupyter/labconfig/page_config.json").read_text())
    disabled, locked = page["disabledExtensions"], page["lockedExtensions"]
    # The menu too: disabling only what it holds left an empty «Nbgrader» menu.
    for plugin in ("formgrader", "create-assignment", "course-list", "assignment-list", "menu"):
        assert disabled.get(f"@jupyter/nbgrader:{plugin}") is True
        assert locked.get(f"@jupyter/nbgrader:{plugin}") is True, "the Plugin Manager could undo it"
    assert "@jupyter/nbgrader:validate-assignment" not in disabled
    overrides = binder.venv / "share/jupyter/lab/settings/overrides.json"
    news = json.loads(overrides.read_text())["@jupyterlab/apputils-extension:notification"]
    assert news["fetchNews"] == "false"
    # What a server started from this environment loads:
    effective = subprocess.run(
        [
            binder.python,
            "-c",
            "import json\n"
            "from jupyter_core.paths import jupyter_config_path\n"
            "from jupyter_server.extension.config import ExtensionConfigManager as M\n"
            "print(json.dumps(M(read_config_path=jupyter_config_path()).get_jpserver_extensions()))",
        ],
        capture_output=True,
        text=True,
        env=binder.env,
        cwd=binder.tmp,
        check=True,
    )
    extensions = json.loads(effective.stdout)
    for ext in ("formgrader", "course_list", "assignment_list"):
        assert extensions[f"nbgrader.server_extensions.{ext}"] is False
    assert extensions["nbgrader.server_extensions.validate_assignment"] is True
    # The repository is the student's home on Binder: the package build leaves nothing there.
    assert not (binder.repo / "build").exists() and not list(binder.repo.glob("*.egg-info"))


@pytest.fixture(scope="module")
def chromium():
    from playwright.sync_api import sync_playwright

    if not Path(browser.CHROMIUM).exists():  # .ci/run installs it
        pytest.fail(f"Debian's chromium is needed: apt-get install chromium ({browser.CHROMIUM})")
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=browser.CHROMIUM, args=["--no-sandbox"])
        yield b
        b.close()


@pytest.fixture(scope="module")
def student_lab(binder):
    """JupyterLab of the Binder-like environment, started at the repository root like Binder."""
    port = browser.free_port()
    command = [binder.python, "-m", "jupyterlab", "--allow-root", *browser.lab_options(port)]
    lab = browser.lab_server(command, port, binder.repo, binder.env, binder.tmp / "lab.log")
    with lab as base:
        yield base


def _new_context(chromium):
    return chromium.new_context(viewport={"width": 1400, "height": 900}, accept_downloads=True)


def _failed(request) -> bool:
    """The test failed, or never reached its end (its report is missing)."""
    call = getattr(request.node, "rep_call", None)
    return call is None or call.failed


def _screenshot(pg, request) -> None:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    name = request.node.name.replace("/", "_").replace("[", "-").strip("]")
    pg.screenshot(path=str(ARTIFACTS / f"{name}.png"))


@pytest.fixture
def page(chromium, request):
    context = _new_context(chromium)
    pg = context.new_page()
    yield pg
    if _failed(request):
        _screenshot(pg, request)
    context.close()


@pytest.fixture(scope="module")
def student_tab(chromium):
    """One browser tab for the student's notebooks, as a student keeps JupyterLab open and opens
    one notebook after another (each test opens its own; loading JupyterLab is done once)."""
    context = _new_context(chromium)
    yield context.new_page()
    context.close()


@pytest.fixture
def student_page(student_tab, request):
    yield student_tab
    if _failed(request):
        _screenshot(student_tab, request)
        student_tab.goto("about:blank")  # the next notebook starts from a fresh JupyterLab


def _solution_sources(assignment: str) -> dict[str, str]:
    """The solution cell of every exercise, as a student who solved it would have typed it."""
    nb = notebooks.read(COURSE.source_notebook(assignment))
    out = {}
    for ex in notebooks.exercises(nb):
        lines = nb.cells[ex.cells["solution"]].source.splitlines()
        out[ex.name] = "\n".join(
            ln for ln in lines if "### BEGIN SOLUTION" not in ln and "### END SOLUTION" not in ln
        )
    return out


def _committed_images(assignment: str) -> int:
    nb = notebooks.read(COURSE.source_notebook(assignment))
    return sum(
        1
        for c in nb.cells
        if c.cell_type == "code"
        for o in c.outputs
        if "image/png" in o.get("data", {})
    )


def _errors(cells: list[dict]) -> list[tuple[int, str]]:
    return [
        (i, o.get("ename", ""))
        for i, c in enumerate(cells)
        for o in c["outputs"]
        if o.get("output_type") == "error"
    ]


@pytest.mark.parametrize("assignment", assignments())
def test_a_student_works_through_the_notebook(assignment, student_lab, binder, student_page):
    page = student_page
    release = notebooks.read(binder.repo / "notebooks" / assignment / f"{assignment}.ipynb")
    exercises = notebooks.exercises(release)
    first = exercises[0]
    clock = browser.Clock(assignment)
    nb = browser.Notebook(page, student_lab, f"notebooks/{assignment}/{assignment}.ipynb")

    clock("opened")
    # Opened, not touched: not modified (no «unsaved changes» dot, nothing to save on close).
    page.wait_for_timeout(1500)
    assert not nb.dirty and not nb.tab_marked_modified(), "the notebook opens modified"

    clock("checked unmodified")
    # Run All stops at the first exercise, with the stub's Russian message.
    nb.run_all()
    cells = nb.cells()
    errors = _errors(cells)
    assert errors, "Run All ran through an unsolved notebook"
    stop, ename = errors[0]
    assert ename == "NotImplementedError" and stop in first.cells.values(), (stop, ename)
    assert STUB_MESSAGE in nb.error_text(stop)
    assert all(c["count"] is None for c in cells[stop + 1 :] if c["type"] == "code")

    clock("ran all")
    # A wrong answer: the Russian failure message is the first thing its output shows, with the
    # likely mistake right under it (a mutant the diagnoses tell apart is tried first).
    shown = None
    doc, ref = diagnoses_of(assignment), reference_of(assignment)
    candidates = [
        m for m in catalogue(assignment) if m.exercise == first.name and m.caught_by == "visible"
    ]
    candidates.sort(key=lambda m: visible_point(doc, ref, m.exercise, m)[1] != m.diagnosis)
    for mutant in candidates:
        nb.set_source(first.cells["solution"], mutant.source)
        nb.run_cell(first.cells["solution"])
        nb.run_cell(first.cells["visible"])
        if "CheckFailed" in [e for i, e in _errors(nb.cells()) if i == first.cells["visible"]]:
            shown = nb.error_text(first.cells["visible"])
            break
    assert shown is not None, f"no visible mutant of {first.name} fails a check in the browser"
    lines = [ln for ln in shown.splitlines() if ln.strip()]
    assert lines[0].startswith("Проверка не пройдена"), shown[:500]
    assert "Traceback" not in shown and "checks.py" not in shown, shown[:500]
    if visible_point(doc, ref, mutant.exercise, mutant)[1] == mutant.diagnosis:
        assert lines[1] == mutant.diagnosis, shown[:500]

    clock("wrong answer")
    # Every exercise solved, Run All again: passes, plots, formulas, widgets. The toolbar's
    # Restart and Run All in the first notebook; the others run in the kernel they have (a
    # fresh kernel runs every notebook in Validate, below: TensorFlow is not imported thrice).
    for ex in exercises:
        nb.set_source(ex.cells["solution"], _solution_sources(assignment)[ex.name])
    if assignment == assignments()[0]:
        nb.restart_and_run_all()
    else:
        nb.clear_and_run_all()
    cells = nb.cells()
    assert _errors(cells) == [], _errors(cells)
    assert all(c["count"] is not None for c in cells if c["type"] == "code")
    for ex in exercises:
        assert PASSED in nb.output_text(ex.cells["visible"]), ex.name
    seen = nb.rendered()
    assert seen["images"] >= _committed_images(assignment) and seen["images"] > 0, seen
    assert seen["images_loaded"] == seen["images"], seen
    if any("$" in c.source for c in release.cells if c.cell_type == "markdown"):
        assert seen["formulas"] > 0, seen
    assert seen["raw_tex"] == [], seen
    demos = [i for i, c in enumerate(cells) if c["type"] == "code" and "interact(" in c["source"]]
    assert set(demos) <= set(seen["widgets"]), (demos, seen["widgets"])

    clock("solved and ran all")
    # Validate, save, download: the download is the file on disk.
    verdict = nb.validate()
    assert "Success" in verdict, verdict[:1000]
    clock("validated")
    nb.save()
    downloaded = nb.download(binder.tmp / f"download-{assignment}.ipynb")
    on_disk = binder.repo / "notebooks" / assignment / f"{assignment}.ipynb"
    assert browser.same_notebook(downloaded, on_disk)
    clock("saved and downloaded")
    nb.shut_down()
    if assignment == assignments()[0]:
        _grades_the_same(assignment, downloaded, on_disk, binder.tmp / "grade")


def _grades_the_same(assignment: str, downloaded: Path, on_disk: Path, work: Path) -> None:
    """The real grader gives the downloaded notebook and the file on disk the same full score."""
    subs = work / "submissions"
    for student, path in (("downloaded", downloaded), ("on-disk", on_disk)):
        (subs / student).mkdir(parents=True)
        shutil.copy(path, subs / student / f"{assignment}.ipynb")
    result = grade_cli(assignment, subs, work / "out", work / "gradebook.db")
    assert result.returncode == 0, result.stderr[-2000:]
    scores = {
        row["student_id"]: (float(row["score"]), float(row["max_score"]))
        for row in read_csv(work / "out" / "grades.csv")
    }
    assert scores["downloaded"] == scores["on-disk"], scores
    assert scores["downloaded"][0] == scores["downloaded"][1], scores


@pytest.fixture(scope="module")
def course_copy(tmp_path_factory):
    """The course repository as an instructor clones it, with this environment as its .venv."""
    root = _tracked_copy(tmp_path_factory.mktemp("course") / "course")
    (root / ".venv").symlink_to(ROOT / ".venv")
    return root


def _make_lab(target: str, root: Path, home: Path):
    port = browser.free_port()
    env = browser.clean_home(home)
    args = " ".join(browser.lab_options(port))
    # -o: the venv is made already (by `make test`); make must not rebuild it.
    command = ["make", "--no-print-directory", "-o", ".venv/.installed", target, f"LAB_ARGS={args}"]
    return browser.lab_server(command, port, root, env, home / f"{target}.log")


def test_instructor_lab_opens_notebooks_and_the_formgrader_loads(course_copy, page, tmp_path):
    with _make_lab("lab", course_copy, tmp_path / "home") as base:
        nb = browser.Notebook(page, base, "01-neuron/01-neuron.ipynb")
        page.wait_for_timeout(1500)
        assert not nb.dirty
        assert "Nbgrader" in page.locator(".lm-MenuBar-itemLabel").all_inner_texts()
        page.goto(f"{base}/formgrader?token={browser.TOKEN}")
        # «Manage Assignments» lists the course's assignments once nbgrader (alembic) works.
        for name in assignments():
            page.locator(f"text={name}").first.wait_for(timeout=60000)
        assert "Loading" not in page.locator("body").inner_text()


def test_make_student_gives_the_binder_jupyterlab(course_copy, page, tmp_path):
    with _make_lab("student", course_copy, tmp_path / "home") as base:
        nb = browser.Notebook(page, base, "01-neuron/01-neuron.ipynb")
        page.wait_for_timeout(1500)
        assert "Nbgrader" not in page.locator(".lm-MenuBar-itemLabel").all_inner_texts()
        assert page.locator(".jp-Toolbar jp-button:has-text('Validate'):visible").count() == 1
        assert page.locator(".lm-TabBar-tabLabel:text-is('Create Assignment')").count() == 0
        assert page.locator("text=official Jupyter news").count() == 0
        assert not nb.dirty
        started = time.monotonic()
        response = page.goto(f"{base}/formgrader?token={browser.TOKEN}")
        assert response.status == 404, (response.status, time.monotonic() - started)
