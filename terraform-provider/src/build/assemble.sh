#!/bin/sh
# Lays out target/provider/ (the launcher, the jar, the class-data archive): the directory a dev_overrides
# entry or a filesystem mirror's package points at. Called by the build at package, after the shade.
set -eu
target=$1
out="$target/provider"
rm -rf "$out"
mkdir -p "$out"
cp "$target/../src/main/dist/terraform-provider-aami" "$out/"
cp "$target/terraform-provider-aami.jar" "$out/"
chmod 755 "$out/terraform-provider-aami"
"$out/terraform-provider-aami" --train >&2
