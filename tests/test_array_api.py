"""Array API: the same network on PyTorch and array-api-strict arrays, under array_api_dispatch.

scikit-learn's own array API checks run in ``test_sklearn_checks.py``; these pin what they do not:
the same model as the NumPy path (same seed, same random numbers, probabilities equal to 1e-8
after 10 epochs), every fitted array in X's namespace and on X's device, the features of the
estimator under dispatch, and the way back to NumPy. They need ``SCIPY_ARRAY_API=1`` before scipy
is imported (``conftest.py`` sets it) and skip without array-api-compat.
"""

import os
import pickle
import subprocess
import sys
import warnings

import numpy as np
import pytest
import scipy.sparse as sp
import sklearn
from sklearn.datasets import make_classification, make_multilabel_classification
from sklearn.exceptions import ConvergenceWarning
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from sktanhnet import TanhMLPClassifier, to_numpy

pytest.importorskip("array_api_compat")
if os.environ.get("SCIPY_ARRAY_API") != "1":  # pragma: no cover
    pytest.skip("array API dispatch needs SCIPY_ARRAY_API=1", allow_module_level=True)

SOLVERS = ["adam", "sgd", "lbfgs"]
NAMESPACES = [
    ("torch", "cpu"),
    ("array_api_strict", "CPU_DEVICE"),
    ("array_api_strict", "device1"),
    ("torch", "cuda"),  # these two skip without a GPU
    ("cupy", "0"),
]


def _namespace(name, device_name):
    """The module and device, skipping when the namespace or the device is absent."""
    xp = pytest.importorskip(name)
    if name == "array_api_strict":
        return xp, xp.Device(device_name)
    if name == "cupy":
        return xp, xp.cuda.Device(int(device_name))
    if device_name == "cuda" and not xp.cuda.is_available():
        pytest.skip("PyTorch has no cuda device here")
    return xp, xp.device(device_name)


def _move(xp, device):
    def move(array, dtype=None):
        array = np.asarray(array)
        if dtype is not None:
            array = array.astype(dtype)
        return xp.asarray(array, device=device)

    return move


def _host(array):
    return np.asarray(to_numpy(array)) if not isinstance(array, np.ndarray) else array


def _namespace_of(array):
    import array_api_compat

    return array_api_compat.array_namespace(array), array_api_compat.device(array)


@pytest.fixture(autouse=True)
def _quiet():
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        yield


@pytest.fixture
def data():
    X, y = make_classification(
        n_samples=240, n_features=8, n_informative=5, n_classes=3, random_state=0
    )
    weights = np.random.RandomState(1).uniform(0.5, 2.0, size=len(y))
    return X, y, weights


def _estimator(solver, **params):
    return TanhMLPClassifier((12, 6), solver=solver, max_iter=10, random_state=0, **params)


@pytest.mark.parametrize("namespace", NAMESPACES, ids=lambda n: "-".join(n))
@pytest.mark.parametrize("solver", SOLVERS)
def test_same_model_as_numpy_in_namespace_and_on_device(data, solver, namespace):
    xp, device = _namespace(*namespace)
    move = _move(xp, device)
    X, y, weights = data
    expected = _estimator(solver).fit(X, y, sample_weight=weights)
    with sklearn.config_context(array_api_dispatch=True):
        model = _estimator(solver).fit(move(X), move(y), sample_weight=move(weights))
        proba = model.predict_proba(move(X))
        log_proba = model.predict_log_proba(move(X))
        labels = model.predict(move(X))
        score = model.score(move(X), move(y))
    device = _namespace_of(move(X))[1]  # as arrays report it (torch: "cuda:0", not "cuda")
    for array in [*model.coefs_, *model.intercepts_, proba, log_proba, labels]:
        assert _namespace_of(array)[0].__name__.endswith(namespace[0])
        assert _namespace_of(array)[1] == device
    assert proba.dtype == xp.float64
    for key, value in (model._optimizer_state or {}).items():
        if not isinstance(value, (int, float, dict)):  # dict: the settings, plain numbers
            assert _namespace_of(value)[1] == device, key
    np.testing.assert_allclose(_host(proba), expected.predict_proba(X), rtol=0, atol=1e-8)
    np.testing.assert_allclose(_host(log_proba), expected.predict_log_proba(X), atol=1e-8)
    np.testing.assert_array_equal(_host(labels), expected.predict(X))
    for ours, theirs in zip(model.coefs_, expected.coefs_):
        np.testing.assert_allclose(_host(ours), theirs, rtol=0, atol=1e-8)
    np.testing.assert_allclose(model.loss_curve_, expected.loss_curve_, rtol=1e-10)
    assert model.n_iter_ == expected.n_iter_
    assert isinstance(score, float) and score == expected.score(X, y)
    np.testing.assert_array_equal(model.classes_, expected.classes_)


