# The kit's commands. `make report` and `make test` set everything up on a machine that has
# only Python 3.11+ and make: a virtual environment in .venv, installed from requirements.lock.

PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
PARAMS ?=
JOBS ?=
DATA ?=
PORT ?= 8866
# CODE=show keeps code cells visible when a report opens (readers can toggle them either way).
CODE ?= hide
# Extra options for JupyterLab or Voila, e.g. make lab ARGS="--allow-root --port 8890".
ARGS ?=
# The dashboard's port option: PORT, unless ARGS names a port itself (make dashboard ARGS="--port 9000").
DASHBOARD_PORT = $(if $(findstring --port,$(ARGS)),,--port=$(PORT))
# make sweep DATES=2022-03-31,2023-06-01 renders at those as_of dates only (default: every quarter's end).
DATES ?=
# make report NOTEBOOKS=notebooks/01_territory.ipynb (or sweep) runs only those notebooks (default: all).
NOTEBOOKS ?=
# make benchmark BENCHMARKS=benchmarks/scenarios.py runs only those scripts.
BENCHMARKS ?= $(wildcard benchmarks/*.py)
# make validate MAX_AGE=90 also lists datasets older than 90 days (exit status 3).
MAX_AGE ?=
# make test runs the suite on WORKERS processes (pytest-xdist; the report build, JupyterLab and
# Voila each stay in one worker); PYTEST_ARGS adds options, e.g. PYTEST_ARGS="--reports-dir reports"
# to check reports that `make report` already built instead of building them again.
WORKERS ?= auto
PYTEST_ARGS ?=
PACKAGE_FILES := pyproject.toml requirements.lock $(wildcard src/analysis_helpers/templates/*/*) \
	jupyter-config/jupyter_nbconvert_config.json

.PHONY: setup report sweep test fuzz lint lab dashboard validate benchmark lock clean distclean

setup: $(STAMP)

# uv installs the lock in parallel (measured: ~4x faster than pip on this kit's 160 packages);
# pip only bootstraps uv itself, at the version pinned here.
UV_VERSION := 0.13.9
UV := $(VENV)/bin/uv

$(STAMP): $(PACKAGE_FILES)
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check uv==$(UV_VERSION)
	$(UV) pip install --quiet --python $(PY) --compile-bytecode -r requirements.lock
	$(UV) pip install --quiet --python $(PY) --no-deps -e .
	touch $(STAMP)

report: setup
	$(PY) -m analysis_helpers report --params "$(PARAMS)" --code $(CODE) $(if $(JOBS),--jobs $(JOBS)) $(NOTEBOOKS)

# Every report at as_of = each quarter's end since March 2022 (long: ~20 dates x 14 reports), into
# reports/sweep/<date>/, then a list of every failure.
sweep: setup
	$(PY) -m analysis_helpers sweep $(if $(JOBS),--jobs $(JOBS)) $(if $(DATES),--dates $(DATES)) $(NOTEBOOKS)

test: setup lint
	$(PY) -m pytest -n $(WORKERS) --dist loadgroup $(PYTEST_ARGS)

# The property tests with fresh random seeds and many more examples (the Hypothesis profile
# `fuzz`, tests/conftest.py); every failure it finds becomes an @example of its test.
fuzz: setup
	HYPOTHESIS_PROFILE=fuzz $(PY) -m pytest -m property -n $(WORKERS) $(PYTEST_ARGS)

# Ruff (rules and reasons in pyproject.toml) on everything, mypy on the package.
lint: setup
	$(VENV)/bin/ruff check src tests benchmarks scripts notebooks
	$(VENV)/bin/mypy

lab: setup
	$(VENV)/bin/jupyter lab notebooks/ $(ARGS)

dashboard: setup
	$(VENV)/bin/voila notebooks/04_scenarios.ipynb --no-browser --Voila.ip=127.0.0.1 \
		$(DASHBOARD_PORT) --template=kit_dashboard \
		--VoilaConfiguration.file_allowlist="['.*\.(png|jpg|gif|svg|js|css)']" $(ARGS)

validate: setup
	$(PY) -m analysis_helpers validate $(if $(MAX_AGE),--max-age $(MAX_AGE)) $(DATA)

# Every script runs even when one fails (or misses its target); the failures are listed at the end.
benchmark: setup
	@failed=""; for script in $(BENCHMARKS); do echo "== $$script"; $(PY) $$script || failed="$$failed $$script"; done; \
	if [ -n "$$failed" ]; then echo "benchmarks that failed:$$failed" >&2; exit 1; fi

# Re-resolve the newest versions allowed by pyproject.toml and record them.
lock:
	rm -rf .venv-lock && $(PYTHON) -m venv .venv-lock
	.venv-lock/bin/pip install --quiet --disable-pip-version-check ".[test]"
	{ echo "# Exact versions the kit was tested with (Python 3.11, Linux x86_64)."; \
	  echo "# Regenerate after changing pyproject.toml: make lock"; \
	  .venv-lock/bin/pip freeze --exclude-editable | grep -vi '^analysis[-_]helpers'; } > requirements.lock
	rm -rf .venv-lock

clean:
	rm -rf reports .pytest_cache .hypothesis
	find . -name __pycache__ -type d -prune -not -path './$(VENV)/*' -exec rm -rf {} +

distclean: clean
	rm -rf $(VENV)
