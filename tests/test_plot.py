"""TrainingCurveDisplay: scikit-learn's Display convention, headless (Agg)."""

import subprocess
import sys
import warnings

import numpy as np
import pytest
from sklearn.datasets import load_digits, make_classification
from sklearn.exceptions import ConvergenceWarning, NotFittedError
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from sktanhnet import TanhMLPClassifier, TrainingCurveDisplay

matplotlib = pytest.importorskip("matplotlib", reason="plots need the plot extra (matplotlib)")
matplotlib.use("Agg")
plt = pytest.importorskip("matplotlib.pyplot")

X, Y = make_classification(n_samples=100, n_features=5, n_informative=3, random_state=0)
X_VAL, Y_VAL = make_classification(n_samples=40, n_features=5, n_informative=3, random_state=1)


@pytest.fixture(autouse=True)
def close_figures():
    yield
    plt.close("all")


def _fit(model, *args, **kwargs):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # few epochs on purpose: ConvergenceWarning
        return model.fit(*args, **kwargs)


def test_training_loss_only_without_validation():
    clf = _fit(TanhMLPClassifier((4,), max_iter=7, random_state=0), X, Y)
    display = TrainingCurveDisplay.from_estimator(clf)

    assert display.ax_.figure is display.figure_
    np.testing.assert_array_equal(display.loss_line_.get_xdata(), np.arange(1, 8))
    np.testing.assert_array_equal(display.loss_line_.get_ydata(), clf.loss_curve_)
    assert display.validation_loss_line_ is None
    assert display.validation_score_line_ is None
    assert display.score_ax_ is None
    assert display.lines_ == [display.loss_line_]
    assert display.ax_.get_xlabel() == "Epoch"
    assert display.ax_.get_title() == "TanhMLPClassifier"


def test_validation_curves_are_drawn_when_present():
    clf = _fit(
        TanhMLPClassifier((4,), max_iter=6, scoring="f1", random_state=0),
        X,
        Y,
        X_val=X_VAL,
        y_val=Y_VAL,
    )
    display = TrainingCurveDisplay.from_estimator(clf)

    np.testing.assert_array_equal(
        display.validation_loss_line_.get_ydata(), clf.validation_loss_curve_
    )
    np.testing.assert_array_equal(
        display.validation_score_line_.get_ydata(), clf.validation_scores_
    )
    # The score lives on its own right-hand axis; the two losses share the left one.
    assert display.validation_score_line_.axes is display.score_ax_
    assert display.validation_loss_line_.axes is display.ax_
    assert display.score_ax_.get_ylabel() == "Validation score (f1)"
    legend = [text.get_text() for text in display.ax_.get_legend().get_texts()]
    # (the training loss holds the L2 term, which the validation loss leaves out)
    assert legend == [
        "Training loss (with the L2 term)",
        "Validation loss",
        "Validation score (f1)",
    ]
    # without it, or with a label of the user's, the label says no more
    clf.set_params(alpha=0.0)
    display = TrainingCurveDisplay.from_estimator(clf)
    assert display.loss_line_.get_label() == "Training loss"
    display = TrainingCurveDisplay.from_estimator(clf.set_params(alpha=1), loss_kw={"label": "L"})
    assert display.loss_line_.get_label() == "L"


def test_early_stopping_curves_and_lbfgs_iterations():
    clf = _fit(TanhMLPClassifier((4,), max_iter=5, early_stopping=True, random_state=0), X, Y)
    display = TrainingCurveDisplay.from_estimator(clf)
    assert len(display.lines_) == 3
    assert display.score_ax_.get_ylabel() == "Validation accuracy"

    lbfgs = _fit(TanhMLPClassifier((4,), solver="lbfgs", max_iter=5, random_state=0), X, Y)
    display = TrainingCurveDisplay.from_estimator(lbfgs)
    assert display.ax_.get_xlabel() == "Iteration"
    np.testing.assert_array_equal(display.loss_line_.get_ydata(), lbfgs.loss_curve_)


