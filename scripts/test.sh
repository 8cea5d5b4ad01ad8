#!/usr/bin/env bash
# Install what the tests need (scripts/setup.sh), then run every check; exits non-zero on any
# failure, including "no tests ran".
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
export OMP_NUM_THREADS=1 MKL_NUM_THREADS=1 TOKENIZERS_PARALLELISM=false
export HF_HUB_OFFLINE=1 HF_DATASETS_OFFLINE=1 TRANSFORMERS_OFFLINE=1
# the Argilla 2 cross-checks run here: a missing .venv-argilla2 fails them rather than skips
export NB_FEEDBACK_ARGILLA2=1

echo "== ruff"; .venv/bin/ruff check src tests benchmarks
echo "== ruff format"; .venv/bin/ruff format --check src tests benchmarks
echo "== mypy"; .venv/bin/mypy
echo "== import layers (import-linter)"; .venv/bin/lint-imports
echo "== front end: tsc, biome, import cycles (madge), vitest"
(cd js && npm run typecheck && npm run lint && npm test)
echo "== pytest: unit, notebooks, fine-tune, end-to-end"
.venv/bin/python -m pytest tests -p no:cacheprovider "$@"
