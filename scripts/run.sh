#!/usr/bin/env bash
# Set up (first time only) and open the trainer on its built-in scenarios.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
exec .venv/bin/python main.py "$@"