@pytest.mark.parametrize("namespace", NAMESPACES, ids=lambda n: "-".join(n))
@pytest.mark.parametrize("solver", SOLVERS)
@pytest.mark.parametrize("dtype", ["float32", "float64"])
@pytest.mark.parametrize("weights", ["1e37 each", "1e-44 each", "1e-30 beside 1e30"])
def test_weights_of_any_size_train_as_on_numpy(data, solver, namespace, dtype, weights):
    """The weights reach the device as w_i / s, divided on the host in float64
    (``_batch_weights.relative_weights``): in float32, weights of 1e37 sum past its range (every
    delta was 0, or a DivergenceError), 1e-44 is subnormal, and a batch of 1e-30 beside one of
    1e30 must not round to nothing beside them (as one scale for all of them made it do)."""
    xp, device = _namespace(*namespace)
    move = _move(xp, device)
    X, y, _ = data
    X = X.astype(dtype)
    small, large = {"1e37 each": (1e37, 1e37), "1e-44 each": (1e-44, 1e-44)}.get(
        weights, (1e-30, 1e30) if dtype == "float32" else (1e-200, 1e200)
    )
    sample_weight = np.r_[np.full(120, small), np.full(120, large)]
    # alpha / s would pass float32's range with weights of 1e-44: no L2 term
    settings = dict(alpha=0.0, batch_size=120, shuffle=False)
    expected = _estimator(solver, **settings).fit(X, y, sample_weight=sample_weight)
    with sklearn.config_context(array_api_dispatch=True):
        model = _estimator(solver, **settings).fit(move(X), move(y), sample_weight=sample_weight)
        proba = model.predict_proba(move(X))
    assert model.n_iter_ == expected.n_iter_
    tolerance = 1e-4 if dtype == "float32" else 1e-8
    np.testing.assert_allclose(model.loss_curve_, expected.loss_curve_, rtol=tolerance)
    np.testing.assert_allclose(_host(proba), expected.predict_proba(X), atol=tolerance)


@pytest.mark.parametrize("solver", SOLVERS)
def test_float32_stays_float32(data, solver):
    torch = pytest.importorskip("torch")
    X, y, _ = data
    with sklearn.config_context(array_api_dispatch=True):
        model = _estimator(solver).fit(torch.asarray(X, dtype=torch.float32), torch.asarray(y))
        proba = model.predict_proba(torch.asarray(X, dtype=torch.float32))
    assert proba.dtype == torch.float32
    assert all(coef.dtype == torch.float32 for coef in model.coefs_ + model.intercepts_)
    expected = _estimator(solver).fit(X.astype(np.float32), y)
    np.testing.assert_allclose(
        proba.numpy(), expected.predict_proba(X.astype(np.float32)), atol=1e-4
    )


@pytest.mark.parametrize(
    "params, fit_val",
    [
        ({"early_stopping": True}, False),
        ({"early_stopping": True, "scoring": "loss"}, False),
        ({"early_stopping": True, "scoring": "neg_log_loss"}, False),
        ({"early_stopping": True, "scoring": "roc_auc_ovr"}, False),  # fails on torch arrays
        ({"early_stopping": True, "scoring": "balanced_accuracy"}, False),
        ({"scoring": "accuracy"}, True),
        ({"class_weight": "balanced"}, False),
        ({"class_weight": {0: 3.0, 2: 0.5}, "solver": "sgd"}, True),
        ({"class_weight": {0: 1000, 1: 1e-4, 2: 1e-4}}, False),  # the rare-class bias shift
        ({"solver": "lbfgs"}, True),
    ],
)
def test_features_under_dispatch_match_numpy(data, params, fit_val):
    torch = pytest.importorskip("torch")
    X, y, _ = data
    params = {"solver": "adam", **params}
    solver = params.pop("solver")
    kwargs = {"X_val": X[:60], "y_val": y[:60]} if fit_val else {}
    expected = _estimator(solver, **params).fit(X, y, **kwargs)
    tensors = {key: torch.asarray(value) for key, value in kwargs.items()}
    with sklearn.config_context(array_api_dispatch=True):
        model = _estimator(solver, **params).fit(torch.asarray(X), torch.asarray(y), **tensors)
        proba = model.predict_proba(torch.asarray(X))
    np.testing.assert_allclose(proba.numpy(), expected.predict_proba(X), atol=1e-8)
    assert model.n_iter_ == expected.n_iter_
    if expected.validation_scores_ is not None:
        np.testing.assert_allclose(model.validation_scores_, expected.validation_scores_)
        np.testing.assert_allclose(model.validation_loss_curve_, expected.validation_loss_curve_)


