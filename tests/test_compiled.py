"""The compiled kernel set (``sktanhnet._compiled``, the ``fast`` extra) against NumPy's.

Each fused kernel is compared with the NumPy passes it replaces, on the same arrays; whole fits
with both kernel sets train the same model; the choice of kernels (``SKTANHNET_KERNELS``), its
fallbacks and its line in ``verbose`` output are what a user sees. The whole suite also runs
with each kernel set (``.ci/run``); these tests run the two side by side in one process. Without
numba installed, the tests that need it skip and the choice tests check the NumPy fallback.
"""

import os
import subprocess
import sys
import threading
import warnings

import numpy as np
import pytest
from sklearn.datasets import load_digits, make_regression
from sklearn.exceptions import ConvergenceWarning
from sklearn.neural_network import MLPClassifier

from sktanhnet import TanhMLPClassifier, TanhMLPRegressor, _compiled
from sktanhnet._array_ops import NUMPY
from sktanhnet._layout import ParameterLayout, Workspace
from sktanhnet._network import (
    IDENTITY,
    LOGISTIC,
    SOFTMAX,
    _output_loss_and_delta,
    log_loss_bounds,
)
from sktanhnet._optimizers import SGD, Adam

HAS_NUMBA = _compiled.find_spec("numba") is not None
needs_numba = pytest.mark.skipif(not HAS_NUMBA, reason='needs numba (pip install ".[fast]")')


@pytest.fixture
def compiled(monkeypatch):
    """The compiled kernel set, fresh (so that a test's failure does not leak into others)."""
    monkeypatch.delenv(_compiled.KERNELS_VARIABLE, raising=False)
    return _compiled.NumbaOps()


def _kernels(monkeypatch, choice):
    monkeypatch.setenv(_compiled.KERNELS_VARIABLE, choice)


# ----------------------------------------------------------------------- kernel by kernel


@needs_numba
@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_tanh_is_tanh_to_within_an_ulp_of_one_with_nan_and_inf_kept(compiled, dtype):
    z = np.concatenate(
        [np.linspace(-30, 30, 100_001), np.random.RandomState(0).normal(size=10_000) * 3]
    ).astype(dtype)
    values = z.copy()
    compiled.tanh(values)
    error = np.abs(values.astype(np.float64) - np.tanh(z.astype(np.float64)))
    assert error.max() <= 2 * np.finfo(dtype).eps  # 2 / (1 + exp(-2z)) - 1: absolute error
    special = np.array([np.nan, np.inf, -np.inf, 0.0, 25.0, -25.0], dtype=dtype)
    compiled.tanh(special)
    np.testing.assert_array_equal(special, [np.nan, 1, -1, 0, 1, -1])
    two_d = z[:600].reshape(3, 200).copy()
    compiled.tanh(two_d[:-1, :])  # a workspace's [A | 1] view without its row of ones
    np.testing.assert_allclose(two_d[:-1], np.tanh(z[:400].reshape(2, 200)), atol=1e-6)
    np.testing.assert_array_equal(two_d[-1], z[400:600])


@needs_numba
@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_tanh_backward_equals_numpys_pass(compiled, dtype):
    rng = np.random.RandomState(1)
    deltas, activations = rng.normal(size=(2, 7, 30)).astype(dtype)
    expected = NUMPY.tanh_backward(deltas.copy(), activations.copy())  # eq 11
    np.testing.assert_array_equal(compiled.tanh_backward(deltas, activations), expected)


def _head_case(out_activation, dtype, weighted, rng):
    n, k = 23, 4
    logits = rng.normal(scale=3, size=(k, n))
    logits[:, :2] *= 40  # rows far beyond the log-loss's bounds (``log_loss_bounds``), both ways
    logits = logits.astype(dtype)
    if out_activation == SOFTMAX:
        target = rng.randint(k, size=n).astype(np.intp)
    elif out_activation == LOGISTIC:
        target = rng.randint(2, size=(n, k)).astype(dtype)
    else:
        target = rng.normal(size=(n, k)).astype(dtype)
    weights = rng.uniform(0.1, 2.0, size=n) if weighted else None
    normalizer = float(weights.sum()) if weighted else float(n)
    return logits, target, weights, normalizer


@needs_numba
@pytest.mark.parametrize("out_activation", [SOFTMAX, LOGISTIC, IDENTITY])
@pytest.mark.parametrize("dtype", [np.float64, np.float32])
@pytest.mark.parametrize("weighted", [False, True])
def test_fused_output_heads_equal_numpys_passes(compiled, out_activation, dtype, weighted):
    logits, target, weights, normalizer = _head_case(
        out_activation, dtype, weighted, np.random.RandomState(2)
    )
    layout = ParameterLayout([3, logits.shape[0]])
    results = []
    for ops in (NUMPY, compiled):
        workspace = Workspace(layout, logits.shape[1], dtype, ops)
        delta = logits.copy()
        loss = _output_loss_and_delta(delta, target, weights, normalizer, out_activation, workspace)
        results.append((loss, delta))
    (numpy_loss, numpy_delta), (compiled_loss, compiled_delta) = results
    tight = 1e-13 if dtype == np.float64 else 2e-6  # the exps differ by an ulp at most
    assert compiled_loss == pytest.approx(numpy_loss, rel=tight)
    np.testing.assert_allclose(compiled_delta, numpy_delta, rtol=tight, atol=tight / 100)


