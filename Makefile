# One way to run things; CI (.ci/run) uses these same targets.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
HOST ?= 127.0.0.1:8000
DEMO_PASSWORD ?= danvan2024

.PHONY: run serve test test-profile e2e lint check install messages clean pdf-tools

# Python packages: reinstalled when pyproject.toml changes.
$(VENV)/.installed: pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[dev]'
	touch $@

# Front-end packages from the npm registry, exactly as package-lock.json says.
node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund
	touch $@

# The developer's settings for the commands below that start the site; the
# tests and the linters need no .env (pytest-env in pyproject.toml fills in).
.env:
	cp .env.example .env

# LibreOffice makes the PDF downloads (common/documents/pdf.py): Debian's, without a
# screen, installed here when missing; without it a PDF download says so.
# Tried once per checkout (the stamp), so that a machine where it cannot be
# installed does not run apt-get before every command. Writer itself is looked for
# (libswlo.so beside soffice), not soffice alone: Calc without Writer has soffice
# too, and converts no .docx.
WRITER = $(dir $(realpath $(shell command -v soffice)))libswlo.so
$(VENV)/.pdf-tools: | $(VENV)/.installed
	test -e "$(WRITER)" || (apt-get update -qq && apt-get install -y -qq --no-install-recommends libreoffice-writer-nogui fonts-liberation2) || echo "LibreOffice could not be installed: PDF downloads will be refused."
	touch $@

pdf-tools: $(VENV)/.pdf-tools

install: $(VENV)/.installed node_modules/.installed $(VENV)/.pdf-tools

run: install .env
	$(PY) manage.py migrate --noinput
	$(PY) manage.py load_demo --password $(DEMO_PASSWORD)
	$(PY) manage.py runserver $(HOST)

# Production serving: gunicorn, static files by WhiteNoise, DEBUG off. The
# environment (or .env) must give SECRET_KEY, ALLOWED_HOSTS and DATABASE_URL.
WORKERS ?= 2
serve: install .env
	DEBUG=0 $(PY) manage.py collectstatic --noinput --verbosity 0
	DEBUG=0 $(PY) manage.py migrate --noinput
	DEBUG=0 $(VENV)/bin/gunicorn danvan.wsgi --workers $(WORKERS) --bind $(HOST) \
		--access-logfile - --error-logfile -

# Each pytest process rewrites and compiles the tests' asserts: kept in __pycache__
# (with the app's compiled modules) for the next run even where the environment sets
# PYTHONDONTWRITEBYTECODE (Python ignores it empty): about 4 of the 11 seconds each
# process spends before its first test. `make clean` removes them.
test: install
	PYTHONDONTWRITEBYTECODE= $(PY) -m pytest -n auto -m "not e2e"

# Where the suite's CPU goes: py-spy samples the whole of `make test` (each xdist
# worker and the commands it starts), 50 times a second, then tools/suite_profile.py
# prints the share of each test and of each view its requests ran.
test-profile: install
	PYTHONDONTWRITEBYTECODE= $(VENV)/bin/py-spy record --subprocesses --rate 50 --format raw \
		--output tools/test-profile.txt -- $(PY) -m pytest -n auto -m "not e2e" -q
	$(PY) tools/suite_profile.py tools/test-profile.txt

# Browser tests in Debian's Chromium (installed here when missing; Playwright's
# own browser download is not used). Java runs the Nu HTML Checker.
e2e: install
	command -v chromium >/dev/null || (apt-get update -qq && apt-get install -y -qq chromium)
	command -v java >/dev/null || (apt-get update -qq && apt-get install -y -qq default-jre-headless)
	$(PY) -m pytest tests/e2e -m e2e -p no:xdist

# mypy loads the settings (django-stubs' plugin): with DEBUG=1 they need no .env.
lint: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/djlint templates --lint
	$(VENV)/bin/bandit -r accounts common danvan directives notifications quarters reports sampledata structure -ll -q
	$(VENV)/bin/lint-imports
	$(VENV)/bin/vulture
	DEBUG=1 $(VENV)/bin/mypy

check: install .env
	$(PY) manage.py check --fail-level WARNING
	$(PY) manage.py makemigrations --check --dry-run

messages: install .env
	$(PY) manage.py makemessages --locale vi --locale en --ignore '.venv/*' --ignore 'node_modules/*' --ignore 'tests/*' --ignore 'tools/*'
	$(PY) manage.py compilemessages --ignore '.venv/*' --ignore 'node_modules/*'

clean:
	rm -rf $(VENV) node_modules staticfiles
	find . -name __pycache__ -not -path './.venv/*' -not -path './node_modules/*' -prune -exec rm -rf {} +

# The national-scale benchmark on PostgreSQL (tools/bench/README.md): generates one
# province and 34 into their own databases (BENCH_DATABASE_URL's name + _p1, _p34)
# when missing, times a province's pages and exports in both (the ratio) and the
# centre's, runs gunicorn under simulated users, and writes tools/bench/results.md.
BENCH_DATABASE_URL ?= postgres://postgres@127.0.0.1:5432/danvan_bench
BENCH_ARGS ?=
.PHONY: bench
bench: install .env
	$(PY) tools/bench/run.py --database-url $(BENCH_DATABASE_URL) $(BENCH_ARGS)
