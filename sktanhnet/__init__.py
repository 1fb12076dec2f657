"""sktanhnet: a fast, scikit-learn compatible tanh multi-layer perceptron classifier."""

from ._classifier import TanhMLPClassifier

__all__ = ["TanhMLPClassifier", "__version__"]
__version__ = "0.1.0"
