"""sktanhnet.dask: DaskTanhMLPClassifier and DaskTanhMLPRegressor on a real local cluster.

One module-scoped cluster of two worker processes, every listener on 127.0.0.1; tiny data and
few iterations, so that the file runs in well under a minute on two cores.
"""

import os
import re
import signal
import subprocess
import sys
import threading
import time
import warnings

import numpy as np
import pytest
from sklearn.datasets import make_classification, make_regression
from sklearn.exceptions import ConvergenceWarning

from sktanhnet import TanhMLPClassifier, TanhMLPRegressor

distributed = pytest.importorskip(
    "distributed", reason="dask tests need the distributed extra (dask[distributed])"
)
da = pytest.importorskip("dask.array", reason="dask tests need the distributed extra (dask)")
from sktanhnet.dask import DaskTanhMLPClassifier, DaskTanhMLPRegressor  # noqa: E402

pytestmark = pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")

X, Y = make_classification(
    n_samples=240, n_features=5, n_informative=4, n_redundant=0, n_classes=3, random_state=0
)
LBFGS = dict(hidden_layer_sizes=(6,), solver="lbfgs", max_iter=25, random_state=0)


@pytest.fixture(scope="module")
def client():
    # Every listener on loopback with a random port (dashboard_address=None would still open
    # port 8787 on every interface).
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # dask's own start-up warnings, not ours
        cluster = distributed.LocalCluster(
            n_workers=2,
            threads_per_worker=1,
            processes=True,
            host="127.0.0.1",
            dashboard_address="127.0.0.1:0",
        )
    client = distributed.Client(cluster)
    try:
        yield client
    finally:
        client.close()
        cluster.close()


def chunked(array, rows=60):
    return da.from_array(array, chunks=(rows, *array.shape[1:]))


def max_weight_difference(left, right):
    pairs = zip(left.coefs_ + left.intercepts_, right.coefs_ + right.intercepts_)
    return max(np.abs(a - b).max() for a, b in pairs)


def assert_same_fit(dask_model, core_model, tol=1e-8):
    assert dask_model.n_iter_ == core_model.n_iter_
    assert max_weight_difference(dask_model, core_model) < tol
    np.testing.assert_allclose(dask_model.loss_curve_, core_model.loss_curve_, rtol=1e-9)
    for name in ("n_outputs_", "n_layers_", "out_activation_", "n_features_in_", "t_"):
        assert getattr(dask_model, name) == getattr(core_model, name)


def test_import_sktanhnet_does_not_import_dask():
    code = "import sys, sktanhnet; sys.exit('dask' in sys.modules)"
    assert subprocess.run([sys.executable, "-c", code]).returncode == 0


def test_cluster_listens_on_loopback_only(client):
    psutil = pytest.importorskip("psutil")
    me = psutil.Process()
    listening = [
        connection.laddr.ip
        for process in [me, *me.children(recursive=True)]
        for connection in process.net_connections(kind="inet")
        if connection.status == psutil.CONN_LISTEN
    ]
    assert listening and set(listening) == {"127.0.0.1"}


@pytest.mark.parametrize("labels", [None, np.array(["cat", "dog", "emu"]), np.array([-7, 3, 1000])])
def test_lbfgs_classifier_equals_the_in_memory_fit(client, labels):
    y = Y if labels is None else labels[Y]
    model = DaskTanhMLPClassifier(**LBFGS).fit(chunked(X), chunked(y))
    core = TanhMLPClassifier(**LBFGS).fit(X, y)
    assert_same_fit(model, core)
    np.testing.assert_array_equal(model.classes_, core.classes_)
    # lazy predictions, computed on the workers, equal to the in-memory ones row for row (the
    # same model on NumPy input: the core's own methods; to roundoff, as blocks round unlike
    # the whole array)
    proba = model.predict_proba(chunked(X))
    assert isinstance(proba, da.Array) and isinstance(model.predict_proba(X), np.ndarray)
    np.testing.assert_allclose(proba.compute(), model.predict_proba(X), rtol=1e-12, atol=1e-15)
    np.testing.assert_allclose(proba.compute(), core.predict_proba(X), rtol=1e-8, atol=1e-12)
    log_proba = model.predict_log_proba(chunked(X)).compute()
    np.testing.assert_allclose(log_proba, model.predict_log_proba(X), rtol=1e-12)
    np.testing.assert_array_equal(model.predict(chunked(X)).compute(), core.predict(X))
    assert model.score(chunked(X), chunked(y)) == pytest.approx(core.score(X, y), abs=1e-12)


