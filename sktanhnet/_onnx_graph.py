"""The layer-by-layer ONNX graph of the network, shared by the classifier's and the regressor's
converters (``sktanhnet.onnx``): the operator checks, the graph's type, Z_L, the sigmoid and the
clip. Imported by ``sktanhnet.onnx`` only, once skl2onnx and onnx imported."""

import numpy as np
from onnx import TensorProto
from skl2onnx.common.data_types import DoubleTensorType, FloatTensorType

from ._host import to_numpy


def input_rows(variable):
    shape = variable.type.shape
    return shape[0] if shape else None


def check_operator(operator, alias, outputs, n_outputs):
    """One 2-D input of the model's features and ``n_outputs`` outputs, or a RuntimeError saying
    what is expected (a DataFrame sample gives one input per column)."""
    if len(operator.inputs) != 1 or len(operator.outputs) != n_outputs:
        hint = (
            " A DataFrame sample gives one input per column: pass a NumPy one "
            "(df[:1].to_numpy(np.float32))."
            if len(operator.inputs) > 1
            else ""
        )
        raise RuntimeError(
            f"{alias} takes one input and gives {outputs}; got {len(operator.inputs)} and "
            f"{len(operator.outputs)}.{hint}"
        )
    shape = operator.inputs[0].type.shape
    if shape is not None and len(shape) != 2:
        raise RuntimeError(f"{alias} takes a 2-D input (rows, features); got shape {shape}.")
    expected = getattr(operator.raw_operator, "n_features_in_", None)
    if shape is not None and isinstance(shape[1], int) and expected not in (None, shape[1]):
        raise RuntimeError(
            f"{alias}: its input (the sample, or what the step before it in a pipeline gives "
            f"it) has {shape[1]} features, but the model is expecting {expected} features as "
            "input."
        )


def tensor_type(inputs):
    """The tensor type of the graph's real outputs: double for a double input, else float."""
    return DoubleTensorType if isinstance(inputs[0].type, DoubleTensorType) else FloatTensorType


def graph_dtypes(operator):
    """(ONNX element type, NumPy dtype) of the graph, as ``tensor_type`` decides it."""
    if tensor_type(operator.inputs) is DoubleTensorType:
        return TensorProto.DOUBLE, np.float64
    return TensorProto.FLOAT, np.float32


def node_writer(scope, container):
    def node(op_type, inputs, output, op_domain="", **attrs):
        container.add_node(
            op_type,
            inputs,
            output,
            op_domain=op_domain,
            name=scope.get_unique_operator_name(op_type),
            **attrs,
        )

    return node


def network_logits(scope, operator, container, node):
    """Write the network up to the output logits Z_L; return the name of Z_L."""
    model = operator.raw_operator
    proto_dtype, np_dtype = graph_dtypes(operator)

    def unique(name):
        return scope.get_unique_variable_name(name)

    activation = operator.inputs[0].full_name
    if not isinstance(operator.inputs[0].type, (FloatTensorType, DoubleTensorType)):
        cast_name = unique("cast_input")
        node("Cast", [activation], cast_name, to=proto_dtype)
        activation = cast_name

    n_layers = len(model.coefs_)
    for layer, (coef, intercept) in enumerate(zip(model.coefs_, model.intercepts_)):
        # a model fitted on a device (PyTorch, CuPy): its weights copied to the host
        coef = np.asarray(to_numpy(coef, "coefs_"), dtype=np_dtype)
        intercept = np.asarray(to_numpy(intercept, "intercepts_"), dtype=np_dtype)
        coef_name, intercept_name = unique("coef"), unique("intercept")
        container.add_initializer(coef_name, proto_dtype, list(coef.shape), coef.ravel())
        container.add_initializer(intercept_name, proto_dtype, [intercept.shape[0]], intercept)
        product_name, logits_name = unique("matmul"), unique("logits")
        # Z_l = A_{l-1} W_l + b_l (eq 1 before the activation)
        node("MatMul", [activation, coef_name], product_name)
        node("Add", [product_name, intercept_name], logits_name)
        if layer < n_layers - 1:
            activation = unique("tanh")
            node("Tanh", [logits_name], activation)  # A_l = tanh(Z_l) (eq 1)
    return logits_name


def write_sigmoid(node, container, unique, proto_dtype, source, target):
    """1 / (1 + exp(-z)) of ``source`` into ``target``. Not ONNX's ``Sigmoid``: onnxruntime's
    loses relative accuracy in the tails (sigmoid(-30) 9.348e-14 for 9.358e-14, sigmoid(-40)
    0 in double), where predict_proba keeps it."""
    minus, power, denominator, one = (unique(name) for name in ("minus", "exp", "one_plus", "one"))
    container.add_initializer(one, proto_dtype, [], [1.0])
    node("Neg", [source], minus)
    node("Exp", [minus], power)
    node("Add", [one, power], denominator)
    node("Div", [one, denominator], target)


def write_clip(node, container, unique, proto_dtype, source, target, low, high):
    """``source`` held to [low, high] into ``target``. ``Clip`` takes its bounds as inputs from
    opset 11, as float32 attributes before; onnxruntime runs it on doubles from opset 12 only, so
    a double graph for an older opset takes ``Max`` and ``Min`` instead (which broadcast a scalar
    bound from opset 8 on)."""
    opset, double = container.target_opset, proto_dtype == TensorProto.DOUBLE
    clip = opset >= (12 if double else 11)
    if not clip and not double:
        node("Clip", [source], target, min=float(low), max=float(high))
        return
    if not clip and opset < 8:
        raise ValueError(
            f"A float64 TanhMLPClassifier exports to ONNX from target_opset=8 on; got "
            f"target_opset={opset}. Pass a newer target_opset, or a float32 sample to to_onnx "
            "(X[:1].astype(np.float32)) for a float32 graph."
        )
    low_name, high_name = unique("low"), unique("high")
    container.add_initializer(low_name, proto_dtype, [], [float(low)])
    container.add_initializer(high_name, proto_dtype, [], [float(high)])
    if clip:
        node("Clip", [source, low_name, high_name], target)
    else:
        floored = unique("floored")
        node("Max", [source, low_name], floored)
        node("Min", [floored, high_name], target)
