"""Arrays brought to the host: any namespace's arrays, and fitted models, as NumPy.

y, sample weights and classes are kept on the host whatever X's namespace (``host_input``);
``model_to_numpy`` (``sktanhnet.to_numpy``) copies a model fitted on a device to NumPy.
"""

import copy

import numpy as np

# The array libraries whose arrays NumPy does not read directly (a device's, or by design).
_ARRAY_LIBRARIES = ("torch", "cupy", "array_api_strict", "jax", "dpnp", "dpctl")


def array_library(array):
    """The library of ``array``'s type, or of its first base class from one of
    ``_ARRAY_LIBRARIES`` (a subclass of ``torch.Tensor`` defined elsewhere is torch's); None
    for anything else. By module name: no library is imported to ask."""
    for cls in type(array).__mro__:
        module = cls.__module__.split(".")[0]
        if module in _ARRAY_LIBRARIES:
            return module
    return None


def is_numpy_array(array):
    """NumPy arrays, lists, scipy.sparse matrices, DataFrames: anything NumPy converts."""
    return array_library(array) is None


def to_numpy(array, name="the array"):
    """A NumPy copy of an array of any namespace, from any device (NumPy arrays as they are).

    A PyTorch dtype that NumPy lacks (bfloat16, the float8 types, complex32) comes back in the
    NumPy dtype that holds its values exactly (float32, complex64), so that y or a sample
    weight in bfloat16 is taken as NumPy takes float16; a dtype with no NumPy counterpart at all
    (torch.int4, torch.bits8...) is refused with a TypeError naming ``name``.
    """
    if array is None or isinstance(array, np.ndarray) or is_numpy_array(array):
        return array
    module = array_library(array)
    if module == "cupy":
        return array.get()
    if module == "torch":
        check_dense_tensor(array, name)
        return _torch_to_numpy(array.detach().cpu().resolve_conj().resolve_neg(), name)
    return np.array(np.from_dlpack(array))  # array-api-strict and others on the host


def check_dense_tensor(array, name):
    """A TypeError naming ``name`` for a sparse PyTorch tensor (its layout not strided), which
    neither NumPy nor the array API path takes: say to pass it dense or as scipy.sparse; a
    ValueError for one on the meta device, which holds no values to read."""
    if array_library(array) != "torch":
        return
    layout = str(getattr(array, "layout", "torch.strided"))
    if layout != "torch.strided":
        raise TypeError(
            f"{name} is a sparse PyTorch tensor ({layout}): pass {name}.to_dense(), or a "
            "scipy.sparse matrix (sparse input runs on NumPy)."
        )
    if array.device.type == "meta":
        raise ValueError(
            f"{name} is on PyTorch's meta device, which holds no values: pass a tensor that "
            "holds them (on the CPU or a GPU)."
        )


def _torch_to_numpy(tensor, name):
    try:
        return tensor.numpy()
    except TypeError:  # "Got unsupported ScalarType BFloat16": a dtype NumPy lacks
        import torch

        if tensor.is_complex() or tensor.is_floating_point():
            wider = torch.complex64 if tensor.is_complex() else torch.float32
            try:
                return tensor.to(wider).numpy()  # exact: every value has a wider twin
            except (TypeError, RuntimeError):  # float4_e2m1fn_x2: no conversion at all
                pass
        raise TypeError(
            f"{name} has dtype {tensor.dtype}, which NumPy has no dtype for: pass it in a "
            "standard dtype (a float, integer or bool dtype)."
        ) from None


def check_real(array, name):
    """``array``, unless its dtype is complex: then a ValueError naming it and its dtype.

    Any namespace (NumPy's complex128, torch.complex64, ...): checked before a conversion to
    a float dtype can drop the imaginary parts.
    """
    dtype = getattr(array, "dtype", None)
    if "complex" in str(dtype):
        raise ValueError(
            f"Complex data not supported: {name} has dtype {dtype}. Pass real numbers (for "
            f"instance the real part, {name}.real, if that is what you mean)."
        )
    return array