@needs_numba
@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_fused_logistic_loss_at_extreme_logits_is_numpys(compiled, dtype):
    """log(1 + exp(z)) written out (a series for log(1 + e), e = exp(-|z|)): NumPy's logaddexp
    to a few ulp from -800 to 800, held within the log-loss's bounds as scikit-learn's (NumPy's
    pass holds it the same way: ``log_loss_bounds``), NaN kept."""
    z = np.array([[-800.0, -40.0, -30.0, -1.0, -1e-8, 0.0, 1e-300, 0.5, 2.0, 40.0, 800.0]])
    z = z.astype(dtype)
    target = np.zeros((z.shape[1], 1), dtype)
    losses = compiled.fused_output(LOGISTIC, dtype)(z.copy(), target, None, 1.0)
    low, high = log_loss_bounds(dtype)
    expected = np.clip(np.logaddexp(0.0, z[0].astype(np.float64)), low, high)
    np.testing.assert_allclose(losses, expected.astype(dtype), rtol=4 * np.finfo(dtype).eps)
    assert losses[0] == dtype(low) and losses[-1] == dtype(high)
    nan = compiled.fused_output(LOGISTIC, dtype)(
        np.array([[np.nan]], dtype), np.zeros((1, 1), dtype), None, 1.0
    )
    assert np.isnan(nan).all()


@needs_numba
def test_fused_softmax_keeps_nan_and_never_overflows(compiled):
    logits = np.array([[1000.0, np.nan, -1e308], [0.0, 1.0, 1e308]])
    compiled.fused_softmax(logits.dtype)(logits)
    assert np.isnan(logits[:, 1]).all()
    np.testing.assert_allclose(logits[:, 0], [1.0, 0.0])
    np.testing.assert_allclose(logits[:, 2], [0.0, 1.0])


@needs_numba
@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_fused_binary_proba_equals_numpys_sigmoids(compiled, dtype):
    z = np.array([[-800.0, -30.0, -1.0, -0.0, 0.0, 1e-8, 2.0, 40.0, 800.0, np.nan]], dtype=dtype)
    got = compiled.fused_binary_proba(dtype)(z.copy())
    expected = np.concatenate([NUMPY.sigmoid(-z), NUMPY.sigmoid(z.copy())], axis=0)
    np.testing.assert_allclose(got, expected, rtol=2 * np.finfo(dtype).eps, atol=0)


@needs_numba
@pytest.mark.parametrize("dtype", [np.float64, np.float32])
@pytest.mark.parametrize("optimizer", ["adam", "sgd", "sgd-no-nesterov"])
def test_fused_updates_equal_numpys_chunked_passes(compiled, dtype, optimizer):
    rng = np.random.RandomState(3)
    size, penalized = 1000, (slice(0, 400), slice(410, 900))
    start = rng.normal(size=size).astype(dtype)
    runs = []
    for ops in (NUMPY, compiled):
        if optimizer == "adam":
            updater = Adam(size, dtype, 0.01, ops=ops)
        else:
            updater = SGD(size, dtype, 0.1, nesterov=optimizer == "sgd", ops=ops)
        params = start.copy()
        for step in range(5):
            grad = np.random.RandomState(step).normal(size=size).astype(dtype)
            updater.step(params, grad, l2=0.01 * step, penalized=penalized)
        runs.append(params)
    # The same operations in the same order: equal to the bit in float64; in float32 one
    # rounding may differ (NumPy stores some intermediates that the kernel keeps in registers).
    if dtype == np.float64:
        np.testing.assert_array_equal(runs[1], runs[0])
    else:
        np.testing.assert_allclose(runs[1], runs[0], rtol=1e-6)


# ----------------------------------------------------------------------- whole fits


def _fit_both(monkeypatch, make, X, y):
    models = []
    for choice in ("numpy", "numba"):
        _kernels(monkeypatch, choice)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", ConvergenceWarning)
            models.append(make().fit(X, y))
    return models


@pytest.fixture(scope="module")
def digits():
    X, y = load_digits(return_X_y=True)
    return X[:600] / 16.0, y[:600]


