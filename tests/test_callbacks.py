"""scikit-learn's callback API (sklearn.callback, scikit-learn >= 1.9) over the epochs of fit."""

import re
import subprocess
import sys
import warnings

import numpy as np
import pytest
from sklearn.datasets import make_classification
from sklearn.metrics import accuracy_score
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from sktanhnet import TanhMLPClassifier

callback = pytest.importorskip(
    "sklearn.callback", reason="sklearn.callback needs scikit-learn >= 1.9"
)

X, Y = make_classification(n_samples=90, n_features=5, n_informative=3, random_state=0)


class Recorder:
    """A FitCallback that records each hook, with the fitted estimator at each task's end."""

    def __init__(self, fail_at_epoch=None):
        self.events = []
        self.snapshots = []
        self.fail_at_epoch = fail_at_epoch

    def setup(self, estimator, context):
        self.events.append("setup")

    def teardown(self, estimator, context):
        self.events.append("teardown")

    def on_fit_task_begin(self, estimator, context, *, X=None, y=None):
        self.events.append(("begin", context.task_name))

    def on_fit_task_end(self, estimator, context, *, X=None, fitted_estimator=None):
        self.events.append(("end", context.task_name, X is not None))
        if context.task_name == "epoch" and fitted_estimator is not None:
            self.snapshots.append(fitted_estimator)
            if len(self.snapshots) == self.fail_at_epoch:
                raise RuntimeError("the callback failed")


def _fit(model, *args, **kwargs):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # few epochs on purpose: ConvergenceWarning
        return model.fit(*args, **kwargs)


def _epoch_rows(monitor):
    return [row for row in monitor.get_logs().data if row["task_name"] == "epoch"]


@pytest.mark.parametrize("solver", ["adam", "sgd", "lbfgs"])
def test_scoring_monitor_records_one_score_per_epoch(solver):
    monitor = callback.ScoringMonitor(scoring="accuracy")
    clf = TanhMLPClassifier((4,), solver=solver, max_iter=5, random_state=0)
    _fit(clf.set_callbacks(monitor), X, Y)

    rows = _epoch_rows(monitor)
    assert len(rows) == clf.n_iter_ == len(clf.loss_curve_)
    assert [row["task_id_path"] for row in rows] == [(0, epoch) for epoch in range(clf.n_iter_)]
    # The last epoch's score is the fitted model's score.
    assert rows[-1]["accuracy"] == accuracy_score(Y, clf.predict(X))


def test_each_epoch_sees_the_model_as_it_was_after_that_epoch():
    recorder = Recorder()
    _fit(TanhMLPClassifier((4,), max_iter=5, random_state=0).set_callbacks(recorder), X, Y)

    assert [snapshot.n_iter_ for snapshot in recorder.snapshots] == [1, 2, 3, 4, 5]
    # The first 3 epochs of a 5-epoch fit are a 3-epoch fit: same seed, same shuffles.
    three_epochs = _fit(TanhMLPClassifier((4,), max_iter=3, random_state=0), X, Y)
    third = recorder.snapshots[2]
    assert third.loss_curve_ == three_epochs.loss_curve_
    np.testing.assert_array_equal(third.predict_proba(X), three_epochs.predict_proba(X))


def test_callbacks_do_not_change_the_model():
    plain = _fit(TanhMLPClassifier((4,), max_iter=6, random_state=0), X, Y)
    monitored = TanhMLPClassifier((4,), max_iter=6, random_state=0)
    _fit(monitored.set_callbacks(Recorder(), callback.ScoringMonitor(scoring="accuracy")), X, Y)
    np.testing.assert_array_equal(monitored.predict_proba(X), plain.predict_proba(X))
    assert monitored.loss_curve_ == plain.loss_curve_


def test_hooks_come_in_pairs_and_an_early_stop_closes_the_epoch_that_never_ran():
    recorder = Recorder()
    clf = TanhMLPClassifier(
        (4,), max_iter=200, early_stopping=True, n_iter_no_change=2, random_state=0
    )
    _fit(clf.set_callbacks(recorder), X, Y)
    assert clf.n_iter_ < 200  # stopped early

    events = recorder.events
    assert events[0] == "setup" and events[-1] == "teardown"
    begins = [event for event in events if event[0] == "begin"]
    ends = [event for event in events if event[0] == "end"]
    assert len(begins) == len(ends) == clf.n_iter_ + 2  # fit, epochs, one begun never run
    assert ends[-2] == ("end", "epoch", False)  # the empty task: no data, no score
    assert ends[-1] == ("end", "fit", True)
    assert len(recorder.snapshots) == clf.n_iter_


class StopAfter(Recorder):
    """Asks to stop at the end of the given epoch (its on_fit_task_end returns True)."""

    def __init__(self, epochs):
        super().__init__()
        self.epochs = epochs

    def on_fit_task_end(self, estimator, context, *, X=None, fitted_estimator=None):
        super().on_fit_task_end(estimator, context, X=X, fitted_estimator=fitted_estimator)
        return context.task_name == "epoch" and len(self.snapshots) == self.epochs


