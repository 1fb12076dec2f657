"""Training speed of TanhMLPRegressor against scikit-learn's MLPRegressor, per epoch.

For each workload, dtype and solver, one ``fit`` of ``TanhMLPRegressor`` and of
``MLPRegressor(activation="tanh")`` with the same settings run alternately in one process after
a warm-up, the order reversed every other round (``bench.py``'s protocol); the table gives the
median per-epoch time of each (the time of ``fit`` with ``max_iter=E, tol=0`` over the E epochs),
the median of the per-round ratios sklearn / ours, ours / floor (``bench.py``'s floor: the
matrix products one epoch needs, alone, without the first layer's input gradient, which training
never computes), and the largest difference between the two models' predictions (the same seed
trains the same model: roundoff in float64). Where numba is installed, "ours" runs the compiled
kernels and "ours numpy" the same estimator with NumPy's (``SKTANHNET_KERNELS=numpy``).

Workloads (make_regression, standardized; batch size, hidden layers):

- small: 2,000 x 64, 1 target, (100,), batch 200, 20 epochs per fit, 9 rounds;
- medium: 20,000 x 100, 5 targets, (256, 256), batch 256, 2 epochs, 7 rounds;
- deep: 20,000 x 32, 1 target, six hidden layers of 64, batch 200, 2 epochs, 7 rounds.

Usage::

    python benchmarks/bench_regressor.py             # everything: about a minute on 2 cores
    python benchmarks/bench_regressor.py --workloads small --repeat 3

It writes ``benchmarks/RESULTS_regressor.md`` (the table, the machine, the libraries and BLAS).
"""

import argparse
import os
import sys
import time
import warnings

import numpy as np
from sklearn.datasets import make_regression
from sklearn.exceptions import ConvergenceWarning
from sklearn.neural_network import MLPRegressor

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)

import bench  # noqa: E402

from sktanhnet import TanhMLPRegressor  # noqa: E402

WORKLOADS = {
    # name: (rows, features, targets, hidden layers, batch size, epochs per fit, rounds)
    "small": (2_000, 64, 1, (100,), 200, 20, 9),
    "medium": (20_000, 100, 5, (256, 256), 256, 2, 7),
    "deep": (20_000, 32, 1, (64,) * 6, 200, 2, 7),
}


def load_workload(name, dtype):
    n_rows, n_features, n_targets = WORKLOADS[name][:3]
    X, y = make_regression(
        n_samples=n_rows,
        n_features=n_features,
        n_informative=n_features // 2,
        n_targets=n_targets,
        noise=1.0,
        random_state=0,
    )
    X = (X - X.mean(axis=0)) / X.std(axis=0)
    y = (y - y.mean(axis=0)) / y.std(axis=0)
    return X.astype(dtype), y


def settings(name, solver, max_iter):
    hidden, batch_size = WORKLOADS[name][3:5]
    return bench.network_settings(hidden, batch_size, solver, max_iter)


def per_epoch(estimator, X, y, params):
    model = estimator(**params)
    start = time.perf_counter()
    model.fit(X, y)
    return (time.perf_counter() - start) / model.n_iter_, model


class _NumpyKernels:
    """A regressor whose fit runs with NumPy's kernels (SKTANHNET_KERNELS=numpy)."""

    def __init__(self, model):
        self.model = model

    def fit(self, X, y):
        bench._with_kernels("numpy", self.model.fit, X, y)
        return self

    def __getattr__(self, name):
        return getattr(self.model, name)