@pytest.mark.parametrize("solver", SOLVERS)
def test_multilabel_under_dispatch(solver):
    xp, device = _namespace("array_api_strict", "device1")
    move = _move(xp, device)
    X, Y = make_multilabel_classification(n_samples=150, n_features=6, random_state=0)
    expected = _estimator(solver).fit(X, Y)
    with sklearn.config_context(array_api_dispatch=True):
        model = _estimator(solver).fit(move(X), move(Y))
        proba = model.predict_proba(move(X))
        labels = model.predict(move(X))
    np.testing.assert_allclose(_host(proba), expected.predict_proba(X), atol=1e-8)
    np.testing.assert_array_equal(_host(labels), expected.predict(X))


def test_verbose_and_partial_fit_under_dispatch(data, capsys):
    torch = pytest.importorskip("torch")
    X, y, _ = data
    expected = TanhMLPClassifier((8,), random_state=0, verbose=True)
    for _ in range(3):
        expected.partial_fit(X, y, classes=[0, 1, 2])
    numpy_out = capsys.readouterr().out
    model = TanhMLPClassifier((8,), random_state=0, verbose=True)
    with sklearn.config_context(array_api_dispatch=True):
        for _ in range(3):
            model.partial_fit(torch.asarray(X), torch.asarray(y), classes=[0, 1, 2])
        proba = model.predict_proba(torch.asarray(X))
    torch_out = capsys.readouterr().out
    # the same losses, printed the same way, after the line naming each path's kernels
    assert numpy_out.startswith("Kernels: numpy") or numpy_out.startswith("Kernels: numba")
    assert torch_out.startswith("Kernels: torch on cpu")
    assert torch_out.split("\n", 1)[1] == numpy_out.split("\n", 1)[1]
    np.testing.assert_allclose(proba.numpy(), expected.predict_proba(X), atol=1e-8)
    assert isinstance(model._optimizer_state["first_moment"], torch.Tensor)


def test_warm_start_continues_in_namespace(data):
    torch = pytest.importorskip("torch")
    X, y, _ = data
    expected = _estimator("adam", warm_start=True).fit(X, y).fit(X, y)
    with sklearn.config_context(array_api_dispatch=True):
        model = _estimator("adam", warm_start=True)
        model.fit(torch.asarray(X), torch.asarray(y)).fit(torch.asarray(X), torch.asarray(y))
        proba = model.predict_proba(torch.asarray(X))
    np.testing.assert_allclose(proba.numpy(), expected.predict_proba(X), atol=1e-8)


def test_callback_stop_under_dispatch(data):
    pytest.importorskip("sklearn.callback")
    torch = pytest.importorskip("torch")
    from sklearn.callback import ProgressBar

    class StopAfterThree(ProgressBar):
        def __init__(self):
            super().__init__()
            self.epochs = 0

        def on_fit_task_end(self, estimator, context, **kwargs):
            super().on_fit_task_end(estimator, context, **kwargs)
            if context.task_name == "epoch":
                self.epochs += 1
                return self.epochs >= 3
            return False

    X, y, _ = data
    with sklearn.config_context(array_api_dispatch=True):
        model = _estimator("adam").set_callbacks(StopAfterThree())
        model.fit(torch.asarray(X), torch.asarray(y))
    assert model.n_iter_ == 3


def test_fit_without_callbacks_copies_no_data_to_the_host(data, monkeypatch):
    """The callbacks' host copies of X and y are made only where a hook asks for them: a fit
    on a device pays no transfer of its data for callbacks it does not have."""
    pytest.importorskip("sklearn.callback")
    torch = pytest.importorskip("torch")
    from sktanhnet import _base

    X, y, _ = data
    copied = []
    original = _base.to_numpy

    def spy(array):
        copied.append(tuple(array.shape))
        return original(array)

    monkeypatch.setattr(_base, "to_numpy", spy)
    with sklearn.config_context(array_api_dispatch=True):
        model = _estimator("adam").fit(torch.asarray(X), torch.asarray(y))
        model.partial_fit(torch.asarray(X), torch.asarray(y))
    assert X.shape not in copied and y.shape not in copied


