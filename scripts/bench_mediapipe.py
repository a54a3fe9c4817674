"""Time MediaPipe Pose (0.10.21, legacy solution API) on a clip, for a
side-by-side comparison with `posecoach bench`.

    python3 -m venv /tmp/mp && /tmp/mp/bin/pip install mediapipe==0.10.21 opencv-python-headless
    models/convert.sh     # fetches the npm package into target/model-conversion/package
    cp target/model-conversion/package/pose_landmark_{lite,full}.tflite \
       /tmp/mp/lib/python3.11/site-packages/mediapipe/modules/pose_landmark/
    /tmp/mp/bin/python scripts/bench_mediapipe.py fixtures/videos/sports2d/demo.mp4

(MediaPipe's legacy API downloads the landmark models on first use; offline,
they must be put in place from the same npm package our models come from.)

Prints, per model, milliseconds per tracked frame (median and p95) with the
same settings as the reference landmarks: video mode, no smoothing, no
segmentation. Frames are decoded before timing; only `process` is timed.
Not run by CI.
"""

import statistics
import sys
import time

import cv2
import mediapipe as mp


def frames(path):
    capture = cv2.VideoCapture(path)
    while True:
        ok, frame = capture.read()
        if not ok:
            return
        yield cv2.cvtColor(frame, cv2.COLOR_BGR2RGB)


def main():
    path = sys.argv[1]
    images = list(frames(path))
    print(f"MediaPipe {mp.__version__}: {path}, {len(images)} frames, ms per frame")
    for complexity, name in [(0, "lite"), (1, "full")]:
        times = []
        with mp.solutions.pose.Pose(
            static_image_mode=False,
            model_complexity=complexity,
            smooth_landmarks=False,
            enable_segmentation=False,
        ) as pose:
            for image in images:
                start = time.perf_counter()
                pose.process(image)
                times.append((time.perf_counter() - start) * 1000.0)
        times.sort()
        p95 = times[round((len(times) - 1) * 0.95)]
        print(f"{name:<6} tracking  median {statistics.median(times):6.1f}  p95 {p95:6.1f}")


if __name__ == "__main__":
    main()
