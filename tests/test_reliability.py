"""Reliability: a failed call loses nothing, inputs are never modified, divergence never yields
NaN, concurrent use is safe, and results are reproducible to the bit.

Behaviour chosen where there was a choice:
- a fit, partial_fit or warm-started fit that raises (any exception, KeyboardInterrupt included)
  puts back every fitted attribute: weights, classes_, optimizer state, counters and curves; a
  ``random_state`` given as a RandomState instance is the user's object and is not rewound;
- divergence (a non-finite loss or weight at the end of an epoch) raises a ValueError that says
  to scale the data or lower learning_rate_init; huge weights that stay finite are kept, since
  tanh saturates and the probabilities stay well formed.
"""

import copy
import hashlib
import pickle
import subprocess
import sys
import threading
import warnings
from concurrent.futures import ThreadPoolExecutor

import numpy as np
import pytest
import scipy.sparse as sp
from sklearn.base import clone
from sklearn.exceptions import NotFittedError

from sktanhnet import TanhMLPClassifier

pytestmark = pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")

RNG = np.random.RandomState(0)
X = RNG.randn(40, 4)
Y = np.arange(40) % 3
CLASSES = np.unique(Y)
SOLVERS = ["adam", "sgd", "lbfgs"]
STOCHASTIC = ["adam", "sgd"]
DIVERGED = r"Training diverged.*Scale the data.*lower learning_rate_init"


def make(**params):
    params = {"hidden_layer_sizes": (5,), "max_iter": 5, "random_state": 0, **params}
    return TanhMLPClassifier(**params)


def fitted_state(estimator):
    """A deep copy of everything fit sets: public ``name_`` and private ``_name`` attributes."""
    return copy.deepcopy(
        {
            name: value
            for name, value in vars(estimator).items()
            if name.endswith("_") or name.startswith("_")
        }
    )


def assert_same(expected, actual, where="state"):
    """Exact equality, recursively: same types, dtypes, shapes and bits."""
    assert type(expected) is type(actual), where
    if isinstance(expected, dict):
        assert expected.keys() == actual.keys(), where
        for key in expected:
            assert_same(expected[key], actual[key], f"{where}[{key!r}]")
    elif isinstance(expected, (list, tuple)):
        assert len(expected) == len(actual), where
        for index, (left, right) in enumerate(zip(expected, actual)):
            assert_same(left, right, f"{where}[{index}]")
    elif isinstance(expected, np.ndarray):
        assert expected.dtype == actual.dtype and expected.shape == actual.shape, where
        assert np.array_equal(expected, actual, equal_nan=True), where
    elif isinstance(expected, float) and np.isnan(expected):
        assert np.isnan(actual), where
    else:
        assert expected == actual, where


def assert_well_formed(proba):
    assert np.isfinite(proba).all()
    assert (proba >= 0).all() and (proba <= 1).all()
    np.testing.assert_allclose(proba.sum(axis=1), 1.0, atol=1e-10)


def fitted(solver, **params):
    """A fitted estimator whose optimizer state and counters are not the initial ones."""
    estimator = make(solver=solver, **params).fit(X, Y)
    if solver in STOCHASTIC:
        estimator.partial_fit(X, Y)
    return estimator


# ------------------------------------------------------------------ nothing lost


def _raise_after_two_epochs(exception):
    def scorer(estimator, X_, y_):
        scorer.calls += 1
        if scorer.calls > 2:
            raise exception
        return estimator.score(X_, y_)

    scorer.calls = 0
    return scorer


X_NAN = X.copy()
X_NAN[5, 2] = np.nan