def test_scoring_monitor_under_dispatch(data):
    pytest.importorskip("sklearn.callback")
    torch = pytest.importorskip("torch")
    from sklearn.callback import ScoringMonitor

    X, y, _ = data
    logs = {}
    for name, inputs in (("numpy", (X, y)), ("torch", (torch.asarray(X), torch.asarray(y)))):
        monitor = ScoringMonitor(scoring=["accuracy", "neg_log_loss"])
        with sklearn.config_context(array_api_dispatch=name == "torch"):
            _estimator("adam").set_callbacks(monitor).fit(*inputs)
        logs[name] = [row for row in monitor.get_logs().data if row["task_name"] == "epoch"]
    assert len(logs["torch"]) == len(logs["numpy"]) == 10
    for ours, theirs in zip(logs["torch"], logs["numpy"]):
        assert float(ours["accuracy"]) == pytest.approx(theirs["accuracy"])
        assert float(ours["neg_log_loss"]) == pytest.approx(theirs["neg_log_loss"], rel=1e-10)


def test_sparse_input_keeps_the_numpy_path_under_dispatch(data):
    X, y, _ = data
    X = np.where(np.abs(X) < 0.5, 0.0, X)
    expected = _estimator("adam").fit(X, y)
    with sklearn.config_context(array_api_dispatch=True):
        model = _estimator("adam").fit(sp.csr_matrix(X), y)
        proba = model.predict_proba(sp.csr_matrix(X))
    assert isinstance(model.coefs_[0], np.ndarray) and isinstance(proba, np.ndarray)
    np.testing.assert_allclose(proba, expected.predict_proba(X), atol=1e-12)


def test_tensors_without_dispatch_are_taken_as_numpy(data):
    torch = pytest.importorskip("torch")
    X, y, _ = data
    expected = _estimator("adam").fit(X, y)
    model = _estimator("adam").fit(torch.asarray(X), torch.asarray(y))
    proba = model.predict_proba(torch.asarray(X))
    assert isinstance(model.coefs_[0], np.ndarray) and isinstance(proba, np.ndarray)
    np.testing.assert_array_equal(proba, expected.predict_proba(X))


@pytest.mark.parametrize("method", ["predict", "predict_proba", "predict_log_proba", "score"])
def test_predicting_in_another_namespace_or_device_says_so(data, method):
    xp, device = _namespace("array_api_strict", "device1")
    move = _move(xp, device)
    X, y, _ = data
    with sklearn.config_context(array_api_dispatch=True):
        model = _estimator("adam").fit(move(X), move(y))
    called = "predict_proba" if method == "score" else method
    args = (y,) if method == "score" else ()
    off = "(numpy: array API dispatch is off, so X is read as NumPy) differ"
    inputs = [
        (X, False, "namespaces used during fit (array_api_strict) and"),  # NumPy, no dispatch
        (X, True, "namespaces used during fit (array_api_strict) and"),  # NumPy, dispatch
        (xp.asarray(X, device=xp.Device("CPU_DEVICE")), True, "devices used during fit"),
        (move(X), False, off),  # the fit's own namespace, without dispatch: the cause named
    ]
    for X_other, dispatch, detail in inputs:
        with sklearn.config_context(array_api_dispatch=dispatch):
            with pytest.raises(ValueError, match="must use the same namespace") as error:
                getattr(model, method)(X_other, *args)
        message = str(error.value)
        assert ("dispatch is off" in message) == (detail == off)  # only where it is the cause
        assert f"TanhMLPClassifier.{'predict' if method == 'score' else called}()" in message
        assert detail in message and "sktanhnet.to_numpy(model)" in message


def test_numpy_model_refuses_tensors_under_dispatch(data):
    torch = pytest.importorskip("torch")
    X, y, _ = data
    model = _estimator("adam").fit(X, y)
    with sklearn.config_context(array_api_dispatch=True):
        with pytest.raises(ValueError, match=r"TanhMLPClassifier.predict_proba\(\) must use"):
            model.predict_proba(torch.asarray(X))