def time_training(name, dtype, solver, repeat):
    X, y = load_workload(name, dtype)
    params = settings(name, solver, WORKLOADS[name][5])
    warm = settings(name, solver, 1)
    contenders = {
        "ours": TanhMLPRegressor,
        "sklearn": lambda **p: MLPRegressor(activation="tanh", **p),
    }
    if bench.with_numpy_kernels():  # NumPy's kernels beside the compiled ones
        contenders["ours numpy"] = lambda **p: _NumpyKernels(TanhMLPRegressor(**p))
    floor = bench.Floor(X, params, WORKLOADS[name][2])
    times = {key: [] for key in [*contenders, "floor"]}
    models = {}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        for estimator in contenders.values():
            per_epoch(estimator, X[:1000], y[:1000], warm)
        floor.epoch()
        for round_ in range(repeat):
            order = [*contenders, "floor"] if round_ % 2 == 0 else ["floor", *contenders][::-1]
            for key in order:
                time.sleep(bench.PAUSE)  # the previous contender's BLAS threads stop spinning
                if key == "floor":
                    seconds, input_gradient = floor.epoch()
                    times[key].append(seconds - input_gradient)
                else:
                    seconds, models[key] = per_epoch(contenders[key], X, y, params)
                    times[key].append(seconds)
    ours, theirs = np.array(times["ours"]), np.array(times["sklearn"])
    floor_times = np.array(times["floor"])
    numpy_kernels = np.array(times.get("ours numpy", [np.nan]))
    difference = np.abs(models["ours"].predict(X) - models["sklearn"].predict(X)).max()
    return [
        name,
        f"{WORKLOADS[name][2]}",
        np.dtype(dtype).name,
        solver,
        f"{1e3 * np.median(ours):.1f}",
        f"{1e3 * np.median(numpy_kernels):.1f}",
        f"{1e3 * np.median(theirs):.1f}",
        f"{np.median(theirs / ours):.2f}",
        f"{np.median(theirs / numpy_kernels):.2f}",
        f"{1e3 * np.median(floor_times):.1f}",
        f"{np.median(ours / floor_times):.2f}",
        f"{np.median(theirs / floor_times):.2f}",
        f"{float(models['ours'].score(X, y)):.3f}",
        f"{float(models['sklearn'].score(X, y)):.3f}",
        f"{difference:.1e}",
    ]


HEADER = [
    "workload",
    "targets",
    "dtype",
    "solver",
    "ours ms/epoch",
    "ours numpy ms/epoch",
    "sklearn ms/epoch",
    "sklearn / ours",
    "sklearn / ours numpy",
    "floor ms/epoch",
    "ours / floor",
    "sklearn / floor",
    "R^2 ours",
    "R^2 sklearn",
    "max abs(pred ours - pred sklearn)",
]


def table(rows):
    lines = ["| " + " | ".join(HEADER) + " |", "|" + "---|" * 4 + "---:|" * (len(HEADER) - 4)]
    return "\n".join(lines + ["| " + " | ".join(row) + " |" for row in rows])


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--workloads", default="small,medium,deep")
    parser.add_argument("--dtypes", default="float64,float32")
    parser.add_argument("--solvers", default="adam,sgd")
    parser.add_argument("--repeat", type=int, default=None, help="rounds (default: per workload)")
    parser.add_argument("--output-dir", default=HERE, help="where RESULTS_regressor.md goes")
    args = parser.parse_args(argv)
    started = time.perf_counter()
    machine = bench.machine_description()
    print(f"{machine['machine']}; {machine['versions']}; {machine['blas']}")
    print(table([]))
    rows = []
    for name in [w for w in args.workloads.split(",") if w]:
        for dtype in [np.dtype(d) for d in args.dtypes.split(",") if d]:
            for solver in [s for s in args.solvers.split(",") if s]:
                rows.append(time_training(name, dtype, solver, args.repeat or WORKLOADS[name][6]))
                print("| " + " | ".join(rows[-1]) + " |", flush=True)
    elapsed = time.perf_counter() - started
    command = "python benchmarks/bench_regressor.py " + " ".join(
        argv if argv is not None else sys.argv[1:]
    )
    results = [
        *bench.results_header("# TanhMLPRegressor against MLPRegressor", command, elapsed, machine),
        "Per-epoch `fit` time (median of alternated rounds, after a warm-up) of "
        '`TanhMLPRegressor` and `MLPRegressor(activation="tanh")` with the same settings, and '
        "the floor: the matrix products one epoch needs, alone, without the first layer's input "
        "gradient (which training never computes); R^2 on the training data after the timed "
        "fit; the largest difference between their predictions (the same seed trains the same "
        "model).",
        "",
        table(rows),
        "",
    ]
    os.makedirs(args.output_dir, exist_ok=True)
    with open(os.path.join(args.output_dir, "RESULTS_regressor.md"), "w") as out:
        out.write("\n".join(results))
    print(f"wrote RESULTS_regressor.md in {args.output_dir} ({elapsed:.0f} s)")


if __name__ == "__main__":
    main()
