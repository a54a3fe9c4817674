#!/usr/bin/env bash
# One-time, idempotent set-up for building, running and testing posecoach on
# Debian 12. Called by `make run` and `make test`; safe to run again: it
# installs only what is missing and downloads only what is not there yet.
#
#   scripts/setup.sh          system packages to build and run, ONNX Runtime
#   scripts/setup.sh --test   the same, plus what the tests use
set -euo pipefail
cd "$(dirname "$0")/.."

ORT_VERSION=1.31.1
# The CPython 3.11 manylinux_2_28 x86_64 wheel; we only take its shared
# library, so the interpreter tags are fixed here rather than read from the
# machine's own Python.
ORT_WHEEL=onnxruntime-${ORT_VERSION}-cp311-cp311-manylinux_2_28_x86_64.whl
ORT_WHEEL_SHA256=5752bd508126ae7c49894d3b9d2e83f0c3d487319246d04c444b393308d7ad7f
ORT_DIR=.ort
ORT_LIB=$ORT_DIR/lib/libonnxruntime.so.$ORT_VERSION

# Build: libclang for nokhwa's v4l bindings, the ALSA headers for the
# sound output (rodio over cpal). Run: ffmpeg to decode video files (the
# main job replays a bundled clip); espeak-ng to speak the cues; X11 is
# loaded at run time. Tests: Xvfb and xauth for a real window without a
# screen; strace to check that nothing opens a network socket.
packages=(libclang-dev libasound2-dev pkg-config python3-pip ffmpeg espeak-ng)
if [ "${1:-}" = "--test" ]; then
  packages+=(xvfb xauth strace)
fi

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed" || missing+=("$p")
done
# A pip from elsewhere (pyenv, a venv) is as good as Debian's.
if command -v pip3 >/dev/null 2>&1 || python3 -m pip --version >/dev/null 2>&1; then
  missing=("${missing[@]/python3-pip}")
fi
missing=($(printf '%s\n' "${missing[@]}" | grep -v '^$' || true))
if [ ${#missing[@]} -gt 0 ]; then
  echo "setup: installing ${missing[*]}" >&2
  sudo=""
  [ "$(id -u)" -eq 0 ] || sudo="sudo"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

# The library, and its licence and third-party notices (installed beside it).
if [ ! -f "$ORT_LIB" ] || [ ! -f "$ORT_DIR/lib/ThirdPartyNotices.txt" ]; then
  echo "setup: fetching ONNX Runtime $ORT_VERSION" >&2
  mkdir -p "$ORT_DIR/download" "$ORT_DIR/lib"
  if [ ! -f "$ORT_DIR/download/$ORT_WHEEL" ]; then
    python3 -m pip download --quiet --no-deps --only-binary=:all: \
      --python-version 3.11 --implementation cp --platform manylinux_2_28_x86_64 \
      -d "$ORT_DIR/download" "onnxruntime==$ORT_VERSION"
  fi
  echo "$ORT_WHEEL_SHA256  $ORT_DIR/download/$ORT_WHEEL" | sha256sum --check --quiet - || {
    echo "setup: $ORT_DIR/download/$ORT_WHEEL does not match its pinned sha256; delete it and retry" >&2
    exit 1
  }
  python3 - "$ORT_DIR/download/$ORT_WHEEL" "$ORT_DIR/lib" <<'PY'
import sys, zipfile, pathlib
wheel, out = sys.argv[1], pathlib.Path(sys.argv[2])
with zipfile.ZipFile(wheel) as z:
    for name in z.namelist():
        if name.startswith("onnxruntime/capi/libonnxruntime") or name in (
            "onnxruntime/LICENSE",
            "onnxruntime/ThirdPartyNotices.txt",
        ):
            target = out / pathlib.Path(name).name
            target.write_bytes(z.read(name))
PY
  ln -sf "libonnxruntime.so.$ORT_VERSION" "$ORT_DIR/lib/libonnxruntime.so"
  rm -rf "$ORT_DIR/download"
fi
