#!/usr/bin/env bash
# Puts axe-core (the accessibility engine the phone pages' test runs in
# headless Chromium) at target/axe-core-$VERSION/axe.min.js: the npm
# registry's tarball at a pinned version, checked against its published
# SHA-512 before anything is unpacked. No Node.js needed.
set -euo pipefail
cd "$(dirname "$0")/.."

VERSION=4.10.3
SHA512=5e6edba515e70d25f6604d9815f064d859c5d1ea7ab661bbc4f87c88779ef0c21cae0abbeb636471ef39e9d62d2582e4b88a1866f19f4ecfcf6d986275e4dc12
DEST="target/axe-core-$VERSION"

if [ -s "$DEST/axe.min.js" ]; then
  exit 0
fi
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
curl -fsSL --retry 3 -o "$work/axe.tgz" "https://registry.npmjs.org/axe-core/-/axe-core-$VERSION.tgz"
echo "$SHA512  $work/axe.tgz" | sha512sum -c --quiet -
tar -xzf "$work/axe.tgz" -C "$work" package/axe.min.js
mkdir -p "$DEST"
mv "$work/package/axe.min.js" "$DEST/axe.min.js"
echo "axe-core $VERSION in $DEST"
