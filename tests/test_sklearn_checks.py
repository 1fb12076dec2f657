"""scikit-learn's own compatibility checks, for every solver, with no expected failures."""

from sklearn.utils.estimator_checks import parametrize_with_checks

from sktanhnet import TanhMLPClassifier

ESTIMATORS = [
    TanhMLPClassifier(solver="adam", hidden_layer_sizes=(20,), max_iter=300),
    TanhMLPClassifier(solver="sgd", hidden_layer_sizes=(20,), max_iter=300),
    TanhMLPClassifier(solver="lbfgs", hidden_layer_sizes=(20,), max_iter=300),
]


@parametrize_with_checks(ESTIMATORS)
def test_sklearn_compatible_estimator(estimator, check):
    check(estimator)
