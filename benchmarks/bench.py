"""Training and prediction speed of TanhMLPClassifier against scikit-learn's MLPClassifier.

For each workload, dtype and solver, the script times one epoch of ``fit`` for
``TanhMLPClassifier``, ``MLPClassifier(activation="tanh")`` with identical settings, the matrix
product floor and (with ``--torch``, when PyTorch is installed) the same network, loop and
optimizer in PyTorch on the CPU. All run alternately in one process after a warm-up, the order
reversed every other round; the table gives the median per-epoch time of each and the median of
the per-round ratios.

- per-epoch time: the time of ``fit(X, y)`` with ``max_iter=E, tol=0`` divided by the E epochs
  run (the fixed cost of a fit, input validation included, is spread over them);
- floor: the matrix products one epoch of this network needs and nothing else, on preallocated
  arrays with the same BLAS: per batch and per layer the forward product A_{l-1} W_l, the weight
  gradient A_{l-1}^T delta_l and the input gradient delta_l W_l^T, as the issue defines it.
  Training never computes the first layer's input gradient (nothing needs the gradient with
  respect to X), so the table also gives ours / floor without that product ("w/o dX");
- X read: the floor's products use one batch of X, held in cache; training reads all of X once
  per epoch, in shuffled batches. "X read" times that read alone (each batch's rows gathered
  into the floor's batch buffer on one thread, by a compiled loop where numba is installed, with
  ``np.take`` otherwise), and "ours / (floor + X read)" compares ours with the floor plus it.
  Rows at random places come from memory at about half the speed of one long copy here
  (``bench_read.py``): on the wide workload the read is a large part of the floor;
- accuracy: on the training data, after the timed fit;
- predict_proba: rows per second on random rows (median of 3 alternated rounds; ``--quick``:
  one), and the peak memory (tracemalloc) that a call allocates beyond its input and its
  output; "products" times the forward pass's matrix products alone on the same rows, 65,536
  at a time on BLAS's threads: what one big product per layer costs, not a bound (chunks in
  cache, one per core, can run faster). "peak" is BLAS's best case: one 2,048-square product
  in the same dtype on BLAS's threads, its flops per second as rows per second of this
  network's products (2 flops per weight per row). ``peak / sklearn`` bounds what any forward
  pass on this BLAS, in this dtype, could gain over scikit-learn, even with tanh and softmax
  free; it is loose where a layer's product is narrow (few units), which BLAS runs slower;

Workloads (batch size, hidden layers):

- small: digits, 1,797 x 64, 10 classes, (100,), batch 200, 20 epochs per fit, 9 rounds,
  predict_proba on 1,000,000 rows;
- medium: make_classification 20,000 x 100, 10 classes, (256, 256), batch 256, 2 epochs,
  3 rounds, predict_proba on 1,000,000 rows;
- large: make_classification 60,000 x 784, 10 classes, (512, 512), batch 256, 1 epoch,
  5 rounds, predict_proba on 100,000 rows (a million would take minutes; the memory bound does
  not depend on the number of rows);
- deep (other shapes: deep and narrow): make_classification 20,000 x 32, 10 classes, six
  hidden layers of 64, batch 200, 2 epochs, 3 rounds, predict_proba on 1,000,000 rows;
- wide (other shapes: a wide input): make_classification 4,000 x 3,000, 10 classes, (64,),
  batch 200, 3 epochs, 7 rounds, predict_proba on 200,000 rows;
- binary (small batches, a logistic output): make_classification 100,000 x 20, 2 classes,
  (32, 32), batch 64, 1 epoch, 3 rounds, predict_proba on 1,000,000 rows.

Kernels: "ours" runs the kernel set that ``SKTANHNET_KERNELS`` selects (the compiled one where
numba is installed) and, where numba is installed, "ours numpy" the same estimator with NumPy's
kernels (``SKTANHNET_KERNELS=numpy``), side by side in the same rounds.

Usage::

    python benchmarks/bench.py                  # everything: 11 minutes on 2 cores, 15 with torch
    python benchmarks/bench.py --quick          # small and medium, one round, a minute
    python benchmarks/bench.py --workloads small --dtypes float32 --solvers adam --repeat 5
    python benchmarks/bench.py --torch          # add PyTorch (pip install ".[bench]")
    python benchmarks/bench.py --workloads small,medium --solvers "" --lbfgs --no-predict
    python benchmarks/bench.py --predict-only   # predict_proba alone: about 6 minutes
    python benchmarks/bench.py --namespace torch --device cuda   # on a GPU: bench_namespace.py

It writes ``benchmarks/RESULTS.md`` (the tables, the machine, the library versions and BLAS from
threadpoolctl), ``benchmarks/README_PERFORMANCE.md`` (the README's Performance section) and
``benchmarks/ratios.png`` (a chart of the ratios; needs matplotlib). Output, abridged::

    | workload | dtype | solver | ours ms/epoch | sklearn ms/epoch | floor ms/epoch | sklearn / ours
      | ours / floor | ours / floor w/o dX | sklearn / floor | ...
    |---|---|---|---:|---:|---:|---:|---:|---:|---:| ...
    | small | float64 | adam | 7.8 | 18.1 | 3.9 | 2.27 | 2.04 | 2.60 | 4.58 | ...
    ...
    | workload | dtype | rows | ours rows/s | sklearn rows/s | ours / sklearn | products rows/s
      | products / sklearn | ...
    | small | float64 | 1,000,000 | 785,636 | 213,453 | 3.68 | ... |

See RESULTS.md for the numbers of the last run.
"""