FAILURES = {
    # name: (solvers it applies to, exception expected, the failing call)
    "partial_fit-unseen-class": (STOCHASTIC, ValueError, lambda e: e.partial_fit(X, Y + 1)),
    "partial_fit-nan-batch": (STOCHASTIC, ValueError, lambda e: e.partial_fit(X_NAN, Y)),
    "partial_fit-fewer-features": (STOCHASTIC, ValueError, lambda e: e.partial_fit(X[:, :3], Y)),
    "partial_fit-other-classes": (
        STOCHASTIC,
        ValueError,
        lambda e: e.partial_fit(X, Y, classes=[0, 1, 2, 3]),
    ),
    "partial_fit-negative-weights": (
        STOCHASTIC,
        ValueError,
        lambda e: e.partial_fit(X, Y, sample_weight=-np.ones(40)),
    ),
    "partial_fit-multilabel-batch": (
        STOCHASTIC,
        ValueError,
        lambda e: e.partial_fit(X, np.stack([Y == 0, Y == 1], axis=1).astype(int)),
    ),
    "warm-fit-fewer-classes": (
        SOLVERS,
        ValueError,
        lambda e: e.set_params(warm_start=True).fit(X[Y < 2], Y[Y < 2]),
    ),
    "warm-fit-nan": (SOLVERS, ValueError, lambda e: e.set_params(warm_start=True).fit(X_NAN, Y)),
    "warm-fit-other-architecture": (
        SOLVERS,
        ValueError,
        lambda e: e.set_params(warm_start=True, hidden_layer_sizes=(4,)).fit(X, Y),
    ),
    "warm-fit-diverging": (
        STOCHASTIC,
        ValueError,
        lambda e: e.set_params(warm_start=True, learning_rate_init=1e300, max_iter=20).fit(X, Y),
    ),
    "warm-fit-bad-validation-data": (
        STOCHASTIC,
        ValueError,
        lambda e: e.set_params(warm_start=True).fit(X, Y, X_val=X_NAN, y_val=Y),
    ),
    "fit-nan": (SOLVERS, ValueError, lambda e: e.fit(X_NAN, Y)),
    "fit-continuous-target": (SOLVERS, ValueError, lambda e: e.fit(X, RNG.rand(40))),
    "fit-invalid-parameter": (SOLVERS, ValueError, lambda e: e.set_params(alpha=-1.0).fit(X, Y)),
    "fit-zero-weights": (SOLVERS, ValueError, lambda e: e.fit(X, Y, sample_weight=np.zeros(40))),
    "fit-scorer-error-mid-training": (
        STOCHASTIC,
        ZeroDivisionError,
        lambda e: e.set_params(
            warm_start=True, early_stopping=True, scoring=_raise_after_two_epochs(ZeroDivisionError)
        ).fit(X, Y),
    ),
    "fit-interrupted-mid-training": (
        STOCHASTIC,
        KeyboardInterrupt,
        lambda e: e.set_params(
            warm_start=True, early_stopping=True, scoring=_raise_after_two_epochs(KeyboardInterrupt)
        ).fit(X, Y),
    ),
}
FAILURE_CASES = [
    pytest.param(solver, name, id=f"{solver}-{name}")
    for name, (solvers, _, _) in FAILURES.items()
    for solver in solvers
]


@pytest.mark.parametrize("solver, failure", FAILURE_CASES)
def test_a_failed_call_leaves_a_fitted_model_as_it_was(solver, failure):
    _, exception, failing_call = FAILURES[failure]
    estimator = fitted(solver)
    untouched = copy.deepcopy(estimator)
    before = fitted_state(estimator)
    proba = estimator.predict_proba(X)

    with pytest.raises(exception):
        failing_call(estimator)

    assert_same(before, fitted_state(estimator))
    np.testing.assert_array_equal(estimator.predict_proba(X), proba)
    # The model goes on exactly as if the failed call had never been made.
    estimator.set_params(**untouched.get_params())
    if solver in STOCHASTIC:
        estimator.partial_fit(X, Y)
        untouched.partial_fit(X, Y)
    else:
        estimator.set_params(warm_start=True).fit(X, Y)
        untouched.set_params(warm_start=True).fit(X, Y)
    assert_same(fitted_state(untouched), fitted_state(estimator))


@pytest.mark.parametrize("solver", ["sgd"])
def test_a_diverging_partial_fit_leaves_the_model_as_it_was(solver):
    # No hidden layer: a batch of huge values drives the logits, and then the loss, to inf.
    estimator = make(solver=solver, hidden_layer_sizes=(), batch_size=5).fit(X, Y)
    before = fitted_state(estimator)
    with pytest.raises(ValueError, match=DIVERGED):
        estimator.partial_fit(X * 1e300, Y)
    assert_same(before, fitted_state(estimator))
    assert_well_formed(estimator.predict_proba(X))


