"""ONNX export of TanhMLPClassifier and TanhMLPRegressor through skl2onnx.

Importing this module registers a converter for each with skl2onnx, so that ``skl2onnx.to_onnx``
converts a fitted :class:`~sktanhnet.TanhMLPClassifier` or :class:`~sktanhnet.TanhMLPRegressor`
(or one of ``sktanhnet.dask``'s estimators, trained on a cluster), alone or as the last step of a
``Pipeline``::

    import skl2onnx
    import sktanhnet.onnx  # noqa: F401  (registers the converter)

    onx = skl2onnx.to_onnx(model, X[:1].astype(np.float32))
    onx = skl2onnx.to_onnx(model, X[:1].astype(np.float32), options={"zipmap": False})

The graph is the network of the estimator, layer by layer: ``MatMul`` and ``Add`` for
Z_l = A_{l-1} W_l + b_l, ``Tanh`` for the hidden layers, ``Softmax`` (or the sigmoid
1 / (1 + exp(-z)) for binary and multilabel targets, with ``Exp``: onnxruntime's ``Sigmoid`` loses
relative accuracy in the tails; binary probabilities are [sigmoid(-z), sigmoid(z)]) for the
output,
then ``Clip``, as ``predict_proba``: no probability below the smallest normal number of the
graph's type (nor above 1 - eps for multilabel targets). The label is
``ArgMax`` of the probabilities looked up in ``classes_`` with ``Gather``; for multilabel
targets it is ``probability > 0.5`` as an int64 indicator matrix.

The graph computes in the type of its input: a float32 input gives float32 weights and
probabilities, a float64 (double) input gives double weights and probabilities, so that the
probabilities match ``predict_proba`` to rounding; the ``zipmap`` option's dicts (the default,
below) hold float32 values by the ONNX spec, so a double graph's match ``predict_proba`` to
float32's rounding only: pass ``options={"zipmap": False}`` for double probabilities. Other
input types are cast to float32. A
double graph needs ``target_opset`` 8 or later (before 12 its clip is ``Max`` and ``Min``:
onnxruntime has no double ``Clip`` there). A model fitted on a device (PyTorch, CuPy) exports as
its NumPy copy would: its weights are copied to the host.

A regressor's graph has one output, ``variable``, of shape (n, n_outputs): the identity of
Z_L (``loss="squared_error"``) or ``Exp`` of it (``loss="poisson"``), one column per target
(``predict`` returns 1-D for one target; the graph, as skl2onnx's for scikit-learn's regressors,
a column). Unlike skl2onnx's own converter for ``MLPRegressor``, several targets keep their
columns.

The classifier's converter takes one option, ``zipmap``: True (the default) gives the
probabilities as a list of dicts, one per row, keyed by class, as skl2onnx does for scikit-learn's
classifiers; False gives them as an (n, n_outputs) tensor. skl2onnx refuses any other option or
value for it (its other classifier options, ``zipmap="columns"``, ``output_class_labels`` and
``nocl``, are not implemented here). The regressor's converter takes no option.

An unfitted estimator raises scikit-learn's ``NotFittedError``, one whose weights were set by
hand in shapes that do not fit a ValueError (as its ``predict``); integer labels outside int64
(which ONNX's labels are) are refused rather than wrapped around.

Needs the ``onnx`` extra: ``pip install ".[onnx]"`` from a clone (skl2onnx and onnxruntime).
"""

import numbers
import sys

import numpy as np
from sklearn.utils.validation import check_is_fitted

try:
    from onnx import TensorProto
    from skl2onnx import update_registered_converter
    from skl2onnx.common.data_types import (
        DictionaryType,
        FloatTensorType,
        Int64TensorType,
        SequenceType,
        StringTensorType,
    )
except ImportError as error:  # pragma: no cover - exercised only without the extra
    raise ImportError(
        f"sktanhnet.onnx needs skl2onnx and onnx ({error}), and onnxruntime to run its graphs: "
        'pip install ".[onnx]" (from a clone)'
    ) from error

from ._classifier import TanhMLPClassifier
from ._network import EXP, LOGISTIC
from ._onnx_graph import (
    check_operator,
    graph_dtypes,
    input_rows,
    network_logits,
    node_writer,
    tensor_type,
    write_clip,
    write_sigmoid,
)
from ._regressor import TanhMLPRegressor
from ._validation import fitted_layer_sizes

