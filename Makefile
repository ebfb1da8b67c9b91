# The two commands that matter: `make demo` (the main job) and `make test`.
# Everything runs in a project-local virtual environment that `make` creates on first use.

PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-dev
# Hand-written Python: what ruff and mypy --strict check (clients/ is generated).
PY_SOURCES := $(wildcard generator overlays sandbox demo bench tests setup.py conftest.py .ci/check_dist.py)
# Source trees on the import path: generated clients, hand-written overlays, the sandbox, and the repo root
# (generator/, demo/, bench/). `pip install .` packages clients/, overlays/ and sandbox/ the same way.
SOURCE_ROOTS := $(CURDIR)/clients $(CURDIR)/overlays $(CURDIR)/sandbox $(CURDIR)
empty :=
space := $(empty) $(empty)
export PYTHONPATH := $(subst $(space),:,$(SOURCE_ROOTS))

.PHONY: help venv regenerate check coverage bump status test lint pytest browser demo sandbox bench bench-sending soak fuzz requirements dist wheel-smoke docs clean

help:
	@echo "make demo        run every documented flow against the local sandbox (main job)"
	@echo "make test        check + lint + the test suite (what CI runs)"
	@echo "make regenerate  regenerate clients/ from specs/ and update clients.lock.json"
	@echo "make check       fail if clients/ or the lock differ from the pinned specs, or docs/coverage.md is stale"
	@echo "make coverage    write docs/coverage.md (every operation: spec, modern, legacy, sandbox)"
	@echo "make bump NAME=flowroute-v2 VERSION=1.1.0   bump a spec's info.version and regenerate"
	@echo "make sandbox     run the local provider sandbox in the foreground (its inbox page: the root URL)"
	@echo "make browser     install Debian's chromium for tests/browser when missing (as root)"
	@echo "make bench | soak | fuzz   benchmarks and the long reliability runs"
	@echo "make bench-sending         send_many at scale: throughput, crash trials, pacing (bench/results/sending.md)"
	@echo "make docs        build the documentation site into site/ (strict: any warning fails)"
	@echo "make dist        build the wheel and sdist into dist/ and check them (twine check)"
	@echo "make wheel-smoke install the wheel in a fresh venv outside the tree and use it (CI runs it)"

$(STAMP): requirements/dev.txt pyproject.toml
	$(PYTHON) -c 'import sys; sys.exit(sys.version_info < (3, 11) and "Python >= 3.11 is required")'
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -r requirements/dev.txt
	@# The source roots on the venv's path too, so `.venv/bin/python` imports smsclients outside make.
	printf '%s\n' $(SOURCE_ROOTS) > "$$($(BIN)/python -c 'import sysconfig; print(sysconfig.get_path("purelib"))')/sms-provider-clients-dev.pth"
	touch $(STAMP)

venv: $(STAMP)

regenerate: $(STAMP)
	$(BIN)/python -m generator regenerate
	$(BIN)/python -m generator coverage

check: $(STAMP)
	$(BIN)/python -m generator check
	$(BIN)/python -m generator coverage --check

coverage: $(STAMP)
	$(BIN)/python -m generator coverage

status: $(STAMP)
	$(BIN)/python -m generator status

bump: $(STAMP)
	@test -n "$(NAME)" -a -n "$(VERSION)" || (echo "usage: make bump NAME=<client> VERSION=<x.y.z>"; exit 2)
	$(BIN)/python -m generator bump $(NAME) $(VERSION)
	$(BIN)/python -m generator coverage

lint: $(STAMP)
	$(BIN)/ruff check $(PY_SOURCES)
	$(BIN)/ruff format --check $(PY_SOURCES)
	$(BIN)/mypy $(PY_SOURCES)

pytest: $(STAMP) browser
	$(BIN)/python -m pytest -q

# The inbox page's browser tests (tests/browser) drive Debian's Chromium through Playwright; never a
# downloaded browser. Installed here when missing and we are root; otherwise say how.
browser:
	@command -v chromium >/dev/null 2>&1 || command -v chromium-browser >/dev/null 2>&1 || \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium; \
	  else echo "chromium is missing: apt-get install chromium (tests/browser skip without it, and fail in CI)"; fi

test: check lint pytest

demo: $(STAMP)
	$(BIN)/python -m demo $(ARGS)

sandbox: $(STAMP)
	$(BIN)/python -m smsclients_sandbox $(ARGS)

bench: $(STAMP)
	$(BIN)/python -m bench $(ARGS)

# send_many at scale: throughput, crash trials, pacing accuracy (bench/sending.py; ARGS="pacing" for one section).
bench-sending: $(STAMP)
	$(BIN)/python -m bench.sending $(ARGS)

soak: $(STAMP)
	$(BIN)/python -m pytest -q -s -m soak tests/reliability  # -s: each run prints its figures

fuzz: $(STAMP)
	FUZZ_PER_SURFACE=10000 $(BIN)/python -m pytest -q tests/reliability/test_fuzz.py

requirements: $(STAMP)
	$(BIN)/python -m pip install --quiet -r requirements/dev.in
	(echo '# Full pinned set for the development environment; generated from dev.in by `make requirements`.'; \
	 $(BIN)/python -m pip freeze --exclude-editable) > requirements/dev.txt

# Wheel + sdist from a clean slate, built in an isolated environment (setuptools from pyproject's
# build-system), then checked: metadata renders (twine) and the archives hold what they should.
# The egg-info setuptools leaves at the root goes at once: on the tests' path it would register the
# pytest plugin from there.
dist: $(STAMP)
	rm -rf dist build *.egg-info
	$(BIN)/python -m build --outdir dist . ; status=$$?; rm -rf build *.egg-info; exit $$status
	$(BIN)/twine check --strict dist/*
	$(BIN)/python .ci/check_dist.py dist

wheel-smoke: dist
	.ci/wheel-smoke dist

# The documentation site (mkdocs.yml): strict, so a broken link, a missing page or a reference to a
# missing symbol fails the build. NO_MKDOCS_2_WARNING: Material's notice about MkDocs 2 is not a warning of ours.
docs: $(STAMP)
	NO_MKDOCS_2_WARNING=1 $(BIN)/mkdocs build --strict --clean --site-dir site

clean:
	rm -rf $(VENV) site .pytest_cache .mypy_cache .ruff_cache dist build
