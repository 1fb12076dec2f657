"""The targets of each head on the workers, and its lazy predictions: the two dask mixins.

``DaskClassifierMixin`` learns the classes from the labels each partition holds (and their
total weights, for ``class_weight="balanced"``), encodes them as the core classifier does and sums
the validation accuracy and log-loss; ``DaskRegressorMixin`` does the same for real targets
(their number, the squared error or Poisson deviance, R^2).
"""

import numpy as np
from sklearn.utils.multiclass import unique_labels

from .._class_balance import balanced_weights
from .._network import LOGISTIC, SOFTMAX, mean_log_loss
from ._data import da, is_dask
from ._estimators import DaskFitMixin
from ._predict import _r2, lazy_predict


class DaskClassifierMixin(DaskFitMixin):
    """Targets of a classifier on the workers; lazy predictions and probabilities."""

    def _dask_target_summary(self, y, sample_weight):
        if y.ndim == 2:
            return {"multilabel": y.shape[1]}
        labels = unique_labels(y)
        indices = np.searchsorted(labels, y)
        totals = np.bincount(indices, weights=sample_weight, minlength=len(labels))
        return {"multilabel": None, "labels": labels, "totals": totals}

    def _learn_targets(self, summaries, first_pass):
        widths = {summary["multilabel"] for summary in summaries}
        if len(widths) > 1:
            raise ValueError(
                "y is a multilabel indicator matrix in some partitions and not in others (or "
                f"of different widths: {sorted(w for w in widths if w)}): pass one kind of "
                "target."
            )
        if None not in widths:
            if first_pass:
                width = widths.pop()
                self.out_activation_, self.n_outputs_ = LOGISTIC, width
                self.classes_ = np.arange(width)
            return
        labels = unique_labels(*[summary["labels"] for summary in summaries])
        if first_pass:
            self._set_classes(labels, None)
        elif not self._multilabel() and set(labels) != set(self.classes_):
            raise ValueError(  # scikit-learn's words, then the core's
                "warm_start can only be used where `y` has the same classes as in the "
                f"previous call to fit. Previously got {self.classes_}, `y` has {labels}. "
                "Set warm_start=False to train a new model on these classes."
            )

    def _class_weight_vector(self, summaries):
        """One weight per class from ``class_weight`` (None without), from the classes' total
        weights (their row counts without sample weights)."""
        if self.class_weight is None:
            return None
        if self._multilabel():
            raise ValueError("class_weight is not supported for multilabel targets.")
        if self.class_weight != "balanced":
            return self._class_row_weights(np.arange(len(self.classes_)), incremental=False)
        totals = np.zeros(len(self.classes_))
        for summary in summaries:
            totals[np.searchsorted(self.classes_, summary["labels"])] += summary["totals"]
        return balanced_weights(totals)  # as the core's, from the classes' total weights

    def _dask_encode(self, y, dtype, name):
        return self._encode(y, name=name)

    def _dask_class_indices(self, target):
        return None if self._multilabel() else self._class_indices(target)

    def _dask_validation_sums(self, output, target, row_weights, reference):
        weights = np.ones(len(target)) if row_weights is None else row_weights
        if self.out_activation_ == SOFTMAX:
            correct = output.argmax(axis=1) == target
        else:
            correct = ((output > np.log(0.5)) == target).all(axis=1)
        total = weights.sum()
        loss = mean_log_loss(output, target, row_weights, self.out_activation_) if total else 0
        return {
            "weight": total,
            "rows": len(target),
            "correct": weights @ correct,
            "loss": loss * total,
        }

    def _dask_score_and_loss(self, totals):
        return totals["correct"] / totals["weight"], totals["loss"] / totals["weight"]

    def predict(self, X):
        """The core estimator's predictions; on dask input, a lazy dask array.

        Parameters
        ----------
        X : dask array, dask DataFrame, or array-like of shape (n_samples, n_features)
            The input data.

        Returns
        -------
        y : dask array or ndarray of shape (n_samples,) or (n_samples, n_labels)
            Values of ``classes_`` (0/1 rows for multilabel targets), computed on the workers
            partition by partition for dask input (dense rows there, where a model fitted on a
            sparse ``y`` gives a sparse matrix on other input).
        """
        if not is_dask(X):
            return super().predict(X)
        self._check_dask_input(X)
        if self._multilabel():
            return lazy_predict(self, X, "predict", self.n_outputs_, np.int64)
        return lazy_predict(self, X, "predict", None, self.classes_.dtype)

    def predict_proba(self, X):
        """The core estimator's probabilities; on dask input, a lazy dask array.

        Parameters
        ----------
        X : dask array, dask DataFrame, or array-like of shape (n_samples, n_features)
            The input data.

        Returns
        -------
        proba : dask array or ndarray of shape (n_samples, n_classes)
            Columns in the order of ``classes_``.
        """
        if not is_dask(X):
            return super().predict_proba(X)
        self._check_dask_input(X)
        width = self.n_outputs_ if self._multilabel() else len(self.classes_)
        return lazy_predict(self, X, "predict_proba", width, self._dask_dtype(X))

    def predict_log_proba(self, X):
        """The core estimator's log-probabilities; on dask input, a lazy dask array.

        Parameters
        ----------
        X : dask array, dask DataFrame, or array-like of shape (n_samples, n_features)
            The input data.

        Returns
        -------
        log_proba : dask array or ndarray of shape (n_samples, n_classes)
            ``log(predict_proba(X))``.
        """
        if not is_dask(X):
            return super().predict_log_proba(X)
        return da.log(self.predict_proba(X))