import argparse
import datetime
import os
import platform
import sys
import time
import tracemalloc
import warnings

if "--namespace" in sys.argv:  # array API dispatch needs it before scipy is imported
    os.environ.setdefault("SCIPY_ARRAY_API", "1")

import numpy as np
import sklearn
from sklearn.datasets import load_digits, make_classification
from sklearn.exceptions import ConvergenceWarning
from sklearn.neural_network import MLPClassifier

import sktanhnet
from sktanhnet import TanhMLPClassifier

HERE = os.path.dirname(os.path.abspath(__file__))

# predict_proba's "peak": one PEAK_SIZE-square product, BLAS's best case
PEAK_SIZE = 2048

WORKLOADS = {
    # name: (hidden layers, batch size, epochs per timed fit, rows for predict_proba, rounds)
    "small": ((100,), 200, 20, 1_000_000, 9),
    "medium": ((256, 256), 256, 2, 1_000_000, 3),
    "large": ((512, 512), 256, 1, 100_000, 5),
    "deep": ((64,) * 6, 200, 2, 1_000_000, 3),
    "wide": ((64,), 200, 3, 200_000, 7),
    "binary": ((32, 32), 64, 1, 1_000_000, 3),
}

TARGETS = {
    "small": "sklearn / ours >= 2.0",
    "medium": "ours / floor <= 1.3",
    "large": "ours / floor <= 1.35 (sgd <= 1.2)",
    "deep": "clearly faster than sklearn",
    "wide": "clearly faster than sklearn",
}


# make_classification settings of the generated workloads: rows, features, informative features
GENERATED = {
    "medium": (20_000, 100, 50),
    "large": (60_000, 784, 100),
    "deep": (20_000, 32, 20),
    "wide": (4_000, 3_000, 100),
    "binary": (100_000, 20, 10),
}


def load_workload(name, dtype):
    """X (as dtype), y of a workload."""
    if name == "small":
        X, y = load_digits(return_X_y=True)
        X = X / 16.0
    elif name in GENERATED:
        n_samples, n_features, n_informative = GENERATED[name]
        X, y = make_classification(
            n_samples=n_samples,
            n_features=n_features,
            n_informative=n_informative,
            n_classes=2 if name == "binary" else 10,
            random_state=0,
        )
    else:
        raise ValueError(f"unknown workload {name!r}; choose from {sorted(WORKLOADS)}")
    return np.ascontiguousarray(X, dtype=dtype), y


def settings(name, solver, max_iter):
    hidden, batch_size = WORKLOADS[name][:2]
    return network_settings(hidden, batch_size, solver, max_iter)


def network_settings(hidden, batch_size, solver, max_iter):
    """The estimator parameters of a timed fit: exactly max_iter epochs, a fixed seed."""
    return {
        "hidden_layer_sizes": hidden,
        "solver": solver,
        "batch_size": batch_size,
        "max_iter": max_iter,
        "tol": 0.0,
        "n_iter_no_change": 10**9,
        "random_state": 0,
    }


# ---------------------------------------------------------------------------- contenders


def fit_ours(X, y, params, kernels=None):
    """Per-epoch seconds and the model; ``kernels`` ("numpy", "numba") sets SKTANHNET_KERNELS."""
    saved = os.environ.get("SKTANHNET_KERNELS")
    if kernels is not None:
        os.environ["SKTANHNET_KERNELS"] = kernels
    try:
        model = TanhMLPClassifier(**params)
        start = time.perf_counter()
        model.fit(X, y)
        return (time.perf_counter() - start) / model.n_iter_, model
    finally:
        if saved is None:
            os.environ.pop("SKTANHNET_KERNELS", None)
        else:
            os.environ["SKTANHNET_KERNELS"] = saved


def with_numpy_kernels():
    """True where the compiled kernels run by default: then "ours numpy" is timed beside them."""
    from sktanhnet._compiled import numpy_ops

    return numpy_ops().kernels == "numba"


def kernels_description():
    from sktanhnet._compiled import describe, numpy_ops

    return describe(numpy_ops())


def fit_sklearn(X, y, params):
    model = MLPClassifier(activation="tanh", **params)
    start = time.perf_counter()
    model.fit(X, y)
    return (time.perf_counter() - start) / model.n_iter_, model


class Floor:
    """The matrix products of one epoch on preallocated arrays (see the module docstring)."""

    def __init__(self, X, params, n_classes):
        units = [X.shape[1], *params["hidden_layer_sizes"], n_classes]
        rng = np.random.RandomState(0)
        batch = params["batch_size"]
        dtype = X.dtype
        self.n_samples, self.batch = X.shape[0], batch
        self.inputs = [np.array(X[:batch], order="C")]  # a copy: read() writes into it
        self.inputs += [rng.uniform(-1, 1, (batch, u)).astype(dtype) for u in units[1:-1]]
        self.outputs = [np.empty((batch, u), dtype) for u in units[1:]]
        self.deltas = [rng.uniform(-1, 1, (batch, u)).astype(dtype) for u in units[1:]]
        self.weights = [
            rng.uniform(-0.1, 0.1, (a, b)).astype(dtype) for a, b in zip(units[:-1], units[1:])
        ]
        self.weight_grads = [np.empty_like(w) for w in self.weights]
        self.input_grads = [np.empty((batch, u), dtype) for u in units[:-1]]
        self.X, self._shuffle = X, np.random.RandomState(1)

    def read(self):
        """Seconds to read X once as training does: each batch of a shuffled epoch gathered into
        the floor's batch buffer (``gather_rows``), which the floor's own products leave out
        (they use one batch, held in cache). Returns (seconds, None), as the contenders do."""
        order = self._shuffle.permutation(self.n_samples)
        gather = gather_rows()
        start = time.perf_counter()
        gather(self.X, order, self.batch, 0, self.X.shape[1], self.inputs[0])
        return time.perf_counter() - start, None

    def epoch(self):
        """Seconds for one epoch's products, and the part of it spent on the first layer's input
        gradient (which training does not need)."""
        clock = time.perf_counter
        start = clock()
        first_input_gradient = 0.0
        layers = range(len(self.weights))
        for first in range(0, self.n_samples, self.batch):
            rows = min(self.batch, self.n_samples - first)
            for layer in layers:
                np.matmul(
                    self.inputs[layer][:rows], self.weights[layer], out=self.outputs[layer][:rows]
                )
            for layer in reversed(layers):
                np.matmul(
                    self.inputs[layer][:rows].T,
                    self.deltas[layer][:rows],
                    out=self.weight_grads[layer],
                )
                before = clock() if layer == 0 else None
                np.matmul(
                    self.deltas[layer][:rows],
                    self.weights[layer].T,
                    out=self.input_grads[layer][:rows],
                )
                if before is not None:
                    first_input_gradient += clock() - before
        return clock() - start, first_input_gradient


