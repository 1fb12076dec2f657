"""How fast this machine reads the wide workload's X: shuffled batches against one long copy.

The floor of ``bench.py`` multiplies one batch of X held in cache; training reads all of X once
per epoch, in shuffled batches. This script times, per batch of the wide workload (4,000 x
3,000, batch 200, float32 unless ``--dtype``), each round after a 64 MB write that pushes X out
of the caches:

- ``contiguous``: 200 consecutive rows copied as one block (``np.copyto``): memory at full speed;
- ``shuffled``: the batch's rows of a random permutation gathered with ``np.take`` (``bench.py``'s
  "X read" where numba is not installed);
- ``shuffled, compiled``: the same rows gathered by a compiled loop over each row's slice, as the
  compiled epoch gathers them: on one thread (``bench.py``'s "X read"), and on two at once, each
  taking half of every row's columns into a block of its own, as the two-thread epoch does
  (needs numba: ``pip install ".[fast]"``).

Usage::

    python benchmarks/bench_read.py              # 15 rounds: a few seconds
    python benchmarks/bench_read.py --dtype float64

It prints the median milliseconds per batch of each and the gigabytes per second they make.
"""

import argparse
import os
import sys
import threading
import time

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import bench  # noqa: E402


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--dtype", default="float32")
    parser.add_argument("--rounds", type=int, default=15)
    args = parser.parse_args(argv)
    X, _ = bench.load_workload("wide", np.dtype(args.dtype))
    n, features = X.shape
    batch = bench.WORKLOADS["wide"][1]
    buffers = [np.empty((batch, features), X.dtype) for _ in range(2)]
    flush = np.empty(2**23)
    rng = np.random.RandomState(0)
    batches = range(0, n - batch + 1, batch)

    def contiguous(order):
        for first in batches:
            np.copyto(buffers[0], X[first : first + batch])

    def shuffled(order):
        for first in batches:
            np.take(X, order[first : first + batch], axis=0, out=buffers[0])

    ways = {"contiguous": contiguous, "shuffled": shuffled}
    try:
        import numba  # noqa: F401
    except ImportError:
        print("numba is not installed: the compiled gathers are left out", file=sys.stderr)
    else:
        gather = bench.gather_rows()  # compiled: as _numba_kernels.first_layer_columns gathers

        def compiled_one(order):  # bench.py's "X read"
            gather(X, order, batch, 0, features, buffers[0])

        def compiled_two(order):
            half = features // 2
            threads = [
                threading.Thread(target=gather, args=(X, order, batch, lo, hi, buffers[k]))
                for k, (lo, hi) in enumerate([(0, half), (half, features)])
            ]
            for thread in threads:
                thread.start()
            for thread in threads:
                thread.join()

        gather(X, np.arange(n), batch, 0, 1, buffers[0])  # compile
        ways["shuffled, compiled, one thread"] = compiled_one
        ways["shuffled, compiled, two threads"] = compiled_two
    times = {name: [] for name in ways}
    for round_ in range(args.rounds):
        for name in list(ways) if round_ % 2 == 0 else list(ways)[::-1]:
            order = rng.permutation(n)
            flush[:] = round_  # X out of the caches
            start = time.perf_counter()
            ways[name](order)
            times[name].append((time.perf_counter() - start) / len(batches))
    batch_bytes = batch * features * X.itemsize
    megabytes = batch_bytes / 1e6
    print(f"wide workload, {X.dtype}, {batch} rows x {features} a batch ({megabytes:.1f} MB)")
    for name, values in times.items():
        seconds = float(np.median(values))
        rate = batch_bytes / seconds / 1e9
        print(f"{name:34s} {1e3 * seconds:6.3f} ms a batch, {rate:5.1f} GB/s")


if __name__ == "__main__":
    main()
