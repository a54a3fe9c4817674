"""Time MediaPipe Pose (0.10.21, legacy solution API) for a side-by-side
comparison with posecoach, with the same settings as the reference
landmarks: video mode, no smoothing, no segmentation.

Set up once (MediaPipe's legacy API downloads its landmark models on first
use; offline they come from the same npm package as posecoach's models):

    python3 -m venv /tmp/mp && /tmp/mp/bin/pip install mediapipe==0.10.21 opencv-python-headless
    models/convert.sh     # fetches the npm package into target/model-conversion/package

Then `posecoach bench --mediapipe /tmp/mp/bin/python` runs this script with
`--serve lite|full --tflite-dir target/model-conversion/package`: it copies
a missing landmark model from that folder, says "ready", then for each
frame it is sent (a line "WIDTH HEIGHT", then the RGB bytes) times
`process` alone and answers "MILLISECONDS FOUND". posecoach interleaves
these with its own frames, on the same decoded frames.

    /tmp/mp/bin/python scripts/bench_mediapipe.py CLIP

times MediaPipe alone on a clip (decoded with OpenCV before timing).
Not run by CI.
"""

import shutil
import statistics
import sys
import time
from pathlib import Path

import mediapipe as mp
import numpy as np

COMPLEXITY = {"lite": 0, "full": 1}


def pose(variant):
    return mp.solutions.pose.Pose(
        static_image_mode=False,
        model_complexity=COMPLEXITY[variant],
        smooth_landmarks=False,
        enable_segmentation=False,
    )


def ensure_model(variant, tflite_dir):
    """MediaPipe looks for its landmark model inside its own package."""
    name = f"pose_landmark_{variant}.tflite"
    target = Path(mp.__file__).parent / "modules" / "pose_landmark" / name
    if target.exists():
        return
    source = Path(tflite_dir) / name if tflite_dir else None
    if source is None or not source.exists():
        sys.exit(
            f"error: {target} is missing and MediaPipe cannot download it offline; "
            "run models/convert.sh in the posecoach checkout (it fetches the npm package "
            "into target/model-conversion/package) and try again"
        )
    shutil.copy(source, target)
    print(f"copied {source} to {target}", file=sys.stderr)


def serve(variant, tflite_dir):
    ensure_model(variant, tflite_dir)
    stdin, stdout = sys.stdin.buffer, sys.stdout
    with pose(variant) as p:
        print(f"ready {mp.__version__}", file=stdout, flush=True)
        while True:
            header = stdin.readline()
            if not header:
                return
            width, height = (int(v) for v in header.split())
            data = stdin.read(width * height * 3)
            image = np.frombuffer(data, np.uint8).reshape(height, width, 3)
            start = time.perf_counter()
            result = p.process(image)
            ms = (time.perf_counter() - start) * 1000.0
            found = int(result.pose_landmarks is not None)
            print(f"{ms:.4f} {found}", file=stdout, flush=True)


def frames(path):
    import cv2

    capture = cv2.VideoCapture(path)
    while True:
        ok, frame = capture.read()
        if not ok:
            return
        yield cv2.cvtColor(frame, cv2.COLOR_BGR2RGB)


def alone(path):
    images = list(frames(path))
    print(f"MediaPipe {mp.__version__}: {path}, {len(images)} frames, ms per frame")
    for variant in COMPLEXITY:
        ensure_model(variant, None)
        times = []
        with pose(variant) as p:
            for image in images:
                start = time.perf_counter()
                p.process(image)
                times.append((time.perf_counter() - start) * 1000.0)
        times.sort()
        p95 = times[round((len(times) - 1) * 0.95)]
        print(f"{variant:<6} tracking  median {statistics.median(times):6.1f}  p95 {p95:6.1f}")


def main():
    args = sys.argv[1:]
    if args[:1] == ["--serve"] and len(args) >= 2:
        tflite_dir = args[3] if args[2:3] == ["--tflite-dir"] and len(args) >= 4 else None
        serve(args[1], tflite_dir)
    elif len(args) == 1:
        alone(args[0])
    else:
        sys.exit("usage: bench_mediapipe.py CLIP | --serve lite|full [--tflite-dir DIR]")


if __name__ == "__main__":
    main()
