# Pressure Points — two commands do all set-up on a fresh Debian machine:
#   make run    serve the dashboard on http://127.0.0.1:8050 with the bundled offline data
#   make test   install what the suite needs (as root on Debian: apt packages) and run it all
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
PORT   ?= 8050
# Debian packages the suite starts for real (PostgreSQL, headless Chromium, Redis).
APT_PACKAGES := postgresql chromium chromium-driver redis-server
# Every Python package is installed from a lock that pins it with its sha256 hashes (`make lock`
# writes them from pyproject.toml): LOCK = runtime + dev, what `make test` installs; RUN_LOCK =
# runtime + the build backend, the same pins, what `make run` installs; TOOLS_LOCK = uv (which
# writes the locks) and pip-audit (`make audit`), constrained to LOCK's pins.
LOCK       := .ci/requirements/lock.txt
RUN_LOCK   := .ci/requirements/run.txt
TOOLS_LOCK := .ci/requirements/tools.txt
TOOLS      := uv==0.13.8 pip-audit==2.10.1
# The locks are for this machine kind: CPython 3.11 on Linux x86_64 (glibc).
LOCK_FOR   := --python-version 3.11 --python-platform x86_64-unknown-linux-gnu
# `make lock` keeps the pins it can; `make lock UPGRADE=1` moves every pin to the newest allowed.
COMPILE     = $(BIN)/uv pip compile --quiet --generate-hashes $(LOCK_FOR) \
	--custom-compile-command "make lock" $(if $(UPGRADE),--upgrade)
# advisory service for `make audit`: pypi or osv
AUDIT_SERVICE ?= pypi

.PHONY: run test check lint format system-deps venv seed bench clean locale lock audit

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip

# The project itself goes in without dependencies (they are all in the lock) and without build
# isolation (setuptools and wheel are in the lock too), so nothing unhashed is fetched.
$(VENV)/.installed-run: pyproject.toml $(RUN_LOCK) | $(BIN)/python
	$(BIN)/pip install -q --require-hashes -r $(RUN_LOCK)
	$(BIN)/pip install -q --no-deps --no-build-isolation -e .
	touch $@

$(VENV)/.installed-dev: pyproject.toml $(LOCK) | $(BIN)/python
	$(BIN)/pip install -q --require-hashes -r $(LOCK)
	$(BIN)/pip install -q --no-deps --no-build-isolation -e .
	touch $@ $(VENV)/.installed-run

$(VENV)/.installed-tools: $(TOOLS_LOCK) | $(BIN)/python
	$(BIN)/pip install -q --require-hashes -r $(TOOLS_LOCK)
	touch $@

venv: $(VENV)/.installed-dev

# Re-pin after a change to pyproject.toml's dependencies (or to TOOLS), then commit .ci/requirements/.
lock: $(VENV)/.installed-tools
	$(COMPILE) pyproject.toml --extra dev -o $(LOCK)
	$(BIN)/python -c 'import tomllib; print(*tomllib.load(open("pyproject.toml", "rb"))["build-system"]["requires"], sep="\n")' \
		| $(COMPILE) pyproject.toml - -c $(LOCK) -o $(RUN_LOCK)
	printf '%s\n' $(TOOLS) | $(COMPILE) - -c $(LOCK) -o $(TOOLS_LOCK)

# Known vulnerabilities in the pinned packages. Exit 0: none; 1: some (listed); 2: no check was
# done (advisory database unreachable, packages it could not check, or pip-audit failed).
audit: $(VENV)/.installed-tools
	$(BIN)/python .ci/audit.py --service $(AUDIT_SERVICE) $(LOCK) $(TOOLS_LOCK)

system-deps:
	@if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
	  missing=""; for p in $(APT_PACKAGES); do \
	    dpkg -s $$p >/dev/null 2>&1 || missing="$$missing $$p"; done; \
	  $(PYTHON) -m venv --help >/dev/null 2>&1 || missing="$$missing python3-venv"; \
	  if [ -n "$$missing" ]; then \
	    echo "apt-get install$$missing"; \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing; \
	  fi; \
	else echo "system-deps: not root on Debian; install yourself:$(APT_PACKAGES)"; fi

seed: $(VENV)/.installed-run
	$(BIN)/python -m data_sources init

run: seed
	PORT=$(PORT) $(BIN)/python -m dashboard

test: system-deps lint
	$(BIN)/python -m pytest

# The fast inner loop: lint, types and the tests that start no service (no PostgreSQL, Redis,
# Chromium or subprocess); `make test` runs everything, as CI does.
check: lint
	$(BIN)/python -m pytest -q -n 2 -m "not postgres and not browser and not slow and not services"

lint: $(VENV)/.installed-dev
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy

# Extract every message into dashboard/locale/messages.pot and merge it into the hy and ru
# catalogs (new messages arrive empty; tests/test_i18n.py fails until they are translated).
locale: $(VENV)/.installed-dev
	$(BIN)/pybabel extract -F babel.cfg --no-default-keywords -k _ -k N_ -k gettext:2 \
		--project "Pressure Points" --no-wrap --omit-header --sort-output \
		-o dashboard/locale/messages.pot .
	$(BIN)/pybabel update -i dashboard/locale/messages.pot -d dashboard/locale \
		--no-wrap --no-fuzzy-matching --ignore-obsolete

format: $(VENV)/.installed-dev
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

bench: $(VENV)/.installed-dev
	$(BIN)/python benchmarks/refresh.py

clean:
	rm -rf $(VENV) var .pytest_cache .ruff_cache

# The property-based fuzz with a large budget (`make test` runs it small, ≤ 2 minutes):
# Schemathesis from the OpenAPI document and Hypothesis over every page, embed and download route.
FUZZ_LONG_EXAMPLES ?= 1000
.PHONY: fuzz-long
fuzz-long: $(VENV)/.installed-dev
	PP_SCHEMATHESIS_EXAMPLES=$(FUZZ_LONG_EXAMPLES) FUZZ_EXAMPLES=$(FUZZ_LONG_EXAMPLES) \
		$(BIN)/python -m pytest -q -p no:cacheprovider tests/test_schemathesis.py \
		tests/test_hardening.py::test_fuzzed_routes_never_answer_5xx