@needs_numba
@pytest.mark.parametrize(
    "params",
    [
        {"solver": "adam"},
        {"solver": "sgd", "learning_rate": "adaptive", "alpha": 1e-2},
        {"solver": "sgd", "nesterovs_momentum": False, "early_stopping": True},
        {"solver": "lbfgs", "max_iter": 15},
    ],
    ids=["adam", "sgd-adaptive", "sgd-early-stopping", "lbfgs-short"],
)
def test_both_kernel_sets_train_the_same_classifier(monkeypatch, digits, params):
    X, y = digits
    settings = {"hidden_layer_sizes": (20, 10), "max_iter": 60, "random_state": 0, **params}
    numpy_model, compiled_model = _fit_both(
        monkeypatch, lambda: TanhMLPClassifier(**settings), X, y
    )
    assert compiled_model.n_iter_ == numpy_model.n_iter_
    np.testing.assert_allclose(compiled_model.loss_curve_, numpy_model.loss_curve_, rtol=1e-10)
    np.testing.assert_allclose(
        compiled_model.predict_proba(X), numpy_model.predict_proba(X), atol=1e-10
    )


@needs_numba
@pytest.mark.parametrize("target", ["binary", "multilabel"])
def test_both_kernel_sets_train_the_same_logistic_head(monkeypatch, digits, target):
    X, y = digits
    Y = y % 2 if target == "binary" else np.c_[y % 2, y % 3 == 0, y > 6]
    settings = {"hidden_layer_sizes": (15,), "max_iter": 50, "random_state": 1}
    numpy_model, compiled_model = _fit_both(
        monkeypatch, lambda: TanhMLPClassifier(**settings), X, Y
    )
    np.testing.assert_allclose(compiled_model.loss_curve_, numpy_model.loss_curve_, rtol=1e-10)
    np.testing.assert_allclose(
        compiled_model.predict_proba(X), numpy_model.predict_proba(X), atol=1e-10
    )


@needs_numba
@pytest.mark.parametrize("loss", ["squared_error", "poisson"])
def test_both_kernel_sets_train_the_same_regressor(monkeypatch, loss):
    X, y = make_regression(300, 8, n_targets=2, random_state=0)
    y = (y - y.mean(axis=0)) / y.std(axis=0)
    if loss == "poisson":
        y = np.exp(y[:, 0] / 2)
    settings = {"hidden_layer_sizes": (16, 8), "max_iter": 40, "random_state": 0, "loss": loss}
    numpy_model, compiled_model = _fit_both(monkeypatch, lambda: TanhMLPRegressor(**settings), X, y)
    np.testing.assert_allclose(compiled_model.loss_curve_, numpy_model.loss_curve_, rtol=1e-10)
    np.testing.assert_allclose(compiled_model.predict(X), numpy_model.predict(X), atol=1e-9)


@needs_numba
def test_compiled_kernels_train_mlpclassifiers_model(monkeypatch, digits):
    X, y = digits
    settings = {"hidden_layer_sizes": (30,), "max_iter": 40, "random_state": 3}
    _kernels(monkeypatch, "numba")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        ours = TanhMLPClassifier(**settings).fit(X, y)
        theirs = MLPClassifier(activation="tanh", **settings).fit(X, y)
    np.testing.assert_allclose(ours.loss_curve_, theirs.loss_curve_, rtol=1e-10)
    np.testing.assert_allclose(ours.predict_proba(X), theirs.predict_proba(X), atol=1e-10)


@needs_numba
@pytest.mark.parametrize("threads", ["one-thread", "two-threads", "two-threads-by-inputs"])
@pytest.mark.parametrize("solver", ["adam", "sgd"])
@pytest.mark.parametrize("units", [5, 30])
def test_first_layer_product_in_either_orientation_trains_mlpclassifiers_model(
    monkeypatch, digits, units, solver, threads
):
    """The compiled epoch's first product as X_B W_1 (a first layer of few units and many
    inputs, ``ROW_MAJOR_UNITS``) or as W_1^T X_B^T (the others): the same sums, so both train
    MLPClassifier's model, on one thread, with each batch's rows split between two, and with
    the first layer's weight gradient split between two by inputs (``FEATURE_SPLIT_WEIGHTS``)."""
    from sktanhnet import _training

    two_threads = threads != "one-thread"
    if two_threads:
        _two_cores()
    monkeypatch.delenv(_compiled.KERNELS_VARIABLE, raising=False)
    monkeypatch.setattr(_training, "TWO_THREAD_WORK", 1 if two_threads else 2**62)
    by_inputs = threads == "two-threads-by-inputs"
    monkeypatch.setattr(_compiled, "FEATURE_SPLIT_WEIGHTS", 1 if by_inputs else 2**62)
    halves, gather = _spy_on_step_halves(monkeypatch)
    X, y = digits
    settings = {"hidden_layer_sizes": (units, 7), "max_iter": 25, "random_state": 1}
    settings.update(solver=solver, batch_size=50)
    orientations = []
    spy = _compiled.NumbaOps.epoch_kernel

    def record(self, layout, *args):
        inputs, units = layout.shapes[0]
        rule = units <= _compiled.ROW_MAJOR_UNITS and inputs >= _compiled.ROW_MAJOR_INPUTS * units
        orientations.append(rule)
        return spy(self, layout, *args)

    monkeypatch.setattr(_compiled.NumbaOps, "epoch_kernel", record)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        theirs = MLPClassifier(activation="tanh", **settings).fit(X, y)
        models = []
        for bound in (0, 10**9):  # W_1^T X_B^T; X_B W_1
            monkeypatch.setattr(_compiled, "ROW_MAJOR_UNITS", bound)
            monkeypatch.setattr(_compiled, "ROW_MAJOR_INPUTS", 1)
            models.append(TanhMLPClassifier(**settings).fit(X, y))
    assert orientations == [False, True]
    # by inputs, each thread steps the rows of W_1's gradient it computed: 32 inputs each
    assert halves == ([32 * units] * 2 if by_inputs else [None] * 2 if two_threads else [])
    # by inputs, each thread gathers its columns into its block of a shared buffer, not its own
    assert gather == ([0] * 2 if by_inputs else [50 * 64] * 2 if two_threads else [])
    for ours in models:
        np.testing.assert_allclose(ours.loss_curve_, theirs.loss_curve_, rtol=1e-10)
        np.testing.assert_allclose(ours.predict_proba(X), theirs.predict_proba(X), atol=1e-10)