_GATHER = []


def gather_rows():
    """``gather(X, order, batch, lo, hi, out)``: columns ``lo:hi`` of the rows ``order[i:i +
    batch]`` of X into ``out`` (a buffer of at least batch x (hi - lo)), batch after batch, one
    thread: a loop over each row's slice compiled by numba (the compiled epoch's own way, the
    fastest measured here: ``bench_read.py``), ``np.take`` without numba."""
    if not _GATHER:
        try:
            from numba import njit
        except ImportError:

            def gather(X, order, batch, lo, hi, out):
                tile = out.reshape(-1)[: batch * (hi - lo)].reshape((batch, hi - lo))
                for first in range(0, len(order), batch):
                    rows = order[first : first + batch]
                    np.take(X[:, lo:hi], rows, axis=0, out=tile[: len(rows)])

        else:

            @njit(nogil=True, cache=False)
            def gather(X, order, batch, lo, hi, out):
                tile = out.reshape(-1)[: batch * (hi - lo)].reshape((batch, hi - lo))
                for first in range(0, order.shape[0], batch):
                    for i in range(min(batch, order.shape[0] - first)):
                        source = X[order[first + i], lo:hi]  # a row's slice
                        for j in range(hi - lo):
                            tile[i, j] = source[j]

        _GATHER.append(gather)
    return _GATHER[0]


class TorchNet:
    """The same network, loss (with the same L2 term), loop and optimizer in PyTorch."""

    def __init__(self, X, y, params, device="cpu"):
        import torch

        self.torch = torch
        torch.set_num_threads(
            len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
        )
        self.device = torch.device(device)
        self.dtype = torch.float32 if X.dtype == np.float32 else torch.float64
        self.X = torch.from_numpy(X).to(self.device)
        self.classes, encoded = np.unique(y, return_inverse=True)
        self.y = torch.from_numpy(encoded.astype(np.int64)).to(self.device)
        self.params = params

    def fit(self):
        torch, params = self.torch, self.params
        torch.manual_seed(0)
        units = [self.X.shape[1], *params["hidden_layer_sizes"], len(self.classes)]
        layers = []
        for fan_in, fan_out in zip(units[:-1], units[1:]):
            linear = torch.nn.Linear(fan_in, fan_out, dtype=self.dtype, device=self.device)
            layers += [linear, torch.nn.Tanh()]
        model = torch.nn.Sequential(*layers[:-1])
        weights = [m.weight for m in model if isinstance(m, torch.nn.Linear)]
        if params["solver"] == "adam":
            optimizer = torch.optim.Adam(model.parameters(), lr=1e-3, betas=(0.9, 0.999), eps=1e-8)
        else:
            optimizer = torch.optim.SGD(model.parameters(), lr=1e-3, momentum=0.9, nesterov=True)
        alpha, batch, n = 1e-4, params["batch_size"], self.X.shape[0]
        cuda = self.device.type == "cuda"
        if cuda:
            torch.cuda.synchronize()
        start = time.perf_counter()
        for _ in range(params["max_iter"]):
            order = torch.randperm(n, device=self.device)
            for first in range(0, n, batch):
                index = order[first : first + batch]
                optimizer.zero_grad(set_to_none=True)
                loss = torch.nn.functional.cross_entropy(model(self.X[index]), self.y[index])
                loss = loss + alpha / (2 * len(index)) * sum((w * w).sum() for w in weights)
                loss.backward()
                optimizer.step()
        if cuda:
            torch.cuda.synchronize()
        elapsed = (time.perf_counter() - start) / params["max_iter"]
        with torch.no_grad():
            accuracy = float((model(self.X).argmax(1) == self.y).double().mean())
        return elapsed, accuracy


# ---------------------------------------------------------------------------- measurements


# Seconds of rest before each timed fit. OpenBLAS's worker threads spin for a while after each
# product before they sleep: a contender timed right after another's two-thread products (or a
# prediction's) shares the second core with them. The fits timed here last 2 ms to 3 s, so this
# would weigh on the short ones far more than on a real fit of hundreds of epochs; each starts
# on a quiet machine instead, the same for every contender. So does each timed predict_proba
# (since 2026-12-07): a call of 50 ms on two threads right after another's two-thread products
# ran about 1.7 times as long (binary float32, 1,000,000 rows).
PAUSE = 0.3


