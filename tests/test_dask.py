"""Scale-out on dask.distributed: a search under joblib's dask backend, Incremental training.

The tests start a real cluster of two worker processes, every listener on 127.0.0.1.
"""

import warnings

import numpy as np
import pytest
from sklearn.datasets import make_classification
from sklearn.exceptions import ConvergenceWarning
from sklearn.model_selection import GridSearchCV

from sktanhnet import TanhMLPClassifier

distributed = pytest.importorskip(
    "distributed", reason="dask tests need the distributed extra (dask[distributed])"
)
da = pytest.importorskip("dask.array", reason="dask tests need the distributed extra (dask)")
dask_ml_wrappers = pytest.importorskip(
    "dask_ml.wrappers", reason="Incremental training needs the distributed extra (dask-ml)"
)
joblib = pytest.importorskip("joblib")

X, Y = make_classification(n_samples=200, n_features=6, n_informative=4, random_state=0)


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


def test_grid_search_on_the_cluster_matches_a_local_search(client):
    grid = {"alpha": [1e-4, 1e-1], "solver": ["adam", "lbfgs"]}
    estimator = TanhMLPClassifier((5,), max_iter=15, random_state=0)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        local = GridSearchCV(estimator, grid, cv=3).fit(X, Y)
        with joblib.parallel_backend("dask"), distributed.get_task_stream(client) as tasks:
            on_cluster = GridSearchCV(estimator, grid, cv=3, n_jobs=-1).fit(X, Y)

    # The fits ran on the cluster's workers.
    assert tasks.data
    assert {task["worker"] for task in tasks.data} <= set(client.scheduler_info()["workers"])
    np.testing.assert_array_equal(
        on_cluster.cv_results_["mean_test_score"], local.cv_results_["mean_test_score"]
    )
    assert on_cluster.best_params_ == local.best_params_
    np.testing.assert_array_equal(on_cluster.predict_proba(X), local.predict_proba(X))


@pytest.mark.parametrize("solver", ["adam", "sgd"])
def test_incremental_runs_one_partial_fit_per_block(client, solver):
    X_blocks = da.from_array(X, chunks=(50, X.shape[1]))
    y_blocks = da.from_array(Y, chunks=50)
    estimator = TanhMLPClassifier((5,), solver=solver, random_state=0)
    incremental = dask_ml_wrappers.Incremental(estimator, shuffle_blocks=False)

    incremental.fit(X_blocks, y_blocks, classes=[0, 1])

    # The same as calling partial_fit on each block in order, by hand.
    by_hand = TanhMLPClassifier((5,), solver=solver, random_state=0)
    for start in range(0, len(X), 50):
        by_hand.partial_fit(X[start : start + 50], Y[start : start + 50], classes=[0, 1])
    fitted = incremental.estimator_
    assert fitted.t_ == len(X)  # every row seen once
    assert len(fitted.loss_curve_) == X_blocks.numblocks[0]  # one epoch per block
    for got, expected in zip(
        fitted.coefs_ + fitted.intercepts_, by_hand.coefs_ + by_hand.intercepts_
    ):
        np.testing.assert_array_equal(got, expected)

    # Predictions over the chunked array stay lazy, block by block.
    predictions = incremental.predict(X_blocks)
    assert isinstance(predictions, da.Array)
    np.testing.assert_array_equal(predictions.compute(), by_hand.predict(X))
    proba = incremental.predict_proba(X_blocks).compute()
    # one logistic output (binary): BLAS's matrix-vector product rounds a block's last rows
    # unlike the whole array's (1e-16), so the probabilities agree to roundoff, not to the bit
    np.testing.assert_allclose(proba, by_hand.predict_proba(X), rtol=1e-12, atol=1e-15)


def test_regressor_grid_search_on_the_cluster_matches_a_local_search(client):
    from sktanhnet import TanhMLPRegressor

    y = X[:, 0] - 2 * X[:, 1]
    grid = {"alpha": [1e-4, 1e-1], "solver": ["adam", "lbfgs"]}
    estimator = TanhMLPRegressor((5,), max_iter=15, random_state=0)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        local = GridSearchCV(estimator, grid, cv=3).fit(X, y)
        with joblib.parallel_backend("dask"), distributed.get_task_stream(client) as tasks:
            on_cluster = GridSearchCV(estimator, grid, cv=3, n_jobs=-1).fit(X, y)
    assert tasks.data
    np.testing.assert_array_equal(
        on_cluster.cv_results_["mean_test_score"], local.cv_results_["mean_test_score"]
    )
    np.testing.assert_array_equal(on_cluster.predict(X), local.predict(X))


def test_regressor_incremental_runs_one_partial_fit_per_block(client):
    from sktanhnet import TanhMLPRegressor

    y = X[:, 0] - 2 * X[:, 1]  # one target: dask-ml 2025.1 hands partial_fit 2-D y mis-shaped
    X_blocks = da.from_array(X, chunks=(50, X.shape[1]))
    y_blocks = da.from_array(y, chunks=50)
    incremental = dask_ml_wrappers.Incremental(
        TanhMLPRegressor((5,), solver="sgd", random_state=0), shuffle_blocks=False
    )
    incremental.fit(X_blocks, y_blocks)
    by_hand = TanhMLPRegressor((5,), solver="sgd", random_state=0)
    for start in range(0, len(X), 50):
        by_hand.partial_fit(X[start : start + 50], y[start : start + 50])
    assert incremental.estimator_.t_ == len(X)
    predictions = incremental.predict(X_blocks)
    assert isinstance(predictions, da.Array)
    # blocks of 50 rows through BLAS round differently from 200 rows at once (1e-16)
    np.testing.assert_allclose(predictions.compute(), by_hand.predict(X), rtol=1e-12)