__all__ = [
    "ALIAS",
    "REGRESSOR_ALIAS",
    "convert_tanh_mlp_classifier",
    "convert_tanh_mlp_regressor",
    "parse_tanh_mlp_classifier",
    "parse_tanh_mlp_regressor",
    "register",
    "tanh_mlp_classifier_shape_calculator",
    "tanh_mlp_regressor_shape_calculator",
]

#: The name under which skl2onnx knows TanhMLPClassifier.
ALIAS = "SktanhnetTanhMLPClassifier"
#: The name under which skl2onnx knows TanhMLPRegressor.
REGRESSOR_ALIAS = "SktanhnetTanhMLPRegressor"


_INT64 = np.iinfo(np.int64)


def _label_values(classes):
    """``classes_`` as the values of the label tensor: (int64 array, True) or (bytes, False).

    Integer labels outside int64 (uint64 above 2^63 - 1, large Python ints, floats such as 1e20)
    are refused: cast to int64 they would wrap around to other labels, in silence."""
    classes = np.asarray(classes)
    if classes.dtype == np.bool_ or np.issubdtype(classes.dtype, np.integer):
        return _as_int64(classes), True
    if np.issubdtype(classes.dtype, np.floating):
        if not np.array_equal(np.floor(classes), classes):
            raise NotImplementedError(
                "ONNX labels are int64 or strings; classes_ holds non-integral floats "
                f"{classes.tolist()}. Encode the labels as integers or strings before fitting."
            )
        return _as_int64(classes), True
    if all(isinstance(label, str) for label in classes):
        return np.array([label.encode("utf-8") for label in classes], dtype=object), False
    if all(isinstance(label, numbers.Integral) for label in classes):
        return _as_int64(classes), True
    raise NotImplementedError(
        f"ONNX labels are int64 or strings; classes_ has dtype {classes.dtype} with values "
        f"{classes.tolist()[:5]}."
    )


def _as_int64(classes):
    """Whole-number labels as int64, or NotImplementedError naming one that int64 cannot hold."""
    outside = [label for label in classes.tolist() if not _INT64.min <= label <= _INT64.max]
    if outside:
        raise NotImplementedError(
            f"ONNX's integer labels are int64; classes_ holds {outside[0]!r}, outside its range "
            "(it would become another label). Encode the labels as strings before fitting."
        )
    return classes.astype(np.int64)


def _multilabel(model):
    """Independent logistic outputs, one per label (binary has one logistic output)."""
    return model.out_activation_ == LOGISTIC and model.n_outputs_ > 1


def _label_type(model, n_rows):
    """Type of the label output: int64 or string per row, an int64 matrix for multilabel."""
    if _multilabel(model):
        return Int64TensorType([n_rows, int(model.n_outputs_)])
    _, is_int = _label_values(model.classes_)
    return (Int64TensorType if is_int else StringTensorType)([n_rows])


def parse_tanh_mlp_classifier(scope, model, inputs, custom_parsers=None):
    """Declare the operator and its two outputs: label, then probabilities.

    With the ``zipmap`` option (default True) the outputs are named ``output_label`` and
    ``output_probability``, the probabilities being a sequence of ``{class: probability}`` maps;
    with ``zipmap=False`` they are ``label`` and ``probabilities``, an (n, n_outputs) tensor.

    Parameters
    ----------
    scope : skl2onnx Scope
        Where the operator and its variables are declared.
    model : TanhMLPClassifier
        The fitted estimator.
    inputs : list of skl2onnx Variable
        The one input, a 2-D tensor of features.
    custom_parsers : dict, default=None
        Unused; part of skl2onnx's parser signature.

    Returns
    -------
    outputs : list of skl2onnx Variable
        The label and the probabilities.
    """
    check_is_fitted(model)
    fitted_layer_sizes(model)  # weights set by hand that do not fit: one clear error
    options = scope.get_options(model, {"zipmap": True})
    operator = scope.declare_local_operator(ALIAS, model)
    operator.inputs = inputs
    n_rows = input_rows(inputs[0])
    label_type = _label_type(model, n_rows)
    if options["zipmap"]:
        # ONNX's ZipMap takes and gives float32 only: a double graph casts before it.
        key_type = (
            StringTensorType([])
            if isinstance(label_type, StringTensorType)
            else Int64TensorType([])
        )
        label = scope.declare_local_variable("output_label", label_type)
        proba = scope.declare_local_variable(
            "output_probability", SequenceType(DictionaryType(key_type, FloatTensorType([])))
        )
    else:
        label = scope.declare_local_variable("label", label_type)
        proba = scope.declare_local_variable(
            "probabilities", tensor_type(inputs)([n_rows, len(model.classes_)])
        )
    operator.outputs.extend([label, proba])
    return list(operator.outputs)