@pytest.mark.parametrize("dtype, tolerance", [(np.float64, 1e-12), (np.float32, 1e-6)])
def test_to_numpy_brings_a_pipeline_back_for_pickle_and_skops(data, dtype, tolerance):
    torch = pytest.importorskip("torch")
    X, y, _ = data
    X = X.astype(dtype)
    with sklearn.config_context(array_api_dispatch=True):
        pipeline = make_pipeline(StandardScaler(), _estimator("adam"))
        pipeline.fit(torch.asarray(X), torch.asarray(y))
        proba = pipeline.predict_proba(torch.asarray(X)).numpy()
    converted = to_numpy(pipeline)
    assert isinstance(pipeline[-1].coefs_[0], torch.Tensor)  # the original is unchanged
    assert isinstance(converted[-1].coefs_[0], np.ndarray)
    assert isinstance(converted[0].mean_, np.ndarray)
    assert all(
        isinstance(v, np.ndarray)
        for v in converted[-1]._optimizer_state.values()
        if not isinstance(v, (int, float, dict))
    )
    np.testing.assert_allclose(converted.predict_proba(X), proba, rtol=0, atol=tolerance)
    restored = pickle.loads(pickle.dumps(converted))
    np.testing.assert_array_equal(restored.predict_proba(X), converted.predict_proba(X))
    sio = pytest.importorskip("skops.io")
    dumped = sio.dumps(converted)
    untrusted = sio.get_untrusted_types(data=dumped)
    assert untrusted == ["sktanhnet._classifier.TanhMLPClassifier"]
    loaded = sio.loads(dumped, trusted=untrusted)
    np.testing.assert_array_equal(loaded.predict_proba(X), converted.predict_proba(X))


def test_pickling_a_model_fitted_on_tensors_keeps_its_namespace(data):
    torch = pytest.importorskip("torch")
    X, y, _ = data
    with sklearn.config_context(array_api_dispatch=True):
        model = _estimator("sgd").fit(torch.asarray(X), torch.asarray(y))
        restored = pickle.loads(pickle.dumps(model))
        np.testing.assert_array_equal(
            restored.predict_proba(torch.asarray(X)).numpy(),
            model.predict_proba(torch.asarray(X)).numpy(),
        )


def test_string_labels_stay_numpy(data):
    torch = pytest.importorskip("torch")
    X, y, _ = data
    labels = np.array(["ant", "bee", "cat"])[y]
    with sklearn.config_context(array_api_dispatch=True):
        model = _estimator("adam").fit(torch.asarray(X), labels)
        predicted = model.predict(torch.asarray(X))
        score = model.score(torch.asarray(X), labels)
    expected = _estimator("adam").fit(X, labels)
    np.testing.assert_array_equal(predicted, expected.predict(X))
    assert score == expected.score(X, labels)