def time_training(name, dtype, solver, repeat, use_torch):
    X, y = load_workload(name, dtype)
    epochs = WORKLOADS[name][2]
    params = settings(name, solver, epochs)
    warm = settings(name, solver, 1)
    warm_rows = slice(0, min(len(X), 2000))
    floor = Floor(X, params, len(np.unique(y)))
    torch_net = TorchNet(X, y, params) if use_torch else None
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        fit_ours(X[warm_rows], y[warm_rows], warm)
        fit_sklearn(X[warm_rows], y[warm_rows], warm)
        floor.epoch()
        floor.read()
        contenders = {
            "ours": lambda: fit_ours(X, y, params),
            "sklearn": lambda: fit_sklearn(X, y, params),
            "floor": floor.epoch,
            "X read": floor.read,
        }
        if with_numpy_kernels():
            fit_ours(X[warm_rows], y[warm_rows], warm, "numpy")
            contenders["ours numpy"] = lambda: fit_ours(X, y, params, "numpy")
        if torch_net is not None:
            TorchNet(X[warm_rows], y[warm_rows], warm).fit()
            contenders["torch"] = torch_net.fit
        times = {key: [] for key in [*contenders, "floor w/o dX"]}
        accuracy = {}
        for round_ in range(repeat):
            order = list(contenders) if round_ % 2 == 0 else list(contenders)[::-1]
            for key in order:
                time.sleep(PAUSE)  # the previous contender's BLAS threads stop spinning
                seconds, model = contenders[key]()
                times[key].append(seconds)
                if key == "floor":
                    times["floor w/o dX"].append(seconds - model)  # model: the dX1 seconds
                elif key == "torch":
                    accuracy[key] = model
                elif model is not None:
                    accuracy[key] = float(model.score(X, y))
    times = {key: np.array(value) for key, value in times.items()}
    row = {
        "workload": name,
        "dtype": np.dtype(dtype).name,
        "solver": solver,
        "ms": {key: 1e3 * float(np.median(value)) for key, value in times.items()},
        "sklearn/ours": float(np.median(times["sklearn"] / times["ours"])),
        "ours/floor": float(np.median(times["ours"] / times["floor"])),
        "ours/floor w/o dX": float(np.median(times["ours"] / times["floor w/o dX"])),
        # the ratio's lowest and highest round: how much this machine's noise moved it
        "ours/floor w/o dX range": [
            float(f(times["ours"] / times["floor w/o dX"])) for f in (np.min, np.max)
        ],
        "sklearn/floor": float(np.median(times["sklearn"] / times["floor"])),
        # the floor plus one read of X in shuffled batches (``gather_rows``, one thread): what a
        # training that gathers its batches before their products adds to the floor
        "ours/floor+read": float(
            np.median(times["ours"] / (times["floor w/o dX"] + times["X read"]))
        ),
        "accuracy": accuracy,
    }
    if "torch" in times:
        row["torch/ours"] = float(np.median(times["torch"] / times["ours"]))
    if "ours numpy" in times:
        numpy_times = times["ours numpy"]
        row["sklearn/ours numpy"] = float(np.median(times["sklearn"] / numpy_times))
        row["ours numpy/floor w/o dX"] = float(np.median(numpy_times / times["floor w/o dX"]))
        row["ours numpy/ours"] = float(np.median(numpy_times / times["ours"]))
    return row


def time_lbfgs(name, dtype, repeat, iterations=15):
    """Per-iteration time of solver="lbfgs" (full-batch passes, chunked and threaded in ours)."""
    X, y = load_workload(name, dtype)
    params = settings(name, "lbfgs", iterations)
    warm_rows = slice(0, min(len(X), 2000))
    contenders = {"ours": fit_ours, "sklearn": fit_sklearn}
    times = {key: [] for key in contenders}
    loss = {}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        for fit in contenders.values():
            fit(X[warm_rows], y[warm_rows], settings(name, "lbfgs", 2))
        for round_ in range(repeat):
            order = list(contenders) if round_ % 2 == 0 else list(contenders)[::-1]
            for key in order:
                seconds, model = contenders[key](X, y, params)
                times[key].append(seconds)
                loss[key] = model.loss_
    times = {key: np.array(value) for key, value in times.items()}
    return {
        "workload": name,
        "dtype": np.dtype(dtype).name,
        "ms": {key: 1e3 * float(np.median(value)) for key, value in times.items()},
        "sklearn/ours": float(np.median(times["sklearn"] / times["ours"])),
        "loss": loss,
    }


def lbfgs_table(rows):
    lines = [
        "| workload | dtype | ours ms/iteration | sklearn ms/iteration | sklearn / ours "
        "| loss ours | loss sklearn |",
        "|---|---|---:|---:|---:|---:|---:|",
    ]
    for row in rows:
        lines.append(
            f"| {row['workload']} | {row['dtype']} | {row['ms']['ours']:.1f} "
            f"| {row['ms']['sklearn']:.1f} | {row['sklearn/ours']:.2f} "
            f"| {row['loss']['ours']:.4f} | {row['loss']['sklearn']:.4f} |"
        )
    return "\n".join(lines)


