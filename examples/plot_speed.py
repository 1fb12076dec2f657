"""
===================================================
Time per epoch against scikit-learn's MLPClassifier
===================================================

:class:`~sktanhnet.TanhMLPClassifier` trains the same model as
``MLPClassifier(activation="tanh")``, with its own hand-written forward and backward
passes in NumPy: one flat parameter vector, buffers allocated once per fit, and the bias
folded into each layer's matrix product. This example measures, on the machine that runs
it, how long an epoch of each takes for a few network shapes.

The ratio depends on the machine: its CPU (and whether NumPy uses AVX-512 on it), its
number of cores and its BLAS. On a shared machine (a CI runner, a cloud virtual
machine), timings are noisy too: run it a few times before trusting a figure. The
``benchmarks/`` folder of the repository holds the full benchmark (more workloads,
float32, the SGD solver, ``predict_proba``, the time of the matrix products alone) and
its recorded results.
"""

# %%
# The machine
# -----------
# What the timings below depend on: the CPU model, the number of cores, NumPy's version
# and whether it found AVX-512 instructions on this CPU (``numpy.show_runtime()`` lists
# the SIMD extensions it found), and the BLAS library that does the matrix products.

import contextlib
import io
import os
import platform
import re
import warnings
from statistics import median
from time import perf_counter

import matplotlib.pyplot as plt
import numpy as np
from sklearn.datasets import make_classification
from sklearn.exceptions import ConvergenceWarning
from sklearn.neural_network import MLPClassifier

from sktanhnet import TanhMLPClassifier


def cpu_model():
    """The CPU's model name, from /proc/cpuinfo where there is one."""
    try:
        with open("/proc/cpuinfo") as cpuinfo:
            for line in cpuinfo:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine() or "unknown CPU"


def numpy_has_avx512():
    """Whether NumPy found AVX-512 on this CPU, from numpy.show_runtime()'s output."""
    output = io.StringIO()
    with contextlib.redirect_stdout(output):
        np.show_runtime()
    found = re.search(r"'found':\s*\[(.*?)\]", output.getvalue(), re.DOTALL)
    # NumPy < 2.4 names AVX512F itself; NumPy >= 2.4 names the X86_V4 level, which
    # includes it.
    return found is not None and ("'AVX512F'" in found[1] or "'X86_V4'" in found[1])


def blas():
    """The BLAS library and the CPU kind it runs kernels for, from threadpoolctl."""
    try:
        from threadpoolctl import threadpool_info
    except ImportError:
        return "BLAS unknown"
    for library in threadpool_info():
        if library.get("user_api") == "blas":
            return f"{library['internal_api']} ({library.get('architecture', '?')})"
    return "BLAS unknown"


machine = (
    f"{cpu_model()}, {os.cpu_count()} cores, NumPy {np.__version__}, "
    f"AVX-512 {'found' if numpy_has_avx512() else 'not found'} by NumPy, {blas()}"
)
print(machine)

# %%
# The workloads
# -------------
# 5,000 rows of 50 features, 5 classes, and four networks from small to deep. Each fit
# runs a fixed number of epochs: ``tol=0`` and a large ``n_iter_no_change`` turn off the
# convergence test, so every fit stops at ``max_iter`` and both estimators do the same
# work. That makes them warn that the optimizer has not converged, which is expected
# here: we silence that warning, and only it.

X, y = make_classification(
    n_samples=5000, n_features=50, n_informative=20, n_classes=5, random_state=0
)
shapes = [(32,), (128,), (256, 256), (64, 64, 64, 64)]
epochs = 5
rounds = 5
common = dict(max_iter=epochs, tol=0.0, n_iter_no_change=10_000, random_state=0)
estimators = {
    "TanhMLPClassifier": lambda shape: TanhMLPClassifier(shape, **common),
    "MLPClassifier": lambda shape: MLPClassifier(shape, activation="tanh", **common),
}

# %%
# Timing
# ------
# Each round fits both estimators once per shape, alternating which one goes first, so
# that a slow moment of the machine does not fall on one of them only. The time per
# epoch is the fit's time divided by its number of epochs (``n_iter_``); we keep the
# median over the rounds. One fit of each, untimed, comes first: it loads what the first
# call of a process loads (the BLAS threads, for one).

per_epoch = {name: {shape: [] for shape in shapes} for name in estimators}
with warnings.catch_warnings():
    warnings.simplefilter("ignore", ConvergenceWarning)
    for make_model in estimators.values():
        make_model(shapes[0]).fit(X, y)
    for round_ in range(rounds):
        order = list(estimators) if round_ % 2 == 0 else list(estimators)[::-1]
        for shape in shapes:
            for name in order:
                model = estimators[name](shape)
                start = perf_counter()
                model.fit(X, y)
                per_epoch[name][shape].append((perf_counter() - start) / model.n_iter_)

ours = [median(per_epoch["TanhMLPClassifier"][shape]) for shape in shapes]
theirs = [median(per_epoch["MLPClassifier"][shape]) for shape in shapes]
ratios = [t / o for t, o in zip(theirs, ours)]

print(
    f"{'hidden_layer_sizes':20s}{'ours ms/epoch':>15s}"
    f"{'sklearn ms/epoch':>18s}{'ratio':>8s}"
)
for shape, o, t, r in zip(shapes, ours, theirs, ratios):
    print(f"{str(shape):20s}{1000 * o:15.1f}{1000 * t:18.1f}{r:8.2f}")

# %%
# The same model
# --------------
# The two estimators train the same network: fitted once more on the widest shape, they
# predict the same probabilities, up to floating-point roundoff.

shape = shapes[2]
with warnings.catch_warnings():
    warnings.simplefilter("ignore", ConvergenceWarning)
    proba_ours = estimators["TanhMLPClassifier"](shape).fit(X, y).predict_proba(X)
    proba_theirs = estimators["MLPClassifier"](shape).fit(X, y).predict_proba(X)
print(
    f"{shape}: max |predict_proba difference| = "
    f"{np.abs(proba_ours - proba_theirs).max():.1e}"
)

# %%
# The ratio per shape
# -------------------
# Above 1, :class:`~sktanhnet.TanhMLPClassifier` is the faster. The gain is usually
# largest on the smallest network, where the work outside the matrix products (tanh, the
# optimizer's update, memory allocation, gathering each batch) is the largest share of
# an epoch. The wider the layers, the more of an epoch goes to the BLAS matrix products,
# which both estimators compute alike, and the closer the ratio comes to 1.

fig, ax = plt.subplots(figsize=(8, 4.5), layout="constrained")
labels = [str(shape) for shape in shapes]
bars = ax.bar(labels, ratios, color="C0")
ax.bar_label(bars, fmt="%.2f")
ax.axhline(1, color="gray", linestyle="--", linewidth=1)
ax.set_xlabel("hidden_layer_sizes")
ax.set_ylabel("MLPClassifier time /\nTanhMLPClassifier time")
ax.set_ylim(0, max(ratios) * 1.2)
ax.set_title(
    f"Time per epoch (adam, float64, 5,000 rows x 50 features, 5 classes), "
    f"median of {rounds} rounds\n{machine}",
    fontsize=10,
)
plt.show()