class DaskRegressorMixin(DaskFitMixin):
    """Targets of a regressor on the workers; lazy predictions."""

    def _dask_target_summary(self, y, sample_weight):
        return {"n_targets": 1 if y.ndim == 1 else y.shape[1]}

    def _learn_targets(self, summaries, first_pass):
        widths = {summary["n_targets"] for summary in summaries}
        if len(widths) > 1:
            raise ValueError(f"The partitions of y have different numbers of targets: {widths}.")
        width = widths.pop()
        self._prepare_targets(np.zeros((1, width)), first_pass, False, None, np.float64)
        if first_pass:
            self.n_outputs_ = width

    def _class_weight_vector(self, summaries):
        return None

    def _dask_encode(self, y, dtype, name):
        from .._regressor import _target_matrix

        if name == "y_val":  # as many targets as y, as the core checks
            return self._encode_validation(y, None, dtype)[0]
        return _target_matrix(y, dtype)

    def _dask_class_indices(self, target):
        return None

    def _dask_validation_sums(self, output, target, row_weights, reference):
        weights = np.ones(len(target)) if row_weights is None else row_weights
        if self.loss == "poisson":
            from scipy.special import xlogy

            with np.errstate(divide="ignore", over="ignore", invalid="ignore"):
                deviance = xlogy(target, target / output) - target + output
        else:
            deviance = (target - output) ** 2
        return {
            "weight": weights.sum(),
            "rows": len(target),
            "nonfinite": int(not np.isfinite(output).all()),
            "deviance": weights @ deviance,
            "residual": weights @ (target - output) ** 2,
            "total": weights @ (target - reference) ** 2,
        }

    def _dask_score_and_loss(self, totals):
        weight = totals["weight"]
        if self.loss == "poisson":
            loss = float((totals["deviance"] / weight).sum())
        else:
            loss = float(0.5 * (totals["deviance"] / weight).mean())
        if totals["nonfinite"] or totals["rows"] < 2:
            return float("nan"), loss
        return float(_r2(totals["residual"], totals["total"])), loss

    def predict(self, X):
        """The core estimator's predictions; on dask input, a lazy dask array.

        Parameters
        ----------
        X : dask array, dask DataFrame, or array-like of shape (n_samples, n_features)
            The input data.

        Returns
        -------
        y : dask array or ndarray of shape (n_samples,) or (n_samples, n_outputs)
            One column per target; 1-D for a single target.
        """
        if not is_dask(X):
            return super().predict(X)
        self._check_dask_input(X)
        width = None if self.n_outputs_ == 1 else self.n_outputs_
        return lazy_predict(self, X, "predict", width, self._dask_dtype(X))
