# `make run` and `make test` are the two commands a newcomer needs; see README.md.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
VENDOR := static/vendor
# The tests run in parallel, each worker on a PostgreSQL database of its own (tests/conftest.py).
PYTEST_ARGS ?= --numprocesses=auto --maxprocesses=4

.PHONY: run test install messages bench clean

run: install
	$(BIN)/inspraak db upgrade
	$(BIN)/inspraak demo
	$(BIN)/inspraak serve

test: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy
	$(BIN)/pytest $(PYTEST_ARGS)

install: $(VENV)/.installed $(VENDOR)/.copied locale/.compiled

$(VENV)/.installed: requirements.lock pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit("Inspraak needs Python 3.11 or newer") if sys.version_info < (3, 11) else None'
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -r requirements.lock
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --no-deps --no-build-isolation -e .
	touch $@

node_modules/.installed: package-lock.json
	npm ci --no-audit --no-fund
	touch $@

$(VENDOR)/.copied: node_modules/.installed Makefile
	mkdir -p $(VENDOR)/leaflet
	cp node_modules/htmx.org/dist/htmx.min.js $(VENDOR)/htmx.min.js
	cp node_modules/htmx-ext-ws/dist/ws.min.js $(VENDOR)/htmx-ext-ws.min.js
	cp node_modules/axe-core/axe.min.js $(VENDOR)/axe.min.js
	cp node_modules/hls.js/dist/hls.light.min.js $(VENDOR)/hls.light.min.js
	cp -r node_modules/leaflet/dist/leaflet.js node_modules/leaflet/dist/leaflet.css node_modules/leaflet/dist/images $(VENDOR)/leaflet/
	cp node_modules/leaflet.markercluster/dist/leaflet.markercluster.js node_modules/leaflet.markercluster/dist/MarkerCluster.css node_modules/leaflet.markercluster/dist/MarkerCluster.Default.css $(VENDOR)/leaflet/
	touch $@

locale/.compiled: $(VENV)/.installed $(wildcard locale/*/LC_MESSAGES/messages.po)
	$(BIN)/pybabel compile --statistics -d locale -D messages
	touch $@

# Re-extract translatable strings and merge them into the nl, fr and en catalogs.
messages: $(VENV)/.installed
	$(BIN)/pybabel extract -F babel.cfg --no-location --sort-output -o locale/messages.pot .
	$(BIN)/pybabel update -i locale/messages.pot -d locale -D messages --no-fuzzy-matching --ignore-obsolete

bench: install
	$(BIN)/python bench/http.py

clean:
	rm -rf $(VENV) node_modules $(VENDOR) locale/.compiled