def tanh_mlp_classifier_shape_calculator(operator):
    """Check the operator's inputs and outputs; their types are set by the parser.

    Parameters
    ----------
    operator : skl2onnx operator
        The operator holding the fitted estimator as ``raw_operator``.
    """
    check_operator(operator, ALIAS, "two outputs (label, probabilities)", 2)
    operator.outputs[0].type = _label_type(operator.raw_operator, input_rows(operator.inputs[0]))


def convert_tanh_mlp_classifier(scope, operator, container):
    """Write the ONNX nodes of a fitted TanhMLPClassifier.

    Parameters
    ----------
    scope : skl2onnx Scope
        Gives unique names.
    operator : skl2onnx operator
        ``raw_operator`` is the estimator; one input, outputs (label, probabilities).
    container : skl2onnx ModelComponentContainer
        Receives the initializers and nodes.
    """
    model = operator.raw_operator
    proto_dtype, dtype = graph_dtypes(operator)
    label_name = operator.outputs[0].full_name
    zipmap = isinstance(operator.outputs[1].type, SequenceType)

    def unique(name):
        return scope.get_unique_variable_name(name)

    node = node_writer(scope, container)
    logits_name = network_logits(scope, operator, container, node)

    proba_name = unique("probabilities") if zipmap else operator.outputs[1].full_name
    final_name, proba_name = proba_name, unique("unclipped")
    if _multilabel(model):
        # Multilabel: independent sigmoids; a label is on where its probability is > 0.5.
        write_sigmoid(node, container, unique, proto_dtype, logits_name, proba_name)
        half_name, above_name = unique("half"), unique("above_half")
        container.add_initializer(half_name, proto_dtype, [], [0.5])
        node("Greater", [proba_name, half_name], above_name)
        node("Cast", [above_name], label_name, to=TensorProto.INT64)
        labels, is_int = np.arange(model.n_outputs_, dtype=np.int64), True
    else:
        if model.out_activation_ == LOGISTIC:
            # Binary: one logistic output p of the second class; the probabilities [1 - p, p].
            positive_name, negative_name, minus_name = (
                unique("p"),
                unique("one_minus_p"),
                unique("minus_logits"),
            )
            # 1 - p as sigmoid(-z), as predict_proba: 1 - p loses every digit where p ~ 1
            write_sigmoid(node, container, unique, proto_dtype, logits_name, positive_name)
            node("Neg", [logits_name], minus_name)
            write_sigmoid(node, container, unique, proto_dtype, minus_name, negative_name)
            node("Concat", [negative_name, positive_name], proba_name, axis=1)
        else:
            node("Softmax", [logits_name], proba_name, axis=1)  # P = softmax(Z_L) (eq 2)
        labels, is_int = _label_values(model.classes_)
        classes_name, index_name = unique("classes"), unique("argmax")
        container.add_initializer(
            classes_name,
            TensorProto.INT64 if is_int else TensorProto.STRING,
            [len(labels)],
            labels.tolist(),
        )
        node("ArgMax", [proba_name], index_name, axis=1, keepdims=0)
        node("Gather", [classes_name, index_name], label_name, axis=0)
    # as predict_proba: no probability below the smallest normal number (its log is finite),
    # nor, for multilabel outputs, above 1 - eps
    info = np.finfo(dtype)
    high = 1.0 - float(info.eps) if _multilabel(model) else 1.0
    write_clip(
        node, container, unique, proto_dtype, proba_name, final_name, info.smallest_normal, high
    )
    proba_name = final_name

    if zipmap:
        if proto_dtype != TensorProto.FLOAT:
            float_name = unique("probabilities_float")
            node("Cast", [proba_name], float_name, to=TensorProto.FLOAT)
            proba_name = float_name
        keys = (
            {"classlabels_int64s": [int(label) for label in labels]}
            if is_int
            else {"classlabels_strings": [label.decode("utf-8") for label in labels]}
        )
        node(
            "ZipMap",
            [proba_name],
            operator.outputs[1].full_name,
            op_domain="ai.onnx.ml",
            **keys,
        )


