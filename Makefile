# The two commands: `make run` serves the portal, `make test` runs every test.
# Both install what they need first (virtualenv, Python packages, system packages via apt).

PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
PORT ?= 8000
MANAGE := $(PY) manage.py

# `make bench`: issue 11's benchmark (bench/README.md), against DATABASE_URL or sistercity_bench.
BENCH_ARGS ?=

.PHONY: bench run test install install-test system system-test messages compilemessages lint format check clean

# The web server, a Celery worker and beat under one supervisor (scripts/run_all.py): it
# migrates, loads the plan, the demo users and data, collects the static files, then serves
# with DEBUG off on embedded defaults (broker, mail and a generated SECRET_KEY under var/).
run: install compilemessages
	$(PY) scripts/run_all.py --port $(PORT)

test: install-test compilemessages
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(MANAGE) makemigrations --check --dry-run
	TESTING=true $(PY) -m pytest -n auto --dist loadfile

bench: install compilemessages
	$(PY) -m bench $(BENCH_ARGS)

# Running needs the project's dependencies only; the tests also need the dev extra.
install: system $(VENV)/.installed

install-test: system-test $(VENV)/.installed-test

system:
	@scripts/system-packages.sh runtime

system-test:
	@scripts/system-packages.sh test

# The project is installed editable (its code stays here); setuptools then warns that a folder
# here could shadow the package, which is the point: only that warning is hushed.
$(VENV)/.installed: pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "Python 3.11 or newer is needed")'
	@test -x $(PY) || $(PYTHON) -m venv $(VENV) || { \
		echo "python3 -m venv failed: install python3-venv (apt-get install python3-venv)"; exit 1; }
	$(PY) -m pip install --quiet --upgrade pip
	PYTHONWARNINGS="ignore:Editable installation:UserWarning" $(PY) -m pip install --quiet -e .
	@touch $@

$(VENV)/.installed-test: $(VENV)/.installed
	PYTHONWARNINGS="ignore:Editable installation:UserWarning" $(PY) -m pip install --quiet -e '.[dev]'
	@touch $@

# Translations: extract strings into the catalogues, then compile them.
messages: install
	$(MANAGE) makemessages --locale zh_Hans --locale fi --ignore '$(VENV)/*' --ignore 'tests/*' --no-obsolete --no-wrap

compilemessages:
	$(MANAGE) compilemessages --ignore '$(VENV)' --ignore 'node_modules' --verbosity 0

lint:
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

format:
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

check: install
	DEBUG=false SECRET_KEY=check-only-$$(date +%s)-a-long-random-looking-secret-value-for-the-check ALLOWED_HOSTS=portal.example.org SITE_URL=https://portal.example.org $(MANAGE) check --deploy --fail-level WARNING

clean:
	rm -rf $(VENV) staticfiles .pytest_cache .ruff_cache
