#!/usr/bin/env bash
# Cross-checks the LLM target's file formats against the reference implementations:
# HF `tokenizers` (token ids of five byte-level BPE forms) and `safetensors` (reading its
# files, writing identical bytes). Uses the reference venv of scripts/reference-venv (outside the clone,
# built once per requirements change). If the venv cannot be built the check says so loudly and exits 2:
# skipped, never passed.
set -uo pipefail
cd "$(dirname "$0")/.."
if ! venv=$(scripts/reference-venv); then
    echo "!!! FORMAT CROSS-CHECK SKIPPED: the reference venv could not be built (see above)" >&2
    exit 2
fi
set -e
"$venv/bin/python" crosscheck/tokenizer_crosscheck.py .build/crosscheck-tokenizers
"$venv/bin/python" crosscheck/safetensors_crosscheck.py .build/crosscheck-safetensors
swift test --filter 'TokenizerCrosscheckTests|SafetensorsCrosscheckTests'