def test_draws_on_a_given_axes_with_line_keywords_and_returns_itself():
    clf = _fit(TanhMLPClassifier((4,), max_iter=3, random_state=0), X, Y)
    fig, (left, right) = plt.subplots(1, 2)
    display = TrainingCurveDisplay.from_estimator(
        clf, ax=right, name="my net", loss_kw={"color": "red", "label": "train"}
    )
    assert display.ax_ is right and display.figure_ is fig
    assert display.loss_line_.get_color() == "red"
    assert display.loss_line_.get_label() == "train"
    assert right.get_title() == "my net"
    assert not left.lines

    # plot() draws the same curves again elsewhere and returns the display itself.
    _, other = plt.subplots()
    assert display.plot(ax=other) is display
    assert display.ax_ is other


def test_constructor_with_curves_held_by_hand():
    display = TrainingCurveDisplay(
        loss_curve=[1.0, 0.5, 0.25], validation_scores=[0.5, 0.7, 0.8]
    ).plot()
    np.testing.assert_array_equal(display.validation_score_line_.get_xdata(), [1, 2, 3])
    assert display.validation_loss_line_ is None


def test_pipeline_and_scikit_learn_mlp():
    from sklearn.neural_network import MLPClassifier

    pipe = _fit(
        make_pipeline(StandardScaler(), TanhMLPClassifier((4,), max_iter=3, random_state=0)),
        X,
        Y,
    )
    display = TrainingCurveDisplay.from_estimator(pipe)
    np.testing.assert_array_equal(display.loss_line_.get_ydata(), pipe[-1].loss_curve_)

    mlp = _fit(MLPClassifier((4,), max_iter=3, random_state=0), X, Y)
    display = TrainingCurveDisplay.from_estimator(mlp)
    np.testing.assert_array_equal(display.loss_line_.get_ydata(), mlp.loss_curve_)


def test_unfitted_estimator_raises_not_fitted_error():
    with pytest.raises(NotFittedError):
        TrainingCurveDisplay.from_estimator(TanhMLPClassifier())
    with pytest.raises(NotFittedError):
        TrainingCurveDisplay.from_estimator(make_pipeline(StandardScaler(), TanhMLPClassifier()))


def test_estimator_without_a_loss_curve_is_refused():
    from sklearn.linear_model import LogisticRegression

    model = LogisticRegression().fit(X, Y)
    with pytest.raises(ValueError, match="no loss_curve_"):
        TrainingCurveDisplay.from_estimator(model)


def test_importing_the_package_does_not_import_matplotlib():
    code = "import sys, sktanhnet; assert 'matplotlib' not in sys.modules, 'imported'"
    subprocess.run([sys.executable, "-c", code], check=True)


def test_writes_a_png_headless(tmp_path):
    clf = _fit(TanhMLPClassifier((4,), max_iter=3, random_state=0), X, Y)
    path = tmp_path / "curves.png"
    TrainingCurveDisplay.from_estimator(clf).figure_.savefig(path)
    assert path.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


@pytest.mark.parametrize(
    "loss, loss_name",
    [("squared_error", "Half squared error"), ("poisson", "Half Poisson deviance")],
)
def test_a_regressors_curves_name_its_loss_and_r2(loss, loss_name):
    from sktanhnet import TanhMLPRegressor

    y, y_val = np.abs(X[:, 0]), np.abs(X_VAL[:, 0])
    model = _fit(
        TanhMLPRegressor((4,), loss=loss, max_iter=6, random_state=0),
        X,
        y,
        X_val=X_VAL,
        y_val=y_val,
    )
    display = TrainingCurveDisplay.from_estimator(make_pipeline(StandardScaler(), model))
    np.testing.assert_array_equal(display.loss_line_.get_ydata(), model.loss_curve_)
    np.testing.assert_array_equal(
        display.validation_loss_line_.get_ydata(), model.validation_loss_curve_
    )
    np.testing.assert_array_equal(
        display.validation_score_line_.get_ydata(), model.validation_scores_
    )
    assert display.ax_.get_ylabel() == loss_name
    assert display.score_ax_.get_ylabel() == "Validation R^2"
    assert display.ax_.get_title() == "TanhMLPRegressor"
    model.set_params(scoring="loss")
    _fit(model, X, y, X_val=X_VAL, y_val=y_val)
    display = TrainingCurveDisplay.from_estimator(model)
    assert display.score_ax_.get_ylabel() == f"Validation score (negated {loss_name.lower()})"