@needs_numba
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_float32_and_sparse_input_with_compiled_kernels(monkeypatch, digits, dtype):
    import scipy.sparse as sp

    X, y = digits
    settings = {"hidden_layer_sizes": (12,), "max_iter": 20, "random_state": 0}
    numpy_model, compiled_model = _fit_both(
        monkeypatch, lambda: TanhMLPClassifier(**settings), sp.csr_matrix(X.astype(dtype)), y
    )
    assert compiled_model.coefs_[0].dtype == dtype
    tolerance = 1e-10 if dtype == np.float64 else 1e-4
    np.testing.assert_allclose(
        compiled_model.predict_proba(X.astype(dtype)),
        numpy_model.predict_proba(X.astype(dtype)),
        atol=tolerance,
    )


# ----------------------------------------------------------------------- the choice of kernels


def test_kernel_choice_is_read_from_the_environment(monkeypatch, capsys, digits):
    X, y = digits
    _kernels(monkeypatch, "numpy")
    assert _compiled.numpy_ops() is NUMPY
    TanhMLPClassifier((5,), max_iter=1, verbose=True).fit(X, y)
    assert capsys.readouterr().out.startswith("Kernels: numpy (SKTANHNET_KERNELS=numpy)\n")
    monkeypatch.delenv(_compiled.KERNELS_VARIABLE)
    TanhMLPClassifier((5,), max_iter=1, verbose=True).fit(X, y)
    first_line = capsys.readouterr().out.splitlines()[0]
    if HAS_NUMBA:
        assert first_line == "Kernels: numba (compiled)"
    else:
        assert first_line.startswith("Kernels: numpy (numba is not installed: pip install")


def test_an_unknown_kernel_choice_names_the_variable_and_the_choices(monkeypatch, digits):
    _kernels(monkeypatch, "cuda")
    with pytest.raises(ValueError, match="SKTANHNET_KERNELS must be one of auto, numba, numpy"):
        TanhMLPClassifier((5,), max_iter=1).fit(*digits)


def test_numba_asked_for_but_missing_warns_and_runs_numpy(monkeypatch, digits):
    monkeypatch.setattr(_compiled, "_HAS_NUMBA", False)
    _kernels(monkeypatch, "numba")
    with pytest.warns(UserWarning, match=r"numba is not installed.*pip install"):
        assert _compiled.numpy_ops() is NUMPY
    _kernels(monkeypatch, "auto")
    with warnings.catch_warnings():
        warnings.simplefilter("error", UserWarning)  # auto: silent
        assert _compiled.numpy_ops() is NUMPY


def test_kernels_that_fail_to_compile_give_way_to_numpy(monkeypatch, capsys, digits):
    def broken(kernels, dtype):
        raise RuntimeError("no LLVM here\nsecond line")

    monkeypatch.setattr(_compiled, "_warm_up", broken)
    monkeypatch.setattr(_compiled, "_COMPILED", None)
    monkeypatch.setattr(_compiled, "_HAS_NUMBA", True)  # without numba: its import fails instead
    monkeypatch.delenv(_compiled.KERNELS_VARIABLE, raising=False)
    X, y = digits
    model = TanhMLPClassifier((5,), max_iter=3, random_state=0, verbose=True).fit(X, y)
    first_line = capsys.readouterr().out.splitlines()[0]
    assert first_line.startswith("Kernels: numba, with NumPy's passes for float64: numba failed (")
    if HAS_NUMBA:
        assert first_line.endswith("(RuntimeError: no LLVM here)")
    _kernels(monkeypatch, "numpy")
    expected = TanhMLPClassifier((5,), max_iter=3, random_state=0).fit(X, y)
    np.testing.assert_array_equal(model.predict_proba(X), expected.predict_proba(X))


