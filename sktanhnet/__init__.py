"""sktanhnet: fast, scikit-learn compatible tanh multi-layer perceptrons (classifier, regressor)."""

from ._classifier import TanhMLPClassifier
from ._host import model_to_numpy as to_numpy
from ._plot import TrainingCurveDisplay
from ._regressor import TanhMLPRegressor
from ._training import DivergenceError
from ._validation import InvalidParameterError

__all__ = [
    "DivergenceError",
    "InvalidParameterError",
    "TanhMLPClassifier",
    "TanhMLPRegressor",
    "TrainingCurveDisplay",
    "to_numpy",
    "__version__",
]
__version__ = "0.1.0"
