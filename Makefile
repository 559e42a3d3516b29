# The README's two commands: `make demo` and `make test`. Both are idempotent.
VENV   := .venv
PY     := $(VENV)/bin/python
SALA   := $(VENV)/bin/sala
PYTHON ?= python3
DEMO_SCALE ?= national

.PHONY: demo test system-deps system-deps-test venv venv-test db serve bench clean

demo: system-deps venv
	$(SALA) db up
	$(SALA) demo --scale $(DEMO_SCALE) --if-empty
	$(SALA) serve

test: system-deps-test venv-test
	$(PY) -m pytest

system-deps:
	@scripts/system-deps.sh

system-deps-test:
	@scripts/system-deps.sh --test

$(VENV)/bin/python:
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip

# Re-installs only when pyproject.toml changes.
$(VENV)/.installed: pyproject.toml | $(VENV)/bin/python
	$(PY) -m pip install -q -e .
	@touch $@

$(VENV)/.installed-test: pyproject.toml | $(VENV)/bin/python
	$(PY) -m pip install -q -e '.[test]'
	@touch $@ $(VENV)/.installed

venv: $(VENV)/.installed
venv-test: $(VENV)/.installed-test

db: system-deps venv
	$(SALA) db up

serve: venv
	$(SALA) serve

# Every benchmark on the national demo: SALA_DATABASE_URL, or the embedded database
# (brought up and loaded with --if-empty by `python -m bench`). Peers (tipg, locust,
# lighthouse) install into bench/.peers on first use. BENCH_ARGS=--quick for a smoke run.
bench: system-deps-test venv-test
	$(PY) -m bench $(BENCH_ARGS)

clean:
	rm -rf $(VENV) .pytest_cache build *.egg-info
