"""Where the weights leave a class almost nothing, the network starts by predicting it as rare.

A softmax output starts near uniform: its biases are small random draws. When sample or class
weights leave a class with a negligible share of the loss, nothing in training pushes that
class's probability down away from the rows of the heavy classes, and it keeps its starting
share of the input space. So ``class_weight={0: 1000, 1: 1e-4, 2: 1e-4}`` on scikit-learn's
``check_class_weight_classifiers`` data gave class 0 only 80-86% of the test rows for most seeds
with "adam" and "sgd" (MLPClassifier with the same ``sample_weight`` did the same), where L-BFGS,
which drives the loss to zero, gave 100%.

The remedy is the usual one, a start at the class priors, applied only where it matters: the
output bias of class c is lowered by ``log(K * W_c / max W)`` when that is negative, where W_c is
the class's total weight (its number of rows, without weights) and K = 100. A class with at
least 1% of the heaviest class's weight starts exactly as in MLPClassifier (the same seed gives
the same training); a lighter one starts with at most K times its share of the probability,
relative to the heaviest class. The shift depends on the totals W_c only, so integer weights
still train as repeated rows, and scaling every weight changes nothing. It is floored at
``log(eps)`` of the dtype, so that a class of zero weight gets a finite bias.

``class_row_weights`` gives each row its weight from the ``class_weight`` parameter.
"""

import numpy as np

from ._validation import InvalidParameterError, is_real

# A class with less than 1/K of the heaviest class's total weight starts as rare.
K = 100.0


def output_bias_shift(target, sample_weight, n_classes, eps):
    """The shift to add to the output biases, (n_classes,), or None where it is zero.

    ``target`` holds each row's class index, ``sample_weight`` the rows' weights (class weights
    included; not all zero) or None (NumPy arrays, on the host), ``eps`` the machine epsilon of
    the network's dtype.
    """
    totals = np.bincount(target, weights=sample_weight, minlength=n_classes)
    with np.errstate(divide="ignore"):
        shift = np.minimum(np.log(K * totals / totals.max()), 0.0)
    shift = np.maximum(shift, np.log(eps))
    return shift if shift.any() else None


def balanced_weights(totals):
    """One weight per class, "balanced" by the classes' total weights (their row counts without
    sample weights): ``totals.sum() / (n_classes * totals)``, scikit-learn's
    ``compute_class_weight("balanced", ..., sample_weight=...)`` (>= 1.7) over the classes of
    positive weight, as if the rows of zero weight were not there; 1 for the others."""
    totals = np.asarray(totals)
    present = totals > 0
    weights = np.ones(len(totals))
    weights[present] = totals.sum() / (present.sum() * totals[present])
    return weights


def class_row_weights(
    class_weight, classes, target, incremental, reference=None, reference_weight=None
):
    """Each row's weight from ``class_weight`` (a dict, or "balanced": by the class totals of
    ``reference``, the training rows' class indices where given, else ``target``'s, weighted by
    ``reference_weight``, their sample weights, where given).

    ``target`` holds each row's class index into ``classes`` (a single-label target's).
    """
    if class_weight == "balanced":
        if incremental:
            raise ValueError(
                "class_weight='balanced' is not supported by partial_fit: the class "
                "frequencies of the whole data are unknown. Pass a dict instead."
            )
        reference = target if reference is None else reference
        totals = np.bincount(reference, weights=reference_weight, minlength=len(classes))
        return balanced_weights(totals)[target]
    unknown = [label for label in class_weight if label not in set(classes)]
    if unknown:
        raise ValueError(
            f"class_weight names classes not in the data: {unknown}; the classes are "
            f"{classes.tolist()}."
        )
    weights = np.ones(len(classes))
    for index, label in enumerate(classes):
        value = class_weight.get(label, 1.0)
        if not is_real(value):
            raise InvalidParameterError(
                f"class_weight values must be numbers; got {value!r} for class {label!r}."
            )
        weights[index] = value
    if not np.isfinite(weights).all() or (weights < 0).any():
        raise InvalidParameterError("class_weight values must be finite and >= 0.")
    return weights[target]
