#!/usr/bin/env bash
# Set up a working copy from nothing: Chromium (for browser tests), the front-end build, and a
# .venv with nb_feedback installed editable plus the dev and training extras.
# Safe to run again: each step is skipped when already done.
set -euo pipefail
cd "$(dirname "$0")/.."

as_root() { if [ "$(id -u)" = 0 ]; then "$@"; elif command -v sudo >/dev/null; then sudo "$@"; else
  echo "setup: need root for: $*" >&2; return 1; fi; }

if ! python3 -m venv --help >/dev/null 2>&1 || ! python3 -c "import ensurepip" 2>/dev/null; then
  as_root apt-get update -qq && as_root apt-get install -y -qq python3-venv
fi
if [ ! -x /usr/bin/chromium ] && [ "${NBF_SKIP_CHROMIUM:-0}" != 1 ]; then
  as_root apt-get update -qq && as_root apt-get install -y -qq chromium
fi

# The widget bundle: src/nb_feedback/static/widget.{js,css}, built from js/.
(cd js && npm ci --no-audit --no-fund --loglevel=error && npm run build)

[ -x .venv/bin/python ] || python3 -m venv .venv
# torch is pinned in the [train] extra and installed in this same pip command: without the pin
# pip resolves a multi-GB CUDA build.
.venv/bin/pip install -q --disable-pip-version-check -e ".[dev,train,argilla]"

# Argilla 2.8's SDK in its own venv (its pins differ from ours): tests/hub/test_argilla2.py runs
# its own reader and writer on nb_feedback's Hub layouts, offline. requests: argilla 2.8 imports
# it without declaring it.
if [ ! -x .venv-argilla2/bin/python ] || ! .venv-argilla2/bin/python -c "import argilla, requests" 2>/dev/null; then
  python3 -m venv .venv-argilla2
  .venv-argilla2/bin/pip install -q --disable-pip-version-check "argilla==2.8.0" requests
fi

# argilla-server 2.8.0 in its own venv: tests/hub/test_argilla_server.py starts it on SQLite
# (search engine and Redis stood in, see tests/hub/argilla_server_side.py). ~2.5 min once.
if [ ! -x .venv-argilla-server/bin/python ] || ! .venv-argilla-server/bin/python -c "import argilla_server, fakeredis" 2>/dev/null; then
  python3 -m venv .venv-argilla-server
  .venv-argilla-server/bin/pip install -q --disable-pip-version-check "argilla-server==2.8.0" fakeredis
fi
