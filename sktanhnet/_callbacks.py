"""scikit-learn 1.9's callback API (``sklearn.callback``) over the epochs of ``fit``.

With scikit-learn >= 1.9, ``TanhMLPClassifier`` takes ``set_callbacks(ProgressBar(),
ScoringMonitor(...))``: its fit is one task whose subtasks are the epochs (or the L-BFGS
iterations). With an older scikit-learn there is no ``sklearn.callback``: the stand-ins below make
the mixin empty, the decorator a no-op and the bridge inert, so the estimator works as before.

The bridge turns the training loop's ``on_epoch(history)`` hook, called after each epoch, into the
callback hooks: the end of the epoch that just ran, then the beginning of the next one when one
may follow. A callback whose ``on_fit_task_end`` returns True stops training after that epoch
(scikit-learn's own estimators do not all honour it yet). After the loop, ``close`` ends a last
begun epoch that never ran as an empty task (as scikit-learn's own L-BFGS bridge in
``LogisticRegression`` does) and ends the fit task.
"""

try:
    from sklearn.callback import CallbackSupportMixin, with_callbacks

    HAS_SKLEARN_CALLBACKS = True
except ImportError:  # scikit-learn < 1.9
    HAS_SKLEARN_CALLBACKS = False

    class CallbackSupportMixin:
        """Stand-in for scikit-learn < 1.9, which has no callbacks: adds nothing."""

    def with_callbacks(method):
        """Stand-in for scikit-learn < 1.9: the method unchanged."""
        return method


class EpochCallbacks:
    """Bridge from the training loop's ``on_epoch(history)`` to the callback contexts.

    Created at the start of a fit (inside a method decorated with ``with_callbacks``), it opens
    the fit task and the first epoch's subtask. Pass it as ``on_epoch`` to the training loop and
    call :meth:`close` once the fitted attributes are set.

    Parameters
    ----------
    estimator : TanhMLPClassifier
        The estimator being fitted.

    X, y : array-like
        The validated training data, given to the callbacks (``ScoringMonitor`` scores on it).

    sample_weight : ndarray or None
        The row weights, given to the callbacks as ``metadata``.

    max_epochs : int
        Most epochs (or L-BFGS iterations) this call can run: ``max_iter`` for ``fit``, 1 for
        ``partial_fit``.

    to_host : callable, default=None
        For a fit on another namespace than NumPy: a NumPy copy of one of its arrays. The
        callbacks then see NumPy data and a NumPy copy of the model after each epoch (not every
        scikit-learn metric runs on every namespace yet: ``roc_auc`` fails on torch tensors),
        as early stopping's scorers do. None: NumPy, the weights copied as they are.
    """

    def __init__(self, estimator, X, y, sample_weight, max_epochs, to_host=None):
        self._estimator = estimator
        self._to_host = to_host
        self._copy = to_host or (lambda array: array.copy())
        self._context = None
        if not HAS_SKLEARN_CALLBACKS or not hasattr(estimator, "_init_callback_context"):
            return
        # off NumPy, host copies made when a hook asks for them (scikit-learn evaluates a
        # callable argument lazily), once: none where no callback takes X or y
        self._X, self._y = (X, y) if to_host is None else (_once(to_host, X), _once(to_host, y))
        self._metadata = None if sample_weight is None else {"sample_weight": sample_weight}
        self._max_epochs = int(max_epochs)
        self._n_epochs = 0
        self._context = estimator._init_callback_context(max_subtasks=self._max_epochs)
        self._context.call_on_fit_task_begin(estimator=estimator, X=X, y=y, metadata=self._metadata)
        self._epoch_context = self._begin_epoch()

    def _begin_epoch(self):
        context = self._context.subcontext(task_name="epoch")
        context.call_on_fit_task_begin(
            estimator=self._estimator, X=self._X, y=self._y, metadata=self._metadata
        )
        return context

    def _snapshot(self, history):
        """The fitted attributes as they are after this epoch (copies, built only on demand)."""
        estimator = self._estimator
        return {
            "coefs_": [self._copy(coef) for coef in estimator.coefs_],
            "intercepts_": [self._copy(intercept) for intercept in estimator.intercepts_],
            "n_iter_": self._n_epochs,
            "t_": history["t"],
            "loss_": history["loss_curve"][-1] if history["loss_curve"] else None,
            "loss_curve_": list(history["loss_curve"]),
        }

    def __call__(self, history):
        """End the epoch that just ran; begin the next one if another may run.

        Returns True when a callback asks to stop (its ``on_fit_task_end`` returned True): the
        training loop then stops after this epoch.
        """
        if self._context is None:
            return False
        self._n_epochs += 1
        stop = bool(
            self._epoch_context.call_on_fit_task_end(
                estimator=self._estimator,
                X=self._X,
                y=self._y,
                metadata=self._metadata,
                reconstruction_attributes=lambda: self._snapshot(history),
            )
        )
        more = not stop and self._n_epochs < self._max_epochs
        self._epoch_context = self._begin_epoch() if more else None
        return stop

    def close(self):
        """End a begun epoch that never ran (an empty task), then the fit task."""
        if self._context is None:
            return
        if self._epoch_context is not None:
            self._epoch_context.call_on_fit_task_end(estimator=self._estimator)
            self._epoch_context = None
        estimator = self._estimator
        # the fitted model as it is; off NumPy, with host copies of its weights, as self._X
        final = (
            {}
            if self._to_host is None
            else {
                "coefs_": [self._copy(coef) for coef in estimator.coefs_],
                "intercepts_": [self._copy(intercept) for intercept in estimator.intercepts_],
            }
        )
        self._context.call_on_fit_task_end(
            estimator=estimator,
            X=self._X,
            y=self._y,
            metadata=self._metadata,
            reconstruction_attributes=final,
        )


def _once(function, argument):
    """A callable giving ``function(argument)``, computed on its first call only."""
    result = []

    def value():
        if not result:
            result.append(function(argument))
        return result[0]

    return value
