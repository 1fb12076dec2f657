"""Prediction's share of the estimator base: its input checks and the chunked forward pass.

``PredictionMixin`` is a base of ``_base.BaseTanhMLP``: ``_prediction_input`` checks X as
scikit-learn's MLP does (but for the finiteness of dense NumPy X, checked chunk by chunk as the
network reads it), ``_check_namespace`` that X is of the fit's namespace and device, and
``_forward_chunks`` runs the network over X's rows in chunks of bounded memory, on one or more
threads (``_threads``).
"""

import functools

import scipy.sparse as sp
from sklearn import get_config
from sklearn.utils import assert_all_finite
from sklearn.utils.validation import check_is_fitted, validate_data

from . import _network, _training
from ._array_ops import namespace_and_device, namespace_name, ops_for
from ._layout import ParameterLayout, Workspace
from ._threads import map_chunks
from ._training import chunk_rows
from ._validation import aligned, chunk_finite_check, fitted_layer_sizes


class PredictionMixin:
    """Prediction's checks and forward pass (see the module's docstring)."""

    def _forward_chunks(
        self, X, weights, layout, ops, transform, clip=None, n_columns=None, check_finite=False
    ):
        """``transform`` of X's rows, (n, k), chunk by chunk, on one or more threads.

        ``transform(coefs, intercepts, X_chunk, activations, first)`` runs the network on one
        chunk in a workspace's ``activations`` and returns its (rows, k) result; ``first`` is
        ``forward_logits``' ``FirstLayer`` (``_training.first_layer_by_rows``' choice, and the
        check below). Each thread has buffers of its own, made in this call (see ``_threads``).
        On another namespace than NumPy the chunks run one after the other, on X's device.
        ``clip``, a (low, high) pair, clips each chunk's values while they are in cache. Memory
        is bounded: chunks of ``chunk_rows``.
        ``n_columns`` is the width of the result (default: the network's outputs).

        ``check_finite``: X is ``_prediction_input``'s. Where that left X's values unchecked
        (dense NumPy X), each chunk is checked as the network reads it, with scikit-learn's
        error for X: through its first product, whose few columns show a NaN or inf of X's many
        (``chunk_finite_check``), and X's chunk itself, still in cache (chunks are bounded by
        X's bytes too), only where that product is not finite. X is read from memory once.
        """
        coefs, intercepts = weights
        xp = ops.xp
        dtype = xp.result_type(X.dtype, coefs[0].dtype) if coefs else X.dtype
        n_rows = X.shape[0]
        check = None
        if check_finite and ops.is_numpy and not sp.issparse(X):
            check = chunk_finite_check(X, type(self).__name__, coefs[0] if coefs else None)
        input_row_bytes = X.shape[1] * X.itemsize if check is not None else 0
        rows = chunk_rows(layout, dtype, n_rows, ops, input_row_bytes, predicting=True)
        by_rows = _training.first_layer_by_rows(layout, dtype, X, ops)
        out = ops.empty((n_rows, n_columns or layout.layer_units[-1]), dtype)

        def work(workspace, i):
            chunk = slice(i * rows, min((i + 1) * rows, n_rows))
            activations, _ = workspace.rows(chunk.stop - chunk.start)
            X_chunk = ops.take_rows(X, chunk, None)
            chunk_check = None if check is None else functools.partial(check, X_chunk)
            first = _network.FirstLayer(by_rows, chunk_check)
            values = transform(coefs, intercepts, X_chunk, activations, first)
            if clip is not None:
                ops.clip(values, *clip)
            out[chunk, :] = values

        n_chunks = -(-n_rows // rows)
        map_chunks(n_chunks, lambda: Workspace(layout, rows, dtype, ops), work, ops.is_numpy)
        return out

    def _check_namespace(self, X, method):
        """The operations for X, which must be of the fit's namespace and device (the message is
        scikit-learn's, ``check_same_namespace``'s, with what to do instead)."""
        ops = ops_for(X)
        fitted = namespace_and_device(self.coefs_[0])
        given = (ops.name, ops.device)
        if fitted != given:
            part = 0 if fitted[0] != given[0] else 1
            off = not get_config()["array_api_dispatch"] and namespace_name(X) == fitted[0]
            raise ValueError(
                f"Inputs passed to {type(self).__name__}.{method}() must use the same "
                "namespace and the same device as those passed to fit(). Array "
                f"{('namespaces', 'devices')[part]} used during fit ({fitted[part]}) and "
                f"{method} ({given[part]}"
                + (": array API dispatch is off, so X is read as NumPy" if off else "")
                + ") differ. Pass X in the fit's namespace and on its "
                "device, under sklearn.config_context(array_api_dispatch=True), or convert "
                "the model with sktanhnet.to_numpy(model) to predict on NumPy arrays."
            )
        return ops

    def _prediction_input(self, X, method):
        """(validated X, its layout, the operations of its namespace), after every check but
        one: that dense NumPy X is finite, which ``_forward_chunks(check_finite=True)`` checks
        chunk by chunk (the caller's to ask for)."""
        check_is_fitted(self)
        layout = ParameterLayout(fitted_layer_sizes(self))  # before anything reads the weights
        ops = self._check_namespace(X, method)
        X = validate_data(
            self,
            ops.input_array(X, "X"),
            accept_sparse=["csr", "csc"],
            dtype=ops.float_dtypes,
            reset=False,
            ensure_all_finite=not ops.is_numpy,
        )
        if sp.issparse(X):
            if ops.is_numpy:
                assert_all_finite(X, estimator_name=type(self).__name__, input_name="X")
            if X.format == "csc":
                X = X.tocsr()
        return aligned(X), layout, ops

    def _check_output(self, output, ops, finite=False):
        """Raise where the network's output is NaN (with ``finite``, also inf) for some row."""
        if finite:
            bad, what = not ops.all_finite(output), "not finite (inf or NaN)"
        else:  # NaN anywhere makes the sum NaN; no rows x k temporary
            bad, what = bool(ops.xp.isnan(ops.sum(ops.reshape(output, (-1,)), axis=0))), "NaN"
        if bad:
            raise ValueError(
                f"The network's output is {what} for some rows of X: their values are too "
                "large for the weights (the network overflowed). Scale X as the training data "
                "was scaled (for instance with StandardScaler)."
            )
