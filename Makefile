# Wijkportaal — the two commands: `make run` and `make test`.
PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
PORT ?= 8000

.PHONY: install run test test-reliability lint format messages clean bench

# Installs the dependencies listed in pyproject.toml (runtime + dev) into .venv.
$(VENV)/.installed: pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -c "import tomllib; p = tomllib.load(open('pyproject.toml', 'rb'))['project']; \
	print('\n'.join(p['dependencies'] + [d for ds in p['optional-dependencies'].values() for d in ds]))" \
	> $(VENV)/requirements.txt
	$(PY) -m pip install --quiet -r $(VENV)/requirements.txt
	touch $@

install: $(VENV)/.installed

# Web server, Celery worker and beat on SQLite and a filesystem broker; Ctrl-C stops all.
run: install
	$(PY) manage.py migrate --noinput
	$(PY) manage.py seed_demo
	@echo "Wijkportaal draait op http://127.0.0.1:$(PORT) — demologins in README.md; Ctrl-C stopt alles."
	PORT=$(PORT) $(PY) -m wijkportaal.devstack

# The suite runs on PostgreSQL (as production does); the database named here only gives
# the server to connect to: pytest creates and drops its own test_<name> database.
TEST_DATABASE_URL ?= postgres://postgres@127.0.0.1:5432/wijkportaal
test: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(PY) manage.py makemigrations --check --dry-run
	DATABASE_URL="$${DATABASE_URL:-$(TEST_DATABASE_URL)}" $(PY) -m pytest $(PYTEST_ARGS)

# The fault-injection suite (docs/operations.md): its own Redis on a free port, worker
# processes killed with SIGKILL, the broker stopped mid-round. Prints its figures and writes
# test-artifacts/reliability/summary.json. Needs redis-server on the PATH.
test-reliability: install
	DATABASE_URL="$${DATABASE_URL:-$(TEST_DATABASE_URL)}" $(PY) -m pytest tests/reliability -m reliability -s -q $(PYTEST_ARGS)

# Benchmark on PostgreSQL: generates wp_bench_$(SCALE), serves it with gunicorn and measures
# (docs/performance.md). `make bench SCALE=small` takes a few minutes. `make bench LOAD=1`
# runs the concurrent mixed load (N = 8, 16, 32 virtual users) instead of the targets.
SCALE ?= national
LOAD ?=
bench: install
	$(PY) -m bench --scale $(SCALE)$(if $(LOAD), --load)

lint: install
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

messages: install
	$(PY) manage.py makemessages -l en --ignore=.venv --no-obsolete
	$(PY) manage.py compilemessages --ignore=.venv

clean:
	rm -rf $(VENV) wijkportaal.sqlite3 .celery staticfiles
