"""Data-parallel L-BFGS on a local dask cluster against the in-memory fit: time and bytes.

For each data size, ``DaskTanhMLPClassifier(solver="lbfgs")`` is fitted on 1 and on 2 local
worker processes (one thread each, every listener on 127.0.0.1) and ``TanhMLPClassifier`` in
memory on the same data, with the same seed and ``max_iter``; the table gives the median time
per loss-and-gradient evaluation of each (fit time / evaluations, after a warm-up fit), the
evaluations, the largest difference between the dask and in-memory weights, and the bytes per
evaluation: the parameter vectors through the client (the weights out once, in a task of their
own, and their sum back: ``2 x parameters x 8`` bytes, on paper) and the bytes the workers' data
transfers sent, as dask counts them (``transfer_outgoing_bytes_total``: the tree reduction's
partial sums, the weights' copies from worker to worker, the sum sent to the client).

Timings mean nothing while anything else runs: run it alone.

Usage::

    python benchmarks/bench_dask.py                 # 200,000 x 50 and 1,000,000 x 50
    python benchmarks/bench_dask.py --quick         # a tiny size, to check that it runs

It writes ``benchmarks/RESULTS_dask.md`` (or ``--output``).
"""

import argparse
import os
import platform
import statistics
import time
import warnings

import dask
import dask.array as da
import distributed
import numpy as np
import sklearn
from distributed import Client, LocalCluster
from sklearn.datasets import make_classification
from sklearn.exceptions import ConvergenceWarning

import sktanhnet
from sktanhnet import TanhMLPClassifier
from sktanhnet.dask import DaskTanhMLPClassifier

HERE = os.path.dirname(os.path.abspath(__file__))
HIDDEN = (64,)


def evaluations(client):
    """Loss-and-gradient tasks run on the cluster so far (one per partition per evaluation)."""

    def count(dask_scheduler):
        prefix = dask_scheduler.task_prefixes.get("partition_loss_and_gradient")
        return 0 if prefix is None else prefix.state_counts.get("memory", 0)

    return client.run_on_scheduler(count)


def worker_bytes(client):
    return sum(client.run(lambda dask_worker: dask_worker.transfer_outgoing_bytes_total).values())


def timed_fit(model, X, y):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        start = time.perf_counter()
        model.fit(X, y)
        return time.perf_counter() - start


def run(rows, features, max_iter, repeat, chunk_rows):
    X, y = make_classification(
        n_samples=rows, n_features=features, n_informative=features // 2, random_state=0
    )
    params = dict(hidden_layer_sizes=HIDDEN, solver="lbfgs", max_iter=max_iter, random_state=0)
    n_params = (features + 1) * HIDDEN[0] + HIDDEN[0] + 1
    core = TanhMLPClassifier(**params)
    timed_fit(core, X, y)  # warm-up
    core_times = [timed_fit(core, X, y) for _ in range(repeat)]
    n_eval_core = None
    lines = []
    for n_workers in (1, 2):
        cluster = LocalCluster(
            n_workers=n_workers,
            threads_per_worker=1,
            processes=True,
            host="127.0.0.1",
            dashboard_address="127.0.0.1:0",
        )
        client = Client(cluster)
        X_dask = da.from_array(X, chunks=(chunk_rows, features)).persist()
        y_dask = da.from_array(y, chunks=chunk_rows).persist()
        model = DaskTanhMLPClassifier(**params)
        timed_fit(model, X_dask, y_dask)  # warm-up: workers import and compile
        times, counts, sent = [], [], []
        for _ in range(repeat):
            first, first_bytes = evaluations(client), worker_bytes(client)
            times.append(timed_fit(model, X_dask, y_dask))
            counts.append((evaluations(client) - first) / X_dask.numblocks[0])
            sent.append(worker_bytes(client) - first_bytes)
        n_eval = statistics.median(counts)
        n_eval_core = n_eval_core or n_eval
        difference = max(
            np.abs(a - b).max()
            for a, b in zip(model.coefs_ + model.intercepts_, core.coefs_ + core.intercepts_)
        )
        lines.append(
            f"| {rows:,} x {features} | {X_dask.numblocks[0]} | {n_workers} | {model.n_iter_} | "
            f"{n_eval:.0f} | {1e3 * statistics.median(times) / n_eval:.1f} | "
            f"{1e3 * statistics.median(core_times) / n_eval:.1f} | "
            f"{2 * n_params * 8 / 1e3:.1f} | "
            f"{statistics.median(sent) / n_eval / 1e3:.1f} | {difference:.1e} |"
        )
        client.close()
        cluster.close()
    return lines


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="a tiny size, to check it runs")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--max-iter", type=int, default=20)
    parser.add_argument("--output", default=os.path.join(HERE, "RESULTS_dask.md"))
    args = parser.parse_args()
    sizes = [(2_000, 10, 500)] if args.quick else [(200_000, 50, 25_000), (1_000_000, 50, 125_000)]
    repeat = 1 if args.quick else args.repeat
    max_iter = 5 if args.quick else args.max_iter
    start = time.perf_counter()
    rows = []
    for n_rows, features, chunk_rows in sizes:
        rows += run(n_rows, features, max_iter, repeat, chunk_rows)
    header = [
        "# Data-parallel L-BFGS on a local dask cluster",
        "",
        f"Command: `python benchmarks/bench_dask.py{' --quick' if args.quick else ''}` "
        f"({time.perf_counter() - start:.0f} s), {time.strftime('%Y-%m-%d')}.",
        "",
        f"- Machine: {platform.processor() or platform.machine()}, {os.cpu_count()} cores, "
        f"{platform.system()} {platform.release()}",
        f"- Libraries: Python {platform.python_version()}, NumPy {np.__version__}, "
        f"scikit-learn {sklearn.__version__}, sktanhnet {sktanhnet.__version__}, "
        f"dask {dask.__version__}, distributed {distributed.__version__}",
        f"- Network: one hidden layer of {HIDDEN[0]} units, binary target; max_iter {max_iter}; "
        f"median of {repeat} fit(s) after a warm-up.",
        "",
        "Time per loss-and-gradient evaluation (fit time / evaluations); bytes per evaluation: "
        "the parameter vectors through the client (the weights out once, their sum back: "
        "2 x parameters x 8, on paper), and the bytes of the workers' data transfers "
        "(dask's transfer_outgoing_bytes_total: partial sums, the weights' copies, the result).",
        "",
        "| data | partitions | workers | n_iter_ | evaluations | dask ms/eval | in-memory ms/eval "
        "| client kB/eval | worker transfers kB/eval | max abs(weight diff) |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    text = "\n".join(header + rows) + "\n"
    with open(args.output, "w", encoding="utf-8") as out:
        out.write(text)
    print(text)


if __name__ == "__main__":
    main()