def test_numpy_path_imports_no_array_api_package():
    code = (
        "import sys; import numpy as np; from sktanhnet import TanhMLPClassifier; "
        "X = np.random.RandomState(0).normal(size=(40, 3)); y = (X[:, 0] > 0).astype(int); "
        "TanhMLPClassifier((4,), max_iter=3).fit(X, y).predict_proba(X); "
        "print(sorted(m for m in ('array_api_compat', 'torch', 'array_api_strict') "
        "if m in sys.modules))"
    )
    result = subprocess.run(
        [sys.executable, "-W", "ignore", "-c", code], capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "[]"


@pytest.mark.parametrize("given", ["y", "X_val"])
def test_read_only_numpy_input_beside_tensors_is_copied_without_a_torch_warning(given):
    """A read-only NumPy array (what pandas 3 gives for a Series or a DataFrame, a memmap) as a
    regressor's y or as X_val, with float64 tensors: PyTorch warned that it cannot write to the
    array it would share. In a fresh process: PyTorch gives that warning once per process."""
    pytest.importorskip("torch")
    code = f"""
import warnings, numpy as np, sklearn, torch
from sklearn.exceptions import ConvergenceWarning
from sktanhnet import TanhMLPRegressor
warnings.simplefilter("error", UserWarning)
warnings.simplefilter("ignore", ConvergenceWarning)  # two epochs on purpose
rng = np.random.RandomState(0)
X, y = torch.asarray(rng.normal(size=(50, 3))), rng.normal(size=50)
frozen = (y if {given!r} == "y" else X.numpy()[:10].copy())
frozen.flags.writeable = False
kept = frozen.copy()
with sklearn.config_context(array_api_dispatch=True):
    if {given!r} == "y":
        TanhMLPRegressor((4,), max_iter=2).fit(X, frozen)
    else:
        TanhMLPRegressor((4,), max_iter=2).fit(X, y, X_val=frozen, y_val=y[:10])
assert np.array_equal(frozen, kept)
print("ok")
"""
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "ok"


# ---------------------------------------------------------------- TanhMLPRegressor


@pytest.fixture
def regression_data():
    from sklearn.datasets import make_regression

    X, y = make_regression(n_samples=240, n_features=8, n_targets=2, random_state=0)
    weights = np.random.RandomState(1).uniform(0.5, 2.0, size=len(y))
    return X, y / 100, weights


@pytest.mark.parametrize("namespace", NAMESPACES, ids=lambda n: "-".join(n))
@pytest.mark.parametrize(
    "params",
    [
        {"solver": "adam"},
        {"solver": "sgd", "early_stopping": True},
        {"solver": "lbfgs"},
        {"solver": "adam", "loss": "poisson"},
        {"solver": "lbfgs", "loss": "poisson"},
    ],
    ids=["adam", "sgd-early-stopping", "lbfgs", "adam-poisson", "lbfgs-poisson"],
)
@pytest.mark.parametrize("n_targets", [1, 2])
def test_regressor_same_model_as_numpy_in_namespace_and_on_device(
    regression_data, namespace, params, n_targets
):
    from sktanhnet import TanhMLPRegressor

    xp, device = _namespace(*namespace)
    move = _move(xp, device)
    X, y, weights = regression_data
    y = np.abs(y) if params.get("loss") == "poisson" else y
    y = y[:, 0] if n_targets == 1 else y
    settings = dict(hidden_layer_sizes=(12, 6), max_iter=10, random_state=0, **params)
    expected = TanhMLPRegressor(**settings).fit(X, y, sample_weight=weights)
    with sklearn.config_context(array_api_dispatch=True):
        model = TanhMLPRegressor(**settings).fit(move(X), move(y), sample_weight=move(weights))
        prediction = model.predict(move(X))
        score = model.score(move(X), move(y))
    device = _namespace_of(move(X))[1]
    for array in [*model.coefs_, *model.intercepts_, prediction]:
        assert _namespace_of(array)[0].__name__.endswith(namespace[0])
        assert _namespace_of(array)[1] == device
    assert prediction.dtype == xp.float64 and prediction.shape == expected.predict(X).shape
    np.testing.assert_allclose(_host(prediction), expected.predict(X), rtol=0, atol=1e-8)
    np.testing.assert_allclose(model.loss_curve_, expected.loss_curve_, rtol=1e-10)
    assert model.n_iter_ == expected.n_iter_
    assert isinstance(score, float) and score == pytest.approx(expected.score(X, y), abs=1e-10)
    host = to_numpy(model)
    assert all(isinstance(coef, np.ndarray) for coef in host.coefs_ + host.intercepts_)
    np.testing.assert_allclose(host.predict(X), _host(prediction), rtol=1e-12)


def test_regressor_float32_stays_float32(regression_data):
    torch = pytest.importorskip("torch")
    from sktanhnet import TanhMLPRegressor

    X, y, _ = regression_data
    X32 = torch.asarray(X, dtype=torch.float32)
    with sklearn.config_context(array_api_dispatch=True):
        model = TanhMLPRegressor((8,), max_iter=5, random_state=0).fit(X32, torch.asarray(y))
        prediction = model.predict(X32)
    assert prediction.dtype == torch.float32
    assert all(coef.dtype == torch.float32 for coef in model.coefs_ + model.intercepts_)


@pytest.mark.parametrize("namespace", NAMESPACES, ids=lambda n: "-".join(n))
@pytest.mark.parametrize("solver", SOLVERS)
def test_binary_targets_train_the_numpy_model_with_one_logistic_output(data, solver, namespace):
    xp, device = _namespace(*namespace)
    move = _move(xp, device)
    X, y, weights = data
    y = y % 2
    expected = _estimator(solver).fit(X, y, sample_weight=weights)
    with sklearn.config_context(array_api_dispatch=True):
        model = _estimator(solver).fit(move(X), move(y), sample_weight=move(weights))
        proba = model.predict_proba(move(X))
        labels = model.predict(move(X))
    assert model.n_outputs_ == 1 and model.out_activation_ == "logistic"
    assert tuple(proba.shape) == (len(y), 2)
    np.testing.assert_allclose(_host(proba), expected.predict_proba(X), rtol=0, atol=1e-8)
    np.testing.assert_array_equal(_host(labels), expected.predict(X))


# ---------------------------------------------------------------- hostile inputs on tensors


@pytest.mark.parametrize("namespace", ["array_api_strict", "torch"])
@pytest.mark.parametrize("dtype", ["uint8", "uint16", "uint32", "uint64"])
def test_unsigned_labels_come_back_as_on_numpy(data, namespace, dtype):
    # array-api-strict gathers them all, in its own arrays; PyTorch cannot gather uint16 to
    # uint64 (NotImplementedError): NumPy's array of them then
    xp = pytest.importorskip(namespace)
    X, y, _ = data
    labels = y.astype(dtype) + 7
    expected = _estimator("adam").fit(X, labels).predict(X)
    with sklearn.config_context(array_api_dispatch=True):
        model = _estimator("adam").fit(xp.asarray(X), xp.asarray(labels))
        predicted = model.predict(xp.asarray(X))
    if namespace == "array_api_strict":
        assert type(predicted) is type(xp.asarray(X))
    np.testing.assert_array_equal(_host(predicted), expected)
    assert _host(predicted).dtype == expected.dtype


# X_val was adopted without being detached, and PyTorch warned that torch.asarray's default
# requires_grad changed (once per process: this test is the one that passes such an X_val)
@pytest.mark.filterwarnings("error:torch.asarray")
def test_a_tensor_that_requires_grad_is_used_detached_and_outputs_carry_no_graph(data):
    torch = pytest.importorskip("torch")
    X, y, _ = data
    X_grad = torch.asarray(X, requires_grad=True)
    expected = _estimator("adam").fit(X, y)
    with sklearn.config_context(array_api_dispatch=True):
        model = _estimator("adam").fit(X_grad, torch.asarray(y), X_val=X_grad, y_val=y)
        outputs = [model.predict_proba(X_grad), model.predict_log_proba(X_grad)]
    assert X_grad.grad is None
    assert not any(output.requires_grad for output in outputs)
    assert not any(coef.requires_grad for coef in model.coefs_)
    np.testing.assert_allclose(_host(outputs[0]), expected.predict_proba(X), atol=1e-8)


@pytest.mark.parametrize("method", ["fit", "predict"])
def test_complex_tensors_are_refused_as_complex_numpy_arrays_are(data, method):
    torch = pytest.importorskip("torch")
    X, y, _ = data
    with sklearn.config_context(array_api_dispatch=True):
        model = _estimator("adam").fit(torch.asarray(X), torch.asarray(y))
        with pytest.raises(ValueError, match="Complex data not supported"):
            if method == "fit":
                model.fit(torch.asarray(X + 1j), torch.asarray(y))
            else:
                model.predict(torch.asarray(X + 1j))
    with pytest.raises(ValueError, match="Complex data not supported"):
        _estimator("adam").fit(X + 1j, y)


def test_to_numpy_copies_a_cpu_tensor_model(data):
    torch = pytest.importorskip("torch")
    X, y, _ = data
    with sklearn.config_context(array_api_dispatch=True):
        model = _estimator("adam").fit(torch.asarray(X), torch.asarray(y))
    host = to_numpy(model)
    assert not any(
        np.shares_memory(ours, theirs.numpy())
        for ours, theirs in zip(host.coefs_ + host.intercepts_, model.coefs_ + model.intercepts_)
    )


def test_to_numpy_converts_a_searchs_scorer_and_keeps_what_it_shares(data):
    # a search over a model fitted on tensors: its scorer_ holds that model (no get_params)
    torch = pytest.importorskip("torch")
    from sklearn.model_selection import GridSearchCV

    X, y, _ = data
    Xt, yt = torch.asarray(X), torch.asarray(y)
    with sklearn.config_context(array_api_dispatch=True):
        model = _estimator("adam").fit(Xt, yt)
        search = GridSearchCV(model, {"alpha": [1e-4, 1e-2]}, cv=3).fit(Xt, yt)
        expected = search.score(Xt, yt)
    host = to_numpy(search)
    assert host.scorer_ is not search.scorer_
    assert host.scorer_._estimator is host.estimator  # shared in the copy as in the original
    assert isinstance(host.estimator.coefs_[0], np.ndarray)
    assert isinstance(search.estimator.coefs_[0], torch.Tensor)  # the original as it was
    assert host.score(X, y) == pytest.approx(expected, abs=1e-12)
    sio = pytest.importorskip("skops.io")
    sio.dumps(host)  # refused while scorer_ held the tensor model


def test_to_numpy_gives_the_copy_a_random_state_of_its_own(data):
    X, y, _ = data
    model = _estimator("adam").set_params(random_state=np.random.RandomState(0)).fit(X, y)
    host = to_numpy(model)
    assert host.random_state is not model.random_state
    assert host.random_state.randint(1000) == model.random_state.randint(1000)


def test_a_pickled_tensor_model_holds_its_weights_once_and_keeps_its_views(data):
    torch = pytest.importorskip("torch")
    X, y, _ = data
    with sklearn.config_context(array_api_dispatch=True):
        model = TanhMLPClassifier((64, 32), max_iter=3, random_state=0)
        model.fit(torch.asarray(X), torch.asarray(y))
        loaded = pickle.loads(pickle.dumps(model))
        np.testing.assert_array_equal(
            _host(loaded.predict_proba(torch.asarray(X))),
            _host(model.predict_proba(torch.asarray(X))),
        )
    numpy_size = len(pickle.dumps(to_numpy(model)))
    assert len(pickle.dumps(model)) < 1.2 * numpy_size  # was 2.7 times: the vector per view
    storage = {w.untyped_storage().data_ptr() for w in loaded.coefs_ + loaded.intercepts_}
    assert len(storage) == 1  # views into one parameter vector, as after fit


def test_a_sparse_x_val_with_tensor_x_says_what_to_do(data):
    torch = pytest.importorskip("torch")
    X, y, _ = data
    with sklearn.config_context(array_api_dispatch=True):
        with pytest.raises(ValueError, match=r"X_val is a scipy.sparse matrix.*X_val.toarray\(\)"):
            _estimator("adam").fit(torch.asarray(X), y, X_val=sp.csr_matrix(X), y_val=y)


@pytest.mark.parametrize("kind", ["numpy 0-d", "tensor 0-d"])
def test_a_scorer_may_return_a_0d_array_or_tensor(data, kind):
    torch = pytest.importorskip("torch")
    X, y, _ = data

    def scorer(estimator, X_val, y_val):
        value = 0.25 + 0.5 * float(np.mean(_host(estimator.predict(X_val)) == _host(y_val)))
        return np.array(value) if kind == "numpy 0-d" else torch.tensor(value)

    expected = _estimator("adam", early_stopping=True, scoring=scorer).fit(X, y)
    with sklearn.config_context(array_api_dispatch=True):
        model = _estimator("adam", early_stopping=True, scoring=scorer)
        model.fit(torch.asarray(X), torch.asarray(y))
    assert all(isinstance(score, float) for score in model.validation_scores_)
    np.testing.assert_allclose(model.validation_scores_, expected.validation_scores_)


def test_callbacks_scorers_run_on_tensors_as_on_numpy(data):
    torch = pytest.importorskip("torch")
    callback = pytest.importorskip("sklearn.callback")
    X, y, _ = data
    scores = {}
    for name, move in [("numpy", np.asarray), ("torch", torch.asarray)]:
        monitor = callback.ScoringMonitor(scoring=["roc_auc_ovr", "accuracy"])
        with sklearn.config_context(array_api_dispatch=True):
            _estimator("adam").set_callbacks(monitor).fit(move(X), move(y))
        scores[name] = [row for row in monitor.get_logs().data if row["task_name"] == "epoch"]
    assert len(scores["torch"]) == len(scores["numpy"]) == 10
    for ours, theirs in zip(scores["torch"], scores["numpy"]):
        assert ours["roc_auc_ovr"] == pytest.approx(theirs["roc_auc_ovr"], rel=1e-8)
        assert ours["accuracy"] == pytest.approx(theirs["accuracy"])


@pytest.mark.parametrize("dispatch", [False, True])
def test_a_sparse_tensor_is_refused_with_what_to_pass_instead(data, dispatch):
    """Not a claim that its dtype has no NumPy twin (torch's TypeError for any .numpy())."""
    torch = pytest.importorskip("torch")
    X, y, _ = data
    sparse = torch.asarray(X).to_sparse()
    message = r"X is a sparse PyTorch tensor \(torch.sparse_coo\): pass X.to_dense\(\), or a sci"
    with sklearn.config_context(array_api_dispatch=dispatch):
        with pytest.raises(TypeError, match=message):
            _estimator("adam").fit(sparse, y)
    with pytest.raises(TypeError, match=message):
        _estimator("adam").fit(X, y).predict(sparse)
    for Xt in torch.asarray(X), X:  # and as the validation data, named so
        with sklearn.config_context(array_api_dispatch=dispatch):
            with pytest.raises(TypeError, match=message.replace("X", "X_val")):
                _estimator("adam").fit(Xt, y, X_val=sparse, y_val=y)


def test_labels_of_a_dtype_the_namespace_lacks_come_back_as_numpy(data):
    """array-api-strict has no float16 (nor MPS float64): predict gave its TypeError after a
    fit that succeeded; the labels now come back as NumPy, as strings do."""
    xp = pytest.importorskip("array_api_strict")
    X, y, _ = data
    labels = y.astype(np.float16)
    expected = _estimator("adam").fit(X, labels).predict(X)
    with sklearn.config_context(array_api_dispatch=True):
        model = _estimator("adam").fit(xp.asarray(X), labels)
        predicted = model.predict(xp.asarray(X))
        assert model.score(xp.asarray(X), labels) == pytest.approx(np.mean(expected == labels))
    assert isinstance(predicted, np.ndarray) and predicted.dtype == np.float16
    np.testing.assert_array_equal(predicted, expected)
