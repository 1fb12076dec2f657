"""TanhMLPClassifier: labels, class weights and probabilities on the shared estimator base.

Everything else (fit and partial_fit, validation data, history, namespaces, chunked prediction)
is ``BaseTanhMLP``'s, in ``_base.py``.
"""

import numpy as np
import scipy.sparse as sp
from sklearn.base import ClassifierMixin
from sklearn.metrics import accuracy_score
from sklearn.model_selection import train_test_split
from sklearn.utils.metaestimators import available_if
from sklearn.utils.multiclass import check_classification_targets, type_of_target, unique_labels

from . import _network
from ._base import BaseTanhMLP, _restore_on_error
from ._class_balance import class_row_weights, output_bias_shift
from ._docs import fill_docstring
from ._host import host_input, to_numpy
from ._network import LOGISTIC, SOFTMAX, mean_log_loss
from ._validation import (
    check_indicator_classes,
    check_indicator_matrix,
    check_label_types,
    check_sample_weight,
    check_total_weight,
    same_labels,
)


def _weighted(sample_weight, class_weights, weight_name, rows):
    """The rows' weights times their classes' (the class weights alone without sample weights),
    whose total must be positive and finite: the error names which weights, over ``rows``."""
    if sample_weight is None:
        check_total_weight(class_weights, f"class_weight (over {rows})")
        return class_weights
    weights = sample_weight * class_weights
    check_total_weight(weights, f"{weight_name} * class_weight")
    return weights


