#!/bin/sh
# Builds the aami-agent, aami-config-server and aami-terraform-provider rpms with rpmbuild (Debian/Ubuntu:
# apt-get install rpm; RHEL family: dnf install rpm-build). Run by Maven in the install module's package phase:
#   build-rpm.sh PROJECT_VERSION DIST_DIR AGENT_JAR SERVER_JAR OUT_DIR PROVIDER_ROOT [RUN_HELPER]
# PROVIDER_ROOT: the provider as stage-terraform-provider.sh laid it out (its version directory names the
# provider's version). RUN_HELPER: aami-run as the agent module built it, absent when it had no C compiler.
# When it is there the aami-agent rpm holds it as /usr/libexec/aami/aami-run and, as a native binary of this
# host, is of this host's architecture (uname -m; stage-agent-deb.sh does the same for the .deb); else noarch.
# Without rpmbuild it skips with a message, unless AAMI_REQUIRE_TOOLS is set (CI): then it fails.
set -eu
version=$1 dist=$2 agent_jar=$3 server_jar=$4 out=$5 provider_root=$6 run_helper=${7:-}
spec_dir=$(cd "$(dirname "$0")" && pwd)

if ! command -v rpmbuild >/dev/null 2>&1; then
  if [ -n "${AAMI_REQUIRE_TOOLS:-}" ]; then
    echo "build-rpm.sh: rpmbuild not found and AAMI_REQUIRE_TOOLS is set (apt-get install rpm / dnf install rpm-build)" >&2
    exit 1
  fi
  echo "build-rpm.sh: SKIPPED the .rpm packages: rpmbuild not found (apt-get install rpm / dnf install rpm-build)" >&2
  exit 0
fi

# 0.1.0-SNAPSHOT -> Version 0.1.0~SNAPSHOT (a tilde sorts before 0.1.0, as in the .deb), Release 1.
rpm_version=$(printf '%s' "$version" | tr '-' '~')
tf_version=$(ls "$provider_root/usr/share/terraform/plugins/registry.terraform.io/aami/aami")
top="$out/rpmbuild"
rm -rf "$top"
mkdir -p "$top"
for name in aami-agent aami-config-server aami-terraform-provider; do
  arch=noarch helper=""
  if [ "$name" = aami-agent ] && [ -n "$run_helper" ] && [ -f "$run_helper" ]; then
    arch=$(uname -m) helper=$run_helper
  fi
  # One of another architecture from an earlier build would be a second aami-agent rpm beside this one.
  rm -f "$out/$name"-*.rpm
  # gzip payload and no post-install processing: installable by rpm 4.11 (RHEL 7) and later, and the
  # jar and scripts go in byte for byte.
  rpmbuild -bb --quiet \
    --define "_topdir $top" \
    --define "_rpmdir $out" \
    --define "_build_name_fmt %%{NAME}-%%{VERSION}-%%{RELEASE}.%%{ARCH}.rpm" \
    --define "_binary_payload w9.gzdio" \
    --define "__os_install_post %{nil}" \
    --define "_build_id_links none" \
    --define "debug_package %{nil}" \
    --define "aami_version $rpm_version" \
    --define "aami_release 1" \
    --define "aami_dist $dist" \
    --define "aami_agent_jar $agent_jar" \
    --define "aami_server_jar $server_jar" \
    --define "aami_tf_version $tf_version" \
    --define "aami_provider_root $provider_root" \
    --define "aami_arch $arch" \
    ${helper:+--define "aami_run_helper $helper"} \
    "$spec_dir/$name.spec"
done
rm -rf "$top"
ls -l "$out"/aami-agent-*.rpm "$out"/aami-config-server-*.rpm "$out"/aami-terraform-provider-*.rpm
