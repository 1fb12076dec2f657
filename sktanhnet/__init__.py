"""sktanhnet: a fast, scikit-learn compatible tanh multi-layer perceptron classifier."""

from ._classifier import TanhMLPClassifier
from ._plot import TrainingCurveDisplay
from ._validation import InvalidParameterError

__all__ = ["InvalidParameterError", "TanhMLPClassifier", "TrainingCurveDisplay", "__version__"]
__version__ = "0.1.0"
