"""Prediction on several threads: same results, the user's BLAS setting respected and restored."""

import os
import threading
import time
import warnings

import numpy as np
import pytest
from sklearn.datasets import make_classification
from sklearn.exceptions import ConvergenceWarning
from threadpoolctl import threadpool_info, threadpool_limits

import sktanhnet._training
from sktanhnet import TanhMLPClassifier
from sktanhnet._threads import _cpu_count, map_chunks


def _blas_threads():
    return sorted(
        (info["filepath"], info["num_threads"])
        for info in threadpool_info()
        if info["user_api"] == "blas"
    )


multicore = pytest.mark.skipif(
    _cpu_count() < 2 or max((n for _, n in _blas_threads()), default=1) < 2,
    reason="needs two cores and a BLAS set to use them",
)


@pytest.fixture
def small_chunks(monkeypatch):
    """Chunks of a few dozen rows, so that a small X makes many of them."""
    monkeypatch.setattr(sktanhnet._training, "CHUNK_BYTES", 4096)


@pytest.fixture(scope="module")
def fitted():
    X, y = make_classification(
        n_samples=400, n_features=12, n_informative=6, n_classes=3, random_state=0
    )
    model = TanhMLPClassifier(hidden_layer_sizes=(16, 8), max_iter=30, random_state=0)
    with pytest.warns(Warning):  # not converged in 30 epochs
        model.fit(X, y)
    rows = np.random.RandomState(1).normal(size=(3000, X.shape[1]))
    return model, rows


def test_threaded_prediction_equals_one_thread(fitted, small_chunks):
    model, rows = fitted
    with threadpool_limits(limits=1, user_api="blas"):
        expected = model.predict_proba(rows)
        expected_log = model.predict_log_proba(rows)
    np.testing.assert_array_equal(model.predict_proba(rows), expected)
    np.testing.assert_array_equal(model.predict_log_proba(rows), expected_log)
    np.testing.assert_array_equal(model.predict(rows), model.classes_[expected.argmax(axis=1)])


def test_prediction_restores_the_blas_setting(fitted, small_chunks):
    model, rows = fitted
    before = _blas_threads()
    model.predict_proba(rows)
    assert _blas_threads() == before
    with threadpool_limits(limits=1, user_api="blas"):
        model.predict_proba(rows)
        assert all(n == 1 for _, n in _blas_threads())
    assert _blas_threads() == before


