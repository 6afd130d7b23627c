#!/usr/bin/env bash
# Cross-checks the hand-off to TRL, PEFT, vLLM, LLaMA-Factory and DeepSpeed (issue 8) with the
# real libraries on a tiny random Llama and a tiny session (crosscheck/scale_crosscheck.py).
# Exit 2 when the reference venv cannot be built: skipped, never passed.
set -uo pipefail
cd "$(dirname "$0")/.."
if ! venv=$(scripts/reference-venv); then
    echo "!!! SCALE CROSS-CHECK SKIPPED: the reference venv could not be built (see above)" >&2
    exit 2
fi
set -e
swift build --product collate
HF_HUB_DISABLE_PROGRESS_BARS=1 HF_DATASETS_DISABLE_PROGRESS_BARS=1 TRANSFORMERS_VERBOSITY=error TQDM_DISABLE=1 \
    HF_DATASETS_CACHE="$PWD/.build/crosscheck-scale-cache" \
    "$venv/bin/python" -W ignore crosscheck/scale_crosscheck.py "$(swift build --show-bin-path)/collate" .build/crosscheck-scale