def test_numba_asked_for_by_name_that_fails_warns(monkeypatch, digits):
    def broken(kernels, dtype):
        raise RuntimeError("no LLVM here")

    monkeypatch.setattr(_compiled, "_warm_up", broken)
    monkeypatch.setattr(_compiled, "_COMPILED", None)
    monkeypatch.setattr(_compiled, "_HAS_NUMBA", True)  # without numba: its import fails instead
    _kernels(monkeypatch, "numba")
    X, y = digits
    with pytest.warns(UserWarning, match=r"SKTANHNET_KERNELS=numba, but numba failed \("):
        TanhMLPClassifier((5,), max_iter=3, random_state=0).fit(X, y)


def test_importing_sktanhnet_imports_no_numba():
    code = "import sys, sktanhnet; print('numba' in sys.modules)"
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "False"


def _package_copy(tmp_path):
    """A copy of the package's sources, without their caches, importable from its parent."""
    import shutil

    import sktanhnet

    package = tmp_path / "site" / "sktanhnet"
    shutil.copytree(
        os.path.dirname(sktanhnet.__file__), package, ignore=shutil.ignore_patterns("__pycache__")
    )
    return package


def _run_from(package, code, cache):
    """``code``'s output in a new Python importing ``package``, with numba's cache in ``cache``
    and the default kernel choice."""
    env = {**os.environ, "PYTHONPATH": str(package.parent), "NUMBA_CACHE_DIR": str(cache)}
    env.pop(_compiled.KERNELS_VARIABLE, None)
    result = subprocess.run(
        [sys.executable, "-W", "ignore", "-B", "-c", code],
        capture_output=True,
        text=True,
        env=env,
        cwd=package.parent.parent,
    )
    assert result.returncode == 0, result.stderr
    return result.stdout.strip()


# kernels of which a fit compiles one of each group: its head's, its solver's, its dtype's tanh,
# and the first layer's split by inputs only on two threads with a first layer of most weights
_ALTERNATIVES = (
    "softmax_loss_delta logistic_loss_delta identity_loss_delta adam_step sgd_step tanh32 "
    "first_layer_columns"
).split()


@needs_numba
def test_kernels_cache_in_numba_cache_dir_outside_the_package(tmp_path):
    """NUMBA_CACHE_DIR (for an install whose folder nobody may write): compiled once, then loaded.

    The first fit compiles only the kernels it runs (a binary target: the logistic head; adam;
    float64), not the other heads', solver's or dtype's, which would double a cold start; the
    second loads its epoch from the cache and compiles nothing. Root may write anywhere, so the
    folder's permissions cannot be tested here; numba itself falls back to the user's cache
    folder where the package's is read-only.
    """
    package = _package_copy(tmp_path)
    cache = tmp_path / "cache"
    code = (
        "import numpy as np; from sktanhnet import TanhMLPClassifier, _compiled, _numba_kernels; "
        "X = np.random.RandomState(0).normal(size=(60, 4)); y = (X[:, 0] > 0).astype(int); "
        "TanhMLPClassifier((4,), max_iter=5).fit(X, y); "
        "print(_compiled.describe(_compiled.numpy_ops()), "
        f"[name for name in {_ALTERNATIVES} if getattr(_numba_kernels, name).signatures])"
    )
    compiled = "['logistic_loss_delta', 'adam_step']"
    for expected in (compiled, "[]"):  # the second run loads the kernels from the cache
        assert _run_from(package, code, cache) == f"numba (compiled) {expected}"
    cached = [name for _, _, files in os.walk(cache) for name in files]
    assert any(name.startswith("_numba_kernels") and name.endswith(".nbi") for name in cached)
    assert not [name for _, _, files in os.walk(package) for name in files if ".nb" in name]


def _digest_lines(folder):
    """What each compiled module's CALLEE_DIGEST line must be, and what it is."""
    import hashlib
    import re

    lines = []
    for module, callee in (("_numba_kernels", "_numba_math"), ("_numba_epoch", "_numba_kernels")):
        digest = hashlib.sha256((folder / f"{callee}.py").read_bytes()).hexdigest()
        found = re.findall(r'^CALLEE_DIGEST = ".*"$', (folder / f"{module}.py").read_text(), re.M)
        lines.append((module, f'CALLEE_DIGEST = "{digest}"', found))
    return lines


def test_each_compiled_module_carries_the_digest_of_the_module_it_calls():
    """numba checks a cached function's own file only (its content), yet a cached
    ``train_epoch_part`` holds the code of ``_numba_kernels``' and ``_numba_math``'s kernels:
    without these lines, an upgrade or edit of a callee alone would leave the callers' caches
    running the old code, silently."""
    import pathlib

    for module, expected, found in _digest_lines(pathlib.Path(_compiled.__file__).parent):
        assert found == [expected], f"write this line in sktanhnet/{module}.py: {expected}"


