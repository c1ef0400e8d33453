#!/bin/sh
# The aami-agent .deb's architecture, around jdeb. Run by Maven in the install module:
#   stage-agent-deb.sh control RUN_HELPER CONTROL_DIR WORK_DIR   (prepare-package, before jdeb)
#   stage-agent-deb.sh name WORK_DIR OUT_DIR                      (package, after jdeb)
# RUN_HELPER: aami-run as the agent module built it (agent/target/native/aami-run), absent when that build had
# no C compiler. The packages ship it at /usr/libexec/aami/aami-run when it is there: a native binary of this
# build host, so the .deb is then of this host's architecture (build-rpm.sh does the same for the .rpm) and
# installs only where aami-run runs. Without it the package stays "all" and the agent starts check runs with
# setsid, sh, setpriv and env.
# "control" copies CONTROL_DIR (install/src/deb/agent, Architecture: all) to WORK_DIR/control with that
# architecture, for jdeb, which writes WORK_DIR/aami-agent_VERSION.deb (its [[variables]] come from Maven
# properties, which no plugin of this build can set from a script). "name" moves that file to
# OUT_DIR/aami-agent_VERSION_ARCH.deb, the Debian name, and removes one of another architecture left there
# by an earlier build.
set -eu

deb_arch() { # this host's architecture in dpkg's words
  if command -v dpkg >/dev/null 2>&1; then
    dpkg --print-architecture
    return
  fi
  # A build host without dpkg (RHEL family) names the .deb as Debian would.
  case $(uname -m) in
    x86_64) echo amd64 ;;
    aarch64) echo arm64 ;;
    *)
      echo "stage-agent-deb.sh: no Debian architecture known for $(uname -m), and no dpkg to ask" >&2
      return 1
      ;;
  esac
}

case ${1:-} in
  control)
    helper=$2 control_dir=$3 work=$4
    if [ -f "$helper" ]; then
      arch=$(deb_arch)
      echo "stage-agent-deb.sh: aami-agent .deb for $arch, with aami-run"
    else
      arch=all
      echo "stage-agent-deb.sh: aami-agent .deb for all, without aami-run: $helper was not built (no C compiler)"
    fi
    rm -rf "$work"
    mkdir -p "$work/control"
    # -p: the maintainer scripts keep their modes (executable) and bytes.
    cp -p "$control_dir"/* "$work/control/"
    grep -q '^Architecture: all$' "$work/control/control" || {
      echo "stage-agent-deb.sh: $control_dir/control has no 'Architecture: all' line to set" >&2
      exit 1
    }
    sed "s/^Architecture: all\$/Architecture: $arch/" "$control_dir/control" >"$work/control/control"
    echo "$arch" >"$work/arch"
    ;;
  name)
    work=$2 out=$3
    arch=$(cat "$work/arch")
    set -- "$work"/aami-agent_*.deb
    [ $# = 1 ] && [ -f "$1" ] || {
      echo "stage-agent-deb.sh: expected one aami-agent_VERSION.deb from jdeb in $work" >&2
      exit 1
    }
    base=${1##*/}
    rm -f "$out"/aami-agent_*_*.deb
    mv -f "$1" "$out/${base%.deb}_$arch.deb"
    ;;
  *)
    echo "usage: stage-agent-deb.sh control RUN_HELPER CONTROL_DIR WORK_DIR | name WORK_DIR OUT_DIR" >&2
    exit 2
    ;;
esac
