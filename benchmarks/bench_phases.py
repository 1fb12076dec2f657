"""The large workload's slow phases seen from the fit: its optimizer steps, with two controls.

``bench_cores.py`` showed what the slow phases are (the minutes when the host puts this virtual
machine's two cores far apart: ``RESULTS_cores.md``). This script times them where the user
meets them. Each round times, one after the other: a read of a 256 MiB array (``np.sum``: this
process's memory bandwidth at that moment), one epoch of the matrix products alone
(``bench.Floor``; "floor" includes the first layer's input gradient, which training never
computes, "w/o dX" leaves it out, as ``bench.py``'s floor does) and one epoch of
``TanhMLPClassifier.fit``, with the optimizer's step timed inside it (``_optimizers``' step,
whichever kernel set runs it). The step is the fit's one pass per batch over all of the
network's parameters and its optimizer's state (Adam: parameters, gradient and two moments, 5.4
MB each for the large network in float64); its gradient was written by BLAS's two threads, one
on each core.

Usage::

    python benchmarks/bench_phases.py                       # large, float64, adam, 15 rounds
    python benchmarks/bench_phases.py --dtype float32 --solver sgd --rounds 9
    python benchmarks/bench_phases.py --blas-threads 1          # the fits' BLAS on one thread
    OPENBLAS_THREAD_TIMEOUT=4 python benchmarks/bench_phases.py # BLAS's idle threads sleep at once

OpenBLAS's idle worker threads spin for about 0.1 s after each product before they sleep (2^28
cycles; ``OPENBLAS_THREAD_TIMEOUT``, read when the library loads, sets the power of two). The
step runs single-threaded between the products, beside that spinning thread. ``--blas-threads
1`` and ``OPENBLAS_THREAD_TIMEOUT=4`` take the spinning thread away, each in its own way: the
first runs the fits' products on one thread, the second lets the idle thread sleep at once.
"""

import argparse
import os
import sys
import time
import warnings
from pathlib import Path

import numpy as np
from sklearn.exceptions import ConvergenceWarning
from threadpoolctl import threadpool_limits

sys.path.insert(0, str(Path(__file__).resolve().parent))
import bench  # noqa: E402

from sktanhnet import TanhMLPClassifier, _optimizers  # noqa: E402


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--workload", default="large")
    parser.add_argument("--dtype", default="float64")
    parser.add_argument("--solver", default="adam", choices=["adam", "sgd"])
    parser.add_argument("--rounds", type=int, default=15)
    parser.add_argument(
        "--blas-threads",
        type=int,
        default=None,
        help="BLAS's threads in the fits",
    )
    parser.add_argument("--sklearn", action="store_true", help="time MLPClassifier's fit too")
    args = parser.parse_args()
    X, y = bench.load_workload(args.workload, np.dtype(args.dtype))
    params = bench.settings(args.workload, args.solver, 1)
    floor = bench.Floor(X, params, len(np.unique(y)))
    optimizer = {"adam": _optimizers.Adam, "sgd": _optimizers.SGD}[args.solver]
    step, steps = optimizer.step, []

    def timed_step(self, *a, **k):
        start = time.perf_counter()
        step(self, *a, **k)
        steps.append(time.perf_counter() - start)

    probe = np.ones(2**25)  # 256 MiB of float64
    warnings.simplefilter("ignore", ConvergenceWarning)
    TanhMLPClassifier(**params).fit(X[:2000], y[:2000])
    floor.epoch()
    optimizer.step = timed_step
    timeout = os.environ.get("OPENBLAS_THREAD_TIMEOUT", "unset")
    print(
        f"{args.workload} {args.dtype} {args.solver}; {bench.kernels_description()}; fits' BLAS "
        f"threads: {args.blas_threads or 'its own'}; OPENBLAS_THREAD_TIMEOUT {timeout}"
    )
    print(
        "round  read GB/s  floor s  ours s  ours/floor  ours/w/o dX  steps s  steps ms/batch"
        + ("  sklearn s" if args.sklearn else "")
    )
    rows = []
    for round_ in range(args.rounds):
        time.sleep(bench.PAUSE)
        start = time.perf_counter()
        probe.sum()
        bandwidth = probe.nbytes / (time.perf_counter() - start) / 1e9
        time.sleep(bench.PAUSE)
        floor_s, dx_s = floor.epoch()
        time.sleep(bench.PAUSE)
        steps.clear()
        start = time.perf_counter()
        with threadpool_limits(args.blas_threads, user_api="blas"):
            TanhMLPClassifier(**params).fit(X, y)
        ours_s = time.perf_counter() - start
        sklearn_s = np.nan
        if args.sklearn:
            time.sleep(bench.PAUSE)
            with threadpool_limits(args.blas_threads, user_api="blas"):
                sklearn_s = bench.fit_sklearn(X, y, params)[0]
        rows.append((bandwidth, floor_s, ours_s, sum(steps), sklearn_s, floor_s - dx_s))
        print(
            f"{round_:5d}  {bandwidth:9.1f}  {floor_s:7.2f}  {ours_s:6.2f}"
            f"  {ours_s / floor_s:10.2f}  {ours_s / (floor_s - dx_s):11.2f}  {sum(steps):7.2f}"
            f"  {1e3 * np.median(steps):14.2f}" + (f"  {sklearn_s:9.2f}" if args.sklearn else "")
        )
    rows = np.array(rows)
    print(
        "medians: read GB/s {:.1f}, floor {:.2f} s, ours {:.2f} s, ours/floor {:.2f}, ours/w/o dX "
        "{:.2f}, steps {:.2f} s".format(
            *np.median(rows, axis=0)[:3],
            np.median(rows[:, 2] / rows[:, 1]),
            np.median(rows[:, 2] / rows[:, 5]),
            np.median(rows[:, 3]),
        )
        + (
            f", sklearn {np.median(rows[:, 4]):.2f} s, sklearn/ours "
            f"{np.median(rows[:, 4] / rows[:, 2]):.2f}"
            if args.sklearn
            else ""
        )
    )


if __name__ == "__main__":
    main()