def test_binary_class_weight_and_zero_weights_equal_the_in_memory_fit(client):
    y = (Y == 1).astype(int)
    weights = np.random.RandomState(0).uniform(0, 2, len(y))
    weights[:70] = 0.0  # the whole first partition weighs nothing
    params = dict(LBFGS, class_weight="balanced")
    model = DaskTanhMLPClassifier(**params).fit(chunked(X), chunked(y), chunked(weights))
    core = TanhMLPClassifier(**params).fit(X, y, sample_weight=weights)
    assert_same_fit(model, core)


@pytest.mark.parametrize("weighted", [False, True])
@pytest.mark.parametrize("class_weight", ["balanced", {0: 1.0, 1: 3.0, 2: 0.5}])
def test_class_weight_weighs_a_given_validation_set_as_the_core_does(
    client, class_weight, weighted
):
    # by the training classes' weights ("balanced": their total weights), as the core
    y = np.where(np.arange(len(Y)) % 5 == 0, Y, 0)  # unbalanced
    weights = np.where(np.arange(len(Y)) % 3 == 0, 0.0, 1.5) if weighted else None
    params = dict(LBFGS, max_iter=8, class_weight=class_weight)
    validation = dict(X_val=X[:80], y_val=y[:80])
    core = TanhMLPClassifier(**params).fit(X, y, weights, **validation)
    model = DaskTanhMLPClassifier(**params).fit(
        chunked(X),
        chunked(y),
        None if weights is None else chunked(weights),
        X_val=chunked(X[:80], 40),
        y_val=chunked(y[:80], 40),
    )
    assert_same_fit(model, core)
    np.testing.assert_allclose(model.validation_scores_, core.validation_scores_, rtol=1e-9)
    np.testing.assert_allclose(model.validation_loss_curve_, core.validation_loss_curve_, rtol=1e-9)


def test_rare_class_starts_as_the_core_starts(client):
    # class 2 weighs < 1% of class 0: the core lowers its output bias before training
    weights = np.where(Y == 2, 1e-4, 1.0)
    params = dict(LBFGS, max_iter=1)
    model = DaskTanhMLPClassifier(**params).fit(chunked(X), chunked(Y), chunked(weights))
    core = TanhMLPClassifier(**params).fit(X, Y, sample_weight=weights)
    assert_same_fit(model, core, tol=1e-10)


def test_lbfgs_regressor_with_two_targets_and_weights_equals_the_in_memory_fit(client):
    X_reg, y_reg = make_regression(n_samples=200, n_features=4, n_targets=2, random_state=0)
    y_reg = y_reg / 100
    weights = np.random.RandomState(1).uniform(0, 3, len(y_reg))
    model = DaskTanhMLPRegressor(**LBFGS).fit(chunked(X_reg), chunked(y_reg), chunked(weights))
    core = TanhMLPRegressor(**LBFGS).fit(X_reg, y_reg, sample_weight=weights)
    assert_same_fit(model, core)
    prediction = model.predict(chunked(X_reg))
    assert isinstance(prediction, da.Array) and prediction.shape == (200, 2)
    np.testing.assert_allclose(prediction.compute(), model.predict(X_reg), rtol=1e-12)
    np.testing.assert_allclose(prediction.compute(), core.predict(X_reg), rtol=1e-8)
    assert model.score(chunked(X_reg), chunked(y_reg)) == pytest.approx(
        core.score(X_reg, y_reg), abs=1e-12
    )


