"""scikit-learn's own compatibility checks, for every solver at its defaults, no expected failures.

The checks fit with ``random_state=0`` only; those that depend on the fit's randomness are
replayed over several seeds in ``test_reliability.py`` (class_weight) and
``test_sklearn_mlp_suite.py``.
"""

from sklearn.utils.estimator_checks import parametrize_with_checks

from sktanhnet import TanhMLPClassifier

ESTIMATORS = [
    TanhMLPClassifier(),
    TanhMLPClassifier(solver="sgd"),
    TanhMLPClassifier(solver="lbfgs"),
]


@parametrize_with_checks(ESTIMATORS)
def test_sklearn_compatible_estimator(estimator, check):
    check(estimator)
