#!/bin/sh
# Lays out the provider (launcher and jar from terraform-provider/target/provider/) as the aami-terraform-provider
# packages install it: an unpacked provider in Terraform's implied local mirror directory, which `terraform init`
# searches with no CLI configuration ($XDG_DATA_DIRS/terraform/plugins, /usr/share by default):
#   OUT/usr/share/terraform/plugins/registry.terraform.io/aami/aami/<provider version>/linux_amd64/
# No class-data archive: it is made for the host's JDK by the package's postinst. Run by Maven in the install
# module's prepare-package phase:
#   stage-terraform-provider.sh PROJECT_VERSION PROVIDER_DIR OUT
set -eu
version=$1 provider=$2 out=$3

for f in terraform-provider-aami terraform-provider-aami.jar; do
  if [ ! -f "$provider/$f" ]; then
    echo "stage-terraform-provider.sh: $provider/$f missing: build the terraform-provider module first (mvn -B install -DskipTests)" >&2
    exit 1
  fi
done
# Terraform selects a pre-release (0.1.0-SNAPSHOT) only under an exact version constraint, and a configuration
# without one must find the package's provider: the Maven qualifier becomes semver build metadata instead
# (0.1.0-SNAPSHOT -> 0.1.0+SNAPSHOT, matched by no constraint, ">= 0.1" or "~> 0.1"); a release 0.1.0 stays 0.1.0.
tf_version=$(printf '%s' "$version" | sed 's/-/+/')
dir="$out/usr/share/terraform/plugins/registry.terraform.io/aami/aami/$tf_version/linux_amd64"
rm -rf "$out"
mkdir -p "$dir"
cp "$provider/terraform-provider-aami" "$provider/terraform-provider-aami.jar" "$dir/"
chmod 0755 "$dir/terraform-provider-aami"
chmod 0644 "$dir/terraform-provider-aami.jar"
