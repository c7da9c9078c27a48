# The two commands that do everything on a fresh machine: `make serve` and `make test`.
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
PORT   ?= 8000
HOST   ?= 127.0.0.1
OUT    ?= build

# Debian packages: declared here and nowhere else. Add a package to the list of the step that
# needs it and `make test` installs it (a tool or engine a test runs goes into APT_TEST). A package
# counts as present when dpkg has it installed or a command of its name is on PATH (Node.js's own
# packages bring npm without Debian's npm package).
APT_INSTALL := npm
APT_TEST    := chromium wrk virtuoso-opensource
APT_GET     ?= apt-get

SOURCES := $(shell find ontology shapes data loaders graph -type f \( -name '*.ttl' -o -name '*.csv' -o -name '*.py' -o -name '*.toml' -o -name '*.md' \) 2>/dev/null)

.PHONY: install serve build test vendor apt-packages browser engines clean bench bench-load bench-tools report

# Shell code installing whichever of the Debian packages $(1) are missing: one `apt-get update`,
# non-interactive, as root or through sudo, waiting for a held dpkg lock, never removing a package.
define apt_install
{ missing=; for p in $(1); do \
    command -v $$p >/dev/null 2>&1 || dpkg-query -W -f='$${Status}' $$p 2>/dev/null | grep -q 'ok installed' \
      || missing="$$missing $$p"; \
  done; \
  if [ -n "$$missing" ]; then \
    if [ "$$(id -u)" = 0 ]; then sudo=; elif command -v sudo >/dev/null 2>&1; then sudo=sudo; \
    else echo "make: Debian packages$$missing are missing: run make as root or install sudo" >&2; exit 1; fi; \
    echo "make: installing Debian packages$$missing"; \
    apt="$$sudo env DEBIAN_FRONTEND=noninteractive $(APT_GET) -o DPkg::Lock::Timeout=600"; \
    $$apt update -qq || echo "make: updating the package lists failed; installing from the lists as they are" >&2; \
    $$apt install -y -qq --no-remove $$missing >/dev/null; \
  fi; }
endef

# Every Debian package `make install` and the tests use.
apt-packages:
	@$(call apt_install,$(APT_INSTALL) $(APT_TEST))

# Debian's python3 creates virtual environments only with python3-venv (ensurepip).
$(BIN)/python:
	@$(PYTHON) -c 'import ensurepip' 2>/dev/null || $(call apt_install,python3-venv)
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

# Editable install with the test extras; re-run when the project metadata changes.
$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $@

install: $(VENV)/.installed vendor

# Front-end assets come from the npm registry at install time, never from a CDN at run time.
vendor: eccp_kg/pages/static/vendor/.stamp
eccp_kg/pages/static/vendor/.stamp: package.json package-lock.json server/vendor.py | $(VENV)/.installed
	@$(call apt_install,$(APT_INSTALL))
	$(BIN)/python -m eccp_kg.server.vendor
	@mkdir -p eccp_kg/pages/static/vendor && touch $@

# The graph is rebuilt only when a source file changed.
$(OUT)/.built: $(VENV)/.installed $(SOURCES)
	$(BIN)/eccp-kg build --out $(OUT)
	touch $@

build: $(OUT)/.built

serve: install build
	$(BIN)/eccp-kg serve --store $(OUT)/store --host $(HOST) --port $(PORT)

# APT_TEST: headless Chromium for the browser tests (Playwright's own download cannot work offline),
# wrk for the benchmark's load tests, Virtuoso Open Source 7 for the push and remote-backend tests
# (they start a private copy). The old per-tool target names stay as aliases.
browser bench-tools engines: apt-packages

# The Debian packages first, so one apt-get update serves them all. The suite runs on one pytest-xdist
# worker per CPU and one more; each test module stays on one worker, the longest modules go first, and
# the run shares one build and one server (tests/shared_run.py). PYTEST_XDIST= runs it in one process.
PYTEST_XDIST ?= -n auto --dist loadfile --no-loadscope-reorder
test: apt-packages install build
	$(BIN)/python -m pytest $(PYTEST_XDIST) $(PYTEST_ARGS)

bench: apt-packages install build
	$(BIN)/python -m bench.run --build $(OUT) $(BENCH_ARGS)

# 64 connections of mixed competency queries for 60 s, ours and the Oxigraph server (issue 11)
bench-load: apt-packages install build
	$(BIN)/python -m bench.load --build $(OUT) $(BENCH_ARGS)

report: install build
	$(BIN)/eccp-kg report --store $(OUT)/store --out report

clean:
	rm -rf $(OUT) report test-artifacts .pytest_cache
