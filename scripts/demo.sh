#!/usr/bin/env bash
# Set up (scripts/setup.sh) and open the quickstart notebook in JupyterLab.
set -euo pipefail
cd "$(dirname "$0")/.."
NBF_SKIP_CHROMIUM=1 bash scripts/setup.sh
extra=()
[ "$(id -u)" = 0 ] && extra+=(--allow-root)
exec .venv/bin/jupyter lab notebooks/quickstart.ipynb "${extra[@]}" "$@"
