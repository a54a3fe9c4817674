"""Convert MediaPipe's BlazePose TFLite models to ONNX.

Run through models/convert.sh, which pins the package versions (see
requirements-convert.txt) and fetches the npm package `@mediapipe/pose`.

The three landmark models convert directly with tf2onnx. The detector does
not: 38 of its weight tensors are stored in TFLite's sparse format and turned
dense at run time by DENSIFY ops, which neither tf2onnx nor tflite2onnx
handle. We let the TFLite interpreter densify them once, write the dense
arrays into the flatbuffer as constant buffers, drop the DENSIFY ops, and
convert that. Every output is then checked against the TFLite interpreter.
"""

import argparse
import hashlib
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import numpy as np
import onnx
import onnx.utils
import onnxruntime as ort
import tensorflow as tf
from tensorflow.lite.python import schema_py_generated as schema
from tensorflow.lite.tools import flatbuffer_utils

# The npm package ships the detector inside this asset bundle: bytes 0 to
# 2962288 are pose_detection.tflite (pose_solution_packed_assets_loader.js
# lists the offsets).
DETECTOR_BUNDLE = "pose_solution_packed_assets.data"
DETECTOR_END_BYTE = 2962288
OPSET = 17
# Largest difference allowed between TFLite and ONNX Runtime outputs on random
# inputs, relative to the output's largest magnitude (at least 1). Measured:
# at most 3e-4 of it (0.2 on segmentation logits that reach 620).
MAX_REL_DIFF = 1e-3
# What posecoach reads from a landmark model. The fifth output, Identity_2,
# is a 256x256 segmentation mask that ONNX Runtime would compute on every
# frame whether or not it is fetched (half of the model's time), so it is
# cut out of the graph with everything only it needs.
LANDMARK_OUTPUTS = ["Identity", "Identity_1", "Identity_3", "Identity_4"]


def builtin_name(model, op):
    code = model.operatorCodes[op.opcodeIndex]
    value = max(code.builtinCode, code.deprecatedBuiltinCode)
    for name, number in schema.BuiltinOperator.__dict__.items():
        if number == value and not name.startswith("_"):
            return name
    raise ValueError(f"unknown builtin operator {value}")


def densify_detector(src: Path, dst: Path) -> int:
    """Write a copy of the detector with its sparse weights stored dense."""
    # Without the default XNNPACK delegate: a delegate would run the
    # DENSIFY ops inside itself and leave their output tensors unset.
    interpreter = tf.lite.Interpreter(
        model_path=str(src),
        experimental_preserve_all_tensors=True,
        experimental_op_resolver_type=(
            tf.lite.experimental.OpResolverType.BUILTIN_WITHOUT_DEFAULT_DELEGATES
        ),
    )
    interpreter.allocate_tensors()
    interpreter.set_tensor(
        interpreter.get_input_details()[0]["index"],
        np.zeros((1, 224, 224, 3), np.float32),
    )
    interpreter.invoke()

    model = flatbuffer_utils.read_model(str(src))
    graph = model.subgraphs[0]
    kept = []
    densified = 0
    for op in graph.operators:
        if builtin_name(model, op) != "DENSIFY":
            kept.append(op)
            continue
        sparse_index, dense_index = op.inputs[0], op.outputs[0]
        dense = interpreter.get_tensor(dense_index)
        dense_tensor = graph.tensors[dense_index]
        buffer = schema.BufferT()
        buffer.data = np.frombuffer(dense.tobytes(), np.uint8)
        model.buffers.append(buffer)
        dense_tensor.buffer = len(model.buffers) - 1
        # The sparse tensor is now read by nothing; empty it so no converter
        # tries to interpret its sparsity parameters.
        sparse_tensor = graph.tensors[sparse_index]
        sparse_tensor.sparsity = None
        model.buffers[sparse_tensor.buffer].data = None
        densified += 1
    graph.operators = kept
    flatbuffer_utils.write_model(model, str(dst))
    return densified


def tflite_outputs(path: Path, inputs: np.ndarray) -> dict:
    interpreter = tf.lite.Interpreter(model_path=str(path))
    interpreter.allocate_tensors()
    interpreter.set_tensor(interpreter.get_input_details()[0]["index"], inputs)
    interpreter.invoke()
    return {
        d["name"]: interpreter.get_tensor(d["index"])
        for d in interpreter.get_output_details()
    }