def time_prediction(name, dtype, n_rows, repeat):
    X, y = load_workload(name, dtype)
    params = settings(name, "adam", 1)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        _, ours = fit_ours(X, y, params)
        _, theirs = fit_sklearn(X, y, params)
    rows = np.random.RandomState(1).normal(size=(n_rows, X.shape[1])).astype(dtype)
    models = {"ours": ours, "sklearn": theirs}
    coefs = [np.asarray(coef, dtype=dtype) for coef in ours.coefs_]
    calls = {key: model.predict_proba for key, model in models.items()}
    if with_numpy_kernels():
        calls["ours numpy"] = lambda rows: _with_kernels("numpy", ours.predict_proba, rows)
        _with_kernels("numpy", ours.predict_proba, rows[:1000])
    ours.predict_proba(rows[:1000])
    calls["products"] = lambda rows: matrix_products(rows, coefs)
    square = np.random.RandomState(2).normal(size=(2, PEAK_SIZE, PEAK_SIZE)).astype(dtype)
    calls["peak"] = lambda rows: square[0] @ square[1]
    seconds = {key: [] for key in calls}
    for round_ in range(max(1, repeat)):
        order = list(calls) if round_ % 2 == 0 else list(calls)[::-1]
        for key in order:
            time.sleep(PAUSE)  # as for the fits: no contender among another's spinning threads
            start = time.perf_counter()
            calls[key](rows)
            seconds[key].append(time.perf_counter() - start)
    extra = {}
    for key, model in models.items():
        tracemalloc.start()
        proba = model.predict_proba(rows)
        _, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
        extra[key] = (peak - proba.nbytes) / 2**20  # the input existed before: not traced
        del proba
    peak_seconds = float(np.median(seconds.pop("peak")))
    rate = {key: n_rows / float(np.median(value)) for key, value in seconds.items()}
    # the square product's flop/s, as rows/s of this network's products (2 flops per weight)
    rate["peak"] = 2 * PEAK_SIZE**3 / peak_seconds / (2 * sum(coef.size for coef in coefs))
    if "ours numpy" in rate:
        extra["ours numpy/sklearn"] = rate["ours numpy"] / rate["sklearn"]
    return {
        "workload": name,
        "dtype": np.dtype(dtype).name,
        "rows": n_rows,
        "rows/s": rate,
        "ours/sklearn": rate["ours"] / rate["sklearn"],
        "products/sklearn": rate["products"] / rate["sklearn"],
        "peak/sklearn": rate["peak"] / rate["sklearn"],
        "extra MiB": extra,
    }


def _with_kernels(kernels, call, *args):
    saved = os.environ.get("SKTANHNET_KERNELS")
    os.environ["SKTANHNET_KERNELS"] = kernels
    try:
        return call(*args)
    finally:
        if saved is None:
            os.environ.pop("SKTANHNET_KERNELS", None)
        else:
            os.environ["SKTANHNET_KERNELS"] = saved


def matrix_products(rows, coefs, chunk=65_536):
    """The matrix products of a forward pass alone (rows @ W_1 @ W_2 ...), on BLAS's threads.

    No bias, no tanh, no softmax, no input check: what the products cost as one big product
    per layer (as ``MLPClassifier`` runs them); chunks small enough for the cache, one on each
    core with a one-thread BLAS, can take less.
    """
    for start in range(0, rows.shape[0], chunk):
        values = rows[start : start + chunk]
        for coef in coefs:
            values = values @ coef


# ---------------------------------------------------------------------------- report


def machine_description():
    cpu = platform.processor() or platform.machine()
    try:
        with open("/proc/cpuinfo") as info:
            for line in info:
                if line.startswith("model name"):
                    cpu = line.split(":", 1)[1].strip()
                    break
    except OSError:
        pass
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    versions = [
        f"Python {platform.python_version()}",
        f"NumPy {np.__version__}",
        f"SciPy {__import__('scipy').__version__}",
        f"scikit-learn {sklearn.__version__}",
        f"sktanhnet {sktanhnet.__version__}",
    ]
    try:
        import torch

        versions.append(f"PyTorch {torch.__version__}")
    except ImportError:
        pass
    blas = "unknown (threadpoolctl not installed)"
    try:
        from threadpoolctl import threadpool_info

        blas = "; ".join(
            f"{i.get('internal_api')} {i.get('version')} ({i.get('architecture')}, "
            f"{i.get('num_threads')} threads, {os.path.basename(i.get('filepath', ''))})"
            for i in threadpool_info()
            if i.get("user_api") == "blas"
        )
    except ImportError:
        pass
    blas_env = ", ".join(
        f"{key}={os.environ[key]}"
        for key in sorted(os.environ)
        if key.startswith(("OPENBLAS", "NPY_DISABLE_CPU", "NUMBA_CPU", "SKTANHNET"))
    )
    try:  # the machine's kind: NumPy's SIMD loops (AVX-512 or not)
        from numpy._core._multiarray_umath import __cpu_features__ as features
    except ImportError:  # NumPy 1.x
        from numpy.core._multiarray_umath import __cpu_features__ as features
    disabled = os.environ.get("NPY_DISABLE_CPU_FEATURES", "")
    avx512 = features.get("AVX512F") and "X86_V4" not in disabled and "AVX512F" not in disabled
    kind = "AVX-512" if avx512 else "without AVX-512 (AVX2)"
    return {
        "machine": f"{cpu}, {cores} cores, {platform.system()} {platform.release()}",
        "versions": ", ".join(versions),
        "blas": blas + (f"; environment: {blas_env}" if blas_env else ""),
        "kind": f"{kind}; kernels: {kernels_description()}",
    }


