# Pressure Points — two commands do all set-up on a fresh Debian machine:
#   make run    serve the dashboard on http://127.0.0.1:8050 with the bundled offline data
#   make test   install what the suite needs (as root on Debian: apt packages) and run it all
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
PORT   ?= 8050
# Debian packages the suite starts for real (PostgreSQL, headless Chromium, Redis).
APT_PACKAGES := postgresql chromium chromium-driver redis-server

.PHONY: run test check lint format system-deps venv seed bench clean locale

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip

$(VENV)/.installed-run: pyproject.toml | $(BIN)/python
	$(BIN)/pip install -q -e .
	touch $@

$(VENV)/.installed-dev: pyproject.toml | $(BIN)/python
	$(BIN)/pip install -q -e ".[dev]"
	touch $@ $(VENV)/.installed-run

venv: $(VENV)/.installed-dev

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