@pytest.mark.parametrize(
    "failing_call",
    [
        lambda e: e.partial_fit(X, Y),  # no classes on the first call
        lambda e: e.partial_fit(X_NAN, Y, classes=CLASSES),
        lambda e: e.set_params(learning_rate_init=1e300, solver="sgd").fit(X, Y),
        lambda e: e.set_params(early_stopping=True, validation_fraction=0.0).fit(X, Y),
    ],
    ids=["no-classes", "nan", "diverging", "no-validation-rows"],
)
def test_a_failed_first_call_leaves_the_estimator_unfitted(failing_call):
    estimator = make()
    with pytest.raises(ValueError):
        failing_call(estimator)
    assert fitted_state(estimator) == {}
    with pytest.raises(NotFittedError):
        estimator.predict(X)


# ------------------------------------------------------------------ inputs are never modified


def _containers():
    dense = X * 3.0
    return {
        "float64-C": dense,
        "float64-F": np.asfortranarray(dense),
        "float32": dense.astype(np.float32),
        "int": dense.astype(np.int64),
        "csr": sp.csr_matrix(np.where(np.abs(dense) > 1.0, dense, 0.0)),
        "csc": sp.csc_matrix(np.where(np.abs(dense) > 1.0, dense, 0.0)),
        "noncontiguous": np.repeat(dense, 2, axis=1)[:, ::2],
    }


def _copy(value):
    return value.copy()


def _assert_unchanged(original, value):
    if sp.issparse(original):
        assert value.format == original.format
        for part in ["data", "indices", "indptr"]:
            np.testing.assert_array_equal(getattr(value, part), getattr(original, part))
    else:
        assert value.dtype == original.dtype
        np.testing.assert_array_equal(value, original)


def _every_call(X_, y_, sample_weight):
    """Every method that reads X, y or sample_weight, with the options that touch them."""
    for solver in SOLVERS:
        estimator = make(solver=solver, class_weight={0: 2.0}).fit(X_, y_, sample_weight)
        estimator.predict(X_)
        estimator.predict_proba(X_)
        estimator.predict_log_proba(X_)
        estimator.score(X_, y_, sample_weight)
        estimator.set_params(warm_start=True).fit(X_, y_, sample_weight)
    make(early_stopping=True).fit(X_, y_, sample_weight)
    make().fit(X_, y_, sample_weight, X_val=X_, y_val=y_, sample_weight_val=sample_weight)
    make(solver="sgd").partial_fit(X_, y_, sample_weight, classes=CLASSES).partial_fit(
        X_, y_, sample_weight
    )


@pytest.mark.parametrize("container", list(_containers()))
def test_inputs_are_never_modified(container):
    X_ = _containers()[container]
    y_, sample_weight = Y.copy(), np.linspace(0.5, 2.0, 40)
    originals = [_copy(X_), _copy(y_), _copy(sample_weight)]
    _every_call(X_, y_, sample_weight)
    for original, value in zip(originals, [X_, y_, sample_weight]):
        _assert_unchanged(original, value)


def _read_only(value):
    if sp.issparse(value):
        for part in [value.data, value.indices, value.indptr]:
            part.setflags(write=False)
    else:
        value.setflags(write=False)
    return value


@pytest.mark.parametrize("container", list(_containers()))
def test_read_only_inputs_work(container):
    X_ = _read_only(_containers()[container])
    y_, sample_weight = _read_only(Y.copy()), _read_only(np.linspace(0.5, 2.0, 40))
    _every_call(X_, y_, sample_weight)
    multilabel = _read_only(np.stack([Y == 0, Y == 1], axis=1).astype(int))
    make().fit(X_, multilabel).predict_proba(X_)


def test_memory_mapped_inputs_work(tmp_path):
    y_, sample_weight = Y.copy(), np.linspace(0.5, 2.0, 40)
    for name, value in [("X", X), ("y", y_), ("w", sample_weight)]:
        np.save(tmp_path / f"{name}.npy", value)
    loaded = [np.load(tmp_path / f"{name}.npy", mmap_mode="r") for name in ["X", "y", "w"]]
    X.tofile(tmp_path / "X.raw")
    raw = np.memmap(tmp_path / "X.raw", dtype=X.dtype, mode="r", shape=X.shape)
    for X_ in [loaded[0], raw]:
        assert isinstance(X_, np.memmap)
        _every_call(X_, loaded[1], loaded[2])
        for solver in SOLVERS:
            from_memory = make(solver=solver).fit(X, y_, sample_weight)
            from_disk = make(solver=solver).fit(X_, loaded[1], loaded[2])
            assert_same(fitted_state(from_memory), fitted_state(from_disk))
            np.testing.assert_array_equal(from_disk.predict_proba(X_), from_memory.predict_proba(X))


