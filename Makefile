# Thin aliases for the commands documented in README.md.
PYTHON ?= python3.11
VENV := .venv
STAMP := $(VENV)/.installed

.PHONY: lab test build check-release clean

# Start the course: create .venv if needed, then open JupyterLab on notebooks/.
lab: $(STAMP)
	$(VENV)/bin/jupyter lab $(if $(filter 0,$(shell id -u)),--allow-root) notebooks/

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
	rm -rf $(VENV)
