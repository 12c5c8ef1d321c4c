# Two commands matter: `make run` and `make test`. Everything else is a step they share.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PY := $(BIN)/python
HOST ?= 127.0.0.1
PORT ?= 8000
# Every absolute link (delegates' pages, feeds, e-mails, QR codes) is SITE_URL + path
# (missions/links.py): served at HOST:PORT, the links must say HOST:PORT too.
SITE_URL ?= http://$(HOST):$(PORT)
# Local development only: `make run` serves with DEBUG on; production never uses this Makefile.
RUN_ENV := DEBUG=1 ALLOWED_HOSTS=127.0.0.1,localhost,$(HOST) SITE_URL=$(SITE_URL)

.PHONY: run test install install-dev messages lint format ci clean bench chromium load

$(BIN)/activate:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip "setuptools>=61,<81" wheel

# Stamps re-run the install only when pyproject.toml changes.
# --no-build-isolation: xstatic-bootstrap ships only an sdist whose setup.py needs
# pkg_resources, which setuptools 81+ no longer provides.
$(VENV)/.installed: $(BIN)/activate pyproject.toml
	$(BIN)/pip install --quiet --no-build-isolation -e .
	touch $@

$(VENV)/.installed-dev: $(VENV)/.installed
	$(BIN)/pip install --quiet --no-build-isolation -e ".[dev]"
	touch $@

node_modules/.installed: package.json
	npm install --no-audit --no-fund --silent
	touch $@

# The browser tests drive Debian's Chromium and read printed PDFs with poppler's pdftotext;
# the programme booklet (WeasyPrint) needs pango and the fonts it names;
# install them when we can (root on Debian/Ubuntu).
chromium:
	@if { [ ! -x /usr/bin/chromium ] || ! command -v pdftotext >/dev/null \
		|| ! ldconfig -p | grep -q libpangoft2-1.0; } \
		&& command -v apt-get >/dev/null && [ "$$(id -u)" = 0 ]; then \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq \
			chromium poppler-utils libpango-1.0-0 libpangoft2-1.0-0 \
			fonts-liberation fonts-dejavu-core >/dev/null; \
	fi

install: $(VENV)/.installed messages
install-dev: $(VENV)/.installed-dev node_modules/.installed messages chromium

# .mo files are built, never committed.
messages: $(VENV)/.installed
	$(PY) -m config.compilemessages

run: install
	$(RUN_ENV) $(PY) manage.py migrate --noinput
	$(RUN_ENV) $(PY) manage.py load_demo --with-demo-user
	$(RUN_ENV) $(PY) manage.py runserver $(HOST):$(PORT)

# Two runs: Playwright's session-long event loop must not share a process with the rest of
# the suite (on PostgreSQL it left a stray connection that blocked dropping the test database).
test: install-dev
	$(BIN)/pytest --ignore=tests/browser $(PYTEST_ARGS)
	$(BIN)/pytest tests/browser $(PYTEST_ARGS)

lint: install-dev
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: install-dev
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

bench: install-dev
	for f in bench/bench_*.py; do $(PY) $$f || exit 1; done

# gunicorn on a throwaway PostgreSQL under load, PostgreSQL restarted mid-run (about a minute;
# LOAD_ARGS=--quick for a smoke run). Needs PostgreSQL's server binaries; never run by CI.
load: install
	$(PY) bench/load.py $(LOAD_ARGS)

clean:
	rm -rf $(VENV) node_modules db.sqlite3 staticfiles
