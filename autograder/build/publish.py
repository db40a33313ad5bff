"""``autograder publish DIR``: the student-only repository.

It holds the release notebooks, the Binder environment, the checks package (``checks`` and the
``reference`` comparison it uses — no pipeline, no values) and a student README: no solutions,
hidden tests or reference values.
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path

from ..errors import CourseError
from .course import Course

STUDENT_MODULES = ("__init__.py", "checks.py", "reference.py")
# Markers of solutions, hidden tests and recorded reference values.
FORBIDDEN = ("### BEGIN SOLUTION", "### BEGIN HIDDEN TESTS", '"__ndarray__": true')

PYPROJECT = """[build-system]
requires = ["setuptools>=61"]
build-backend = "setuptools.build_meta"

[project]
name = "autograder"
version = "{version}"
description = "Проверки упражнений курса «Нейросети с нуля»"
requires-python = ">=3.11"
dependencies = ["numpy"]

[tool.setuptools]
packages = ["autograder"]
"""

README = """# «Нейросети с нуля» — тетрадки курса

Интерактивный курс о том, как обучаются нейронные сети: нейрон, функции активации, функции потерь,
обратное распространение ошибки, оптимизаторы, регуляризация, Keras.

## Как начать
- **В браузере:** откройте этот репозиторий в Binder: {binder}
- **На своём компьютере** (Python 3.11; Linux или macOS):
  ```bash
  python3.11 -m venv .venv
  .venv/bin/pip install -r binder/requirements.txt
  PATH="$PWD/.venv/bin:$PATH" bash binder/postBuild   # то же, что делает Binder
  .venv/bin/jupyter lab notebooks/
  ```
  Установка занимает несколько минут и около 2 ГБ на диске (TensorFlow).

Тетрадки в `notebooks/` проходите по порядку; в первой подробно описано, как устроены упражнения
и проверки. Термины курса собраны в `notebooks/glossary.md`.

## Сохраняйте работу
Сеанс Binder временный: после ~10 минут бездействия он исчезает вместе с изменениями. Регулярно
скачивайте тетрадку (*File → Download*); чтобы продолжить, загрузите её снова кнопкой *Upload*.

## Как сдать
*Kernel → Restart Kernel and Run All Cells*, проверьте, что видимые проверки пройдены, нажмите
*Validate*, сохраните и скачайте тетрадку, загрузите файл в систему курса, не меняя его имени.
"""
# Without --binder-url the link is left for the instructor to fill in.
BINDER_PLACEHOLDER = (
    "`https://mybinder.org/v2/gh/<организация>/<репозиторий>/HEAD?urlpath=lab/tree/notebooks`"
)
GITHUB_REPO = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_-]*/[A-Za-z0-9._-]+$")


def binder_link(url: str | None) -> str:
    """The README's Binder link: a full ``https://`` URL as given, or ``owner/repo`` on GitHub."""
    if not url:
        return BINDER_PLACEHOLDER
    if GITHUB_REPO.match(url):
        url = f"https://mybinder.org/v2/gh/{url}/HEAD?urlpath=lab/tree/notebooks"
    if not url.startswith("https://") or any(c.isspace() or c in "<>()[]" for c in url):
        raise CourseError(
            Path("--binder-url"), f"not an https:// URL or a GitHub owner/repo: {url!r}"
        )
    return f"[![Binder](https://mybinder.org/badge_logo.svg)]({url}) — {url}"


def publish(course: Course, target: Path, binder_url: str | None = None) -> list[Path]:
    """Write the student repository into ``target`` (new or empty); return the files written.

    ``binder_url`` (a URL, or ``owner/repo`` of the GitHub repository it will be pushed to) fills
    the README's Binder link."""
    target = Path(target)
    readme = README.format(binder=binder_link(binder_url))
    if target.exists() and any(target.iterdir()):
        raise CourseError(target, "exists and is not empty")
    if target.resolve() == course.root or course.root in target.resolve().parents:
        raise CourseError(target, "must be outside the course repository")
    target.mkdir(parents=True, exist_ok=True)
    shutil.copytree(
        course.release_dir,
        target / "notebooks",
        ignore=shutil.ignore_patterns(".*", "__pycache__", "reference.json"),
    )
    shutil.copytree(course.root / "binder", target / "binder")
    pkg = target / "autograder"
    pkg.mkdir()
    for name in STUDENT_MODULES:
        shutil.copy(course.root / "autograder" / name, pkg / name)
    version = (course.root / "autograder" / "__init__.py").read_text().split('"')[-2]
    (target / "pyproject.toml").write_text(PYPROJECT.format(version=version), encoding="utf-8")
    (target / "README.md").write_text(readme, encoding="utf-8")
    (target / ".gitignore").write_text(".venv/\n__pycache__/\n.ipynb_checkpoints/\n")
    written = sorted(p for p in target.rglob("*") if p.is_file())
    for path in written:
        text = path.read_text(encoding="utf-8", errors="replace")
        leaked = [marker for marker in FORBIDDEN if marker in text]
        if leaked or path.name == "reference.json":
            shutil.rmtree(target)
            raise CourseError(path, f"would publish instructor-only content ({leaked})")
    return written