@pytest.mark.parametrize("solver", ["adam", "sgd", "lbfgs"])
def test_a_callback_asking_to_stop_ends_training_after_that_epoch(solver):
    stopper = StopAfter(3)
    clf = TanhMLPClassifier((4,), solver=solver, max_iter=50, random_state=0)
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # a requested stop is not a ConvergenceWarning
        clf.set_callbacks(stopper).fit(X, Y)
    assert clf.n_iter_ == len(clf.loss_curve_) == 3
    # the same model as a 3-epoch fit (same seed, same shuffles, same L-BFGS iterates)
    three_epochs = _fit(TanhMLPClassifier((4,), solver=solver, max_iter=3, random_state=0), X, Y)
    assert clf.loss_curve_ == three_epochs.loss_curve_
    np.testing.assert_array_equal(clf.predict_proba(X), three_epochs.predict_proba(X))
    # no epoch is begun after the stop: every begun task ends, the fit last
    begins = [event for event in stopper.events if event[0] == "begin"]
    ends = [event for event in stopper.events if event[0] == "end"]
    assert len(begins) == len(ends) == 3 + 1
    assert ends[-1] == ("end", "fit", True)


def test_partial_fit_is_a_fit_task_of_one_epoch():
    monitor = callback.ScoringMonitor(scoring="accuracy")
    clf = TanhMLPClassifier((4,), random_state=0).set_callbacks(monitor)
    for _ in range(3):
        clf.partial_fit(X, Y, classes=[0, 1])
    logs = monitor.get_logs(select="all")
    assert len(logs) == 3
    assert all(len([r for r in log.data if r["task_name"] == "epoch"]) == 1 for log in logs)


def test_a_failing_callback_leaves_the_estimator_as_it_was_and_tears_down():
    clf = _fit(TanhMLPClassifier((4,), max_iter=3, random_state=0), X, Y)
    before = clf.predict_proba(X)
    recorder = Recorder(fail_at_epoch=2)
    with pytest.raises(RuntimeError, match="the callback failed"):
        clf.set_callbacks(recorder).fit(X, Y)
    assert recorder.events[-1] == "teardown"
    np.testing.assert_array_equal(clf.predict_proba(X), before)
    assert clf.n_iter_ == 3


def test_progress_bar_over_the_epochs(capsys):
    pytest.importorskip("rich", reason="ProgressBar needs rich")
    clf = TanhMLPClassifier((4,), max_iter=4, random_state=0)
    _fit(clf.set_callbacks(callback.ProgressBar()), X, Y)
    out = capsys.readouterr().out
    assert re.search(r"TanhMLPClassifier - fit.*100%", out)


def test_progress_bar_propagates_from_a_pipeline(capsys):
    pytest.importorskip("rich", reason="ProgressBar needs rich")
    pipe = make_pipeline(StandardScaler(), TanhMLPClassifier((4,), max_iter=4, random_state=0))
    _fit(pipe.set_callbacks(callback.ProgressBar(max_propagation_depth=None)), X, Y)
    out = capsys.readouterr().out
    assert "TanhMLPClassifier - fit" in out


def test_set_callbacks_refuses_what_is_not_a_callback():
    with pytest.raises(TypeError, match="FitCallback"):
        TanhMLPClassifier().set_callbacks(print)


def test_without_sklearn_callback_the_estimator_works_as_before():
    # scikit-learn < 1.9 has no sklearn.callback: mimic it by blocking the import, once
    # scikit-learn itself (which uses it from 1.9 on) is loaded.
    code = """
import sys
import sklearn.metrics, sklearn.model_selection, sklearn.neural_network
sys.modules["sklearn.callback"] = None
import numpy as np
from sktanhnet import TanhMLPClassifier
X = np.random.RandomState(0).normal(size=(40, 3))
y = (X[:, 0] > 0).astype(int)
clf = TanhMLPClassifier((3,), solver="lbfgs", random_state=0).fit(X, y)
assert not hasattr(clf, "set_callbacks")
assert clf.score(X, y) > 0.8
from sktanhnet import _callbacks
assert not _callbacks.HAS_SKLEARN_CALLBACKS
"""
    subprocess.run([sys.executable, "-c", code], check=True)


@pytest.mark.parametrize("solver", ["adam", "lbfgs"])
def test_verbose_says_when_a_callback_stopped_training(solver, capsys):
    clf = TanhMLPClassifier((4,), solver=solver, max_iter=50, random_state=0, verbose=True)
    clf.set_callbacks(StopAfter(2)).fit(X, Y)
    lines = capsys.readouterr().out.splitlines()
    assert lines[-1] == "A callback asked to stop training. Stopping."
    assert sum(line.startswith("Iteration") for line in lines) == 2


@pytest.mark.parametrize("solver", ["adam", "lbfgs"])
def test_regressor_scoring_monitor_and_progress_bar(solver, capsys):
    from sklearn.metrics import r2_score

    from sktanhnet import TanhMLPRegressor

    y = X[:, 0] - X[:, 1]
    monitor = callback.ScoringMonitor(scoring="r2")
    callbacks = [monitor]
    if solver == "adam" and pytest.importorskip("rich", reason="ProgressBar needs rich"):
        callbacks.append(callback.ProgressBar())
    model = TanhMLPRegressor((4,), solver=solver, max_iter=5, random_state=0)
    _fit(model.set_callbacks(*callbacks), X, y)
    rows = _epoch_rows(monitor)
    assert len(rows) == model.n_iter_ == len(model.loss_curve_)
    assert rows[-1]["r2"] == pytest.approx(r2_score(y, model.predict(X)), rel=1e-12)
    plain = _fit(TanhMLPRegressor((4,), solver=solver, max_iter=5, random_state=0), X, y)
    np.testing.assert_array_equal(model.predict(X), plain.predict(X))
    if solver == "adam":
        assert re.search(r"TanhMLPRegressor - fit.*100%", capsys.readouterr().out)
