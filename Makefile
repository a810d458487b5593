# Two commands for a fresh clone:  `make run` (start on the embedded sample data)  and  `make test`.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
PIP    := $(BIN)/python -m pip
export PIP_DISABLE_PIP_VERSION_CHECK := 1
export ANONYMIZED_TELEMETRY := False

.PHONY: run test install install-dev browser redis-server lint typecheck unit eval bench clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

# Swagger UI for /docs from npm (served locally, so the API docs work offline; not vendored in the repo).
SWAGGER_UI := swagger-ui-dist@5.35.0
$(VENV)/npm/node_modules/swagger-ui-dist/package.json: | $(BIN)/python
	@command -v npm >/dev/null && npm install --prefix $(VENV)/npm $(SWAGGER_UI) --no-audit --no-fund --silent || \
	  echo "npm がないため /docs は CDN から読み込みます"

# Leaflet for the chat page's 地図 tab, served by the app from .venv/npm (not vendored, never a CDN at run time);
# axe-core for the accessibility audit in the browser tests.
LEAFLET := leaflet@1.9.4
AXE_CORE := axe-core@4.11.0
$(VENV)/npm/node_modules/leaflet/package.json: | $(BIN)/python
	@command -v npm >/dev/null && npm install --prefix $(VENV)/npm $(LEAFLET) --no-audit --no-fund --silent || \
	  echo "npm がないため、地図タブはタイルなしの簡易図で表示します"
$(VENV)/npm/node_modules/axe-core/package.json: | $(BIN)/python
	@command -v npm >/dev/null && npm install --prefix $(VENV)/npm $(AXE_CORE) --no-audit --no-fund --silent || \
	  echo "npm がないため、アクセシビリティ検査（axe-core）のテストは飛ばされます"
UI_NPM := $(VENV)/npm/node_modules/swagger-ui-dist/package.json $(VENV)/npm/node_modules/leaflet/package.json

$(VENV)/.core-installed: pyproject.toml | $(BIN)/python $(UI_NPM)
	$(PIP) install -q -e .
	touch $@

# torch is pinned first so the sentence-transformers extra never pulls a CUDA build.
$(VENV)/.dev-installed: pyproject.toml | $(BIN)/python $(UI_NPM) $(VENV)/npm/node_modules/axe-core/package.json
	$(PIP) install -q torch==2.13.0
	$(PIP) install -q -e '.[dev,st]'
	touch $(VENV)/.core-installed $@

install: $(VENV)/.core-installed
install-dev: $(VENV)/.dev-installed

run: install
	$(BIN)/kakari serve

# Debian's Chromium + ChromeDriver for the real-browser UI test.
browser:
	@command -v chromium >/dev/null && command -v chromedriver >/dev/null && fc-list | grep -qi ipa || \
	  { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium chromium-driver fonts-ipafont-gothic >/dev/null; }

# Debian's redis-server for the Redis session-store tests (started by the tests on loopback, a free port).
redis-server:
	@command -v redis-server >/dev/null || \
	  { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq redis-server >/dev/null; }

lint: install-dev
	$(BIN)/ruff check .

typecheck: install-dev
	$(BIN)/mypy

unit: install-dev browser redis-server
	$(BIN)/python -m pytest -q

test: lint typecheck unit
	KAKARI_DATA_DIR=$(CURDIR)/$(VENV)/eval-data $(BIN)/kakari eval --gate --quick

eval: install
	$(BIN)/kakari eval

bench: install-dev
	$(BIN)/python scripts/bench_retrieval.py
	$(BIN)/python scripts/bench_ask.py

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache
