#!/usr/bin/env python3
"""Writes the benchmark model: a 30-feature logistic regression as ONNX, in the folder layout Python MLflow's
mlflow.onnx.log_model writes (MLmodel, model.onnx, requirements.txt). Outputs follow skl2onnx with zipmap=False:
`label` (int64 [N]) and `probabilities` (float32 [N, 2]). Needs the onnx and numpy packages (Debian: python3-onnx).

    make_model.py <folder>
"""
import os
import sys

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

FEATURES = 30


def build(folder):
    rng = np.random.default_rng(42)
    weights = rng.normal(0, 0.5, size=(FEATURES, 1)).astype(np.float32)
    bias = np.array([0.1], dtype=np.float32)
    nodes = [
        helper.make_node("MatMul", ["float_input", "coef"], ["linear"]),
        helper.make_node("Add", ["linear", "intercept"], ["logit"]),
        helper.make_node("Sigmoid", ["logit"], ["p1"]),
        helper.make_node("Sub", ["one", "p1"], ["p0"]),
        helper.make_node("Concat", ["p0", "p1"], ["probabilities"], axis=1),
        helper.make_node("Greater", ["p1", "half"], ["positive"]),
        helper.make_node("Cast", ["positive"], ["label_column"], to=TensorProto.INT64),
        helper.make_node("Reshape", ["label_column", "flat"], ["label"]),
    ]
    initializers = [
        numpy_helper.from_array(weights, "coef"),
        numpy_helper.from_array(bias, "intercept"),
        numpy_helper.from_array(np.array([1.0], dtype=np.float32), "one"),
        numpy_helper.from_array(np.array([0.5], dtype=np.float32), "half"),
        numpy_helper.from_array(np.array([-1], dtype=np.int64), "flat"),
    ]
    graph = helper.make_graph(
        nodes, "logistic_regression",
        [helper.make_tensor_value_info("float_input", TensorProto.FLOAT, [None, FEATURES])],
        [helper.make_tensor_value_info("label", TensorProto.INT64, [None]),
         helper.make_tensor_value_info("probabilities", TensorProto.FLOAT, [None, 2])],
        initializers)
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 13)])
    model.ir_version = 8
    onnx.checker.check_model(model)
    os.makedirs(folder, exist_ok=True)
    onnx.save(model, os.path.join(folder, "model.onnx"))
    with open(os.path.join(folder, "MLmodel"), "w") as f:
        f.write(f"""artifact_path: model
flavors:
  onnx:
    code: null
    data: model.onnx
    onnx_version: {onnx.__version__}
    providers:
    - CPUExecutionProvider
  python_function:
    data: model.onnx
    env:
      conda: conda.yaml
      virtualenv: python_env.yaml
    loader_module: mlflow.onnx
    python_version: 3.11.2
mlflow_version: 2.12.2
model_uuid: 5e1f0c0ffee0c0ffee0c0ffee0c0ffee
signature:
  inputs: '[{{"type": "tensor", "tensor-spec": {{"dtype": "float32", "shape": [-1, {FEATURES}]}}, "name": "float_input"}}]'
  outputs: '[{{"type": "tensor", "tensor-spec": {{"dtype": "int64", "shape": [-1]}}, "name": "label"}}, {{"type": "tensor", "tensor-spec": {{"dtype": "float32", "shape": [-1, 2]}}, "name": "probabilities"}}]'
  params: null
utc_time_created: '2026-11-23 00:00:00.000000'
""")
    with open(os.path.join(folder, "requirements.txt"), "w") as f:
        f.write(f"mlflow==2.12.2\nonnx=={onnx.__version__}\nonnxruntime\n")


if __name__ == "__main__":
    build(sys.argv[1])