def training_table(rows, with_torch):
    """The training table; "floor" is the floor without dX (issue 23's definition)."""
    numpy_kernels = any("ours numpy" in row["ms"] for row in rows)
    header = ["workload", "dtype", "solver", "ours ms/epoch"]
    header += ["ours numpy ms/epoch"] if numpy_kernels else []
    header += ["sklearn ms/epoch", "floor ms/epoch", "sklearn / ours"]
    header += ["sklearn / ours numpy"] if numpy_kernels else []
    header += ["ours / floor"] + (["ours numpy / floor"] if numpy_kernels else [])
    header += ["sklearn / floor", "X read ms/epoch", "ours / (floor + X read)"]
    if with_torch:
        header += ["torch ms/epoch", "torch / ours"]
    header += ["accuracy ours", "accuracy sklearn"] + (["accuracy torch"] if with_torch else [])
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * 3 + "---:|" * (len(header) - 3)]
    nan = float("nan")
    for row in rows:
        ms = row["ms"]
        cells = [row["workload"], row["dtype"], row["solver"], f"{ms['ours']:.1f}"]
        cells += [f"{ms.get('ours numpy', nan):.1f}"] if numpy_kernels else []
        cells += [f"{ms['sklearn']:.1f}", f"{ms['floor w/o dX']:.1f}", f"{row['sklearn/ours']:.2f}"]
        cells += [f"{row.get('sklearn/ours numpy', nan):.2f}"] if numpy_kernels else []
        cells += [f"{row['ours/floor w/o dX']:.2f}"]
        cells += [f"{row.get('ours numpy/floor w/o dX', nan):.2f}"] if numpy_kernels else []
        cells += [f"{ms['sklearn'] / ms['floor w/o dX']:.2f}", f"{ms['X read']:.1f}"]
        cells += [f"{row['ours/floor+read']:.2f}"]
        if with_torch:
            cells += [f"{ms.get('torch', nan):.1f}"]
            cells += [f"{row.get('torch/ours', nan):.2f}"]
        cells += [f"{row['accuracy'].get(key, nan):.3f}" for key in ("ours", "sklearn")]
        if with_torch:
            cells += [f"{row['accuracy'].get('torch', nan):.3f}"]
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines)


def prediction_table(rows):
    numpy_kernels = any("ours numpy" in row["rows/s"] for row in rows)
    extra = " | ours numpy rows/s | ours numpy / sklearn" if numpy_kernels else ""
    lines = [
        "| workload | dtype | rows | ours rows/s | sklearn rows/s | ours / sklearn"
        + extra
        + " | products rows/s | products / sklearn | peak rows/s | peak / sklearn"
        + " | ours extra MiB | sklearn extra MiB |",
        "|---|---|---:|" + "---:|" * (11 if numpy_kernels else 9),
    ]
    for row in rows:
        rate = row["rows/s"]
        numpy_cells = ""
        if numpy_kernels:
            numpy_rate = rate.get("ours numpy", float("nan"))
            numpy_cells = f" | {numpy_rate:,.0f} | {numpy_rate / rate['sklearn']:.2f}"
        lines.append(
            f"| {row['workload']} | {row['dtype']} | {row['rows']:,} "
            f"| {rate['ours']:,.0f} | {rate['sklearn']:,.0f} "
            f"| {row['ours/sklearn']:.2f}{numpy_cells} | {rate['products']:,.0f} "
            f"| {row['products/sklearn']:.2f} | {rate['peak']:,.0f} "
            f"| {row['peak/sklearn']:.2f} | {row['extra MiB']['ours']:.1f} "
            f"| {row['extra MiB']['sklearn']:.1f} |"
        )
    return "\n".join(lines)


def target_lines(training, prediction):
    """Each target of issue 23, with the measured medians and whether it is met.

    With the compiled kernels ("ours"): ours / floor <= 1.3 (the floor without dX) and
    sklearn / ours >= min(2, 0.75 sklearn / floor) on every row; NumPy's kernels ("ours numpy",
    or "ours" where numba is not installed): never slower than scikit-learn (sklearn / ours >=
    1); predict_proba >= 1.5 times scikit-learn's rows per second.
    """
    lines = []
    compiled = any("ours numpy" in row["ms"] for row in training)
    for row in training:
        label = f"{row['workload']} {row['dtype']} {row['solver']}"
        sklearn_floor = row["ms"]["sklearn"] / row["ms"]["floor w/o dX"]
        if compiled:
            bound = min(2.0, 0.75 * sklearn_floor)
            floor_met = row["ours/floor w/o dX"] <= 1.3
            speed_met = row["sklearn/ours"] >= bound
            numpy_met = row["sklearn/ours numpy"] >= 1.0
            low, high = row["ours/floor w/o dX range"]
            lines.append(
                f"- {label}: compiled: ours / floor <= 1.3: {row['ours/floor w/o dX']:.2f} "
                f"(rounds {low:.2f}-{high:.2f}) "
                f"{'met' if floor_met else 'NOT met'}"
                + ("" if floor_met else f" (ours / (floor + X read): {row['ours/floor+read']:.2f})")
                + f"; sklearn / ours >= {bound:.2f}: "
                f"{row['sklearn/ours']:.2f} {'met' if speed_met else 'NOT met'}; NumPy's "
                f"kernels: sklearn / ours >= 1: {row['sklearn/ours numpy']:.2f} "
                f"{'met' if numpy_met else 'NOT met'}"
            )
        else:
            met = row["sklearn/ours"] >= 1.0
            lines.append(
                f"- {label}: NumPy's kernels: sklearn / ours >= 1: {row['sklearn/ours']:.2f} "
                f"{'met' if met else 'NOT met'}"
            )
    for row in prediction:
        met = row["ours/sklearn"] >= 1.5 and row["extra MiB"]["ours"] <= 64
        lines.append(
            f"- predict_proba {row['workload']} {row['dtype']}: ours / sklearn rows/s >= 1.5 "
            f"and extra memory <= 64 MiB: {row['ours/sklearn']:.2f}, "
            f"{row['extra MiB']['ours']:.1f} MiB, {'met' if met else 'NOT met'}"
            + (
                ""
                if met
                else f" (the products alone: {row['products/sklearn']:.2f}; at the peak: "
                f"{row['peak/sklearn']:.2f})"
            )
        )
    return "\n".join(lines)