# ------------------------------------------------------------------ divergence


@pytest.mark.parametrize("hidden_layer_sizes", [(5,), ()])
@pytest.mark.parametrize("scale", [1.0, 1e12])
@pytest.mark.parametrize("learning_rate_init", [1e6, 1e300])
@pytest.mark.parametrize(
    "solver, nesterovs_momentum", [("sgd", True), ("sgd", False), ("adam", True)]
)
def test_huge_learning_rates_and_scales_never_give_nan(
    solver, nesterovs_momentum, learning_rate_init, scale, hidden_layer_sizes
):
    estimator = make(
        solver=solver,
        learning_rate_init=learning_rate_init,
        momentum=0.9,
        nesterovs_momentum=nesterovs_momentum,
        hidden_layer_sizes=hidden_layer_sizes,
        max_iter=20,
    )
    try:
        estimator.fit(X * scale, Y)
    except ValueError as error:
        assert error.args and "Training diverged" in str(error)
        assert "Scale the data" in str(error) and "lower learning_rate_init" in str(error)
        assert fitted_state(estimator) == {}
        return
    assert all(np.isfinite(loss) for loss in estimator.loss_curve_)
    for X_ in [X, X * scale, X * 1e12]:
        assert_well_formed(estimator.predict_proba(X_))
        assert not np.isnan(estimator.predict_log_proba(X_)).any()


@pytest.mark.parametrize("solver", ["sgd", "lbfgs"])
def test_divergence_stops_with_a_clear_error(solver):
    if solver == "sgd":
        estimator, X_, expected = make(solver="sgd", learning_rate_init=1e300), X, DIVERGED
    else:  # no hidden layer: huge inputs give inf logits
        estimator, X_ = make(solver="lbfgs", hidden_layer_sizes=()), X * 1e300
        expected = r"Training diverged.*Scale the data"
    with pytest.raises(ValueError, match=expected) as raised:
        estimator.fit(X_, Y)
    if solver == "lbfgs":  # L-BFGS has no learning rate to lower
        assert "learning_rate_init" not in str(raised.value)
    assert fitted_state(estimator) == {}


@pytest.mark.parametrize("solver", SOLVERS)
def test_feature_scale_1e12_trains_to_well_formed_outputs(solver):
    estimator = make(solver=solver, max_iter=30).fit(X * 1e12, Y)
    assert all(np.isfinite(loss) for loss in estimator.loss_curve_)
    assert_well_formed(estimator.predict_proba(X * 1e12))


# ------------------------------------------------------------------ concurrency


@pytest.mark.parametrize("sparse", [False, True])
def test_predict_from_eight_threads_gives_the_sequential_results(sparse):
    estimator = make(hidden_layer_sizes=(30, 10), solver="lbfgs", max_iter=20).fit(X, Y)
    X_big = RNG.randn(4000, 4)
    if sparse:
        X_big = sp.csr_matrix(np.where(X_big > 0, X_big, 0.0))
    expected = (estimator.predict(X_big), estimator.predict_proba(X_big))
    barrier = threading.Barrier(8)

    def work(_):
        barrier.wait()
        return [(estimator.predict(X_big), estimator.predict_proba(X_big)) for _ in range(3)]

    with ThreadPoolExecutor(max_workers=8) as pool:
        results = list(pool.map(work, range(8)))
    for thread_results in results:
        for prediction, proba in thread_results:
            np.testing.assert_array_equal(prediction, expected[0])
            np.testing.assert_array_equal(proba, expected[1])


def test_fitting_distinct_estimators_in_threads_works():
    settings = [
        {"solver": solver, "random_state": seed, "early_stopping": seed % 2 == 0}
        for seed, solver in enumerate(SOLVERS * 3)
    ][:8]
    settings = [
        dict(params, early_stopping=params["early_stopping"] and params["solver"] != "lbfgs")
        for params in settings
    ]
    sequential = [make(**params).fit(X, Y) for params in settings]
    barrier = threading.Barrier(8)

    def work(params):
        barrier.wait()
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            return make(**params).fit(X, Y)

    with ThreadPoolExecutor(max_workers=8) as pool:
        threaded = list(pool.map(work, settings))
    for alone, together in zip(sequential, threaded):
        assert_same(fitted_state(alone), fitted_state(together))


