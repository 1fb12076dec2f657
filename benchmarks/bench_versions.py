"""The NumPy path of this checkout against an earlier commit's, side by side in one process.

The earlier version's package is read from git (``git show REV:sktanhnet/...``) into a temporary
folder as ``sktanhnet_old`` (its imports are relative), so both run alternately in the same
process, on the same data, after a warm-up, the order reversed every other round. For each of
``bench.py``'s workloads, dtypes and solvers it prints the median per-epoch time of each and the
median of the per-round ratios new / old (below 1: faster now), then the same for
``predict_proba`` throughput. A change that keeps speed shows ratios within noise of 1.

Usage::

    python benchmarks/bench_versions.py --old 9888b24
    python benchmarks/bench_versions.py --old 9888b24 --workloads small,medium --repeat 5
"""

import argparse
import importlib
import os
import subprocess
import sys
import tempfile
import time
import warnings

import numpy as np
from sklearn.exceptions import ConvergenceWarning

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
sys.path.insert(0, HERE)
sys.path.insert(0, ROOT)

import bench  # noqa: E402

import sktanhnet  # noqa: E402


def load_old(revision):
    """The package as it was at ``revision``, imported as ``sktanhnet_old``."""
    folder = tempfile.mkdtemp(prefix="sktanhnet_old_")
    package = os.path.join(folder, "sktanhnet_old")
    os.makedirs(package)
    names = subprocess.run(
        ["git", "ls-tree", "--name-only", f"{revision}:sktanhnet"],
        cwd=ROOT,
        check=True,
        capture_output=True,
        text=True,
    ).stdout.split()
    for name in names:
        if name.endswith(".py"):
            source = subprocess.run(
                ["git", "show", f"{revision}:sktanhnet/{name}"],
                cwd=ROOT,
                check=True,
                capture_output=True,
                text=True,
            ).stdout
            with open(os.path.join(package, name), "w") as out:
                out.write(source)
    sys.path.insert(0, folder)
    return importlib.import_module("sktanhnet_old")


def per_epoch(module, X, y, params):
    model = module.TanhMLPClassifier(**params)
    start = time.perf_counter()
    model.fit(X, y)
    return (time.perf_counter() - start) / model.n_iter_, model


def compare_training(old, name, dtype, solver, repeat):
    X, y = bench.load_workload(name, dtype)
    params = bench.settings(name, solver, bench.WORKLOADS[name][2])
    warm = bench.settings(name, solver, 1)
    versions = {"new": sktanhnet, "old": old}
    for module in versions.values():
        per_epoch(module, X[:2000], y[:2000], warm)
    times = {key: [] for key in versions}
    probabilities = {}
    for round_ in range(repeat):
        order = list(versions) if round_ % 2 == 0 else list(versions)[::-1]
        for key in order:
            seconds, model = per_epoch(versions[key], X, y, params)
            times[key].append(seconds)
            probabilities[key] = model.predict_proba(X[:200])
    same = float(np.abs(probabilities["new"] - probabilities["old"]).max())
    ratio = np.array(times["new"]) / np.array(times["old"])
    return [
        name,
        np.dtype(dtype).name,
        solver,
        f"{1e3 * np.median(times['old']):.1f}",
        f"{1e3 * np.median(times['new']):.1f}",
        f"{np.median(ratio):.3f}",
        f"{same:.1e}",
    ]


def compare_prediction(old, name, dtype, n_rows, repeat):
    X, y = bench.load_workload(name, dtype)
    params = bench.settings(name, "adam", 1)
    models = {key: per_epoch(m, X, y, params)[1] for key, m in (("new", sktanhnet), ("old", old))}
    rows = np.random.RandomState(1).normal(size=(n_rows, X.shape[1])).astype(dtype)
    for model in models.values():
        model.predict_proba(rows[:1000])
    times = {key: [] for key in models}
    for round_ in range(repeat):
        order = list(models) if round_ % 2 == 0 else list(models)[::-1]
        for key in order:
            start = time.perf_counter()
            models[key].predict_proba(rows)
            times[key].append(time.perf_counter() - start)
    ratio = np.array(times["new"]) / np.array(times["old"])
    return [
        name,
        np.dtype(dtype).name,
        f"{n_rows:,}",
        f"{n_rows / np.median(times['old']):,.0f}",
        f"{n_rows / np.median(times['new']):,.0f}",
        f"{np.median(ratio):.3f}",
    ]


def table(header, rows):
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * 3 + "---:|" * (len(header) - 3)]
    return "\n".join(lines + ["| " + " | ".join(row) + " |" for row in rows])


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--old", required=True, help="the git revision to compare with")
    parser.add_argument("--workloads", default="small,medium,large,deep,wide")
    parser.add_argument("--dtypes", default="float64,float32")
    parser.add_argument("--solvers", default="adam,sgd")
    parser.add_argument("--repeat", type=int, default=None, help="rounds (default: bench.py's)")
    parser.add_argument("--predict-rows", type=int, default=200_000)
    args = parser.parse_args(argv)
    old = load_old(args.old)
    machine = bench.machine_description()
    print(f"{machine['machine']}; {machine['versions']}; {machine['blas']}")
    print(f"new: this checkout; old: {args.old}")
    header = ["workload", "dtype", "solver", "old ms/epoch", "new ms/epoch", "new / old"]
    header.append("max abs(P new - P old)")
    print(table(header, []))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        for name in [w for w in args.workloads.split(",") if w]:
            for dtype in [d for d in args.dtypes.split(",") if d]:
                for solver in [s for s in args.solvers.split(",") if s]:
                    rounds = args.repeat or max(3, bench.WORKLOADS[name][4])
                    row = compare_training(old, name, dtype, solver, rounds)
                    print("| " + " | ".join(row) + " |", flush=True)
        header = ["workload", "dtype", "rows", "old rows/s", "new rows/s", "new / old time"]
        print(table(header, []))
        for name in [w for w in args.workloads.split(",") if w]:
            for dtype in [d for d in args.dtypes.split(",") if d]:
                rows = min(args.predict_rows, 50_000 if name in ("large", "wide") else 10**9)
                row = compare_prediction(old, name, dtype, rows, args.repeat or 5)
                print("| " + " | ".join(row) + " |", flush=True)


if __name__ == "__main__":
    main()