def write_chart(training, path):
    try:
        import matplotlib

        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:
        print("matplotlib is not installed: no chart", file=sys.stderr)
        return None
    # twelve rows a panel, the panels one above the other, text at 11 points: the chart is shown
    # at about 1,000 px wide on the documentation's Performance page, and stays readable there
    per_panel = 12
    panels = [training[i : i + per_panel] for i in range(0, len(training), per_panel)]
    fig, axes = plt.subplots(
        len(panels), 1, figsize=(10, 1.0 + 3.5 * len(panels)), squeeze=False, layout="constrained"
    )
    for ax, rows in zip(axes[:, 0], panels):
        x = np.arange(len(rows))
        labels = [f"{r['workload']}\n{r['dtype']}\n{r['solver']}" for r in rows]
        sklearn_ours = [r["sklearn/ours"] for r in rows]
        ours_floor = [r["ours/floor w/o dX"] for r in rows]
        ax.bar(x - 0.2, sklearn_ours, 0.4, color="tab:blue", label="sklearn time / ours")
        ax.bar(x + 0.2, ours_floor, 0.4, color="tab:orange", label="ours time / floor")
        ax.axhline(1.0, color="black", linewidth=0.8)
        ax.axhline(2.0, color="tab:blue", linestyle="--", linewidth=1, label="speed target 2.0")
        ax.axhline(1.3, color="tab:orange", linestyle="--", linewidth=1, label="floor target 1.3")
        ax.set_xticks(x, labels, fontsize=11)
        ax.set_xlim(-0.6, min(per_panel, len(training)) - 0.4)  # bars as wide in each panel
        ax.tick_params(axis="y", labelsize=11)
        ax.set_ylabel("ratio of per-epoch times", fontsize=11)
    handles, names = axes[0, 0].get_legend_handles_labels()
    order = [2, 3, 0, 1]  # the bars, then the targets
    fig.legend(
        [handles[i] for i in order],
        [names[i] for i in order],
        loc="outside lower center",
        ncols=4,
        fontsize=11,
        frameon=False,
    )
    fig.suptitle(
        "TanhMLPClassifier: speed-up over MLPClassifier, and distance to the floor", fontsize=13
    )
    fig.savefig(path, dpi=110)
    plt.close(fig)
    return path


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument(
        "--workloads",
        default="small,medium,large,deep,wide,binary",
        help="comma-separated, from: small, medium, large, deep, wide, binary",
    )
    parser.add_argument("--dtypes", default="float64,float32")
    parser.add_argument("--solvers", default="adam,sgd")
    parser.add_argument(
        "--repeat",
        type=int,
        default=None,
        help="alternated rounds per contender (default: small 9, large 5, wide 7, others 3; "
        "predict_proba 3)",
    )
    parser.add_argument("--torch", action="store_true", help="add PyTorch (CPU), if installed")
    parser.add_argument(
        "--predict-rows",
        type=int,
        default=None,
        help="rows for predict_proba (default: per workload, see the docstring)",
    )
    parser.add_argument("--no-predict", action="store_true", help="skip predict_proba")
    parser.add_argument(
        "--predict-only", action="store_true", help="time predict_proba alone (no training)"
    )
    parser.add_argument(
        "--lbfgs",
        action="store_true",
        help="also time solver='lbfgs' per iteration (15 iterations; best with small,medium)",
    )
    parser.add_argument(
        "--quick",
        action="store_true",
        help="small and medium, one round, 100,000 rows for predict_proba",
    )
    parser.add_argument("--output-dir", default=HERE, help="where RESULTS.md and the chart go")
    parser.add_argument(
        "--namespace",
        choices=["torch"],
        help="time the estimator on this namespace's arrays under array API dispatch, against "
        "the NumPy path and a plain PyTorch loop (bench_namespace.py); writes "
        "RESULTS_<namespace>_<device>.md",
    )
    parser.add_argument("--device", default="cpu", help="with --namespace: cpu, cuda, mps")
    args = parser.parse_args(argv)
    if args.quick:
        args.workloads = (
            "small,medium"
            if args.workloads == "small,medium,large,deep,wide,binary"
            else args.workloads
        )
        args.repeat = 1
        args.predict_rows = args.predict_rows or 100_000
    workloads = [w.strip() for w in args.workloads.split(",") if w.strip()]
    dtypes = [np.dtype(d.strip()) for d in args.dtypes.split(",") if d.strip()]
    solvers = [s.strip() for s in args.solvers.split(",") if s.strip()]
    use_torch = args.torch
    if use_torch:
        try:
            import torch  # noqa: F401
        except ImportError:
            print("PyTorch is not installed (pip install '.[bench]'): skipped", file=sys.stderr)
            use_torch = False

    started = time.perf_counter()
    if args.namespace:
        return namespace_main(args, workloads, dtypes, solvers, argv, started)
    training, prediction, lbfgs = [], [], []
    for name in workloads:
        for dtype in dtypes:
            for solver in solvers if not args.predict_only else ():
                rounds = args.repeat or WORKLOADS[name][4]
                row = time_training(name, dtype, solver, rounds, use_torch)
                training.append(row)
                print(training_table([row], use_torch).splitlines()[-1], flush=True)
            if args.lbfgs:
                row = time_lbfgs(name, dtype, args.repeat or 3)
                lbfgs.append(row)
                print(lbfgs_table([row]).splitlines()[-1], flush=True)
            if not args.no_predict:
                n_rows = args.predict_rows or WORKLOADS[name][3]
                row = time_prediction(name, dtype, n_rows, 1 if args.quick else args.repeat or 3)
                prediction.append(row)
                print(prediction_table([row]).splitlines()[-1], flush=True)
    elapsed = time.perf_counter() - started

    command = "python benchmarks/bench.py " + " ".join(argv if argv is not None else sys.argv[1:])
    machine = machine_description()
    today = datetime.date.today().isoformat()
    body = []
    if training:
        body += [
            "Per-epoch `fit` time (median of alternated rounds, after a warm-up) of "
            '`TanhMLPClassifier`, `MLPClassifier(activation="tanh")` with the same settings, and '
            "the floor: the matrix products one epoch of the network needs, alone (forward, "
            "weight gradient of every layer, input gradient of every layer but the first, which "
            "training never computes: issue 23's definition). `X read` is one read of X in "
            "shuffled batches, which the floor leaves out.",
            "",
            training_table(training, use_torch),
        ]
    if prediction:
        body += [
            "",
            "`predict_proba` on random rows: throughput, and the peak memory a call allocates "
            "beyond its input and output (tracemalloc). `products` is the matrix products of the "
            "forward pass alone (no bias, tanh, softmax or input check), one big product per "
            "layer on BLAS's threads: what they cost that way, not a bound (chunks in cache, one "
            "per core, can run faster). `peak` is a bound: the rate of one 2,048-square "
            "product in the same dtype (BLAS's best case), as rows per second of the network's "
            "products; `peak / sklearn` bounds what any forward pass with this BLAS could gain, "
            "its tanh and softmax free (loosely where a layer has few units, which BLAS runs "
            "slower).",
            "",
            prediction_table(prediction),
        ]
    if lbfgs:
        body += [
            "",
            '`solver="lbfgs"`: time per L-BFGS iteration (15 iterations per fit, median of '
            "alternated rounds), and the final training loss of each.",
            "",
            lbfgs_table(lbfgs),
        ]
    results = [
        *results_header("# Benchmark results", command, elapsed, machine),
        *body,
        "",
        "Targets (issue 23; medians of side-by-side ratios):",
        "",
        target_lines(training, prediction),
        "",
        "![ratios](ratios.png)",
        "",
    ]
    os.makedirs(args.output_dir, exist_ok=True)
    with open(os.path.join(args.output_dir, "RESULTS.md"), "w") as out:
        out.write("\n".join(results))
    readme = [
        "## Performance",
        "",
        'Same math and same results as `MLPClassifier(activation="tanh")`, in less time and '
        "bounded memory: one flat parameter vector, buffers made once per fit, the bias folded "
        "into each layer's matrix product, tanh as 2 / (1 + exp(-2z)) - 1 (two to five times "
        "faster than `np.tanh` here), and optimizer updates in cache-sized chunks with no "
        "temporary arrays. `predict_proba` works in chunks of rows, so its memory does not grow "
        "with the number of rows, and runs them on as many threads as BLAS is set to use, each "
        "with a one-thread BLAS, so that tanh and softmax use every core too.",
        "",
        f"Measured on {machine['machine']} ({machine['versions']}; {machine['blas']}), {today}:",
        "",
        *body,
        "",
        "Reproduce with:",
        "",
        "```",
        "pip install '.[bench]'",
        command.strip(),
        "```",
        "",
        "`benchmarks/RESULTS.md` holds the full record and `benchmarks/ratios.png` the chart.",
        "",
    ]
    with open(os.path.join(args.output_dir, "README_PERFORMANCE.md"), "w") as out:
        out.write("\n".join(readme))
    if training:
        write_chart(training, os.path.join(args.output_dir, "ratios.png"))
    print(f"wrote RESULTS.md and README_PERFORMANCE.md in {args.output_dir} ({elapsed:.0f} s)")


