#!/usr/bin/env bash
# Cross-checks the model runtime (collate model tokenize/logprobs/generate, PEFT adapters)
# against transformers and peft on tiny random checkpoints (crosscheck/model_crosscheck.py).
# Exit 2 when the reference venv cannot be built: skipped, never passed.
set -uo pipefail
cd "$(dirname "$0")/.."
if ! venv=$(scripts/reference-venv); then
    echo "!!! MODEL CROSS-CHECK SKIPPED: the reference venv could not be built (see above)" >&2
    exit 2
fi
set -e
swift build --product collate
HF_HUB_DISABLE_PROGRESS_BARS=1 TRANSFORMERS_VERBOSITY=error "$venv/bin/python" -W ignore::FutureWarning crosscheck/model_crosscheck.py "$(swift build --show-bin-path)/collate" .build/crosscheck-model
