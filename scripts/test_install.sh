#!/usr/bin/env bash
# The user install as a newcomer meets it: `make install` into a scratch
# prefix, then, from another folder and with a fresh home, the installed
# program runs (its version, the exercises, the headless demonstration, the
# pose model on a photo) without opening one file of the checkout (strace
# watches every path it opens); `make uninstall` then removes all of it
# and leaves the person's history. Then the Debian package (`make deb`),
# unpacked into a scratch root (not installed on this machine), runs the
# same way. `make test-install` runs this; so does CI.
set -euo pipefail
cd "$(dirname "$0")/.."
checkout=$(pwd -P)

scratch=$(mktemp -d /tmp/posecoach-install-XXXXXX)
trap 'rm -rf "$scratch"' EXIT
prefix=$scratch/prefix
work=$scratch/work
mkdir -p "$work/home"
cp fixtures/photos/messi5.jpg "$work/photo.jpg"
cp fixtures/sessions/model-wall-slide.posecoach "$work/session.posecoach"

make --no-print-directory install PREFIX="$prefix" >/dev/null

fail() { echo "test-install: $*" >&2; exit 1; }
# The installed program, from the work folder, nothing of the checkout in
# its environment, every file it opens traced. The data folder is the
# installed share folder itself, as it is for ~/.local.
installed() {
  local name=$1
  shift
  (cd "$work" && env -i PATH="$prefix/bin:/usr/bin:/bin" HOME="$work/home" \
    XDG_DATA_HOME="$prefix/share" \
    strace -f -qq -e trace=%file -o "$work/$name.trace" posecoach "$@") \
    > "$work/$name.out" 2> "$work/$name.err" || fail "posecoach $*: $(tail -3 "$work/$name.err")"
  if grep -F "\"$checkout" "$work/$name.trace" | grep -v ENOENT | head -3 | grep -q .; then
    fail "posecoach $* opened files of the checkout: $(grep -F "\"$checkout" "$work/$name.trace" | head -3)"
  fi
}

installed version --version
grep -q "^posecoach " "$work/version.out" || fail "--version: $(cat "$work/version.out")"
installed exercises exercises
[ "$(grep -c "^  [a-z-]* " "$work/exercises.out")" -ge 13 ] || fail "exercises: $(cat "$work/exercises.out")"
installed demo run --source demo --routine prevention --no-save --no-window
grep -q "wall-slide: 5 repetitions" "$work/demo.out" || fail "demo: $(tail -5 "$work/demo.out")"
installed pose pose photo.jpg
grep -q "nose" "$work/pose.out" || fail "pose: $(head -5 "$work/pose.out")"
# The person's own: a session in the history, in the same share folder.
installed history history add session.posecoach
[ -f "$prefix/share/posecoach/history.sqlite" ] || fail "no history made"

make --no-print-directory uninstall PREFIX="$prefix" >/dev/null
left=$(cd "$prefix" && find . -type f | sort)
[ "$left" = "./share/posecoach/history.sqlite" ] || fail "after uninstall, left: $left"
echo "test-install: installed, ran from $work (no file of the checkout opened), uninstalled; the history stayed"

# The package: its files unpacked as dpkg would put them, under a scratch
# root, and the program run from there.
make --no-print-directory deb > "$work/deb.out"
deb=$(sed -n 's/^deb: \(posecoach_.*\.deb\) .*/\1/p' "$work/deb.out")
[ -f "$deb" ] || fail "make deb made no package: $(head -3 "$work/deb.out")"
for wanted in usr/bin/posecoach usr/lib/posecoach/libonnxruntime.so usr/lib/posecoach/ThirdPartyNotices-onnxruntime.txt \
  usr/share/posecoach/models/pose_detection.onnx usr/share/posecoach/exercises/routines/prevention.toml \
  usr/share/man/man1/posecoach.1.gz usr/share/bash-completion/completions/posecoach \
  usr/share/applications/posecoach.desktop usr/share/doc/posecoach/copyright; do
  grep -q " \./$wanted\$" "$work/deb.out" || fail "the package lacks $wanted"
done
dpkg-deb --field "$deb" Depends | grep -q ffmpeg || fail "the package does not depend on ffmpeg"
dpkg-deb -x "$deb" "$scratch/root"
prefix=$scratch/root/usr
rm -f "$deb"
installed deb-version --version
installed deb-demo run --source demo --routine prevention --no-save --no-window
grep -q "wall-slide: 5 repetitions" "$work/deb-demo.out" || fail "deb demo: $(tail -5 "$work/deb-demo.out")"
installed deb-pose pose photo.jpg
grep -q "nose" "$work/deb-pose.out" || fail "deb pose: $(head -5 "$work/deb-pose.out")"
echo "test-install: the Debian package's files run from $work the same way"