def results_header(title, command, elapsed, machine):
    """The first lines of a RESULTS file: what ran, when, on what."""
    return [
        title,
        "",
        f"Command: `{command.strip()}` ({elapsed / 60:.1f} minutes), "
        f"{datetime.date.today().isoformat()}.",
        "",
        f"- Machine: {machine['machine']}",
        f"- Libraries: {machine['versions']}",
        f"- BLAS: {machine['blas']}",
        f"- Kind of machine: {machine['kind']}",
        "",
    ]


def namespace_main(args, workloads, dtypes, solvers, argv, started):
    sys.path.insert(0, HERE)
    import bench_namespace

    body = bench_namespace.run(sys.modules[__name__], args, workloads, dtypes, solvers)
    elapsed = time.perf_counter() - started
    command = "python benchmarks/bench.py " + " ".join(argv if argv is not None else sys.argv[1:])
    title = f"# Benchmark results: {args.namespace} on {args.device}"
    results = [*results_header(title, command, elapsed, machine_description()), *body, ""]
    name = f"RESULTS_{args.namespace}_{args.device.replace(':', '')}.md"
    os.makedirs(args.output_dir, exist_ok=True)
    with open(os.path.join(args.output_dir, name), "w") as out:
        out.write("\n".join(results))
    print(f"wrote {name} in {args.output_dir} ({elapsed:.0f} s)")


if __name__ == "__main__":
    main()
