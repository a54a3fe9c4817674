#!/usr/bin/env bash
# `make deb`: posecoach_VERSION_amd64.deb with plain dpkg-deb, from the
# release build. The same files as `make install` under /usr, plus the
# manual page and shell completions (made from the argument definitions
# by `posecoach package-files`), the copyright file, and what the program
# needs from Debian: ffmpeg, ALSA and X11 (espeak-ng recommended, for the
# spoken cues). Prints the package's information and file list.
set -euo pipefail
cd "$(dirname "$0")/.."

version=$(sed -n 's/^version = "\(.*\)"/\1/p' Cargo.toml | head -1)
deb=posecoach_${version}_amd64.deb
stage=$(mktemp -d /tmp/posecoach-deb-XXXXXX)
chmod 755 "$stage"
trap 'rm -rf "$stage"' EXIT

DESTDIR=$stage scripts/install.sh /usr >/dev/null
# Line tables are for developers' backtraces; the package ships it stripped.
strip --strip-debug "$stage/usr/bin/posecoach"

generated=$stage/generated
target/release/posecoach package-files "$generated"
install -D -m 644 /dev/stdin "$stage/usr/share/man/man1/posecoach.1.gz" < <(gzip -9n < "$generated/posecoach.1")
install -D -m 644 "$generated/posecoach.bash" "$stage/usr/share/bash-completion/completions/posecoach"
install -D -m 644 "$generated/_posecoach" "$stage/usr/share/zsh/vendor-completions/_posecoach"
install -D -m 644 "$generated/posecoach.fish" "$stage/usr/share/fish/vendor_completions.d/posecoach.fish"
rm -rf "$generated"

doc=$stage/usr/share/doc/posecoach
install -d "$doc"
cat > "$doc/copyright" <<COPYRIGHT
Format: https://www.debian.org/doc/packaging-manuals/copyright-format/1.0/
Upstream-Name: posecoach

Files: *
Copyright: the posecoach authors
License: Apache-2.0
 On Debian systems the full text of the Apache License 2.0 is in
 /usr/share/common-licenses/Apache-2.0.

Files: usr/share/posecoach/models/*
Copyright: Google LLC (MediaPipe BlazePose, converted to ONNX)
License: Apache-2.0
 See usr/share/posecoach/models/README.md for their source and conversion.

Files: usr/lib/posecoach/libonnxruntime.so
Copyright: Microsoft Corporation (ONNX Runtime ${ORT_VERSION:-1.31.1})
License: MIT
 The licence is usr/lib/posecoach/LICENSE-onnxruntime and the third-party
 notices usr/lib/posecoach/ThirdPartyNotices-onnxruntime.txt.
COPYRIGHT
chmod 644 "$doc/copyright"

installed_kb=$(du -sk --exclude=DEBIAN "$stage/usr" | cut -f1)
install -d "$stage/DEBIAN"
cat > "$stage/DEBIAN/control" <<CONTROL
Package: posecoach
Version: $version
Section: misc
Priority: optional
Architecture: amd64
Maintainer: posecoach developers <posecoach@localhost>
Installed-Size: $installed_kb
Depends: libc6 (>= 2.34), libgcc-s1, libasound2, libx11-6, libxcursor1, ffmpeg
Recommends: espeak-ng
Description: offline webcam coach for back-pain relief exercises
 posecoach watches you do the exercises of a back-pain relief guide in
 front of a webcam: it shows how each is done, counts repetitions, times
 holds, says what to correct and when to stop. It runs offline: no
 account, no upload, no network.
CONTROL

dpkg-deb --root-owner-group -Zgzip --build "$stage" "$deb" >/dev/null
echo "deb: $deb ($(du -h "$deb" | cut -f1))"
dpkg-deb --info "$deb"
dpkg-deb --contents "$deb"
if command -v lintian >/dev/null 2>&1; then
  lintian --no-tag-display-limit "$deb" || true
else
  echo "deb: lintian is not installed (apt install lintian to check the package)"
fi
