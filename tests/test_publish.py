"""`autograder publish`: the student repository holds no secret and works on its own."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import nbformat

from autograder.build import notebooks
from tests.conftest import COURSE, ROOT, assignments
from tests.grade_cli import autograder_cli


def test_published_repository_holds_no_secret(tmp_path):
    target = tmp_path / "student-repo"
    result = autograder_cli("publish", str(target))
    assert result.returncode == 0, result.stderr
    files = {str(p.relative_to(target)) for p in target.rglob("*") if p.is_file()}
    assert {
        "README.md",
        "pyproject.toml",
        "binder/postBuild",
        "binder/requirements.txt",
        "autograder/checks.py",
        "autograder/reference.py",
        "autograder/diagnoses.py",
        "nbgrader_config.py",
    } <= files
    assert not any(f.startswith("solutions") or f.endswith("reference.json") for f in files)
    assert not any(
        f.startswith("autograder/") and f.split("/")[1] in ("build", "grading", "cli.py")
        for f in files
    )
    texts = {f: (target / f).read_text(encoding="utf-8", errors="replace") for f in files}
    markers = ["### BEGIN SOLUTION", "### BEGIN HIDDEN TESTS", 'expect("']
    for a in assignments():
        assert f"notebooks/{a}/{a}.ipynb" in files
        markers += list(json.loads(COURSE.reference_file(a).read_text())["values"])
    for name, text in texts.items():
        for marker in markers:
            assert marker not in text, f"{name} contains {marker!r}"
    # The visible checks' diagnoses only: no hidden key, value or diagnosis of one.
    for a in assignments():
        doc = json.loads(texts[f"notebooks/{a}/diagnoses.json"])
        assert set(doc) == {"assignment", "inputs", "visible"}, sorted(doc)
    # No solution line in its own notebook's release. (Later notebooks restate earlier solutions
    # in read-only cells on purpose; statements give some lines away, e.g. the exact RNG call.)
    for a in assignments():
        source = notebooks.read(COURSE.source_notebook(a))
        # What the notebook shows outside its solution cells is given on purpose (a demo may
        # build a model with a line the exercise also needs).
        given = "\n".join(
            c.source
            for c in source.cells
            if not (notebooks.grade_id(c) or "").endswith(("-solution", "-hidden"))
        )
        release = texts[f"notebooks/{a}/{a}.ipynb"]
        for ex in notebooks.exercises(source):
            body = source.cells[ex.cells["solution"]].source.split("### BEGIN SOLUTION")[1]
            for line in body.split("### END SOLUTION")[0].splitlines():
                line = line.strip()
                if len(line) > 25 and line not in given:
                    assert json.dumps(line, ensure_ascii=False)[1:-1] not in release, (
                        f"{a}: {line!r} published"
                    )
    # The checks package works from the student repository alone.
    probe = subprocess.run(
        [
            sys.executable,
            "-I",
            "-c",
            "import sys; sys.path.insert(0, '.'); from autograder.checks import assert_close; "
            "assert_close(0.5, 0.5); print('ok')",
        ],
        cwd=target,
        capture_output=True,
        text=True,
    )
    assert probe.stdout.strip() == "ok", probe.stderr


def test_publish_refuses_a_non_empty_folder(tmp_path):
    (tmp_path / "x").write_text("keep me")
    result = subprocess.run(
        [sys.executable, "-m", "autograder.cli", "publish", str(tmp_path)],
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    assert result.returncode == 2 and "not empty" in result.stderr
    assert (tmp_path / "x").read_text() == "keep me"


def test_binder_url_fills_the_student_readme(tmp_path):
    def publish(*extra):
        return autograder_cli("publish", *extra)

    done = publish(str(tmp_path / "gh"), "--binder-url", "neuro-course/notebooks")
    assert done.returncode == 0, done.stderr
    readme = (tmp_path / "gh" / "README.md").read_text(encoding="utf-8")
    url = "https://mybinder.org/v2/gh/neuro-course/notebooks/HEAD?urlpath=lab/tree/notebooks"
    assert f"]({url})" in readme and "<организация>" not in readme
    plain = publish(str(tmp_path / "plain"))
    assert "placeholder" in plain.stdout
    assert "<организация>" in (tmp_path / "plain" / "README.md").read_text(encoding="utf-8")
    bad = publish(str(tmp_path / "bad"), "--binder-url", "javascript:alert(1)")
    assert bad.returncode == 2 and "--binder-url" in bad.stderr
    assert len(bad.stderr.strip().splitlines()) == 1 and not (tmp_path / "bad").exists()


def test_validate_in_the_student_repository_runs_demos_headless(tmp_path):
    """The published nbgrader_config.py makes Validate's kernel headless (autograder.demos)."""
    target = tmp_path / "repo"
    done = autograder_cli("publish", str(target))
    assert done.returncode == 0, done.stderr
    probe = nbformat.v4.new_notebook()
    check = "import os\nassert os.environ.get('AUTOGRADER_HEADLESS') == '1'"
    probe.cells = [nbformat.v4.new_code_cell(check)]
    # A graded test cell: Validate reports only those.
    probe.cells[0].metadata.nbgrader = {
        "grade": True,
        "grade_id": "probe",
        "points": 1,
        "solution": False,
        "locked": True,
        "schema_version": 3,
    }
    probe.metadata.kernelspec = {
        "name": "python3",
        "display_name": "Python 3",
        "language": "python",
    }
    env = {k: v for k, v in os.environ.items() if k != "AUTOGRADER_HEADLESS"}
    env["PATH"] = f"{Path(sys.executable).parent}{os.pathsep}{env['PATH']}"
    results = {}
    for where in (target, tmp_path / "elsewhere"):
        where.mkdir(exist_ok=True)
        nbformat.write(probe, where / "probe.ipynb")
        validate = subprocess.run(
            [str(Path(sys.executable).parent / "nbgrader"), "validate", "probe.ipynb"],
            cwd=where,
            capture_output=True,
            text=True,
            env=env,
            timeout=300,
        )
        results[where.name] = "Success!" in validate.stdout
    assert results == {"repo": True, "elsewhere": False}, results
