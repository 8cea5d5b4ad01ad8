#!/usr/bin/env bash
# Build the wheel, widget bundle inside: dist/nb_feedback-<version>-py3-none-any.whl. Building
# needs node and npm (the bundle is TypeScript); installing the wheel needs neither, anywhere
# (your own environment, Colab: upload the file, then `pip install nb_feedback-*.whl`).
set -euo pipefail
cd "$(dirname "$0")/.."
(cd js && npm ci --no-audit --no-fund --loglevel=error && npm run build)
python3 -m pip wheel -q --no-deps -w dist .
ls dist/nb_feedback-*.whl
