"""
===========================================
Training on PyTorch tensors (the array API)
===========================================

Under scikit-learn's array API dispatch, :class:`~sktanhnet.TanhMLPClassifier` computes
in the namespace and on the device of its input: given PyTorch tensors, it trains and
predicts with PyTorch, on the tensors' device (a GPU where there is one), with the same
hand-written network and the same random numbers as on NumPy. A fit on float64 tensors
therefore gives the NumPy fit's model.

It needs ``array-api-compat`` (``pip install ".[array-api]"`` from a clone), PyTorch,
and the environment variable ``SCIPY_ARRAY_API=1`` set before scipy is first imported.
Without PyTorch, this example falls back to ``array_api_strict`` (a minimal reference
implementation of the standard), or else to NumPy alone.
"""

# %%
# Setup
# -----
# ``SCIPY_ARRAY_API`` must be set before scipy, and therefore scikit-learn, is imported:
# this is why the imports below come after it (and why ``ruff`` is told not to flag
# them, E402).

import os

os.environ["SCIPY_ARRAY_API"] = "1"

import warnings  # noqa: E402
from time import perf_counter  # noqa: E402

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import sklearn  # noqa: E402
from sklearn.datasets import load_digits  # noqa: E402
from sklearn.exceptions import ConvergenceWarning  # noqa: E402

from sktanhnet import TanhMLPClassifier, to_numpy  # noqa: E402

try:
    import torch
except ImportError:
    torch = None

if torch is not None:
    device = "cuda" if torch.cuda.is_available() else "cpu"
    namespace = f"PyTorch {torch.__version__} on {device}"

    def to_namespace(array):
        return torch.asarray(array, device=device)  # float64 X, int64 y, as in NumPy

    def to_host(array):
        return array.cpu().numpy()

else:
    print("PyTorch is not installed.")
    try:
        import array_api_strict
    except ImportError:
        array_api_strict = None
    if array_api_strict is not None:
        namespace = "array_api_strict"

        def to_namespace(array):
            return array_api_strict.asarray(array)

        def to_host(array):
            return np.asarray(array)

    else:
        print("array_api_strict is not installed either: NumPy only.")
        namespace = None
print(f"Array namespace: {namespace or 'none besides NumPy'}")

# %%
# The same network, twice
# -----------------------
# The digits, scaled to [0, 1], and one set of parameters. First on NumPy arrays, as
# usual.

X, y = load_digits(return_X_y=True)
X = X / 16
params = dict(hidden_layer_sizes=(64,), learning_rate_init=0.01, random_state=0)

start = perf_counter()
numpy_model = TanhMLPClassifier(**params).fit(X, y)
numpy_time = perf_counter() - start
numpy_proba = numpy_model.predict_proba(X)
print(
    f"NumPy: {numpy_model.n_iter_} epochs, "
    f"{1000 * numpy_time / numpy_model.n_iter_:.1f} ms each"
)

# %%
# Then on tensors, inside :func:`sklearn.config_context` with
# ``array_api_dispatch=True``. Nothing else changes: the data's type decides where the
# work is done. The probabilities come back as a tensor on the same device; the curves
# are Python floats. Both fits stop after the same number of epochs, and their losses
# and probabilities agree to rounding.

if namespace is not None:
    X_tensor, y_tensor = to_namespace(X), to_namespace(y)
    with sklearn.config_context(array_api_dispatch=True):
        # one short, untimed fit first: the first calls into a namespace (and onto a
        # GPU) load and compile kernels, which is not the time of an epoch
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", ConvergenceWarning)
            TanhMLPClassifier(**params, max_iter=2).fit(X_tensor, y_tensor)
        start = perf_counter()
        tensor_model = TanhMLPClassifier(**params).fit(X_tensor, y_tensor)
        tensor_time = perf_counter() - start
        tensor_proba = tensor_model.predict_proba(X_tensor)
        kind = f"{type(tensor_proba).__module__}.{type(tensor_proba).__name__}"
        print(f"predict_proba returned a {kind} on device {tensor_proba.device}")
        accuracy = tensor_model.score(X_tensor, y_tensor)
    print(
        f"{namespace}: {tensor_model.n_iter_} epochs, "
        f"{1000 * tensor_time / tensor_model.n_iter_:.1f} ms each, "
        f"training accuracy {accuracy:.3f}"
    )
    proba_difference = np.abs(to_host(tensor_proba) - numpy_proba).max()
    loss_difference = np.abs(
        np.subtract(tensor_model.loss_curve_, numpy_model.loss_curve_)
    ).max()
    print(f"Max |probability difference| with the NumPy fit: {proba_difference:.1e}")
    print(f"Max |loss_curve_ difference| with the NumPy fit: {loss_difference:.1e}")

# %%
# Back to NumPy
# -------------
# :func:`sktanhnet.to_numpy` copies a fitted model with every array moved to the host as
# NumPy: to save it with pickle or skops, or export it to ONNX, where the device does
# not exist.

if namespace is not None:
    host_model = to_numpy(tensor_model)
    print(f"coefs_[0] of the copy: {type(host_model.coefs_[0]).__name__}")
    host_difference = np.abs(host_model.predict_proba(X) - to_host(tensor_proba)).max()
    print(f"Max |probability difference| of the NumPy copy: {host_difference:.1e}")

# %%
# The loss curves
# ---------------
# The training loss after each epoch, on NumPy and on tensors: one curve on the other.
# On a CPU the NumPy path, tuned for it, is usually the faster; the tensor path pays off
# on a GPU, for large networks and data.

fig, (ax_loss, ax_time) = plt.subplots(1, 2, figsize=(10, 4), layout="constrained")
epochs = np.arange(1, numpy_model.n_iter_ + 1)
ax_loss.plot(epochs, numpy_model.loss_curve_, lw=4, alpha=0.5, label="NumPy")
times = {"NumPy": 1000 * numpy_time / numpy_model.n_iter_}
if namespace is not None:
    ax_loss.plot(epochs, tensor_model.loss_curve_, "k--", label=namespace)
    times[namespace] = 1000 * tensor_time / tensor_model.n_iter_
ax_loss.set(
    xlabel="Epoch", ylabel="Training log-loss", yscale="log", title="Loss per epoch"
)
ax_loss.legend()
bars = ax_time.bar(list(times), list(times.values()), color=["C0", "C1"][: len(times)])
ax_time.bar_label(bars, fmt="%.1f ms")
ax_time.set_ylim(0, 1.15 * max(times.values()))  # room for the labels
ax_time.set(ylabel="ms per epoch", title="Time per epoch (one fit, this machine)")
plt.show()
