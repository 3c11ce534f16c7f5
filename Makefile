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

run: install compilemessages
	$(MANAGE) migrate --noinput
	$(MANAGE) load_action_plan
	$(MANAGE) create_demo_users
	$(MANAGE) load_demo_data
	@echo
	@echo "Serving the portal on http://127.0.0.1:$(PORT)/ — log in with a user and the password above."
	$(MANAGE) runserver 127.0.0.1:$(PORT)

test: install-test compilemessages
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(MANAGE) makemigrations --check --dry-run
	TESTING=true $(PY) -m pytest -n auto --dist loadfile

bench: install compilemessages
	$(PY) -m bench $(BENCH_ARGS)

install: system $(VENV)/.installed

install-test: system-test $(VENV)/.installed

system:
	@scripts/system-packages.sh runtime

system-test:
	@scripts/system-packages.sh test

$(VENV)/.installed: pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "Python 3.11 or newer is needed")'
	@test -x $(PY) || $(PYTHON) -m venv $(VENV) || { \
		echo "python3 -m venv failed: install python3-venv (apt-get install python3-venv)"; exit 1; }
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[dev]'
	@touch $@

# Translations: extract strings into the catalogues, then compile them.
messages: install
	$(MANAGE) makemessages --locale zh_Hans --locale fi --ignore '$(VENV)/*' --ignore 'tests/*' --no-obsolete

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
