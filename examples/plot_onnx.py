"""
===========================================
Export to ONNX and predict with onnxruntime
===========================================

`ONNX <https://onnx.ai>`_ is a portable format for trained models: an ONNX graph runs
with `onnxruntime <https://onnxruntime.ai>`_ (in Python, C, C++, C#, Java, JavaScript,
on phones and in browsers) without Python, scikit-learn or this package. ``import
sktanhnet.onnx`` registers converters for :class:`~sktanhnet.TanhMLPClassifier` and
:class:`~sktanhnet.TanhMLPRegressor` with `skl2onnx <https://onnx.ai/sklearn-onnx/>`_,
alone or at the end of a pipeline.

This example needs the ``onnx`` extra: ``pip install ".[onnx]"`` from a clone (skl2onnx
and onnxruntime).
"""

# %%
# A pipeline to export
# --------------------
# A scaler and a network, trained on the handwritten digits.

from collections import Counter

import matplotlib.pyplot as plt
import numpy as np
import onnxruntime as ort
import skl2onnx
from sklearn.datasets import load_digits, make_regression
from sklearn.model_selection import train_test_split
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

import sktanhnet.onnx  # noqa: F401  (registers the converters with skl2onnx)
from sktanhnet import TanhMLPClassifier, TanhMLPRegressor

X, y = load_digits(return_X_y=True)
X_train, X_test, y_train, y_test = train_test_split(X, y, random_state=0)
model = make_pipeline(
    StandardScaler(), TanhMLPClassifier((64,), learning_rate_init=0.01, random_state=0)
)
model.fit(X_train, y_train)
print(f"Test accuracy of the pipeline: {model.score(X_test, y_test):.3f}")

# %%
# Conversion
# ----------
# :func:`skl2onnx.to_onnx` takes the fitted pipeline and one row of input, from which it
# reads the input's type and width. The graph computes in that type: float32 here, the
# usual type for serving. ``zipmap=False`` returns the probabilities as one array rather
# than as a list of dicts, one per row.

X_test32 = X_test.astype(np.float32)
onx = skl2onnx.to_onnx(model, X_test32[:1], options={"zipmap": False})
operators = Counter(node.op_type for node in onx.graph.node)
print("Graph nodes:", ", ".join(f"{count} {op}" for op, count in operators.items()))
print(
    f"Inputs: {[i.name for i in onx.graph.input]}, "
    f"outputs: {[o.name for o in onx.graph.output]}"
)

# %%
# Prediction with onnxruntime
# ---------------------------
# The session runs the graph; its outputs are the labels and the probabilities.
# ``onx.SerializeToString()`` is also what you would write to a ``.onnx`` file to ship.

session = ort.InferenceSession(
    onx.SerializeToString(), providers=["CPUExecutionProvider"]
)
labels, proba = session.run(None, {"X": X_test32})

difference32 = np.abs(proba - model.predict_proba(X_test32))
print(
    "float32 graph: same labels as predict:",
    (labels == model.predict(X_test32)).all(),
)
print(f"float32 graph: max |probability difference|: {difference32.max():.1e}")

# %%
# A float64 input gives a double-precision graph, whose probabilities agree with
# ``predict_proba`` to rounding of float64.

onx64 = skl2onnx.to_onnx(model, X_test[:1], options={"zipmap": False})
session64 = ort.InferenceSession(
    onx64.SerializeToString(), providers=["CPUExecutionProvider"]
)
labels64, proba64 = session64.run(None, {"X": X_test})
difference64 = np.abs(proba64 - model.predict_proba(X_test))
print(
    "float64 graph: same labels as predict:",
    (labels64 == model.predict(X_test)).all(),
)
print(f"float64 graph: max |probability difference|: {difference64.max():.1e}")

# %%
# A regressor
# -----------
# :class:`~sktanhnet.TanhMLPRegressor` converts the same way. Its graph has one output,
# ``variable``: one column per target.

X_reg, y_reg = make_regression(
    n_samples=1000, n_features=8, n_targets=2, noise=5.0, random_state=0
)
y_reg = y_reg / y_reg.std(axis=0)
regressor = make_pipeline(
    StandardScaler(), TanhMLPRegressor((32,), learning_rate_init=0.01, random_state=0)
).fit(X_reg, y_reg)
X_reg32 = X_reg.astype(np.float32)
onx_reg = skl2onnx.to_onnx(regressor, X_reg32[:1])
session_reg = ort.InferenceSession(
    onx_reg.SerializeToString(), providers=["CPUExecutionProvider"]
)
(onnx_predictions,) = session_reg.run(None, {"X": X_reg32})
predictions = regressor.predict(X_reg32)
regression_difference = np.abs(onnx_predictions - predictions).max()
print(
    f"Regressor: ONNX output shape {onnx_predictions.shape}, "
    f"predict shape {predictions.shape}"
)
print(f"Regressor: max |prediction difference| (float32): {regression_difference:.1e}")

# %%
# How close?
# ----------
# The distribution of the differences between onnxruntime's probabilities and
# ``predict_proba``, for each of the 450 x 10 probabilities of the test set, in float32
# and in float64, and the regressor's two targets as predicted by each. Differences of
# exactly zero are drawn at the left edge.

fig, (ax_hist, ax_reg) = plt.subplots(1, 2, figsize=(11, 4.2), layout="constrained")
floor = 1e-20
bins = np.logspace(-20, -4, 65)
for difference, name in [
    (difference32, "float32 graph"),
    (difference64, "float64 graph"),
]:
    ax_hist.hist(
        np.maximum(difference.ravel(), floor), bins=bins, alpha=0.7, label=name
    )
ax_hist.set_xscale("log")
ax_hist.set(
    xlabel="|onnxruntime probability - predict_proba|",
    ylabel="Number of probabilities",
    title="Classifier: digits test set",
)
ax_hist.legend()

for target in range(y_reg.shape[1]):
    ax_reg.scatter(
        predictions[:, target],
        onnx_predictions[:, target],
        s=6,
        label=f"target {target}",
    )
ax_reg.set(
    xlabel="predict", ylabel="onnxruntime", title="Regressor: two targets, float32"
)
ax_reg.legend()
plt.show()