@pytest.mark.parametrize("solver", ["adam", "lbfgs"])
def test_validation_curves_stay_on_their_epochs_after_a_warm_start(solver):
    # epochs 1-5 without validation, 6-10 with: the validation curves are drawn on 6-10
    X, y = load_digits(return_X_y=True)
    X = X / 16.0
    clf = TanhMLPClassifier((8,), solver=solver, max_iter=5, warm_start=True, random_state=0)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        clf.fit(X, y)
        clf.fit(X, y, X_val=X[:50], y_val=y[:50])
        first = len(clf.loss_curve_) - 5
        assert np.isnan(clf.validation_scores_[:first]).all()
        assert np.isfinite(clf.validation_scores_[first:]).all()
        assert len(clf.validation_loss_curve_) == len(clf.loss_curve_)
        display = TrainingCurveDisplay.from_estimator(clf)
        x, scores = display.validation_score_line_.get_data()
        finite = np.isfinite(scores)
        np.testing.assert_array_equal(x[finite], np.arange(first + 1, len(clf.loss_curve_) + 1))
        # a fit without validation after it: the curves keep their epochs, NaN for the new ones
        best = clf.best_validation_score_
        clf.fit(X, y)
        for curve in clf.validation_scores_, clf.validation_loss_curve_:
            assert len(curve) == len(clf.loss_curve_)
            assert np.isfinite(curve[first : first + 5]).all()
            assert np.isnan(curve[first + 5 :]).all()
        assert clf.best_validation_score_ == best
        display = TrainingCurveDisplay.from_estimator(clf)
        x, scores = display.validation_score_line_.get_data()
        np.testing.assert_array_equal(x[np.isfinite(scores)], np.arange(first + 1, first + 6))
        clf.fit(X, y, X_val=X[:50], y_val=y[:50])
        assert len(clf.validation_scores_) == len(clf.loss_curve_)


def test_wrong_axes_and_curves_are_refused_with_one_clear_error():
    X, y = load_digits(return_X_y=True)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        clf = TanhMLPClassifier((8,), max_iter=3, random_state=0).fit(X / 16.0, y)
    figure, axes = plt.subplots(1, 2)
    with pytest.raises(TypeError, match=r"ax must be one matplotlib Axes; got ndarray \(index"):
        TrainingCurveDisplay.from_estimator(clf, ax=axes)
    with pytest.raises(TypeError, match=r"ax must be one matplotlib Axes; got Figure\.$"):
        TrainingCurveDisplay.from_estimator(clf, ax=figure)
    TrainingCurveDisplay.from_estimator(clf, ax=axes[0])  # one of them
    for curve in None, [[1, 2], [3, 4]], ["a", "b"]:
        with pytest.raises(ValueError, match="loss_curve must be a 1-D sequence of numbers"):
            TrainingCurveDisplay(loss_curve=curve).plot()
    with pytest.raises(ValueError, match="loss_curve is empty: there is no epoch to draw"):
        TrainingCurveDisplay(loss_curve=[]).plot()  # a review: an empty plot, in silence
    stopped = TanhMLPClassifier(solver="lbfgs", tol=1e10).fit(X / 16.0, y)  # no iteration
    assert stopped.n_iter_ == 0
    with pytest.raises(ValueError, match="TanhMLPClassifier's loss_curve_ is empty: its training"):
        TrainingCurveDisplay.from_estimator(stopped)
    with pytest.raises(ValueError, match="validation_scores has 4 epochs but loss_curve 3"):
        TrainingCurveDisplay(loss_curve=[1.0, 2.0, 3.0], validation_scores=[0.5] * 4).plot()
    plt.close("all")
