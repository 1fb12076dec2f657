"""scikit-learn's own compatibility checks, for every solver at its defaults, no expected failures.

For TanhMLPClassifier with each solver, and for TanhMLPRegressor with each solver and with
``loss="poisson"`` (whose ``positive_only`` tag makes the checks fit positive targets).

The checks fit with ``random_state=0``. Those whose outcome depends on the fit's randomness (an
accuracy or a share of predictions above a threshold, every class predicted) are run again here
with seeds 1 to 5, and the class-weight check's setting with seeds 0 to 19 in
``test_class_balance.py``.
"""

import pytest
import sklearn.utils.estimator_checks as estimator_checks
from sklearn.utils.estimator_checks import (
    check_class_weight_classifiers,
    check_classifiers_classes,
    check_classifiers_train,
    check_regressors_train,
    parametrize_with_checks,
)

from sktanhnet import TanhMLPClassifier, TanhMLPRegressor

ESTIMATORS = [
    TanhMLPClassifier(),
    TanhMLPClassifier(solver="sgd"),
    TanhMLPClassifier(solver="lbfgs"),
    TanhMLPRegressor(),
    TanhMLPRegressor(solver="sgd"),
    TanhMLPRegressor(solver="lbfgs"),
    TanhMLPRegressor(loss="poisson"),
]


def _listed(mark):
    """``mark`` with its values as a list: older scikit-learn (1.6) passes a generator, which
    pytest deprecates (PytestRemovedIn10Warning) and will refuse."""
    names, values, *rest = mark.args
    return pytest.mark.parametrize(names, list(values), *rest, **mark.kwargs)


@_listed(parametrize_with_checks(ESTIMATORS))
def test_sklearn_compatible_estimator(estimator, check):
    check(estimator)


@pytest.mark.parametrize(
    "check", [check_classifiers_train, check_classifiers_classes, check_class_weight_classifiers]
)
@pytest.mark.parametrize("solver", ["adam", "sgd", "lbfgs"])
@pytest.mark.parametrize("seed", [1, 2, 3, 4, 5])
def test_stochastic_checks_pass_for_other_seeds(monkeypatch, check, solver, seed):
    original = estimator_checks.set_random_state
    monkeypatch.setattr(  # the checks set random_state=0: make it ``seed``
        estimator_checks,
        "set_random_state",
        lambda estimator, random_state=0: original(estimator, seed),
    )
    check("TanhMLPClassifier", TanhMLPClassifier(solver=solver, random_state=seed))


@pytest.mark.parametrize(
    "params",
    [{"solver": "adam"}, {"solver": "sgd"}, {"solver": "lbfgs"}, {"loss": "poisson"}],
    ids=["adam", "sgd", "lbfgs", "poisson"],
)
@pytest.mark.parametrize("seed", [1, 2, 3, 4, 5])
def test_regressor_train_check_passes_for_other_seeds(monkeypatch, params, seed):
    original = estimator_checks.set_random_state
    monkeypatch.setattr(
        estimator_checks,
        "set_random_state",
        lambda estimator, random_state=0: original(estimator, seed),
    )
    check_regressors_train("TanhMLPRegressor", TanhMLPRegressor(**params, random_state=seed))
