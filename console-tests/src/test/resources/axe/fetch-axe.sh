#!/usr/bin/env bash
# Re-fetches axe-core from the npm registry into this directory, refusing a tarball whose SHA-512 is not the
# registry's published integrity (`npm view axe-core@VERSION dist.integrity`).
set -euo pipefail
version="${1:-4.14.1}"
integrity="${2:-sha512-FHfa+lmNjQZfJz1q8wKqIDwC6DExcHt/pkjNQb09a3NPjCKg2rhu5qb2S4r76ASyFNNtuFooJpZe37OgudVGtQ==}"
here="$(cd "$(dirname "$0")" && pwd)"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
curl -sSfL -o "$work/axe.tgz" "https://registry.npmjs.org/axe-core/-/axe-core-$version.tgz"
actual="sha512-$(openssl dgst -sha512 -binary "$work/axe.tgz" | base64 -w0)"
if [ "$actual" != "$integrity" ]; then
  echo "integrity mismatch: expected $integrity, got $actual" >&2
  exit 1
fi
tar -xzf "$work/axe.tgz" -C "$work" package/axe.min.js package/LICENSE package/LICENSE-3RD-PARTY.txt
cp "$work/package/axe.min.js" "$work/package/LICENSE" "$work/package/LICENSE-3RD-PARTY.txt" "$here/"
echo "axe-core $version verified ($integrity) and copied to $here"
