#!/usr/bin/env bash
# Set up (first time only) and run the whole test suite, without a screen.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
export QT_QPA_PLATFORM=offscreen
# lint first (pyflakes and bugbear, settings in pyproject.toml): a likely bug fails the run like a test
.venv/bin/python -m ruff check trainer tests scripts benchmarks main.py
.venv/bin/python -m ruff format --check trainer tests scripts benchmarks main.py
# import contracts (pyproject.toml): the core never imports Qt, layers, the window runs no SQL
.venv/bin/lint-imports --no-cache
# types: check_untyped_defs everywhere, strict flags on the domain, the call, the store and the scorer
.venv/bin/mypy
exec .venv/bin/python -m pytest "$@"
