"""Memory bounds a user can rely on: fit never copies X, predict_proba works in chunks."""

import tracemalloc
import warnings

import numpy as np
import pytest
from sklearn.exceptions import ConvergenceWarning

from sktanhnet import TanhMLPClassifier

MiB = 2**20


def _peak(function):
    """(result, peak bytes traced while ``function`` ran); what existed before is not traced."""
    tracemalloc.start()
    try:
        result = function()
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    return result, peak


def _data(n_rows, n_features, dtype, seed=0):
    rng = np.random.RandomState(seed)
    X = rng.normal(size=(n_rows, n_features)).astype(dtype)
    y = (X[:, 0] + 0.5 * X[:, 1] > 0).astype(int) + (X[:, 2] > 1)
    return X, y


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
@pytest.mark.parametrize("solver", ["adam", "sgd"])
def test_fit_does_not_copy_X(dtype, solver):
    X, y = _data(100_000, 60, dtype)  # 48 MB in float64
    model = TanhMLPClassifier(hidden_layer_sizes=(32, 16), solver=solver, max_iter=2)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        # The compiled kernels (the fast extra) compile on their first use for a dtype, once
        # per process: their compiler's memory is not a copy of X, so it is spent beforehand.
        model.fit(X[:500], y[:500])
        _, peak = _peak(lambda: model.fit(X, y))
    # One batch of activations, a few copies of the 2,500 parameters, and per-row vectors
    # (labels, the shuffled order, int64 whatever X's dtype): well under a tenth of X in
    # float64 (in float32 three such vectors are already a tenth of X).
    bound = X.size * 8 / 10
    assert peak < bound, f"fit allocated {peak / MiB:.1f} MiB for X of {X.nbytes / MiB} MiB"
    assert model.coefs_[0].dtype == dtype


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_predict_proba_memory_does_not_grow_with_rows(dtype):
    X, y = _data(2_000, 40, dtype)
    model = TanhMLPClassifier(hidden_layer_sizes=(64, 64), max_iter=5, random_state=0)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        model.fit(X, y)
    extra = {}
    for n_rows in (50_000, 400_000):
        rows, _ = _data(n_rows, 40, dtype, seed=1)
        proba, peak = _peak(lambda rows=rows: model.predict_proba(rows))
        extra[n_rows] = peak - proba.nbytes
    # chunks of 4 MiB of activations per thread, whatever the number of rows
    assert max(extra.values()) < 24 * MiB, extra
    assert extra[400_000] < extra[50_000] + 2 * MiB, extra


def test_a_large_float64_layer_predicts_in_chunks_of_1024_rows_in_bounded_memory(monkeypatch):
    """Where a layer's float64 weights take 1 MiB or more (here 520 x 512), prediction takes
    chunks of 1,024 rows (BLAS packs the weights once per chunk), not the 509 that 4 MiB of
    activations would give. Memory still does not grow with the rows."""
    import sktanhnet._prediction as base

    X, y = _data(1_000, 520, np.float64)
    model = TanhMLPClassifier(hidden_layer_sizes=(512,), max_iter=2, random_state=0)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        model.fit(X, y)
    chunks = []
    original = base.map_chunks
    monkeypatch.setattr(base, "map_chunks", lambda n, *args: chunks.append(n) or original(n, *args))
    extra = {}
    for n_rows in (3_000, 12_000):
        rows, _ = _data(n_rows, 520, np.float64, seed=1)
        proba, peak = _peak(lambda rows=rows: model.predict_proba(rows))
        extra[n_rows] = peak - proba.nbytes
        np.testing.assert_allclose(proba.sum(axis=1), 1.0, rtol=1e-6)
    assert chunks == [3, 12]
    assert max(extra.values()) < 48 * MiB, extra
    assert extra[12_000] < extra[3_000] + 2 * MiB, extra