@needs_numba
def test_an_edited_kernel_module_recompiles_the_epoch_that_calls_it(tmp_path):
    """An edit of ``_numba_math`` alone, with the digest lines written as the test above asks:
    the epoch kernel cached before it must not run again."""
    package = _package_copy(tmp_path)
    code = (
        "import numpy as np; from sktanhnet import TanhMLPClassifier; "
        "X = np.random.RandomState(0).normal(size=(60, 4)); y = (X[:, 0] > 0).astype(int); "
        "model = TanhMLPClassifier((4,), max_iter=5, random_state=0).fit(X, y); "
        "print(repr(float(model.coefs_[0][0, 0])))"
    )

    def first_weight():
        return float(_run_from(package, code, tmp_path))

    before = first_weight()  # compiles and caches every kernel, the epoch's included
    source = package / "_numba_math.py"
    text = source.read_text()
    assert "deltas[i] *= one - a * a" in text
    source.write_text(text.replace("deltas[i] *= one - a * a", "deltas[i] *= one - 2 * a * a"))
    for step in range(2):  # the kernels' line first: the epoch's digest covers it
        module, expected, found = _digest_lines(package)[step]
        path = package / f"{module}.py"
        path.write_text(path.read_text().replace(found[0], expected))
    assert all(found == [expected] for _, expected, found in _digest_lines(package))
    assert first_weight() != before


def test_training_restores_blas_threads(digits):
    threadpoolctl = pytest.importorskip("threadpoolctl")
    before = [lib["num_threads"] for lib in threadpoolctl.threadpool_info()]
    X, y = digits
    TanhMLPClassifier((8,), max_iter=2).fit(X, y)
    with pytest.raises(ValueError):
        TanhMLPClassifier((8,), max_iter=2, solver="sgd", learning_rate_init=1e300).fit(X, y)
    assert [lib["num_threads"] for lib in threadpoolctl.threadpool_info()] == before


@needs_numba
def test_small_networks_train_a_whole_epoch_per_compiled_call(monkeypatch, digits):
    """The parity tests above run the compiled epoch: small products take that path."""
    calls = []
    original = _compiled.NumbaOps.epoch_kernel

    def spy(self, *args):
        run = original(self, *args)
        calls.append(run is not None)
        return run

    monkeypatch.setattr(_compiled.NumbaOps, "epoch_kernel", spy)
    monkeypatch.delenv(_compiled.KERNELS_VARIABLE, raising=False)
    X, y = digits
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        TanhMLPClassifier((20, 10), max_iter=2).fit(X, y)
        TanhMLPRegressor((8,), max_iter=2, loss="poisson").fit(X, y + 1.0)
    assert calls == [True, False]  # Poisson (h4) runs batch by batch, with the fused passes


@needs_numba
@pytest.mark.parametrize("solver", ["adam", "sgd"])
def test_both_kernel_sets_agree_with_weights_and_partial_fit(monkeypatch, digits, solver):
    X, y = digits
    weights = np.random.RandomState(0).uniform(0.0, 3.0, size=len(y))
    weights[:40] = 0.0  # a batch of zero weight is skipped by both
    models = []
    for choice in ("numpy", "numba"):
        _kernels(monkeypatch, choice)
        model = TanhMLPClassifier(
            (16,), solver=solver, class_weight={0: 3.0, 5: 0.5}, batch_size=40, random_state=0
        )
        for _ in range(4):
            model.partial_fit(X, y, classes=np.unique(y), sample_weight=weights)
        models.append(model)
    numpy_model, compiled_model = models
    np.testing.assert_allclose(compiled_model.loss_curve_, numpy_model.loss_curve_, rtol=1e-10)
    np.testing.assert_allclose(
        compiled_model.predict_proba(X), numpy_model.predict_proba(X), atol=1e-10
    )
    if solver == "adam":
        assert compiled_model._optimizer_state["t"] == numpy_model._optimizer_state["t"]
        assert compiled_model._optimizer_state["learning_rate"] == pytest.approx(
            numpy_model._optimizer_state["learning_rate"], rel=1e-15
        )


@needs_numba
def test_compiled_kernels_start_no_thread_pool_of_their_own(monkeypatch, digits):
    """Elementwise kernels run on the caller's threads (prediction's chunks): no numba pool.

    So joblib's workers (cross_validate, GridSearchCV) each keep to their BLAS limit, and no
    OpenMP or TBB pool of every core is started beside BLAS's.
    """
    threadpoolctl = pytest.importorskip("threadpoolctl")
    monkeypatch.delenv(_compiled.KERNELS_VARIABLE, raising=False)
    before = {lib["user_api"] for lib in threadpoolctl.threadpool_info()}
    X, y = digits
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        model = TanhMLPClassifier((30,), max_iter=3).fit(X, y)
    model.predict_proba(np.tile(X, (40, 1)))
    after = {lib["user_api"] for lib in threadpoolctl.threadpool_info()}
    assert after - before <= {"blas"}  # numba's OpenMP or TBB layer would show as "openmp"


