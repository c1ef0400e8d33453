#!/bin/sh
# Builds aami-run, the check-run helper (agent/src/main/c/aami-run.c), with the host's C compiler. Run by
# Maven in the agent module's compile phase:
#   build-run-helper.sh SOURCE OUT
# Statically linked where the C library has a static archive (glibc's libc.a, Debian package libc6-dev),
# so no loader path or library search runs while it is root, and it needs nothing of the host it goes to
# but the kernel; dynamically linked otherwise. Without a C compiler it skips with a message (the agent
# then starts runs with setsid, sh, setpriv and env as before), unless AAMI_REQUIRE_TOOLS is set (CI):
# then it fails.
set -eu
src=$1 out=$2
cc=${CC:-cc}
if ! command -v "$cc" >/dev/null 2>&1; then
  if [ -n "${AAMI_REQUIRE_TOOLS:-}" ]; then
    echo "build-run-helper.sh: no C compiler ($cc) and AAMI_REQUIRE_TOOLS is set (apt-get install gcc / dnf install gcc)" >&2
    exit 1
  fi
  echo "build-run-helper.sh: SKIPPED aami-run, the one-exec check-run helper: no C compiler ($cc); check runs use setsid, sh, setpriv and env" >&2
  rm -f "$out"
  exit 0
fi
mkdir -p "$(dirname "$out")"
flags="-O2 -Wall -Wextra -Werror -Wshadow -Wconversion -D_FORTIFY_SOURCE=2 -fstack-protector-strong"
# shellcheck disable=SC2086
if ! "$cc" -static $flags -o "$out.tmp" "$src" 2>/dev/null; then
  echo "build-run-helper.sh: no static C library: aami-run is linked dynamically" >&2
  "$cc" $flags -o "$out.tmp" "$src"
fi
chmod 0755 "$out.tmp"
mv -f "$out.tmp" "$out"
