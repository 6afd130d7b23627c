#!/usr/bin/env bash
# Cross-checks the LLM target's file formats against the reference implementations:
# HF `tokenizers` (token ids of five byte-level BPE forms) and `safetensors` (reading its
# files, writing identical bytes). Uses the venv at $COLLATE_REF_VENV (default .build/venv-ref),
# creating it if needed. If the venv cannot be built the check says so loudly and exits 2:
# skipped, never passed.
set -uo pipefail
cd "$(dirname "$0")/.."
venv="${COLLATE_REF_VENV:-.build/venv-ref}"
if [ ! -x "$venv/bin/python" ] || ! "$venv/bin/python" -c "import tokenizers, safetensors" 2>/dev/null; then
    python3 -m venv "$venv" && "$venv/bin/pip" install -q "tokenizers==0.23.3" "safetensors==0.8.0"
fi
if ! "$venv/bin/python" -c "import tokenizers, safetensors" 2>/dev/null; then
    echo "!!! FORMAT CROSS-CHECK SKIPPED: cannot build the reference venv at $venv (tokenizers, safetensors)" >&2
    exit 2
fi
set -e
"$venv/bin/python" crosscheck/tokenizer_crosscheck.py .build/crosscheck-tokenizers
"$venv/bin/python" crosscheck/safetensors_crosscheck.py .build/crosscheck-safetensors
swift test --filter 'TokenizerCrosscheckTests|SafetensorsCrosscheckTests'