# ----------------------------------------------------------------------- two threads


def _two_thread_fits(monkeypatch, make, X, y, **fit_params):
    """(one-thread model, two-thread model, whether the two-thread path ran)."""
    from sktanhnet import _training

    ran = []
    original = _compiled._two_threads

    def spy(*args):
        ran.append(True)
        return original(*args)

    monkeypatch.setattr(_compiled, "_two_threads", spy)
    monkeypatch.delenv(_compiled.KERNELS_VARIABLE, raising=False)
    models = []
    for work in (2**62, 1):  # never split a batch; split every batch
        monkeypatch.setattr(_training, "TWO_THREAD_WORK", work)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", ConvergenceWarning)
            models.append(make().fit(X, y, **fit_params))
    return (*models, bool(ran))


def _spy_on_step_halves(monkeypatch):
    """The ``halves`` each two-thread epoch is given (None: the rows' split), in a list, and
    the room for rows of X in the buffers of each thread (values), in another."""
    halves, gather, original = [], [], _compiled._two_threads

    def spy(*args):
        halves.append(args[4] if len(args) > 4 else None)
        gather.append(args[1]()[0].size)  # args[1]: ``buffers()``, a thread's work arrays
        return original(*args)

    monkeypatch.setattr(_compiled, "_two_threads", spy)
    return halves, gather


def _two_cores():
    threadpoolctl = pytest.importorskip("threadpoolctl")
    blas = [
        lib["num_threads"] for lib in threadpoolctl.threadpool_info() if lib["user_api"] == "blas"
    ]
    if min(len(os.sched_getaffinity(0)), max(blas, default=1)) < 2:
        pytest.skip("needs two cores and BLAS on two threads")


@needs_numba
@pytest.mark.parametrize("split_step", ["step-on-one", "step-on-two", "by-inputs"])
@pytest.mark.parametrize(
    "case",
    [
        "adam",
        "sgd-weights",
        "binary",
        "multilabel",
        "regressor",
        "float32",
        "odd-batches",
        "one-row-batches",
    ],
)
def test_two_threads_train_the_one_thread_model(monkeypatch, digits, case, split_step):
    """Each batch's two halves on two threads: the same batches and steps, the gradient summed
    in two parts, so the same model to rounding; the step's two halves of the vector on two
    threads too (here cut inside a layer's weights), or on one; or the first layer's weight
    gradient split by inputs instead (each thread's half over the whole batch), and the step
    where it is cut."""
    _two_cores()
    monkeypatch.setattr(_compiled, "TWO_THREAD_STEP", 2**62 if split_step == "step-on-one" else 1)
    by_inputs = split_step == "by-inputs"
    monkeypatch.setattr(_compiled, "FEATURE_SPLIT_WEIGHTS", 1 if by_inputs else 2**62)
    X, y = digits
    settings = {"hidden_layer_sizes": (24, 12), "max_iter": 30, "random_state": 0}
    estimator, fit_params = TanhMLPClassifier, {}
    if case == "sgd-weights":
        settings.update(solver="sgd", alpha=1e-2)
        weights = np.random.RandomState(0).uniform(0.0, 3.0, size=len(y))
        weights[:200] = 0.0  # a whole batch of zero weight: skipped by both
        fit_params = {"sample_weight": weights}
    elif case == "binary":
        y = y % 2
    elif case == "multilabel":
        y = np.stack([y % 2, y < 5], axis=1).astype(int)
    elif case == "regressor":
        estimator, y = TanhMLPRegressor, y / 10.0
    elif case == "float32":
        X = X.astype(np.float32)
    elif case == "odd-batches":
        settings["batch_size"] = 7  # 600 = 85 x 7 + 5; halves of 4 and 3 rows, then 3 and 2
    elif case == "one-row-batches":  # the helper's half is empty: it only meets and steps
        settings.update(batch_size=1, max_iter=3)
    halves, _ = _spy_on_step_halves(monkeypatch)
    one, two, ran = _two_thread_fits(monkeypatch, lambda: estimator(**settings), X, y, **fit_params)
    assert ran
    assert halves == [32 * 24 if by_inputs else None]
    assert two.n_iter_ == one.n_iter_
    tolerance = 1e-4 if case == "float32" else 1e-10
    np.testing.assert_allclose(two.loss_curve_, one.loss_curve_, rtol=tolerance)
    predict = "predict" if case == "regressor" else "predict_proba"
    np.testing.assert_allclose(
        getattr(two, predict)(X), getattr(one, predict)(X), rtol=tolerance, atol=tolerance
    )