def test_concurrent_predictions_are_correct_and_restore_blas(fitted, small_chunks):
    model, rows = fitted
    with threadpool_limits(limits=1, user_api="blas"):
        expected = model.predict_proba(rows)
    before = _blas_threads()
    results, errors = [None] * 6, []

    def predict(k):
        try:
            results[k] = model.predict_proba(rows)
        except BaseException as error:
            errors.append(error)

    threads = [threading.Thread(target=predict, args=(k,)) for k in range(len(results))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors
    for result in results:
        np.testing.assert_array_equal(result, expected)
    assert _blas_threads() == before


def _threads_used(n_chunks):
    used = set()

    def work(state, i):
        used.add(threading.get_ident())
        time.sleep(0.005)  # long enough for every thread to take a chunk

    map_chunks(n_chunks, lambda: None, work)
    return used


@multicore
def test_chunks_run_on_as_many_threads_as_blas_uses():
    assert len(_threads_used(8)) >= 2


def test_a_blas_limit_of_one_thread_keeps_everything_on_the_caller():
    with threadpool_limits(limits=1, user_api="blas"):
        assert _threads_used(8) == {threading.get_ident()}


def test_one_chunk_stays_on_the_caller():
    assert _threads_used(1) == {threading.get_ident()}


def test_every_chunk_runs_once_with_its_own_state():
    states, seen = [], []

    def make_state():
        state = []
        states.append(state)
        return state

    def work(state, i):
        state.append(i)
        seen.append(i)

    map_chunks(50, make_state, work)
    assert sorted(seen) == list(range(50))
    assert sorted(i for state in states for i in state) == list(range(50))


def test_an_error_in_a_chunk_is_raised_and_blas_restored():
    before = _blas_threads()

    def work(state, i):
        time.sleep(0.001)
        if i == 5:
            raise ValueError("chunk 5 is bad")

    with pytest.raises(ValueError, match="chunk 5 is bad"):
        map_chunks(20, lambda: None, work)
    assert _blas_threads() == before


def _lbfgs_fit(X, y):
    model = TanhMLPClassifier(hidden_layer_sizes=(16,), solver="lbfgs", max_iter=15, random_state=0)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        return model.fit(X, y)


def test_lbfgs_on_threads_gives_the_one_thread_result(small_chunks):
    X, y = make_classification(n_samples=500, n_features=10, n_classes=3, n_informative=5)
    threaded = _lbfgs_fit(X, y)
    with threadpool_limits(limits=1, user_api="blas"):
        single = _lbfgs_fit(X, y)
    for a, b in zip(threaded.coefs_ + threaded.intercepts_, single.coefs_ + single.intercepts_):
        np.testing.assert_array_equal(a, b)
    assert threaded.loss_curve_ == single.loss_curve_


def test_full_batch_gradient_in_chunks_matches_one_chunk(monkeypatch):
    from sktanhnet._layout import ParameterLayout, init_params
    from sktanhnet._lbfgs import full_loss_and_gradient
    from sktanhnet._network import SOFTMAX

    X, y = make_classification(n_samples=300, n_features=7, n_classes=3, n_informative=4)
    weights = np.random.RandomState(0).uniform(0.5, 2.0, size=len(y))
    layout = ParameterLayout([7, 9, 5, 3])
    params = init_params(layout, np.random.RandomState(0), np.float64)
    whole = full_loss_and_gradient(layout, params.copy(), X, y, weights, 0.01, SOFTMAX)
    expected_loss, expected_grad = whole(params)
    expected_grad = expected_grad.copy()
    for chunk_bytes in (600, 2000, 6000):  # 5 to 50 rows a chunk: 6 to 60 chunks, 4 groups
        monkeypatch.setattr(sktanhnet._training, "CHUNK_BYTES", chunk_bytes)
        chunked = full_loss_and_gradient(layout, params.copy(), X, y, weights, 0.01, SOFTMAX)
        loss, grad = chunked(params)
        assert loss == pytest.approx(expected_loss, rel=1e-13)
        np.testing.assert_allclose(grad, expected_grad, rtol=1e-12, atol=1e-15)


def test_threads_keep_the_callers_floating_point_settings(small_chunks):
    """Huge inputs overflow exp in tanh on every thread: fit silences it, as on one thread."""
    X, y = make_classification(n_samples=400, n_features=6, random_state=0)
    X[:200] *= 1e4
    with warnings.catch_warnings():
        warnings.simplefilter("error", RuntimeWarning)
        _lbfgs_fit(X, y)
        model = TanhMLPClassifier(hidden_layer_sizes=(8,), max_iter=2).fit(X[:300], y[:300])
        model.predict_proba(X)


def test_sparse_rows_on_threads_match_dense(fitted, small_chunks):
    import scipy.sparse as sp

    model, rows = fitted
    sparse_rows = rows.copy()
    sparse_rows[np.abs(sparse_rows) < 1.0] = 0.0
    dense = model.predict_proba(sparse_rows)
    for matrix in (sp.csr_matrix(sparse_rows), sp.csc_matrix(sparse_rows)):
        np.testing.assert_allclose(model.predict_proba(matrix), dense, rtol=1e-12, atol=1e-15)


linux_affinity = pytest.mark.skipif(
    not hasattr(os, "sched_setaffinity") or len(os.sched_getaffinity(0)) < 2,
    reason="needs Linux's affinity calls and two processors",
)


def _on_a_thread(function):
    """function() on a new thread (whose affinity changes stay its own); returns its result."""
    result = []
    thread = threading.Thread(target=lambda: result.append(function()))
    thread.start()
    thread.join()
    return result[0]


@linux_affinity
def test_processor_pair_is_the_callers_processor_and_the_next_one_allowed():
    """The next one, not the set's first: processes spread over a large machine keep their pairs
    apart. A thread held to one processor gets no pair; pin and unpin give its set back."""
    from sktanhnet._threads import pin, processor_pair, unpin

    allowed = sorted(os.sched_getaffinity(0))
    here, there = _on_a_thread(processor_pair)
    assert here in allowed and there == allowed[(allowed.index(here) + 1) % len(allowed)]

    def held_to_the_last():
        former = pin(allowed[-1])
        try:
            return processor_pair(), os.sched_getaffinity(0)
        finally:
            unpin(former)
            assert os.sched_getaffinity(0) == former

    assert _on_a_thread(held_to_the_last) == (None, {allowed[-1]})


def _small_fit(X, y, scoring=None):
    """A fit whose products are small: BLAS held to one thread while it trains (``_threads``)."""
    model = TanhMLPClassifier((16,), max_iter=3, random_state=0, scoring=scoring)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        return model.fit(X, y, **({"X_val": X[:50], "y_val": y[:50]} if scoring else {}))


def _score_and(action):
    """A scorer (called after each epoch, while BLAS is held) that first runs ``action()``."""

    def scorer(estimator, X, y):
        action()
        return estimator.score(X, y)

    return scorer


@multicore
def test_overlapping_fits_on_two_threads_restore_blas():
    # threadpoolctl (3.8) lets only the thread that set OpenBLAS's limit change it again: the
    # main thread's fit, ending first, restores it, not the worker's that shared its hold
    X, y = make_classification(2000, 20, random_state=0)
    before = _blas_threads()
    worker_inside, main_done = threading.Event(), threading.Event()
    worker = threading.Thread(
        target=_small_fit,
        args=(X, y, _score_and(lambda: (worker_inside.set(), main_done.wait(10)))),
    )

    def start_worker_once():
        if not worker.is_alive() and not worker_inside.is_set():
            worker.start()
            assert worker_inside.wait(10)

    _small_fit(X, y, _score_and(start_worker_once))
    main_done.set()
    worker.join()
    assert _blas_threads() == before


def _run_fresh(code):
    """Run ``code`` in a new Python process (threadpoolctl's record of which thread sets BLAS's
    limit starts empty there); fails with its output unless it exits with 0."""
    import subprocess
    import sys
    import textwrap

    result = subprocess.run(
        [sys.executable, "-c", textwrap.dedent(code)], capture_output=True, text=True, timeout=300
    )
    assert result.returncode == 0, result.stdout + result.stderr


_FRESH_SETUP = """
    import threading, warnings
    from sklearn.datasets import make_classification
    from threadpoolctl import threadpool_info, threadpool_limits
    from sktanhnet import TanhMLPClassifier

    warnings.simplefilter("ignore")
    X, y = make_classification(2000, 20, random_state=0)

    def blas():
        return [info["num_threads"] for info in threadpool_info() if info["user_api"] == "blas"]

    def fit(scoring=None):
        model = TanhMLPClassifier((16,), max_iter=3, random_state=0, scoring=scoring)
        return model.fit(X, y, **({"X_val": X[:50], "y_val": y[:50]} if scoring else {}))
"""


@multicore
def test_a_fit_on_a_living_thread_leaves_the_users_limits_working():
    _run_fresh(
        _FRESH_SETUP
        + """
    from concurrent.futures import ThreadPoolExecutor

    with ThreadPoolExecutor(1) as pool:  # its thread stays alive after the fit
        pool.submit(fit).result()
        with threadpool_limits(1):
            assert blas() == [1] * len(blas()), blas()
    """
    )


@multicore
def test_after_a_fit_on_the_main_thread_a_fit_on_another_holds_blas_too():
    _run_fresh(
        _FRESH_SETUP
        + """
    fit()
    seen = []

    def scorer(estimator, X, y):
        seen.append(blas())
        return estimator.score(X, y)

    thread = threading.Thread(target=fit, args=(scorer,))
    thread.start()
    thread.join()
    assert seen and all(threads == [1] * len(threads) for threads in seen), seen
    """
    )


@multicore
@pytest.mark.skipif(not hasattr(os, "fork"), reason="needs os.fork")
def test_a_child_forked_while_a_thread_holds_blas_starts_with_nothing_held():
    import sktanhnet._threads as threads

    X, y = make_classification(2000, 20, random_state=0)
    before = _blas_threads()
    inside, release = threading.Event(), threading.Event()

    def hold():  # a thread inside the package, BLAS held to one thread for it
        with threads.single_thread_blas():
            inside.set()
            release.wait(10)

    holding = threading.Thread(target=hold)
    holding.start()
    assert inside.wait(10) and all(n == 1 for _, n in _blas_threads())
    read, write = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child: nothing held, BLAS as before the hold, and a fit holds it again
        seen = []
        _small_fit(X, y, _score_and(lambda: seen.append(_blas_threads())))
        ok = threads._owner is None and not threads._sharers and _blas_threads() == before
        ok = ok and all(n == 1 for threads_ in seen for _, n in threads_)
        os.write(write, b"1" if ok else b"0")
        os._exit(0)
    os.close(write)
    release.set()
    holding.join()
    _, status = os.waitpid(pid, 0)
    assert os.read(read, 1) == b"1" and status == 0
    assert _blas_threads() == before


@multicore
def test_a_nested_hold_keeps_blas_held_until_the_outermost_ends():
    import sktanhnet._threads as threads

    before = _blas_threads()
    with threads.claimed_cores(2) as workers:
        assert workers == 2
        with threads.single_thread_blas():  # a scorer's prediction inside a fit, for instance
            pass
        assert all(n == 1 for _, n in _blas_threads())
    assert _blas_threads() == before


@multicore
def test_a_hold_after_its_owner_ended_beside_a_sharer_is_taken_again():
    import sktanhnet._threads as threads

    before = _blas_threads()
    shared, owner_done, sharer_go = threading.Event(), threading.Event(), threading.Event()
    seen = []

    def sharer():
        with threads.single_thread_blas():
            shared.set()
            sharer_go.wait(10)

    with threads.single_thread_blas():
        thread = threading.Thread(target=sharer)
        thread.start()
        assert shared.wait(10)
    owner_done.set()
    with threads.single_thread_blas():  # the sharer still runs: this call holds BLAS anew
        seen.append(_blas_threads())
    sharer_go.set()
    thread.join()
    assert all(n == 1 for _, n in seen[0])
    assert _blas_threads() == before and threads._owner is None and not threads._sharers
