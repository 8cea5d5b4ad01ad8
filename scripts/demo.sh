#!/usr/bin/env bash
# Open the quickstart notebook in JupyterLab. Installs only what the demo needs: nb_feedback and
# JupyterLab in .venv (no test or training extras), and builds the widget bundle only when it is
# missing. Safe to run again: each step is skipped when already done.
set -euo pipefail
cd "$(dirname "$0")/.."

as_root() { if [ "$(id -u)" = 0 ]; then "$@"; elif command -v sudo >/dev/null; then sudo "$@"; else
  echo "demo: need root for: $*" >&2; return 1; fi; }

if ! python3 -m venv --help >/dev/null 2>&1 || ! python3 -c "import ensurepip" 2>/dev/null; then
  as_root apt-get update -qq && as_root apt-get install -y -qq python3-venv
fi
if [ ! -f src/nb_feedback/static/widget.js ] || [ ! -f src/nb_feedback/static/widget.css ]; then
  (cd js && npm ci --no-audit --no-fund --loglevel=error && npm run build)
fi
[ -x .venv/bin/python ] || python3 -m venv .venv
if ! .venv/bin/python -c "import nb_feedback, jupyterlab, krippendorff" 2>/dev/null; then
  # [metrics]: team.ipynb's agreement; finetune and preference say to add [train] (torch)
  .venv/bin/pip install -q --disable-pip-version-check -e ".[metrics]" "jupyterlab==4.6.6"
fi

port=$(.venv/bin/python -c "import socket; s = socket.socket(); s.bind(('127.0.0.1', 0)); print(s.getsockname()[1])")
token=$(.venv/bin/python -c "import secrets; print(secrets.token_hex(16))")
extra=()
[ "$(id -u)" = 0 ] && extra+=(--allow-root)
echo
echo "The quickstart notebook (its kernel is .venv/bin/python):"
echo "    http://127.0.0.1:${port}/lab/tree/notebooks/quickstart.ipynb?token=${token}"
echo
exec .venv/bin/jupyter lab --no-browser --ServerApp.ip=127.0.0.1 --ServerApp.port="${port}" \
  --ServerApp.port_retries=0 --IdentityProvider.token="${token}" --ServerApp.root_dir="$PWD" \
  "${extra[@]}" "$@"
