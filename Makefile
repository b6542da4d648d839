# Two commands for a fresh Debian machine with Python 3.11:
#   make run   - set up, upgrade the database, load demo data, serve with the scheduler
#   make test  - set up what the tests need and run them all
SHELL := /bin/bash
VENV := .venv
BIN := $(VENV)/bin
FLASK := $(BIN)/flask --app app
PICO := static/vendor/pico.min.css
AXE := node_modules/axe-core/axe.min.js
CATALOGS := $(patsubst %.po,%.mo,$(wildcard translations/*/LC_MESSAGES/messages.po))

.PHONY: run test setup setup-test browser-setup lint translations-update clean

run: setup
	scripts/serve-dev

# The whole suite on SQLite (the default), then again on a PostgreSQL server of its own, less
# the tests marked `once` (pure rules, browsers, foreign tools: nothing there depends on the
# database). Two pytest-xdist workers, one per core; the tests marked `serial` (timing and parallel
# requests against a real server) then run alone, so that nothing else shares the cores.
test: setup-test
	$(BIN)/pytest -q -n 2 -m "not serial"
	$(BIN)/pytest -q -m serial
	scripts/with-postgres $(BIN)/pytest -q -n 2 -m "not once and not serial"
	scripts/with-postgres $(BIN)/pytest -q -m "serial and not once"

setup: $(VENV)/.runtime $(PICO) $(CATALOGS)

setup-test: setup $(VENV)/.test browser-setup

$(BIN)/python:
	scripts/ensure-debian-packages venv:python3-venv
	python3 -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

$(VENV)/.runtime: requirements.txt | $(BIN)/python
	$(BIN)/pip install --quiet -r requirements.txt
	touch $@

$(VENV)/.test: requirements-dev.txt requirements.txt | $(BIN)/python
	$(BIN)/pip install --quiet -r requirements-dev.txt
	touch $@

$(PICO): package.json
	scripts/ensure-debian-packages npm:npm
	npm install --no-save --no-package-lock --no-audit --no-fund --loglevel=error
	mkdir -p static/vendor
	cp node_modules/@picocss/pico/css/pico.min.css $@

# The browser tests (tests/browser): Debian's Chromium, driven by Playwright, axe-core from npm,
# and the W3C Nu HTML checker (npm's vnu-jar) on a headless Java runtime.
browser-setup: $(AXE)
	scripts/ensure-debian-packages chromium:chromium java:openjdk-17-jre-headless

$(AXE): package.json
	scripts/ensure-debian-packages npm:npm
	npm install --include=dev --no-save --no-package-lock --no-audit --no-fund --loglevel=error
	touch $@

%.mo: %.po $(VENV)/.runtime
	$(BIN)/pybabel compile -i $< -o $@

# After changing interface texts: extract them and update the catalogues, then translate.
translations-update: $(VENV)/.runtime
	$(BIN)/pybabel extract -F babel.cfg -k _l --ignore-dirs=".* node_modules tests" -o translations/messages.pot .
	$(BIN)/pybabel update -i translations/messages.pot -d translations

lint: $(VENV)/.test
	$(BIN)/ruff check .

clean:
	rm -rf $(VENV) node_modules static/vendor translations/*/LC_MESSAGES/*.mo
