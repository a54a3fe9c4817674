#!/bin/sh
# Makes the README's pictures: runs the window tests (each under its own
# Xvfb) with POSECOACH_SCREENSHOTS set, and the tests keep the shots they
# check as docs/screenshots/NAME.png. What the pictures show is what the
# tests assert. Run from anywhere: scripts/screenshots.sh
set -eu
cd "$(dirname "$0")/.."
scripts/setup.sh --test
out="$(pwd)/docs/screenshots"
mkdir -p "$out"
POSECOACH_SCREENSHOTS="$out" cargo test --release --test window -- --test-threads 1
ls -1 "$out"