@needs_numba
def test_two_threads_stay_within_the_users_blas_limit(monkeypatch, digits):
    threadpoolctl = pytest.importorskip("threadpoolctl")
    X, y = digits
    before = threading.active_count()
    with threadpoolctl.threadpool_limits(1):
        one, limited, ran = _two_thread_fits(
            monkeypatch, lambda: TanhMLPClassifier((24, 12), max_iter=5, random_state=0), X, y
        )
    assert not ran  # BLAS limited to one thread: every batch on the calling thread
    np.testing.assert_array_equal(limited.predict_proba(X), one.predict_proba(X))
    assert threading.active_count() == before


@needs_numba
def test_two_threads_restore_blas_and_leave_no_thread_when_training_fails(monkeypatch, digits):
    from sktanhnet import _training

    _two_cores()
    threadpoolctl = pytest.importorskip("threadpoolctl")
    monkeypatch.setattr(_training, "TWO_THREAD_WORK", 1)
    monkeypatch.delenv(_compiled.KERNELS_VARIABLE, raising=False)
    before = [lib["num_threads"] for lib in threadpoolctl.threadpool_info()]
    threads = threading.active_count()
    X, y = digits
    with pytest.raises(ValueError, match="Training diverged"):
        TanhMLPClassifier((24,), solver="sgd", learning_rate_init=1e300, max_iter=3).fit(X, y)
    assert [lib["num_threads"] for lib in threadpoolctl.threadpool_info()] == before
    assert threading.active_count() == threads


def _fit_in_a_thread(fit, timeout=120):
    """fit() on a thread, joined with a timeout: a two-thread epoch that waited forever fails
    the test instead of hanging the suite. Returns what fit raised (or None)."""
    raised = []

    def target():
        try:
            fit()
        except BaseException as error:
            raised.append(error)

    thread = threading.Thread(target=target, daemon=True)
    thread.start()
    thread.join(timeout)
    assert not thread.is_alive(), "a thread of the two-thread epoch waited forever"
    return raised[0] if raised else None


@needs_numba
@pytest.mark.parametrize("failing_role", [0, 1], ids=["calling-thread", "helper-thread"])
def test_an_error_on_either_thread_ends_the_epoch_and_is_raised(monkeypatch, digits, failing_role):
    """Each thread spins while it waits for the other: an error on one of them sets the flag
    that releases the other, and the fit raises it, with no thread left behind."""
    from sktanhnet import _numba_epoch, _training

    _two_cores()
    monkeypatch.setattr(_training, "TWO_THREAD_WORK", 1)
    monkeypatch.delenv(_compiled.KERNELS_VARIABLE, raising=False)
    original = _numba_epoch.train_epoch_part
    calls = []

    def failing(role, *args):
        calls.append(role)
        if role == failing_role and calls.count(role) == 2:  # the second epoch
            raise RuntimeError(f"role {role} failed")
        return original(role, *args)

    monkeypatch.setattr(_numba_epoch, "train_epoch_part", failing)
    threads = threading.active_count()
    X, y = digits
    error = _fit_in_a_thread(lambda: TanhMLPClassifier((24,), max_iter=4).fit(X, y))
    assert isinstance(error, RuntimeError) and str(error) == f"role {failing_role} failed"
    assert threading.active_count() == threads


@needs_numba
@pytest.mark.skipif(not hasattr(os, "sched_setaffinity"), reason="needs Linux's affinity calls")
def test_two_threads_run_on_two_processors_and_give_the_callers_back(monkeypatch, digits):
    """While the epochs run, the calling thread and the helper each keep to one processor of the
    caller's set (two different ones); between epochs (a scorer, and any thread it starts) and
    afterwards the caller has its set back."""
    from sktanhnet import _numba_epoch, _training

    _two_cores()
    monkeypatch.setattr(_training, "TWO_THREAD_WORK", 1)
    monkeypatch.delenv(_compiled.KERNELS_VARIABLE, raising=False)
    original = _numba_epoch.train_epoch_part
    seen = {}

    def recording(role, *args):
        seen[role] = os.sched_getaffinity(0)
        return original(role, *args)

    monkeypatch.setattr(_numba_epoch, "train_epoch_part", recording)
    before = os.sched_getaffinity(0)
    between = []

    def scorer(estimator, X_val, y_val):
        between.append(os.sched_getaffinity(0))
        started = threading.Thread(target=lambda: between.append(os.sched_getaffinity(0)))
        started.start()
        started.join()
        return estimator.score(X_val, y_val)

    X, y = digits
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        TanhMLPClassifier((24,), max_iter=2, early_stopping=True, scoring=scorer).fit(X, y)
    assert os.sched_getaffinity(0) == before
    assert len(seen[0]) == len(seen[1]) == 1 and seen[0] != seen[1]
    assert seen[0] | seen[1] <= before
    assert len(between) == 4 and all(cpus == before for cpus in between)