def test_dataframe_columns_become_feature_names(client):
    pd = pytest.importorskip("pandas")
    dd = pytest.importorskip("dask.dataframe")
    frame = pd.DataFrame(X, columns=[f"f{i}" for i in range(X.shape[1])])
    target = pd.Series(Y, name="label")
    X_frame = dd.from_pandas(frame, npartitions=3)
    y_frame = dd.from_pandas(target, npartitions=3)
    model = DaskTanhMLPClassifier(**LBFGS).fit(X_frame, y_frame)
    core = TanhMLPClassifier(**LBFGS).fit(frame, target)
    assert_same_fit(model, core)
    np.testing.assert_array_equal(model.feature_names_in_, core.feature_names_in_)
    proba = model.predict_proba(X_frame)
    assert isinstance(proba, da.Array)
    np.testing.assert_allclose(proba.compute(), model.predict_proba(frame), rtol=1e-12)
    # a frame of float32 columns: float32 predictions, declared so before they are computed
    small = dd.from_pandas(frame.astype(np.float32), npartitions=3)
    model32 = DaskTanhMLPClassifier(**LBFGS).fit(small, y_frame)
    for lazy in (model32.predict_proba(small), model32.predict_proba(X_frame)):
        assert lazy.dtype == lazy.compute().dtype
    assert model32.predict_proba(small).dtype == np.float32
    # a column of text is refused with the core estimator's message
    with_text = frame.assign(f1=["a", "b", "c"] * (len(frame) // 3))
    with pytest.raises(ValueError) as core_error:
        TanhMLPClassifier(**LBFGS).fit(with_text, target)
    with pytest.raises(ValueError) as dask_error:
        DaskTanhMLPClassifier(**LBFGS).fit(dd.from_pandas(with_text, npartitions=3), y_frame)
    assert str(core_error.value).split(":")[0] in str(dask_error.value)


def test_a_numpy_y_beside_x_of_unknown_partition_sizes_is_refused_with_what_fits_x(client):
    pd = pytest.importorskip("pandas")
    dd = pytest.importorskip("dask.dataframe")
    frame = dd.from_pandas(pd.DataFrame(X, columns=list("abcde")), npartitions=3)
    with pytest.raises(
        ValueError,
        match=r"y is in memory \(ndarray\) but X is a dask DataFrame.*a Series of the same",
    ):
        DaskTanhMLPClassifier(**LBFGS).fit(frame, Y)
    with pytest.raises(ValueError, match=r"y is in memory \(Series\) but X is a dask DataFrame"):
        DaskTanhMLPClassifier(**LBFGS).fit(frame, pd.Series(Y))
    unknown = chunked(X)[chunked(Y) >= 0]  # a boolean mask: the chunks' sizes become unknown
    with pytest.raises(ValueError, match=r"unknown sizes.*X\.compute_chunk_sizes\(\)"):
        DaskTanhMLPClassifier(**LBFGS).fit(unknown, Y)


def test_unknown_chunks_single_and_many_partitions(client):
    keep = np.arange(len(X)) % 7 != 0
    core = TanhMLPClassifier(**LBFGS).fit(X[keep], Y[keep])
    X_all, y_all = chunked(X, 50), chunked(Y, 50)
    mask = chunked(keep, 50)
    unknown_X, unknown_y = X_all[mask], y_all[mask]  # chunk sizes unknown (NaN)
    assert np.isnan(unknown_X.chunks[0][0])
    assert_same_fit(DaskTanhMLPClassifier(**LBFGS).fit(unknown_X, unknown_y), core)
    single = DaskTanhMLPClassifier(**LBFGS).fit(chunked(X[keep], 10**6), chunked(Y[keep], 10**6))
    assert_same_fit(single, core)
    many = DaskTanhMLPClassifier(**LBFGS).fit(chunked(X[keep], 23), chunked(Y[keep], 23))
    assert_same_fit(many, core)  # ten partitions on two workers


def test_multilabel_targets(client):
    y = np.stack([Y == 0, Y == 1, X[:, 0] > 0], axis=1).astype(int)
    model = DaskTanhMLPClassifier(**LBFGS).fit(chunked(X), chunked(y))
    core = TanhMLPClassifier(**LBFGS).fit(X, y)
    assert_same_fit(model, core)
    np.testing.assert_array_equal(model.predict(chunked(X)).compute(), core.predict(X))


def test_bad_input_is_refused_with_the_core_messages(client):
    with_nan = X.copy()
    with_nan[100, 2] = np.nan
    with pytest.raises(ValueError, match="Input X contains NaN"):
        DaskTanhMLPClassifier(**LBFGS).fit(chunked(with_nan), chunked(Y))
    # the core's rows are the partition's: the message says which partition, and where it starts
    with_missing = Y.astype(float)
    with_missing[130] = np.nan
    with pytest.raises(ValueError) as error:
        DaskTanhMLPClassifier(**LBFGS).fit(chunked(X), chunked(with_missing))
    core = TanhMLPClassifier(**LBFGS)
    with pytest.raises(ValueError) as core_error:
        core.fit(X[120:180], with_missing[120:180])
    start = "In partition 2, from row 120 of the data (rows counted from its first below): "
    assert str(error.value) == start + str(core_error.value)
    with pytest.raises(ValueError, match="inconsistent numbers of samples: \\[240, 239\\]"):
        DaskTanhMLPClassifier(**LBFGS).fit(chunked(X), chunked(Y[:-1]))
    with pytest.raises(ValueError, match="Unknown label type"):
        DaskTanhMLPClassifier(**LBFGS).fit(chunked(X), chunked(X[:, 0] + 0.5))
    with pytest.raises(ValueError, match="Expected 2D array"):
        DaskTanhMLPClassifier(**LBFGS).fit(chunked(X[:, 0]), chunked(Y))
    with pytest.raises(ValueError, match="Negative values in sample_weight"):
        DaskTanhMLPClassifier(**LBFGS).fit(chunked(X), chunked(Y), chunked(-np.ones(240)))
    with pytest.raises(ValueError, match="at least one non-zero"):
        DaskTanhMLPClassifier(**LBFGS).fit(chunked(X), chunked(Y), chunked(np.zeros(240)))
    model = DaskTanhMLPClassifier(**LBFGS).fit(chunked(X), chunked(Y))
    with pytest.raises(ValueError, match="X has 4 features, but DaskTanhMLPClassifier"):
        model.predict(chunked(X[:, :4]))
    model.coefs_[0] = np.zeros((4, 6))  # changed by hand: refused before any task runs
    for method in ("predict", "predict_proba"):
        with pytest.raises(ValueError, match=r"do not fit together: coefs_\[0\] has shape"):
            getattr(model, method)(chunked(X))
    with pytest.raises(TypeError, match="partial_fit takes in-memory data"):
        DaskTanhMLPClassifier(solver="adam").partial_fit(chunked(X), chunked(Y), classes=[0, 1, 2])


def test_targets_of_another_width_are_refused_in_score_and_validation(client):
    # the sums broadcast a (n, 1) target against (n, 2) predictions: a number, in silence
    X_, y_ = make_regression(n_samples=240, n_features=5, n_targets=2, random_state=0)
    settings = dict(hidden_layer_sizes=(6,), solver="lbfgs", max_iter=10, random_state=0)
    two = DaskTanhMLPRegressor(**settings).fit(chunked(X_), chunked(y_))
    one = DaskTanhMLPRegressor(**settings).fit(chunked(X_), chunked(y_[:, 0]))
    for model, y_bad, counts in ((two, y_[:, 0], "1!=2"), (one, y_, "2!=1")):
        with pytest.raises(ValueError, match=rf"different number of output \({counts}\)"):
            model.score(chunked(X_), chunked(y_bad))
    message = r"y_val has 1 target\(s\) but y has 2: pass validation targets of the same"
    with pytest.raises(ValueError, match=message):
        DaskTanhMLPRegressor(**settings).fit(
            chunked(X_[:180]),
            chunked(y_[:180]),
            X_val=chunked(X_[180:]),
            y_val=chunked(y_[180:, 0]),
        )


def test_empty_partitions_predict_as_the_others(client):
    # a filtered collection often has empty partitions: predict gives them empty blocks
    dd = pytest.importorskip("dask.dataframe")
    import pandas as pd

    Xe = da.from_array(X, chunks=((0, 100, 140), X.shape[1]))
    model = DaskTanhMLPClassifier(**LBFGS).fit(Xe, da.from_array(Y, chunks=((0, 100, 140),)))
    core = model.predict_proba(X)
    np.testing.assert_allclose(model.predict_proba(Xe).compute(), core, rtol=1e-12)
    np.testing.assert_array_equal(model.predict(Xe).compute(), model.predict(X))
    frame = dd.from_pandas(pd.DataFrame(X), npartitions=3)
    frame = frame.map_partitions(lambda part: part.iloc[:0] if part.index[0] == 0 else part)
    kept = np.ones(len(X), dtype=bool)
    kept[: -(-len(X) // 3)] = False  # the first of three partitions, emptied
    assert model.predict(frame).compute().shape == (int(kept.sum()),)


def test_failed_fit_leaves_the_earlier_model_intact(client):
    model = DaskTanhMLPClassifier(**LBFGS).fit(chunked(X), chunked(Y))
    before = [array.copy() for array in model.coefs_ + model.intercepts_]
    state = dict(model.__dict__)
    labels = Y.astype(float)
    labels[5] = np.nan
    with pytest.raises(ValueError, match="NaN"):
        model.fit(chunked(X), chunked(labels))
    assert model.__dict__.keys() == state.keys()
    for got, expected in zip(model.coefs_ + model.intercepts_, before):
        np.testing.assert_array_equal(got, expected)


def test_numpy_input_fits_exactly_as_the_core(client):
    model = DaskTanhMLPClassifier(**LBFGS).fit(X, Y)
    core = TanhMLPClassifier(**LBFGS).fit(X, Y)
    assert max_weight_difference(model, core) == 0.0


@pytest.mark.parametrize("solver", ["adam", "sgd"])
def test_stochastic_solvers_reach_the_core_accuracy(client, solver):
    params = dict(
        hidden_layer_sizes=(16,),
        solver=solver,
        learning_rate_init=0.02,
        max_iter=15,
        random_state=0,
        early_stopping=True,
        n_iter_no_change=4,
    )
    train, test = slice(0, 180), slice(180, None)
    core = TanhMLPClassifier(**params).fit(X[train], Y[train])
    model = DaskTanhMLPClassifier(**params).fit(chunked(X[train]), chunked(Y[train]))
    assert model.validation_scores_ and model.best_validation_score_ is not None
    assert model.t_ > 0 and len(model.loss_curve_) == model.n_iter_
    assert model.score(X[test], Y[test]) >= core.score(X[test], Y[test]) - 0.08
    # early stopping on a dask validation set, for the regressor
    X_reg, y_reg = make_regression(n_samples=240, n_features=5, noise=1.0, random_state=0)
    y_reg = y_reg / 100
    reg = DaskTanhMLPRegressor(**params).fit(
        chunked(X_reg[train]),
        chunked(y_reg[train]),
        X_val=chunked(X_reg[test]),
        y_val=chunked(y_reg[test]),
    )
    core_reg = TanhMLPRegressor(**params).fit(X_reg[train], y_reg[train])
    assert reg.best_validation_score_ == pytest.approx(max(reg.validation_scores_))
    assert reg.score(X_reg[test], y_reg[test]) >= core_reg.score(X_reg[test], y_reg[test]) - 0.05


def test_warm_start_fit_that_never_beats_the_kept_best_score_says_so(client):
    """As the core's: its model is the one it started from, which a user must be told."""
    params = dict(
        hidden_layer_sizes=(8,), learning_rate_init=0.01, max_iter=20, early_stopping=True,
        n_iter_no_change=2, warm_start=True, random_state=0,
    )  # fmt: skip
    model = DaskTanhMLPClassifier(**params)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        model.fit(chunked(X[:180]), chunked(Y[:180]))
    noisy = X[180:] + np.random.RandomState(0).normal(0, 3.0, X[180:].shape)
    before, kept = [w.copy() for w in model.coefs_], model.best_validation_score_
    with pytest.warns(UserWarning, match=r"No epoch of this fit improved on best_validation_sc"):
        model.fit(chunked(noisy), chunked(Y[180:]))
    assert model.best_validation_score_ == kept
    for old, new in zip(before, model.coefs_):
        np.testing.assert_array_equal(new, old)


def _completed(client, prefix):
    def count(dask_scheduler):
        task_prefix = dask_scheduler.task_prefixes.get(prefix)
        return 0 if task_prefix is None else sum(task_prefix.state_counts.values())

    return client.run_on_scheduler(count)


def test_a_worker_killed_mid_fit_does_not_lose_the_fit(client):
    X_big, y_big = make_classification(n_samples=3000, n_features=8, random_state=1)
    params = dict(hidden_layer_sizes=(8,), solver="lbfgs", max_iter=40, random_state=0)
    expected = TanhMLPClassifier(**params).fit(X_big, y_big)
    X_dask, y_dask = chunked(X_big, 300), chunked(y_big, 300)
    model = DaskTanhMLPClassifier(**params)
    errors = []

    def fit():
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore", ConvergenceWarning)
                model.fit(X_dask, y_dask)
        except Exception as error:  # pragma: no cover - reported below
            errors.append(error)

    start = _completed(client, "partition_loss_and_gradient")
    thread = threading.Thread(target=fit)
    thread.start()
    deadline = time.monotonic() + 30
    # a few evaluations in: every partition is on a worker, and the fit is under way
    while _completed(client, "partition_loss_and_gradient") < start + 30:
        assert time.monotonic() < deadline and thread.is_alive()
        time.sleep(0.02)
    victim = max(client.run(os.getpid).values())
    os.kill(victim, signal.SIGKILL)
    thread.join(60)
    assert not thread.is_alive() and not errors
    assert model.n_iter_ == expected.n_iter_
    assert max_weight_difference(model, expected) < 1e-8
    client.wait_for_workers(2, timeout=30)  # the nanny restarts the worker


def test_shared_weights_outlive_the_worker_that_holds_them(client):
    """``share`` (not a broadcast scatter, whose copying loops for ever on the scheduler where a
    worker dies during it: a fit that never returned): the value is recomputed from its task
    where the worker holding it is killed."""
    from sktanhnet.dask._lbfgs import share

    value = np.arange(1000.0)
    future = share(client, value)
    assert np.array_equal(future.result(), value)
    [holder] = client.who_has([future])[future.key]
    os.kill(client.run(os.getpid, workers=[holder])[holder], signal.SIGKILL)
    assert client.submit(np.sum, future, pure=False).result(timeout=60) == value.sum()
    client.wait_for_workers(2, timeout=30)  # the nanny restarts the worker


def test_no_fit_broadcasts_by_scatter(client, monkeypatch):
    def refuse(*args, **kwargs):
        raise AssertionError("Client.scatter called")

    monkeypatch.setattr(distributed.Client, "scatter", refuse)
    X_dask, y_dask = chunked(X), chunked(Y)
    for params in (LBFGS, dict(LBFGS, solver="adam", early_stopping=True, max_iter=3)):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", ConvergenceWarning)
            DaskTanhMLPClassifier(**params).fit(X_dask, y_dask)


def test_a_pandas_x_beside_a_dask_y_keeps_its_column_names(client):
    pd = pytest.importorskip("pandas")
    frame = pd.DataFrame(X[:, :3], columns=["a", "b", "c"])
    model = DaskTanhMLPClassifier((5,), solver="lbfgs", max_iter=5, random_state=0)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        model.fit(frame, da.from_array(Y, chunks=50))
    assert list(model.feature_names_in_) == ["a", "b", "c"]


def test_early_stopping_holds_out_the_fraction_of_the_whole_data_in_small_partitions(client):
    from sktanhnet.dask._data import held_out_counts

    counts = held_out_counts([3] * 200, 0.1, np.random.RandomState(0))
    assert counts.sum() == 60 and counts.max() <= 1
    counts = held_out_counts([1] * 50, 0.1, np.random.RandomState(0))
    assert counts.sum() == 5
    counts = held_out_counts([100, 7, 1], 0.25, np.random.RandomState(0))
    assert counts.sum() == 27 and list(counts) == [25, 2, 0]


def test_an_evaluation_cut_by_a_lost_worker_is_tried_again(monkeypatch):
    """A worker killed while the weights go out fails the scatter (CommClosedError, an
    OSError): the evaluation runs again on the workers left, and only a lasting loss raises."""
    from distributed.comm.core import CommClosedError

    from sktanhnet.dask import _lbfgs

    monkeypatch.setattr(_lbfgs.time, "sleep", lambda seconds: None)
    objective = object.__new__(_lbfgs.DistributedObjective)
    objective.dtype = np.dtype(np.float64)
    calls = []

    def evaluate(params):
        calls.append(params)
        if len(calls) == 1:
            raise CommClosedError("in <TCP (closed) ConnectionPool.scatter>: Stream is closed")
        return 1.5, np.zeros(3)

    objective._evaluate = evaluate
    assert objective(np.ones(3))[0] == 1.5 and len(calls) == 2

    def always_lost(params):
        raise CommClosedError("Stream is closed")

    objective._evaluate = always_lost
    with pytest.raises(CommClosedError):
        objective(np.ones(3))


def _unaligned(array, offset=2):
    """A copy of ``array`` at ``offset`` bytes past an aligned address, as dask may receive a
    partition within a message."""
    buffer = np.zeros(array.nbytes + 64 + offset, dtype=np.uint8)
    start = (-buffer.ctypes.data) % 64 + offset
    out = buffer[start : start + array.nbytes].view(array.dtype).reshape(array.shape)
    out[...] = array
    assert not out.flags.aligned
    return out


def test_a_partition_received_unaligned_gives_the_same_sums_to_the_bit():
    # NumPy's products skip BLAS for unaligned arrays and round otherwise: two fits on a
    # cluster of processes ended 1e-12 apart before the partitions were copied aligned
    from sktanhnet._layout import ParameterLayout, init_params
    from sktanhnet.dask._lbfgs import partition_loss_and_gradient

    X, y = make_classification(n_samples=250, n_features=10, random_state=0)
    layout = ParameterLayout([10, 16, 1])
    flat = init_params(layout, np.random.RandomState(0), np.float64)
    target = y.astype(np.float64)[:, None]
    args = layout.layer_units, 250.0, "logistic"
    loss, grad = partition_loss_and_gradient(flat, X, target, None, *args)
    loss_u, grad_u = partition_loss_and_gradient(
        flat, _unaligned(X), _unaligned(target), None, *args
    )
    assert loss_u == loss
    np.testing.assert_array_equal(grad_u, grad)


def test_unaligned_input_fits_and_predicts_as_aligned_input():
    X, y = make_classification(n_samples=300, n_features=10, random_state=0)
    params = dict(hidden_layer_sizes=(16,), max_iter=5, random_state=0)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        model = TanhMLPClassifier(**params).fit(X, y)
        other = TanhMLPClassifier(**params).fit(_unaligned(X), y)
    np.testing.assert_array_equal(other.coefs_[0], model.coefs_[0])
    np.testing.assert_array_equal(model.predict_proba(_unaligned(X)), model.predict_proba(X))


@pytest.mark.parametrize("method", ["fit", "score"])
def test_dask_input_without_a_client_names_the_method_called(monkeypatch, method):
    def no_client():
        raise ValueError("No clients found")

    monkeypatch.setattr(distributed, "default_client", no_client)
    X_dask, y_dask = da.from_array(X, chunks=100), da.from_array(Y, chunks=100)
    model = DaskTanhMLPClassifier(**LBFGS)
    if method == "score":
        model.fit(X, Y)  # in memory: no client needed
    with pytest.raises(
        ValueError, match=f"DaskTanhMLPClassifier.{method} on dask input needs"
    ) as e:
        getattr(model, method)(X_dask, y_dask)
    assert "(A joblib worker, as in cross_validate or GridSearchCV with n_jobs > 1" in str(e.value)


def test_callbacks_on_dask_input_are_said_not_to_run(client):
    callback = pytest.importorskip("sklearn.callback", reason="needs scikit-learn >= 1.9")
    monitor = callback.ScoringMonitor(scoring="accuracy")
    model = DaskTanhMLPClassifier(**LBFGS).set_callbacks(monitor)
    with pytest.warns(UserWarning, match="set_callbacks do not run on dask input"):
        model.fit(chunked(X), chunked(Y))
    with warnings.catch_warnings():
        warnings.simplefilter("error", UserWarning)  # in memory they run: no warning
        warnings.simplefilter("ignore", ConvergenceWarning)
        model.fit(X, Y)


def test_score_on_dask_input_with_no_rows_says_so_as_the_core_does(client):
    model = DaskTanhMLPClassifier(**dict(LBFGS, max_iter=3)).fit(chunked(X), chunked(Y))
    regressor = DaskTanhMLPRegressor(**dict(LBFGS, max_iter=3)).fit(chunked(X), chunked(X[:, 0]))
    empty = chunked(X)[chunked(Y) > 10]  # a filter that leaves nothing (unknown chunk sizes)
    message = r"Found array with 0 sample\(s\) \(shape=\(0, 5\)\) while a minimum of 1"
    with pytest.raises(ValueError, match=message):
        model.score(empty, chunked(Y)[chunked(Y) > 10])
    with pytest.raises(ValueError, match=message):
        model.score(chunked(X)[:0], chunked(Y)[:0])
    with pytest.raises(ValueError, match=message):
        regressor.score(chunked(X)[:0], chunked(X[:, 0])[:0])


def test_dask_collections_without_rows_are_refused_saying_what_to_pass(client):
    import dask
    import dask.bag

    model = DaskTanhMLPClassifier(**dict(LBFGS, max_iter=3))
    bag = dask.bag.from_sequence(X.tolist(), npartitions=2)
    message = r"Got a dask {}: sktanhnet.dask takes dask arrays, DataFrames and Series"
    with pytest.raises(TypeError, match=message.format("Delayed")):
        model.fit(dask.delayed(X), dask.delayed(Y))
    with pytest.raises(TypeError, match=message.format("Bag")):
        model.fit(bag, chunked(Y))
    model.fit(chunked(X), chunked(Y))
    with pytest.raises(TypeError, match=message.format("Delayed")):
        model.predict(dask.delayed(X))
    with pytest.raises(TypeError, match=message.format("Delayed")):
        model.fit(chunked(X), chunked(Y), sample_weight=dask.delayed(np.ones(len(Y))))


def test_an_encoding_error_names_its_partition_as_a_checking_error_does(client):
    # the second pass (targets encoded once the client knows the fit's): a warm multilabel fit
    # on one more label column than the first
    labels = np.c_[Y == 0, Y == 1].astype(int)
    model = DaskTanhMLPClassifier(**dict(LBFGS, max_iter=3, warm_start=True))
    model.fit(chunked(X), chunked(labels))
    wider = np.c_[labels, Y == 2].astype(int)
    with pytest.raises(ValueError) as error:
        model.fit(chunked(X), chunked(wider))
    # every partition fails: whichever the client hears of first
    start = r"In partition (\d), from row (\d+) of the data \(rows counted from its first below\): "
    found = re.match(
        start + "y must be a multilabel indicator matrix with 2 columns", str(error.value)
    )
    assert found and int(found[2]) == 60 * int(found[1]), str(error.value)


def test_a_warm_fit_on_a_network_of_another_shape_names_it_as_the_core_does(client):
    model = DaskTanhMLPClassifier(**dict(LBFGS, max_iter=3, warm_start=True))
    model.fit(chunked(X), chunked(Y))
    model.set_params(hidden_layer_sizes=(3,))
    with pytest.raises(ValueError) as error:
        model.fit(chunked(X), chunked(Y))
    assert f"(hidden_layer_sizes=(3,), and X's {X.shape[1]} features): coefs_[0]" in str(
        error.value
    )
    assert str(error.value).endswith("Refit with warm_start=False.")


def test_lazy_predictions_declare_the_shapes_their_blocks_have(client):
    """A lazy array's declared shape and type are what computing it gives: one column for a
    model of one class (as in memory), dense 0/1 rows for a model fitted on a sparse y."""
    scipy_sparse = pytest.importorskip("scipy.sparse")
    one_class = DaskTanhMLPClassifier(**LBFGS).fit(chunked(X), chunked(np.zeros(240, dtype=int)))
    for method in ("predict_proba", "predict_log_proba"):
        lazy = getattr(one_class, method)(chunked(X))
        assert lazy.shape == (240, 1) == getattr(one_class, method)(X).shape
        assert lazy.compute().shape == (240, 1) and lazy[:, 0].sum().compute() <= 240
    y = scipy_sparse.csr_matrix(np.stack([Y == 0, X[:, 0] > 0], axis=1).astype(int))
    model = DaskTanhMLPClassifier(**LBFGS).fit(X, y)
    lazy = model.predict(chunked(X))
    assert type(lazy._meta) is np.ndarray and type(lazy.compute()) is np.ndarray
    np.testing.assert_array_equal(lazy.sum(axis=0).compute(), model.predict(X).sum(axis=0).A1)


def test_a_dask_series_as_x_is_refused_as_the_core_refuses_a_series(client):
    pd = pytest.importorskip("pandas")
    dd = pytest.importorskip("dask.dataframe")
    frame = pd.DataFrame({"a": X[:, 0]})
    model = DaskTanhMLPClassifier(**LBFGS).fit(frame, Y)
    series = dd.from_pandas(frame, npartitions=2)["a"]
    for method in ("predict", "predict_proba", "predict_log_proba"):
        with pytest.raises(ValueError, match="Expected a 2-dimensional container but got"):
            getattr(model, method)(series)
    with pytest.raises(ValueError, match="Expected a 2-dimensional container but got"):
        model.score(series, Y)


@pytest.mark.parametrize("method", ["predict", "predict_proba", "score"])
@pytest.mark.parametrize("shape", [(240,), (240, 5, 1)], ids=["1-D", "3-D"])
def test_a_dask_array_not_2d_is_refused_on_the_client(client, method, shape):
    # score checked it on each partition, on the workers: check_array's words, with the data
    model = DaskTanhMLPClassifier(**LBFGS).fit(X, Y)
    args = (chunked(Y),) if method == "score" else ()
    values = X[:, 0] if len(shape) == 1 else X.reshape(shape)
    with pytest.raises(
        ValueError, match=f"^Expected 2D array, got {len(shape)}D array instead\\. "
    ):
        getattr(model, method)(chunked(values), *args)


@pytest.mark.parametrize("first", ["sktanhnet.onnx", "sktanhnet.dask"])
def test_a_model_trained_on_the_cluster_exports_to_onnx(first):
    """skl2onnx finds converters by a model's exact type: the dask estimators are registered
    whichever of the two modules is imported first (in a fresh process)."""
    for name in ("skl2onnx", "onnxruntime"):
        pytest.importorskip(name)
    other = "sktanhnet.dask" if first == "sktanhnet.onnx" else "sktanhnet.onnx"
    code = f"""
import warnings; warnings.simplefilter("ignore")
import numpy as np, onnxruntime, skl2onnx
import {first}, {other}
from sktanhnet.dask import DaskTanhMLPClassifier, DaskTanhMLPRegressor
X = np.random.RandomState(0).normal(size=(60, 3)).astype(np.float32)
for model, expected in (
    (DaskTanhMLPClassifier((4,), solver="lbfgs", max_iter=5).fit(X, X[:, 0] > 0), "proba"),
    (DaskTanhMLPRegressor((4,), solver="lbfgs", max_iter=5).fit(X, X[:, 0]), "predict"),
):
    options = {{id(model): {{"zipmap": False}}}} if expected == "proba" else None
    graph = skl2onnx.to_onnx(model, X[:1], options=options)
    session = onnxruntime.InferenceSession(graph.SerializeToString())
    got = session.run(None, {{session.get_inputs()[0].name: X}})[-1]
    want = model.predict_proba(X) if expected == "proba" else model.predict(X)[:, None]
    assert np.abs(got - want).max() < 1e-5, (type(model).__name__, np.abs(got - want).max())
print("exported")
"""
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=300
    )
    assert result.returncode == 0 and "exported" in result.stdout, result.stderr[-2000:]


@pytest.mark.parametrize("scoring", [None, "loss"])
def test_outputs_overflowing_on_the_validation_rows_are_a_divergence_as_in_the_core(
    client, scoring
):
    from sktanhnet import DivergenceError

    rng = np.random.RandomState(0)
    X_ = rng.randn(200, 3)
    y = rng.poisson(np.exp(X_[:, 0])).astype(float)
    model = DaskTanhMLPRegressor(
        (10,), solver="sgd", loss="poisson", learning_rate_init=1.0, max_iter=30,
        random_state=0, scoring=scoring, early_stopping=True,
    )  # fmt: skip
    with pytest.raises(DivergenceError, match="outputs on the validation data .* non-finite"):
        model.fit(chunked(X_, 100), chunked(y, 100))
