# nbgrader configuration of the course; the `autograder` package reads the same file.
# Plain `nbgrader ...` commands work from the repository root with it.
c = get_config()  # noqa: F821  (provided by traitlets when nbgrader loads this file)

c.CourseDirectory.course_id = "neuro-from-scratch"
# Instructor source notebooks (solutions + visible and hidden tests) and the student release.
c.CourseDirectory.source_directory = "solutions"
c.CourseDirectory.release_directory = "notebooks"
# The hidden-test reference and the diagnoses of hidden keys live beside each solution notebook
# and never reach the release (the build releases the visible part of diagnoses.json itself).
c.CourseDirectory.ignore = [
    ".ipynb_checkpoints",
    "*.pyc",
    "__pycache__",
    "feedback",
    "reference.json",
    "diagnoses.json",
]

# One per-cell timeout (seconds) for grading and for nbval in CI (tests/conftest.py reads it).
c.Execute.timeout = 120

# What students see in place of the solution; Run All stops at the stub with this message.
STUB_MESSAGE = "Упражнение ещё не решено: замените эту строку своим кодом"
c.ClearSolutions.code_stub = {
    "python": f'# ВАШ КОД ЗДЕСЬ\nraise NotImplementedError("{STUB_MESSAGE}")'
}
c.ClearSolutions.text_stub = "ВАШ ОТВЕТ ЗДЕСЬ"
