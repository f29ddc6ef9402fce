#!/usr/bin/env bash
# A real Learning Record Store for the xAPI tests: Ralph (PyPI "ralph-malph", file-system backend).
# It lives in its own virtual environment, .venv-lrs: Ralph pins click 8.2.0, and the app's
# sqlite-utils needs click >= 8.3.1, so the two cannot share .venv. Safe to run again: it installs
# only what is missing. The tests in tests/test_xapi_lrs.py start it themselves when it is there
# and are skipped (saying why) when it is not.
#
#   bash scripts/lrs-server.sh                        install (if needed)
#   bash scripts/lrs-server.sh --run DIR [PORT]       ... then serve on 127.0.0.1:PORT (default 8100),
#                                                     statements and credentials in DIR; the user and
#                                                     password are $LRS_USER and $LRS_PASSWORD
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$(pwd)
VENV=${LRS_VENV:-$ROOT/.venv-lrs}
RALPH_VERSION=5.1.0   # keep in step with tests/test_xapi_lrs.py's skip message

if [ ! -x "$VENV/bin/python" ]; then
  echo "Creating $VENV for the LRS"
  "${PYTHON:-python3}" -m venv "$VENV"
fi
if ! "$VENV/bin/python" -c "import importlib.metadata as m, sys; sys.exit(m.version('ralph-malph') != '$RALPH_VERSION')" 2>/dev/null; then
  echo "Installing ralph-malph[cli,lrs]==$RALPH_VERSION into $VENV"
  "$VENV/bin/python" -m pip install --quiet "ralph-malph[cli,lrs]==$RALPH_VERSION" requests
fi

[ "${1:-}" = "--run" ] || { echo "ralph-malph $RALPH_VERSION ready in $VENV"; exit 0; }

DIR=${2:?usage: lrs-server.sh --run DIR [PORT]}
PORT=${3:-8100}
mkdir -p "$DIR/statements"
DIR=$(cd "$DIR" && pwd)
cd "$DIR"   # Ralph also reads a .env file from the working folder: this one has none
export RALPH_APP_DIR="$DIR" RALPH_AUTH_FILE="$DIR/auth.json" RALPH_HISTORY_FILE="$DIR/history.json" \
  RALPH_RUNSERVER_BACKEND=fs RALPH_BACKENDS__LRS__FS__DEFAULT_DIRECTORY_PATH="$DIR/statements"
if [ ! -s "$DIR/auth.json" ]; then
  "$VENV/bin/ralph" auth -u "${LRS_USER:?set LRS_USER}" -p "${LRS_PASSWORD:?set LRS_PASSWORD}" -s all \
    -A "$LRS_USER" "https://billing-trainer.invalid" -w >/dev/null 2>&1
fi
# Not `ralph runserver`: that runs uvicorn with reload on, which watches the working folder and
# forks a second process. Ralph 5.1's file-system backend writes its one statements file in
# "index" mode, which refuses a file that exists, so only the first POST of new statements would
# ever be stored; the same backend's "append" mode keeps adding to it.
exec "$VENV/bin/python" - "$PORT" <<'PYEOF'
import sys

import uvicorn
from ralph.backends.data.base import BaseOperationType
from ralph.backends.lrs.fs import FSLRSBackend

FSLRSBackend.default_operation_type = BaseOperationType.APPEND
uvicorn.run("ralph.api:app", host="127.0.0.1", port=int(sys.argv[1]), log_level="warning", access_log=False)
PYEOF