# ------------------------------------------------------------------ reproducibility

REPRODUCIBILITY_PARAMS = [
    {"solver": "adam"},
    {"solver": "sgd", "nesterovs_momentum": False},
    {"solver": "lbfgs"},
    {"solver": "adam", "early_stopping": True, "hidden_layer_sizes": (6, 4)},
    {"solver": "sgd", "learning_rate": "adaptive", "batch_size": 7},
]
PARAM_IDS = ["adam", "sgd", "lbfgs", "adam-early-stopping", "sgd-adaptive"]


@pytest.mark.parametrize("params", REPRODUCIBILITY_PARAMS, ids=PARAM_IDS)
@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_the_same_random_state_gives_bitwise_identical_models(params, dtype):
    X_ = X.astype(dtype)
    first = make(**params).fit(X_, Y)
    second = make(**params).fit(X_, Y)
    assert_same(fitted_state(first), fitted_state(second))
    np.testing.assert_array_equal(first.predict_proba(X_), second.predict_proba(X_))
    # A RandomState instance, given fresh each time, is just as reproducible.
    third = make(**params, random_state=np.random.RandomState(0)).fit(X_, Y)
    assert_same(fitted_state(first), fitted_state(third))


def test_different_random_states_give_different_models():
    first = make(random_state=0).fit(X, Y)
    second = make(random_state=1).fit(X, Y)
    assert not np.array_equal(first.coefs_[0], second.coefs_[0])


_SUBPROCESS_SCRIPT = """
import hashlib, sys, warnings
import numpy as np
from sktanhnet import TanhMLPClassifier
warnings.simplefilter("ignore")
X = np.random.RandomState(0).randn(40, 4)
Y = np.arange(40) % 3
for solver in ["adam", "sgd", "lbfgs"]:
    for dtype in [np.float64, np.float32]:
        model = TanhMLPClassifier(
            hidden_layer_sizes=(5,), max_iter=5, random_state=0, solver=solver
        ).fit(X.astype(dtype), Y)
        digest = hashlib.sha256()
        for array in [*model.coefs_, *model.intercepts_, model.predict_proba(X.astype(dtype))]:
            digest.update(np.ascontiguousarray(array).tobytes())
        print(solver, np.dtype(dtype).name, digest.hexdigest())
"""


def test_the_same_random_state_gives_the_same_model_in_another_process():
    expected = []
    for solver in SOLVERS:
        for dtype in [np.float64, np.float32]:
            model = make(solver=solver).fit(X.astype(dtype), Y)
            digest = hashlib.sha256()
            for array in [*model.coefs_, *model.intercepts_, model.predict_proba(X.astype(dtype))]:
                digest.update(np.ascontiguousarray(array).tobytes())
            expected.append(f"{solver} {np.dtype(dtype).name} {digest.hexdigest()}")
    result = subprocess.run(
        [sys.executable, "-c", _SUBPROCESS_SCRIPT],
        capture_output=True,
        text=True,
        check=True,
        timeout=120,
    )
    assert result.stdout.split("\n")[:-1] == expected


def _continue(estimator):
    if estimator.solver in STOCHASTIC and not estimator.early_stopping:
        estimator.partial_fit(X, Y)
    estimator.set_params(warm_start=True).fit(X, Y)
    return estimator


@pytest.mark.parametrize(
    "round_trip",
    [lambda e: pickle.loads(pickle.dumps(e)), copy.deepcopy],
    ids=["pickle", "deepcopy"],
)
@pytest.mark.parametrize("params", REPRODUCIBILITY_PARAMS, ids=PARAM_IDS)
def test_pickle_and_deepcopy_round_trips_are_exact(params, round_trip):
    estimator = _continue(make(**params).fit(X, Y))
    copied = round_trip(estimator)
    assert copied.get_params().keys() == estimator.get_params().keys()
    assert_same(fitted_state(estimator), fitted_state(copied))
    for method in ["predict", "predict_proba", "predict_log_proba"]:
        np.testing.assert_array_equal(
            getattr(copied, method)(X), getattr(estimator, method)(X), err_msg=method
        )
    # Training goes on identically from the copy: optimizer state and counters came along.
    assert_same(fitted_state(_continue(estimator)), fitted_state(_continue(copied)))