@fill_docstring
class TanhMLPClassifier(ClassifierMixin, BaseTanhMLP):
    """Multi-layer perceptron classifier with tanh hidden layers and a softmax output.

    A drop-in replacement for ``MLPClassifier(activation="tanh")``: same parameter names,
    defaults and fitted attributes, and for the same seed the same model (one logistic output
    for binary targets, as ``MLPClassifier``; one per label for multilabel ones), with the
    network, its loss and its backpropagation written by hand in NumPy on one flat parameter
    vector. It adds ``class_weight``, a chosen early-stopping ``scoring``, a given validation
    set (``X_val``, ``y_val``) and ``validation_loss_curve_``.

    "The same model" is to rounding: in float64, equal to 1e-10 over whole adam and sgd runs and
    short L-BFGS runs; a long L-BFGS run amplifies rounding, as ``MLPClassifier``'s own does from
    one machine to another, and gives a model of the same quality rather than the same weights
    (the user guide's "Differences").

    Parameters
    ----------
    hidden_layer_sizes : int or array-like of int, default=(100,)
        The ith element is the number of neurons in the ith hidden layer. An empty tuple gives
        a softmax regression.

    <activation parameter>

    <solver parameters>

    early_stopping : bool, default=False
        Stop when the validation score stops improving and keep the best epoch's weights. The
        validation data is ``X_val, y_val`` when given to ``fit``, else a stratified
        ``validation_fraction`` of the training data. Only with "sgd" and "adam", as in
        scikit-learn: "lbfgs" ignores it.

    <stopping parameters>

    class_weight : dict, "balanced" or None, default=None
        Weights of the classes, multiplied into the training and validation rows' weights.
        "balanced": ``n_samples / (n_classes * np.bincount(y))`` of y, with sample weights
        the classes' total weights in place of their counts, as scikit-learn's
        ``compute_class_weight`` (>= 1.7): rows of weight zero count as absent. Not for
        multilabel.

    scoring : str, callable or None, default=None
        What early stopping monitors on the validation data: None is the accuracy (as
        ``MLPClassifier``), "loss" the log-loss (recorded negated, so that higher is better),
        or any scikit-learn scorer name or callable ``scorer(estimator, X, y)``: one that takes
        no ``sample_weight`` keyword scores without the rows' weights (with a warning).

    Attributes
    ----------
    classes_ : ndarray of shape (n_classes,)
        The class labels (for multilabel targets, ``arange(n_labels)``).

    <fitted attributes>

    validation_loss_curve_ : list of float or None
        Validation log-loss after each epoch (or L-BFGS iteration), when there is validation
        data; aligned with ``loss_curve_`` as ``validation_scores_`` is.

    <layer attributes>

    n_outputs_ : int
        Number of outputs: the number of classes, 1 for binary targets (one logistic output, as
        ``MLPClassifier``), or the number of labels.

    out_activation_ : str
        "softmax", or "logistic" for binary and multilabel targets.

    See Also
    --------
    sklearn.neural_network.MLPClassifier : The multi-layer perceptron of scikit-learn.
    TanhMLPRegressor : The same network for regression.

    Examples
    --------
    >>> from sklearn.datasets import load_iris
    >>> from sktanhnet import TanhMLPClassifier
    >>> X, y = load_iris(return_X_y=True)
    >>> clf = TanhMLPClassifier(solver="lbfgs", random_state=0).fit(X, y)
    >>> clf.predict(X[:3])
    array([0, 0, 0])
    >>> clf.predict_proba(X[:1]).shape
    (1, 3)
    """

    def __init__(
        self,
        hidden_layer_sizes=(100,),
        activation="tanh",
        *,
        solver="adam",
        alpha=0.0001,
        batch_size="auto",
        learning_rate="constant",
        learning_rate_init=0.001,
        power_t=0.5,
        max_iter=200,
        shuffle=True,
        random_state=None,
        tol=1e-4,
        verbose=False,
        warm_start=False,
        momentum=0.9,
        nesterovs_momentum=True,
        early_stopping=False,
        validation_fraction=0.1,
        beta_1=0.9,
        beta_2=0.999,
        epsilon=1e-8,
        n_iter_no_change=10,
        max_fun=15000,
        class_weight=None,
        scoring=None,
    ):
        self._store_params(locals())

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.classifier_tags.multi_label = True
        return tags

    loss = "log_loss"  # MLPClassifier's attribute (not a parameter: the loss is fixed)
    _default_score_name = "accuracy"
    _missing_target_prefix = "Unknown label type: "  # MLPClassifier's words, then ours
    _split_advice = (
        "Early stopping holds out validation_fraction of the rows, stratified by class: set "
        "validation_fraction in (0, 1) to hold out at least 2 rows and as many as there are "
        "classes, give every class at least 2 rows, pass X_val and y_val, or set "
        "early_stopping=False."
    )

    # ------------------------------------------------------------------ targets

    def _check_targets(self, y):
        check_label_types(y)
        check_classification_targets(y)
        if y.ndim == 2 and type_of_target(y) == "multiclass-multioutput":
            raise ValueError(  # scikit-learn's words, then ours
                "Multioutput target data is not supported with label binarization. "
                "Multiclass-multioutput targets are not supported: y must hold class labels "
                "(1-D) or be a 0/1 multilabel indicator matrix."
            )

    def _multilabel(self):
        """Whether the model is multilabel: independent logistic outputs, one per label."""
        return self.out_activation_ == LOGISTIC and self.n_outputs_ > 1

    def _encode(self, y, name="y", labels_known=False):
        """Targets as the network needs them: class indices (softmax), the 0/1 column of the
        second class (binary: one logistic output) or the 0/1 matrix (multilabel).

        ``labels_known``: ``classes_`` was just taken from ``y`` itself, so every label of ``y``
        is one of them (no second pass over ``y`` to check)."""
        if self._multilabel():
            return check_indicator_matrix(y, len(self.classes_), name)
        if y.ndim != 1:
            raise ValueError(  # scikit-learn's words for y, then ours
                ("The object was not fitted with multilabel input. " if name == "y" else "")
                + f"{name} is a multilabel indicator matrix but the model was fitted on "
                "single-label targets."
            )
        labels = None if labels_known else unique_labels(y)
        unseen = [] if labels_known else np.setdiff1d(labels, self.classes_)
        if len(unseen):
            raise ValueError(  # scikit-learn's words, then ours
                f"`{name}` has classes not in `self.classes_`. `self.classes_` has "
                f"{self.classes_}. '{name}' has {labels}. Not in classes_: {unseen.tolist()}."
            )
        indices = np.searchsorted(self.classes_, y)
        return indices[:, None] if self.out_activation_ == LOGISTIC else indices

    def _class_indices(self, target):
        """Each row's class index, from an encoded single-label target."""
        return target[:, 0] if target.ndim == 2 else target

    def _set_classes(self, y, classes):
        """Set classes_, out_activation_ and n_outputs_ from the targets (or ``classes``).

        Two classes take one logistic output with binary cross-entropy, as in MLPClassifier:
        the note's two-column softmax reduced to the difference of its two logits,
        softmax(z0, z1)_1 = sigmoid(z1 - z0), so that the same seed trains the same model.
        """
        # (only a 2-D y can be an indicator matrix: a 1-D one is not read again to find out)
        if y.ndim == 2 and type_of_target(y) == "multilabel-indicator":
            self.out_activation_ = LOGISTIC
            self.classes_ = check_indicator_classes(classes, y.shape[1])
            self.n_outputs_ = y.shape[1]
            return
        self.classes_ = unique_labels(y) if classes is None else unique_labels(classes)
        binary = len(self.classes_) == 2
        self.out_activation_ = LOGISTIC if binary else SOFTMAX
        self.n_outputs_ = 1 if binary else len(self.classes_)

    def _class_row_weights(self, target, incremental, balance_on=None, balance_weight=None):
        """class_weight per row (None without it); "balanced" by the class totals of
        ``balance_on`` (default: ``target``), weighted by ``balance_weight``."""
        if self.class_weight is None:
            return None
        if self._multilabel():
            raise ValueError("class_weight is not supported for multilabel targets.")
        reference = None if balance_on is None else self._class_indices(balance_on)
        indices = self._class_indices(target)
        return class_row_weights(
            self.class_weight, self.classes_, indices, incremental, reference, balance_weight
        )

    def _prepare_targets(self, y, first_pass, incremental, classes, dtype):
        if first_pass:
            if incremental and classes is None and type_of_target(y) != "multilabel-indicator":
                raise ValueError(
                    "classes must be passed on the first call to partial_fit. Pass every "
                    "class of the whole data, for instance np.unique(y_all)."
                )
            self._set_classes(y, classes)
        elif incremental and classes is not None:
            if not same_labels(unique_labels(classes), self.classes_):
                raise ValueError(
                    "`classes=%r` is not the same as on last call to partial_fit, was: %r. "
                    "Every call must pass the same classes." % (classes, self.classes_)
                )
        elif self.warm_start and not incremental and not self._multilabel():
            labels = unique_labels(y)  # a multilabel y: its columns, as scikit-learn reads it
            if set(labels) != set(self.classes_):
                raise ValueError(  # scikit-learn's words, then ours
                    "warm_start can only be used where `y` has the same classes as in the "
                    f"previous call to fit. Previously got {self.classes_}, `y` has {labels}. "
                    "Set warm_start=False to train a new model on these classes."
                )
        return self._encode(y, labels_known=first_pass and classes is None), self.n_outputs_

    def _row_weights(self, target, sample_weight, incremental):
        class_weights = self._class_row_weights(target, incremental, balance_weight=sample_weight)
        if class_weights is None:
            return sample_weight
        return _weighted(sample_weight, class_weights, "sample_weight", "the rows' classes")

    def _adjust_initial_params(self, layout, params, target, sample_weight, ops):
        if self._multilabel():
            return
        eps = float(ops.xp.finfo(params.dtype).eps)
        indices = self._class_indices(target)
        shift = output_bias_shift(indices, sample_weight, len(self.classes_), eps)
        if shift is None:
            return
        if self.out_activation_ == LOGISTIC:
            # one logistic output on z1 - z0: the two softmax biases' shifts as one, s1 - s0
            shift = shift[1:] - shift[:1]
        # where weights make a class rare (see _class_balance)
        layout.views(params, ops)[1][-1] += ops.adopt(shift, params.dtype)

    # ------------------------------------------------------------------ fitting

    @available_if(BaseTanhMLP._check_partial_fit)
    def partial_fit(self, X, y, sample_weight=None, classes=None):
        """Update the model with one epoch over the given data.

        ``class_weight="balanced"`` is refused here, since the class frequencies of the whole
        data are unknown: pass a dict.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
            Training data.
        y : array-like of shape (n_samples,) or (n_samples, n_labels)
            Class labels, or a binary indicator matrix.
        sample_weight : array-like of shape (n_samples,), default=None
            Weight of each row.
        classes : array-like of shape (n_classes,), default=None
            Every class of the whole data; required on the first call for single-label targets.

        Returns
        -------
        self : object
            The updated estimator.
        """
        with _restore_on_error(self):
            if classes is not None:
                classes = host_input(classes, "classes")
                check_label_types(classes, "classes")
            return self._fit(X, y, sample_weight, incremental=True, classes=classes)

    # ------------------------------------------------------------------ validation data

    def _split_rows(self, indices, target, split):
        """Stratified by class.

        Binary targets as MLPClassifier (stratified by its binarised column), multilabel ones
        plainly as it does, training rows in the split's order (the same batches). Others are
        stratified (plainly where a class has too few rows), the training rows sorted.
        """
        if self._multilabel():
            return train_test_split(indices, **split)
        if self.out_activation_ == LOGISTIC:
            # MLPClassifier's column of binarised labels: its errors name them 'False', 'True'
            return train_test_split(indices, stratify=target == 1, **split)
        try:
            rows, validation_rows = train_test_split(indices, stratify=target, **split)
        except ValueError:  # too few rows of some class to stratify
            rows, validation_rows = train_test_split(indices, **split)
        return np.sort(rows), validation_rows

    def _encode_validation(self, y_val, sample_weight_val, dtype, target=None, weight=None):
        target_val = self._encode(y_val, name="y_val")
        # "balanced" by the training rows' class totals, as on a split of X
        class_weights = self._class_row_weights(target_val, False, target, weight)
        if class_weights is not None:
            sample_weight_val = _weighted(
                sample_weight_val, class_weights, "sample_weight_val", "y_val's classes"
            )
        return target_val, sample_weight_val

    def _output(self, X, weights, layout, ops):
        return self._log_proba(X, weights, layout, ops=ops)

    def _validation_loss(self, output, target, sample_weight):
        return mean_log_loss(output, target, sample_weight, self.out_activation_)

    def _default_score(self, output, target, sample_weight):
        if self.out_activation_ == SOFTMAX:
            correct = output.argmax(axis=1) == target
        else:
            correct = ((output > np.log(0.5)) == target).all(axis=1)
        return float(np.average(correct, weights=sample_weight))

    # ------------------------------------------------------------------ prediction

    def _log_proba(self, X, weights, layout, log=True, ops=None, clip=None, check_finite=False):
        """log P (P with ``log=False``) for validated X, chunk by chunk (``_forward_chunks``)."""

        def transform(coefs, intercepts, X_chunk, activations, first):
            return _network.log_proba(
                coefs, intercepts, X_chunk, activations, self.out_activation_, log, ops, first
            )

        return self._forward_chunks(
            X, weights, layout, ops, transform, clip, check_finite=check_finite
        )

    def _predict_proba(self, X, method):
        """(P, the operations of X's namespace) for X, after every check.

        Every P is at least the dtype's smallest normal number (so that its log is finite), and
        below 1 - eps for multilabel outputs: clipped chunk by chunk, while in cache. Binary
        targets give the two columns [P(classes_[0]), P(classes_[1])] of one logistic output.
        """
        X, layout, ops = self._prediction_input(X, method)
        xp = ops.xp
        info = xp.finfo(xp.result_type(X.dtype, self.coefs_[0].dtype) if self.coefs_ else X.dtype)
        multilabel = self._multilabel()
        clip = (float(info.smallest_normal), 1.0 - float(info.eps) if multilabel else 1.0)
        weights = (self.coefs_, self.intercepts_)
        if self.out_activation_ == LOGISTIC and not multilabel:

            def transform(coefs, intercepts, X_chunk, activations, first):
                return _network.binary_proba(coefs, intercepts, X_chunk, activations, ops, first)

            proba = self._forward_chunks(
                X, weights, layout, ops, transform, clip, n_columns=2, check_finite=True
            )
        else:
            proba = self._log_proba(X, weights, layout, False, ops, clip, check_finite=True)
        self._check_output(proba, ops)
        return proba, ops

    def predict_log_proba(self, X):
        """Log of the probability of each class (of each label, for multilabel targets).

        ``np.log(predict_proba(X))``, as in ``MLPClassifier``, so that the two agree to
        roundoff; never -inf, since no probability is below ``np.finfo(dtype).tiny``.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
            The input data.

        Returns
        -------
        log_proba : ndarray of shape (n_samples, n_classes)
            Columns in the order of ``classes_``. Under array API dispatch, an array of X's
            namespace, on its device; in the dtype of X and the weights (float64 for float32 X
            on a float64 model, as with NumPy).
        """
        proba, ops = self._predict_proba(X, "predict_log_proba")
        return ops.log(proba)

    def predict_proba(self, X):
        """Probability of each class (of each label, for multilabel targets).

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
            The input data.

        Returns
        -------
        proba : ndarray of shape (n_samples, n_classes)
            Columns in the order of ``classes_``; rows sum to 1 for single-label targets.
            Every probability is at least ``np.finfo(dtype).tiny`` (so that its log is finite),
            and multilabel probabilities are kept strictly inside (0, 1). Under array API
            dispatch, an array of X's namespace, on its device. In the dtype of X and the
            weights (float64 for float32 X on a float64 model).
        """
        return self._predict_proba(X, "predict_proba")[0]

    def predict(self, X):
        """Predicted class of each row (0/1 indicator rows for multilabel targets).

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
            The input data.

        Returns
        -------
        y : ndarray of shape (n_samples,) or (n_samples, n_labels)
            Values of ``classes_``, with its dtype. Under array API dispatch, an array of X's
            namespace where it can hold the labels (integers, bool, floats), NumPy otherwise
            (strings, unsigned integers PyTorch cannot gather, dtypes the namespace lacks).
        """
        proba, ops = self._predict_proba(X, "predict")
        if self._multilabel():
            labels = ops.astype(proba > 0.5, ops.xp.int64)
            return sp.csr_matrix(labels) if getattr(self, "_sparse_y", False) else labels
        xp, best = ops.xp, ops.xp.argmax(proba, axis=1)
        if not ops.is_numpy and self.classes_.dtype.kind in "biuf":  # not strings, objects
            try:
                return xp.take(ops.asarray(self.classes_), best)
            except (TypeError, ValueError, RuntimeError):  # a dtype it lacks (float16 in strict)
                pass  # or cannot gather (uint16 to uint64 in PyTorch: NotImplementedError)
        return self.classes_[to_numpy(best)]  # as NumPy returns them

    def score(self, X, y, sample_weight=None):
        """Mean accuracy on the given data (subset accuracy for multilabel targets).

        Unlike ``ClassifierMixin.score``, rejects the sample weights that ``fit`` rejects
        (negative, all zero, non-finite), rather than returning a meaningless number.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
            Test data.
        y : array-like of shape (n_samples,) or (n_samples, n_labels)
            True labels of X.
        sample_weight : array-like of shape (n_samples,), default=None
            Weight of each row.

        Returns
        -------
        score : float
            Accuracy of ``self.predict(X)`` with respect to ``y``.
        """
        y_pred = to_numpy(self.predict(X))  # scored on the host, whatever the namespace
        sample_weight = check_sample_weight(sample_weight, y_pred.shape[0])
        return float(accuracy_score(host_input(y, "y"), y_pred, sample_weight=sample_weight))
