#!/usr/bin/env bash
# Create benchmarks/.venv-argilla: Argilla v1's local FeedbackDataset, for the side-by-side
# benchmark (benchmarks/run.py). Argilla v1 needs old pins that conflict with the project venv,
# so it lives in its own venv. Idempotent: re-running only re-checks the install.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
venv="${here}/.venv-argilla"
python="${PYTHON:-python3.11}"
command -v "${python}" >/dev/null 2>&1 || python=python3

if [[ ! -x "${venv}/bin/python" ]]; then
  "${python}" -m venv "${venv}"
fi

"${venv}/bin/python" -m pip install --quiet --upgrade pip
# argilla-v1 1.29.1 is the last Argilla v1 (imported as `argilla_v1`). Its local FeedbackDataset
# needs datasets 2.x, and datasets 2.20 breaks with huggingface_hub >= 0.24 and pyarrow >= 17.
"${venv}/bin/python" -m pip install --quiet \
  "argilla-v1==1.29.1" \
  "datasets==2.20.0" \
  "huggingface_hub<0.24" \
  "pyarrow<17" \
  "psutil>=5.9" \
  "pandas<2.2" \
  "transformers<4.45" \
  "openai>=0.27.10,<1" \
  nltk scikit-learn scipy
# pandas<2.2: v1's training tasks call DataFrame.applymap (gone in pandas 3). transformers
# (without torch), openai, nltk, scikit-learn and scipy: what v1's question-answering and
# chat-completion tasks and its agreement and model metrics import (tests/compat/test_parity_argilla_v1.py runs them).

# Smoke test: a local FeedbackDataset works offline (no server is contacted).
"${venv}/bin/python" - <<'PY'
import argilla_v1 as rg

ds = rg.FeedbackDataset(
    fields=[rg.TextField(name="prompt")],
    questions=[rg.TextQuestion(name="demonstration")],
)
ds.add_records([rg.FeedbackRecord(fields={"prompt": "hello"})])
assert len(ds) == 1, len(ds)
print(f"argilla_v1 {rg.__version__} OK: local FeedbackDataset works")
PY
