"""Pickling (pickle, copy.deepcopy, joblib) and skops for the estimators of ``_base``.

The weights are saved as one flat vector and their views rebuilt on loading (a PyTorch model's
pickle would otherwise hold the whole vector once per view); skops is refused a model fitted
on another namespace than NumPy, with what to do instead.
"""

import copyreg

from ._array_ops import namespace_and_device, ops_of
from ._layout import ParameterLayout


class PicklingMixin:
    """Before ``BaseEstimator`` in the bases: its ``__getstate__`` and ``__setstate__`` run too."""

    def __getstate__(self):
        state = super().__getstate__()
        coefs, intercepts = state.get("coefs_"), state.get("intercepts_")
        if not isinstance(coefs, list) or not isinstance(intercepts, list) or not coefs:
            return state  # not fitted (or fitted without weights)
        if len({str(array.dtype) for array in coefs + intercepts}) != 1:
            return state  # weights assigned by hand in other dtypes: pickled as they are
        sizes = [coefs[0].shape[0]] + [b.shape[0] for b in intercepts]
        try:
            flat = ParameterLayout(sizes).pack(coefs, intercepts, coefs[0].dtype, ops_of(coefs[0]))
        except (ValueError, TypeError, AttributeError):
            return state  # weights assigned by hand in other shapes: pickled as they are
        state = {key: value for key, value in state.items() if key not in ("coefs_", "intercepts_")}
        state["_packed_weights"] = (sizes, flat)
        return state

    # pickle (and copy.deepcopy, joblib) call __reduce_ex__; skops.io calls __reduce__, then
    # __getstate__, and stores NumPy arrays only: a model fitted on tensors would fail deep
    # inside skops ("Cannot directly construct TensorBase"). __reduce__ says what to do instead.

    def __reduce_ex__(self, protocol):
        # object.__reduce_ex__'s result for protocol >= 2 (loads under 0 and 1 too), without
        # the call to an overridden __reduce__ that object.__reduce_ex__ would make
        return copyreg.__newobj__, (type(self),), self.__getstate__()

    def __reduce__(self):
        weights = getattr(self, "coefs_", None)
        if isinstance(weights, list) and weights:
            namespace, device = namespace_and_device(weights[0])
            if namespace != "numpy":
                raise TypeError(
                    f"This {type(self).__name__} was fitted on {namespace} arrays (on device "
                    f"{device}), which skops.io cannot save: save a NumPy copy instead, "
                    "skops.io.dump(sktanhnet.to_numpy(model), path), which loads and predicts "
                    "on any machine. (pickle saves the model as it is, on its device.)"
                )
        return super().__reduce__()

    def __copy__(self):  # shallow, as for any object: the same weight arrays, not packed
        copied = type(self).__new__(type(self))
        copied.__dict__.update(self.__dict__)
        return copied

    def __setstate__(self, state):
        state = dict(state)
        packed = state.pop("_packed_weights", None)
        super().__setstate__(state)
        if packed is not None:
            sizes, flat = packed
            self.coefs_, self.intercepts_ = ParameterLayout(sizes).views(flat, ops_of(flat))
