# Thin aliases for the commands documented in README.md.
PYTHON ?= python3.11
VENV := .venv
STAMP := $(VENV)/.installed

.PHONY: lab student test build check-release clean

ALLOW_ROOT := $(if $(filter 0,$(shell id -u)),--allow-root)
# Extra options for JupyterLab, e.g. `make lab LAB_ARGS="--port 8899 --no-browser"`.
LAB_ARGS ?=
# nbgrader (the formgrader too) runs `alembic` from PATH: the venv's tools come first.
RUN := PATH="$(CURDIR)/$(VENV)/bin:$$PATH"
# `make student`: a Jupyter config of its own, with the same settings as Binder's postBuild.
STUDENT := $(CURDIR)/.jupyter-student
STUDENT_ENV := $(RUN) JUPYTER_CONFIG_DIR="$(STUDENT)/config" JUPYTER_PREFER_ENV_PATH=0 \
	JUPYTERLAB_SETTINGS_DIR="$(STUDENT)/settings" JUPYTERLAB_WORKSPACES_DIR="$(STUDENT)/workspaces"

# Start the course as its instructor: JupyterLab on notebooks/, with nbgrader's tools.
lab: $(STAMP)
	$(RUN) $(VENV)/bin/jupyter lab $(ALLOW_ROOT) $(LAB_ARGS) notebooks/

# Start the course as a student sees it on Binder: only the Validate button of nbgrader.
student: $(STAMP)
	$(STUDENT_ENV) $(VENV)/bin/python binder/student_jupyter.py --user
	$(STUDENT_ENV) $(VENV)/bin/jupyter lab $(ALLOW_ROOT) $(LAB_ARGS) notebooks/

# Run the whole test suite (creates .venv if needed).
test: $(STAMP)
	$(VENV)/bin/python -m pytest

# Regenerate notebooks/ and the hidden-test references from solutions/.
build: $(STAMP)
	$(VENV)/bin/autograder build

check-release: $(STAMP)
	$(VENV)/bin/autograder check-release

$(STAMP): requirements.txt pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(VENV)/bin/python -m pip install --quiet --upgrade pip
	$(VENV)/bin/python -m pip install --quiet -r requirements.txt
	$(VENV)/bin/python -m pip install --quiet --no-deps -e .
	touch $(STAMP)

clean:
	rm -rf $(VENV) $(STUDENT)