def parse_tanh_mlp_regressor(scope, model, inputs, custom_parsers=None):
    """Declare the operator and its output ``variable``, (n, n_outputs), in the input's type.

    Parameters
    ----------
    scope : skl2onnx Scope
        Where the operator and its variables are declared.
    model : TanhMLPRegressor
        The fitted estimator.
    inputs : list of skl2onnx Variable
        The one input, a 2-D tensor of features.
    custom_parsers : dict, default=None
        Unused; part of skl2onnx's parser signature.

    Returns
    -------
    outputs : list of skl2onnx Variable
        The predictions.
    """
    check_is_fitted(model)
    fitted_layer_sizes(model)
    operator = scope.declare_local_operator(REGRESSOR_ALIAS, model)
    operator.inputs = inputs
    variable = scope.declare_local_variable(
        "variable", tensor_type(inputs)([input_rows(inputs[0]), int(model.n_outputs_)])
    )
    operator.outputs.append(variable)
    return list(operator.outputs)


def tanh_mlp_regressor_shape_calculator(operator):
    """Check the operator's one input and one output; their types are set by the parser.

    Parameters
    ----------
    operator : skl2onnx operator
        The operator holding the fitted estimator as ``raw_operator``.
    """
    check_operator(operator, REGRESSOR_ALIAS, "one output", 1)


def convert_tanh_mlp_regressor(scope, operator, container):
    """Write the ONNX nodes of a fitted TanhMLPRegressor: Z_L, or exp(Z_L) for "poisson".

    Parameters
    ----------
    scope : skl2onnx Scope
        Gives unique names.
    operator : skl2onnx operator
        ``raw_operator`` is the estimator; one input, one output (the predictions).
    container : skl2onnx ModelComponentContainer
        Receives the initializers and nodes.
    """
    node = node_writer(scope, container)
    logits_name = network_logits(scope, operator, container, node)
    output = operator.outputs[0].full_name
    # (h4) P = exp(Z_L); (h3) P = Z_L
    node(
        "Exp" if operator.raw_operator.out_activation_ == EXP else "Identity", [logits_name], output
    )


def register(classifier=None, regressor=None):
    """Register the converters for a subclass of the classifier, of the regressor, or both.

    skl2onnx looks a converter up by the model's exact class, so a subclass of
    :class:`~sktanhnet.TanhMLPClassifier` or :class:`~sktanhnet.TanhMLPRegressor` needs its own
    registration, once, before ``skl2onnx.to_onnx`` (importing this module registers the
    estimators of this package)::

        class MyClassifier(TanhMLPClassifier): ...

        sktanhnet.onnx.register(classifier=MyClassifier)

    Parameters
    ----------
    classifier : type, default=None
        A subclass of ``TanhMLPClassifier`` (or the class itself).
    regressor : type, default=None
        A subclass of ``TanhMLPRegressor`` (or the class itself).
    """
    for given, base, name in (
        (classifier, TanhMLPClassifier, "classifier"),
        (regressor, TanhMLPRegressor, "regressor"),
    ):
        if given is not None and not (isinstance(given, type) and issubclass(given, base)):
            raise TypeError(f"{name} must be {base.__name__} or a subclass of it, got {given!r}")
    if classifier is not None:
        update_registered_converter(
            classifier,
            ALIAS,
            tanh_mlp_classifier_shape_calculator,
            convert_tanh_mlp_classifier,
            parser=parse_tanh_mlp_classifier,
            options={"zipmap": [True, False]},
        )
    if regressor is not None:
        update_registered_converter(
            regressor,
            REGRESSOR_ALIAS,
            tanh_mlp_regressor_shape_calculator,
            convert_tanh_mlp_regressor,
            parser=parse_tanh_mlp_regressor,
        )


register(TanhMLPClassifier, TanhMLPRegressor)
if "sktanhnet.dask" in sys.modules:  # else ``sktanhnet.dask`` registers its own on import
    register(
        sys.modules["sktanhnet.dask"].DaskTanhMLPClassifier,
        sys.modules["sktanhnet.dask"].DaskTanhMLPRegressor,
    )
