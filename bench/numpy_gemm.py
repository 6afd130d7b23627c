"""numpy/OpenBLAS reference for `collate-bench gemm` (see ../shared BENCHMARKS.md method).

Started once per thread count with OPENBLAS_NUM_THREADS / OMP_NUM_THREADS set by the caller
(OPENBLAS_CORETYPE and OPENBLAS_L2_SIZE unset). Talks one line at a time on stdin/stdout:

  startup  -> {"numpy": "2.x", "blas": [threadpoolctl info or a note]}
  "M K N TRANSB SECONDS" -> seconds per call of one repetition of C = A @ op(B), where
            A is [M, K], op(B) is B [K, N] or, when TRANSB is 1, B.T with B [N, K]; the
            repetition runs enough calls to last about SECONDS. The first request for a
            shape allocates and warms up.
"""
import json
import math
import sys
import time

import numpy as np


def blas_info():
    try:
        import threadpoolctl
    except ImportError:
        return "threadpoolctl not installed: OpenBLAS kernel unknown"
    return [
        {key: entry.get(key) for key in
         ("internal_api", "version", "architecture", "num_threads", "threading_layer")}
        for entry in threadpoolctl.threadpool_info() if entry.get("user_api") == "blas"
    ]


def main():
    print(json.dumps({"numpy": np.__version__, "blas": blas_info()}), flush=True)
    rng = np.random.default_rng(1)
    cache = {}
    for line in sys.stdin:
        fields = line.split()
        if not fields:
            continue
        m, k, n, trans_b = (int(x) for x in fields[:4])
        seconds = float(fields[4])
        key = (m, k, n, trans_b)
        if key not in cache:
            a = rng.uniform(-1, 1, (m, k)).astype(np.float32)
            b = rng.uniform(-1, 1, (n, k) if trans_b else (k, n)).astype(np.float32)
            c = np.empty((m, n), dtype=np.float32)
            op_b = b.T if trans_b else b
            np.matmul(a, op_b, out=c)
            start = time.perf_counter()
            np.matmul(a, op_b, out=c)
            once = time.perf_counter() - start
            calls = max(1, math.ceil(seconds / max(once, 1e-7)))
            cache[key] = (a, op_b, c, calls)
        a, op_b, c, calls = cache[key]
        start = time.perf_counter()
        for _ in range(calls):
            np.matmul(a, op_b, out=c)
        print((time.perf_counter() - start) / calls, flush=True)


if __name__ == "__main__":
    main()