def check_against_tflite(tflite: Path, onnx: Path, low: float, high: float) -> float:
    session = ort.InferenceSession(str(onnx), providers=["CPUExecutionProvider"])
    shape = session.get_inputs()[0].shape
    rng = np.random.default_rng(0)
    worst = 0.0
    for _ in range(3):
        x = rng.uniform(low, high, size=shape).astype(np.float32)
        expected = tflite_outputs(tflite, x)
        got = dict(
            zip(
                [o.name for o in session.get_outputs()],
                session.run(None, {session.get_inputs()[0].name: x}),
            )
        )
        for name, value in expected.items():
            diff = float(np.max(np.abs(value - got[name].reshape(value.shape))))
            scale = max(1.0, float(np.max(np.abs(value))))
            worst = max(worst, diff / scale)
            if diff > MAX_REL_DIFF * scale:
                raise SystemExit(
                    f"{onnx.name}: output {name} differs by {diff} (scale {scale})"
                )
    return worst


def convert(tflite: Path, onnx: Path) -> None:
    subprocess.run(
        [
            sys.executable,
            "-m",
            "tf2onnx.convert",
            "--tflite",
            str(tflite),
            "--output",
            str(onnx),
            "--opset",
            str(OPSET),
        ],
        check=True,
    )


def keep_outputs(path: Path, outputs: list) -> None:
    """Rewrite the model at `path` with only the subgraph `outputs` need."""
    model = onnx.load(str(path))
    inputs = [i.name for i in model.graph.input]
    extracted = onnx.utils.Extractor(model).extract_model(inputs, outputs)
    # The extractor keeps the opset and IR version but not the producer.
    extracted.producer_name = model.producer_name
    extracted.producer_version = model.producer_version
    onnx.checker.check_model(extracted)
    onnx.save(extracted, str(path))


def same_outputs(full: Path, cut: Path, low: float, high: float) -> None:
    """The cut model's outputs are those of the full one, bit for bit."""
    whole = ort.InferenceSession(str(full), providers=["CPUExecutionProvider"])
    part = ort.InferenceSession(str(cut), providers=["CPUExecutionProvider"])
    names = [o.name for o in part.get_outputs()]
    rng = np.random.default_rng(1)
    for _ in range(3):
        x = rng.uniform(low, high, size=whole.get_inputs()[0].shape).astype(np.float32)
        feed = {whole.get_inputs()[0].name: x}
        for name, a, b in zip(names, whole.run(names, feed), part.run(names, feed)):
            if not np.array_equal(a, b):
                raise SystemExit(f"{cut.name}: output {name} changed when cut")


def cut_segmentation(path: Path) -> None:
    """Cut the segmentation branch out of the landmark model at `path`."""
    with tempfile.TemporaryDirectory() as tmp:
        whole = Path(tmp) / path.name
        shutil.copy(path, whole)
        keep_outputs(path, LANDMARK_OUTPUTS)
        same_outputs(whole, path, 0.0, 1.0)
    print(f"{path.name}: segmentation cut, the other outputs bit-identical")


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("package", type=Path, help="unpacked npm package directory")
    parser.add_argument("out", type=Path, help="directory for the .onnx files")
    parser.add_argument(
        "--variants",
        default="lite,full",
        help="landmark variants to convert (lite, full, heavy)",
    )
    args = parser.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)

    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        detector = tmp / "pose_detection.tflite"
        detector.write_bytes(
            (args.package / DETECTOR_BUNDLE).read_bytes()[:DETECTOR_END_BYTE]
        )
        dense = tmp / "pose_detection_dense.tflite"
        count = densify_detector(detector, dense)
        print(f"densified {count} sparse weight tensors")
        onnx_path = args.out / "pose_detection.onnx"
        convert(dense, onnx_path)
        worst = check_against_tflite(detector, onnx_path, -1.0, 1.0)
        print(f"{onnx_path.name}: max |onnx - tflite| / scale = {worst:.1e}")

    for variant in args.variants.split(","):
        tflite = args.package / f"pose_landmark_{variant}.tflite"
        onnx_path = args.out / f"pose_landmark_{variant}.onnx"
        convert(tflite, onnx_path)
        worst = check_against_tflite(tflite, onnx_path, 0.0, 1.0)
        print(f"{onnx_path.name}: max |onnx - tflite| / scale = {worst:.1e}")
        cut_segmentation(onnx_path)

    for path in sorted(args.out.glob("*.onnx")):
        print(f"{sha256(path)}  {path.name}")


if __name__ == "__main__":
    main()