def test_round_trips_of_unfitted_and_multilabel_estimators():
    unfitted = make()
    for copied in [pickle.loads(pickle.dumps(unfitted)), copy.deepcopy(unfitted)]:
        assert fitted_state(copied) == {}
    multilabel = np.stack([Y == 0, Y == 1], axis=1).astype(int)
    estimator = make().fit(X, multilabel)
    copied = pickle.loads(pickle.dumps(estimator))
    np.testing.assert_array_equal(copied.predict_proba(X), estimator.predict_proba(X))


def test_clone_gives_an_unfitted_estimator_that_refits_identically():
    estimator = make(solver="sgd").fit(X, Y)
    cloned = clone(estimator)
    assert fitted_state(cloned) == {}
    assert_same(fitted_state(estimator), fitted_state(cloned.fit(X, Y)))


def test_a_loss_that_explodes_but_stays_finite_warns_naming_the_fix():
    """DivergenceError covers inf and NaN; a finite explosion still gets a clear warning."""
    from sklearn.datasets import load_iris
    from sklearn.exceptions import ConvergenceWarning

    X, y = load_iris(return_X_y=True)
    model = TanhMLPClassifier(solver="sgd", learning_rate_init=1e3, max_iter=12, random_state=0)
    with pytest.warns(ConvergenceWarning, match=r"grew from .* training is diverging\. Lower "):
        model.fit(X, y)
    assert np.isfinite(model.loss_curve_).all()
    assert model.loss_curve_[-1] > 1e3 * model.loss_curve_[0]
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        TanhMLPClassifier((10,), max_iter=300, random_state=0).fit(X / 8, y)  # a sound run
    assert not [w for w in caught if "diverging" in str(w.message)]


def test_a_warm_fit_on_targets_of_another_scale_is_not_called_diverging():
    """The explosion is measured within one call: a warm fit or partial_fit on new targets
    starts from a loss far above the first call's, and falls from there."""
    from sktanhnet import TanhMLPRegressor

    X = np.random.RandomState(0).randn(200, 3)
    model = TanhMLPRegressor(random_state=0, warm_start=True, max_iter=50)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        model.fit(X, 0.01 * X[:, 0])
        model.fit(X, 100 + X[:, 0])
        for _ in range(3):
            model.partial_fit(X, 100 + X[:, 0])
    assert model.loss_curve_[-1] > 1e3 * model.loss_curve_[0]  # against the first call's
    assert not [w for w in caught if "diverging" in str(w.message)]
    # and a warm fit that diverges within itself is still called so
    from sklearn.datasets import load_iris
    from sklearn.exceptions import ConvergenceWarning

    X, y = load_iris(return_X_y=True)
    model = TanhMLPClassifier(solver="sgd", max_iter=5, warm_start=True, random_state=0)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        model.fit(X, y)
    model.set_params(learning_rate_init=1e3, max_iter=12)
    with pytest.warns(ConvergenceWarning, match=r"grew from .* training is diverging"):
        model.fit(X, y)
    # and so is a run of partial_fit calls (one epoch each), from its first call on
    online = TanhMLPClassifier(solver="sgd", learning_rate_init=1e3, random_state=0)
    # (where the data's scale grows call after call, the loss does too: the message says so)
    with pytest.warns(
        ConvergenceWarning,
        match=r"grew from .* \(the first partial_fit call\) to .* training is diverging, or "
        "the data's scale changed from call to call",
    ):
        for _ in range(12):
            online.partial_fit(X, y, classes=[0, 1, 2])
    # but not a run whose targets changed scale, while its loss falls on the new ones
    Xr = np.random.RandomState(0).randn(200, 3)
    streaming = TanhMLPRegressor(random_state=0).partial_fit(Xr, 0.01 * Xr[:, 0])
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        for _ in range(4):
            streaming.partial_fit(Xr, 100 + Xr[:, 0])
    assert streaming.loss_curve_[-1] > 1e3 * streaming.loss_curve_[0]
    assert not [w for w in caught if "diverging" in str(w.message)]
