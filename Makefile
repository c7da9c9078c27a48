# The two commands that do everything on a fresh machine: `make serve` and `make test`.
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
PORT   ?= 8000
HOST   ?= 127.0.0.1
OUT    ?= build

SOURCES := $(shell find ontology shapes data loaders graph -type f \( -name '*.ttl' -o -name '*.csv' -o -name '*.py' -o -name '*.toml' -o -name '*.md' \) 2>/dev/null)

.PHONY: install serve build test vendor browser engines clean bench bench-tools report

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

# Editable install with the test extras; re-run when the project metadata changes.
$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $@

install: $(VENV)/.installed vendor

# Front-end assets come from the npm registry at install time, never from a CDN at run time.
vendor: server/static/vendor/.stamp
server/static/vendor/.stamp: package.json package-lock.json server/vendor.py | $(VENV)/.installed
	$(BIN)/python -m eccp_kg.server.vendor
	@mkdir -p server/static/vendor && touch $@

# The graph is rebuilt only when a source file changed.
$(OUT)/.built: $(VENV)/.installed $(SOURCES)
	$(BIN)/eccp-kg build --out $(OUT)
	touch $@

build: $(OUT)/.built

serve: install build
	$(BIN)/eccp-kg serve --store $(OUT)/store --host $(HOST) --port $(PORT)

# Headless Chromium for the browser tests: Debian's package (Playwright's own download cannot work offline).
browser:
	@command -v chromium >/dev/null 2>&1 || { \
	  if [ "$$(id -u)" = 0 ]; then SUDO=; else SUDO=sudo; fi; \
	  $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq chromium >/dev/null; }

# Virtuoso Open Source 7 for the push and remote-backend tests (Debian's package; the tests start a private copy).
engines:
	@command -v virtuoso-t >/dev/null 2>&1 || { \
	  if [ "$$(id -u)" = 0 ]; then SUDO=; else SUDO=sudo; fi; \
	  $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq virtuoso-opensource >/dev/null; }

test: install browser engines build
	$(BIN)/python -m pytest $(PYTEST_ARGS)

# wrk drives the benchmark: Debian's package, installed the same way as Chromium.
bench-tools:
	@command -v wrk >/dev/null 2>&1 || { \
	  if [ "$$(id -u)" = 0 ]; then SUDO=; else SUDO=sudo; fi; \
	  $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq wrk >/dev/null; }

bench: install build bench-tools
	$(BIN)/python -m bench.run --build $(OUT) $(BENCH_ARGS)

report: install build
	$(BIN)/eccp-kg report --store $(OUT)/store --out report

clean:
	rm -rf $(OUT) report test-artifacts .pytest_cache