def host_input(array, name):
    """An input kept on the host (y, sample weights, classes) as NumPy, complex refused."""
    return to_numpy(check_real(array, name), name)


def model_to_numpy(estimator):
    """A copy of a fitted estimator whose arrays are all NumPy arrays, on the host.

    For a model fitted under array API dispatch (on PyTorch, CuPy or array-api-strict arrays,
    on a GPU or elsewhere): the copy predicts on NumPy input, with or without dispatch, and can
    be saved with skops or pickle and converted to ONNX on a machine without the device. Works on
    a ``TanhMLPClassifier`` or ``TanhMLPRegressor`` and on any scikit-learn estimator holding one
    (a ``Pipeline``, a fitted search): every attribute, in lists, tuples, dicts and inner
    estimators, is converted.
    The original is left as it is.

    Parameters
    ----------
    estimator : estimator
        A fitted estimator.

    Returns
    -------
    estimator : estimator
        A copy, with NumPy arrays where the original has arrays of another namespace.

    Examples
    --------
    >>> from sklearn.datasets import load_iris
    >>> from sktanhnet import TanhMLPClassifier, to_numpy
    >>> X, y = load_iris(return_X_y=True)
    >>> model = to_numpy(TanhMLPClassifier(max_iter=20, random_state=0).fit(X, y))
    >>> type(model.coefs_[0]).__name__
    'ndarray'
    """
    return _converted(estimator, {})


def _converted(value, memo):
    """``value`` with NumPy copies of its arrays, walked through the containers (of their own
    types where they can be rebuilt: a Bunch, a named tuple), estimators and the other objects of
    scikit-learn's and this package's that may hold them (a search's scorer, a calibrated
    classifier's wrappers); callbacks are shared with the copy. ``memo`` maps each object walked
    to its copy, so that what the original shares, the copy shares too."""
    if id(value) in memo:
        return memo[id(value)]
    if isinstance(value, np.ndarray):
        converted = value.copy()
    elif hasattr(value, "__dlpack__") and not is_numpy_array(value):
        converted = np.array(to_numpy(value))  # a copy: a CPU tensor's .numpy() is a view
    elif isinstance(value, (np.random.RandomState, np.random.Generator)):
        converted = copy.deepcopy(value)  # as clone does: the copy draws its own numbers
    elif isinstance(value, tuple):
        items = [_converted(item, memo) for item in value]
        if all(new is old for new, old in zip(items, value)):
            return value  # nothing to convert in it (immutable: shared)
        try:
            converted = type(value)(*items) if hasattr(value, "_fields") else type(value)(items)
        except (TypeError, ValueError):  # a type that cannot be rebuilt from its items
            converted = tuple(items)
    elif isinstance(value, (list, dict)):
        try:
            converted = _filled(copy.copy(value), value, memo)  # its type (a Bunch)
        except (TypeError, ValueError, AttributeError):  # read-only, or no plain copy
            converted = _filled([] if isinstance(value, list) else {}, value, memo)
    elif hasattr(value, "__dict__") and _walked(value):
        converted = copy.copy(value)
        memo[id(value)] = converted  # before its attributes, which may lead back to it
        items = vars(value).items()
        converted.__dict__.update({key: _converted(item, memo) for key, item in items})
    else:
        return value
    memo[id(value)] = converted
    return converted


def _filled(converted, value, memo):
    """``converted``, an empty or shallow copy of the list or dict ``value``, given the
    converted items (memoized first: a list may hold itself)."""
    memo[id(value)] = converted
    if isinstance(value, list):
        converted[:] = [_converted(item, memo) for item in value]
    else:
        for key, item in list(value.items()):
            converted[key] = _converted(item, memo)
    return converted


def _walked(value):
    """An estimator, or another object of scikit-learn's or this package's (a scorer, a
    calibrated classifier's wrapper), but not a callback: one is shared with the copy, whose
    fit reports to it as the original's does."""
    module = type(value).__module__
    if hasattr(value, "get_params"):
        return True
    return module.split(".")[0] in ("sklearn", "sktanhnet") and not module.startswith(
        "sklearn.callback"
    )
