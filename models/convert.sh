#!/usr/bin/env bash
# Regenerate the ONNX models in this folder from MediaPipe's npm package.
# Usage: models/convert.sh [lite,full[,heavy]]
# Needs python3 with venv, npm, and about 2 GB of disk for TensorFlow.
# CI does not run this: the converted models are committed.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
variants="${1:-lite,full}"
work="$here/../target/model-conversion"
package="@mediapipe/pose@0.5.1675469404"
mkdir -p "$work"
cd "$work"
if [ ! -x venv/bin/python ]; then
  python3 -m venv venv
  venv/bin/pip install --quiet -r "$here/requirements-convert.txt"
fi
if [ ! -d package ]; then
  npm pack --silent "$package" >/dev/null
  tar xzf mediapipe-pose-*.tgz
fi
TF_CPP_MIN_LOG_LEVEL=3 venv/bin/python "$here/convert.py" package "$here" --variants "$variants"
