# Two commands set up a fresh machine: `make run` and `make test`.
VENV    ?= .venv
PYTHON  ?= python3
PY      := $(VENV)/bin/python
FLASK   := $(VENV)/bin/flask --app wsgi
HOST    ?= 127.0.0.1
PORT    ?= 5000
# gevent: one worker holds thousands of websockets (see README, "Async mode").
GUNICORN_ARGS ?= -k gevent -w 1 --worker-connections 4000 --no-control-socket

.PHONY: run run-scaled test test-clock lint format install install-dev translations messages db demo browser pdf-libs test-debs clean

$(VENV)/.installed: requirements.txt
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip
	$(PY) -m pip install -q -r requirements.txt
	touch $@

$(VENV)/.installed-dev: requirements-dev.txt $(VENV)/.installed
	$(PY) -m pip install -q -r requirements-dev.txt
	touch $@

install: $(VENV)/.installed
install-dev: $(VENV)/.installed-dev

translations: $(VENV)/.installed
	$(VENV)/bin/pybabel compile --statistics -d brainstorm/translations

# After changing user-facing text: re-extract, then translate the new English entries.
messages: $(VENV)/.installed
	$(VENV)/bin/pybabel extract -F babel.cfg -k _l -o brainstorm/translations/messages.pot \
	  --ignore-dirs='.venv tests' .
	$(VENV)/bin/pybabel update -i brainstorm/translations/messages.pot -d brainstorm/translations

db: $(VENV)/.installed
	$(FLASK) db upgrade

demo: db
	$(FLASK) seed-demo

run: translations demo pdf-libs
	$(VENV)/bin/gunicorn $(GUNICORN_ARGS) -b $(HOST):$(PORT) wsgi:app

# The production shape on one machine (README, "Scaling out"): PostgreSQL, Redis, two app
# processes and nginx in front, all from Debian's packages.
SCALED_DEBS := postgresql redis-server nginx

run-scaled: translations pdf-libs
	$(call apt-install,$(SCALED_DEBS))
	VENV=$(VENV) PORT=$(PORT) GUNICORN_ARGS="$(GUNICORN_ARGS)" bash deploy/run-scaled.sh

# Debian's Chromium for the browser tests; never a downloaded browser build.
browser:
	@if ! command -v chromium >/dev/null 2>&1; then \
	  if [ "$$(id -u)" = 0 ]; then \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq \
	      --no-install-recommends chromium chromium-driver fonts-dejavu-core >/dev/null; \
	  else \
	    echo "Chromium ontbreekt. Installeer het als root: apt-get install --no-install-recommends chromium"; \
	    exit 1; \
	  fi; \
	fi

# Debian's packages that are not installed yet, installed as root; otherwise says how to.
define apt-install
	@missing=""; for p in $(1); do \
	  dpkg-query -W -f='$${Status}' $$p 2>/dev/null | grep -q "ok installed" || missing="$$missing $$p"; \
	done; \
	if [ -n "$$missing" ] && command -v dpkg >/dev/null 2>&1; then \
	  if [ "$$(id -u)" = 0 ]; then \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq \
	      --no-install-recommends $$missing >/dev/null; \
	  else \
	    echo "Ontbreekt:$$missing. Installeer het als root: apt-get install --no-install-recommends$$missing"; \
	    exit 1; \
	  fi; \
	fi
endef

# The font Typst sets the PDF report in; the tests read PDF pages with pdftoppm and start their
# own PostgreSQL, Redis and nginx (the integration suite runs on both databases).
PDF_DEBS  := fonts-dejavu-core
TEST_DEBS := $(PDF_DEBS) poppler-utils postgresql redis-server nginx faketime libreoffice-writer-nogui

pdf-libs:
	$(call apt-install,$(PDF_DEBS))

test-debs:
	$(call apt-install,$(TEST_DEBS))

# Unit and integration tests on two workers (they wait on sockets, servers and databases as much
# as they compute); the browser tests one at a time, each Chromium with a server of its own.
test: install-dev translations browser test-debs
	$(PY) -m pytest -n 2 --durations=10 tests/unit tests/integration
	$(PY) -m pytest --durations=10 tests/e2e
	$(MAKE) --no-print-directory test-clock

# The tests whose outcome depends on the date or the hour (marked time_sensitive), again at
# awkward instants under libfaketime: evening UTC (already tomorrow in Amsterdam), both DST eves,
# New Year's Eve and years ahead. The clock ticks on from each instant.
CLOCK_INSTANTS := "2026-12-01 22:30:00" "2027-03-27 23:30:00" "2027-10-30 23:30:00" \
                  "2026-12-31 23:30:00" "2031-06-15 06:00:00"

test-clock: install-dev translations test-debs
	@for at in $(CLOCK_INSTANTS); do \
	  echo "time-sensitive tests at $$at UTC"; \
	  TZ=UTC faketime "$$at" $(PY) -m pytest -q -p no:cacheprovider -m time_sensitive \
	    -k "not postgresql" || exit 1; \
	done

# Style, then the house rules (docs/architecture.md): the import contracts in pyproject.toml,
# and no Python module in brainstorm/ over 650 lines.
MODULE_MAX_LINES := 650

lint: install-dev
	$(PY) -m ruff check .
	$(PY) -m ruff format --check .
	$(VENV)/bin/lint-imports --no-cache
	@long=$$(find brainstorm -name '*.py' -exec awk -v max=$(MODULE_MAX_LINES) \
	  'END { if (FNR > max) print "  " FILENAME ": " FNR " lines" }' {} \;); \
	if [ -n "$$long" ]; then echo "Modules over $(MODULE_MAX_LINES) lines (split them by concern):"; \
	  echo "$$long"; exit 1; fi; echo "No module over $(MODULE_MAX_LINES) lines."

format: install-dev
	$(PY) -m ruff format .
	$(PY) -m ruff check --fix .

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache
