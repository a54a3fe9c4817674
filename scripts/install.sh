#!/usr/bin/env bash
# A user install of the built program (no root): `make install` and
# `make uninstall` call this.
#
#   scripts/install.sh PREFIX               install into PREFIX (~/.local)
#   scripts/install.sh --uninstall PREFIX   remove exactly what was installed
#
# PREFIX/bin/posecoach; in PREFIX/share/posecoach/ the models, the
# exercises and routines; in PREFIX/lib/posecoach/ the ONNX Runtime library
# with its licence and third-party notices; a menu entry and its icon.
# Every file written is listed in PREFIX/share/posecoach/installed-files.txt,
# and uninstalling removes those and nothing else: the history and the
# recorded sessions (also in ~/.local/share/posecoach by default) are the
# person's, and stay.
#
# DESTDIR=STAGE puts the files under STAGE/PREFIX for a package (no list:
# the package manager keeps it).
set -euo pipefail
cd "$(dirname "$0")/.."

uninstall=false
if [ "${1:-}" = "--uninstall" ]; then
  uninstall=true
  shift
fi
prefix=${1:?usage: scripts/install.sh [--uninstall] PREFIX}
root=${DESTDIR:-}
share=$root$prefix/share/posecoach
lib=$root$prefix/lib/posecoach
manifest=$share/installed-files.txt

if $uninstall; then
  if [ ! -f "$manifest" ]; then
    echo "uninstall: nothing installed in $prefix (no $manifest)" >&2
    exit 1
  fi
  while IFS= read -r file; do
    rm -f -- "$file"
  done < "$manifest"
  rm -f -- "$manifest"
  # Folders the install made, if nothing else is in them now.
  for dir in "$lib" "$share/models" "$share/exercises/routines" "$share/exercises" "$share"; do
    rmdir --ignore-fail-on-non-empty -- "$dir" 2>/dev/null || true
  done
  echo "uninstall: removed posecoach from $prefix (your history and sessions were left)"
  exit 0
fi

[ -x target/release/posecoach ] || { echo "install: build first (make install does)" >&2; exit 1; }
[ -f .ort/lib/libonnxruntime.so ] || { echo "install: ONNX Runtime is missing (make install runs the set-up)" >&2; exit 1; }

installed=()
put() { # put MODE SOURCE TARGET
  install -D -m "$1" "$2" "$3"
  installed+=("$3")
}

put 755 target/release/posecoach "$root$prefix/bin/posecoach"
for model in models/*.onnx; do
  put 644 "$model" "$share/models/$(basename "$model")"
done
put 644 models/README.md "$share/models/README.md"
for file in exercises/*.toml exercises/README.md; do
  put 644 "$file" "$share/exercises/$(basename "$file")"
done
for file in exercises/routines/*.toml; do
  put 644 "$file" "$share/exercises/routines/$(basename "$file")"
done
# The library under its versioned name, as the wheel ships it.
put 644 "$(readlink -f .ort/lib/libonnxruntime.so)" "$lib/libonnxruntime.so"
put 644 .ort/lib/LICENSE "$lib/LICENSE-onnxruntime"
put 644 .ort/lib/ThirdPartyNotices.txt "$lib/ThirdPartyNotices-onnxruntime.txt"
put 644 scripts/desktop/posecoach.svg "$root$prefix/share/icons/hicolor/scalable/apps/posecoach.svg"
desktop=$root$prefix/share/applications/posecoach.desktop
mkdir -p "$(dirname "$desktop")"
sed "s|@BINDIR@|$prefix/bin|" scripts/desktop/posecoach.desktop.in > "$desktop"
chmod 644 "$desktop"
installed+=("$desktop")

if [ -n "$root" ]; then
  echo "install: staged in $root$prefix (${#installed[@]} files)"
  exit 0
fi
printf '%s\n' "${installed[@]}" > "$manifest"
echo "install: posecoach in $prefix/bin, its data in $share (${#installed[@]} files; make uninstall PREFIX=$prefix removes them)"
case ":$PATH:" in
  *":$prefix/bin:"*) ;;
  *) echo "install: $prefix/bin is not on your PATH: start it from the menu, or as $prefix/bin/posecoach" ;;
esac
