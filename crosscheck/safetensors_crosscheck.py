#!/usr/bin/env python3
"""Reference safetensors files from the `safetensors` package (the Rust reference writer).

Writes, for each of F32, F16 and BF16, a file with three tensors of exactly representable
values plus `__metadata__`, and one mixed-dtype file (with an I64 tensor), together with the
expected float32 bit patterns. The Swift test `SafetensorsCrosscheckTests` reads them back
and also writes the same tensors with our writer, which must produce identical bytes.

Usage (venv with safetensors==0.8.0):
    python crosscheck/safetensors_crosscheck.py [OUT_DIR]
OUT_DIR defaults to .build/crosscheck-safetensors (COLLATE_SAFETENSORS_CROSSCHECK_DIR
points the Swift test elsewhere).
"""
import ctypes
import json
import os
import struct
import sys

import safetensors

TORCH_NAMES = {"F32": "float32", "F16": "float16", "BF16": "bfloat16", "I64": "int64"}
_alive = []  # the buffers behind TensorSpec.data_ptr must outlive serialize_file


def spec(dtype, shape, data):
    """The reference writer takes raw pointers (safetensors >= 0.7); hand it a ctypes buffer."""
    buffer = ctypes.create_string_buffer(data, len(data))
    _alive.append(buffer)
    return safetensors.TensorSpec(dtype=TORCH_NAMES[dtype], shape=shape, data_ptr=ctypes.addressof(buffer), data_len=len(data))

# Exactly representable in F16 and BF16 (so no rounding is involved), specials included.
VALUES = {
    "a.weight": ([2, 3], [0.0, -0.0, 1.0, -2.25, 0.5, 96.0]),
    "b.bias": ([4], [float("inf"), float("-inf"), 0.125, -7.0]),
    "scalar": ([], [42.0]),
}


def float_bits(value):
    return struct.unpack("<I", struct.pack("<f", value))[0]


def encode(values, dtype):
    if dtype == "F32":
        return b"".join(struct.pack("<f", v) for v in values)
    if dtype == "F16":
        return b"".join(struct.pack("<e", v) for v in values)
    # BF16: the values are exact, so the top 16 bits of the float32 are the bfloat16.
    return b"".join(struct.pack("<H", float_bits(v) >> 16) for v in values)


def main():
    out = sys.argv[1] if len(sys.argv) > 1 else os.path.join(".build", "crosscheck-safetensors")
    os.makedirs(out, exist_ok=True)
    expected = {"safetensors_version": safetensors.__version__, "files": {}}
    for dtype in ["F32", "F16", "BF16"]:
        tensors = {name: spec(dtype, shape, encode(values, dtype)) for name, (shape, values) in VALUES.items()}
        name = f"reference_{dtype.lower()}.safetensors"
        safetensors.serialize_file(tensors, os.path.join(out, name), metadata={"format": "pt"})
        expected["files"][name] = {
            "metadata": {"format": "pt"},
            "tensors": {n: {"dtype": dtype, "shape": s, "bits": [float_bits(v) for v in vals]}
                        for n, (s, vals) in VALUES.items()},
        }
    mixed = {
        "w16": spec("F16", [2], encode([1.5, -3.0], "F16")),
        "wb16": spec("BF16", [2], encode([0.25, 8.0], "BF16")),
        "w32": spec("F32", [1, 2], encode([3.0, -1.0], "F32")),
        "ids": spec("I64", [3], struct.pack("<3q", 1, -2, 3)),
    }
    safetensors.serialize_file(mixed, os.path.join(out, "reference_mixed.safetensors"))
    expected["files"]["reference_mixed.safetensors"] = {
        "metadata": None,
        "tensors": {
            "w16": {"dtype": "F16", "shape": [2], "bits": [float_bits(v) for v in [1.5, -3.0]]},
            "wb16": {"dtype": "BF16", "shape": [2], "bits": [float_bits(v) for v in [0.25, 8.0]]},
            "w32": {"dtype": "F32", "shape": [1, 2], "bits": [float_bits(v) for v in [3.0, -1.0]]},
            "ids": {"dtype": "I64", "shape": [3], "bits": None},
        },
    }
    with open(os.path.join(out, "expected.json"), "w") as f:
        json.dump(expected, f, indent=1)
    print(f"safetensors {safetensors.__version__}: {len(expected['files'])} reference files -> {out}")


if __name__ == "__main__":
    main()
