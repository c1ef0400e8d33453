#!/bin/sh
# Lays out the provider as the aami-terraform-provider packages install it:
#   OUT/opt/aami/terraform-provider/          the launcher and the jar (terraform-provider/target/provider/);
#                                             the package's postinst trains the class-data archive there
#   OUT/usr/share/terraform/plugins/registry.terraform.io/aami/aami/<provider version>/linux_{amd64,arm64}/
#                                             terraform-provider-aami: a script that execs the launcher, alone in
#                                             Terraform's implied local mirror, which `terraform init` searches with
#                                             no CLI configuration ($XDG_DATA_DIRS/terraform/plugins, /usr/share by
#                                             default; see terraform-provider-aami-mirror for why it is alone)
# Run by Maven in the install module's prepare-package phase:
#   stage-terraform-provider.sh PROJECT_VERSION PROVIDER_DIR DIST_DIR OUT
set -eu
version=$1 provider=$2 dist=$3 out=$4

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
home="$out/opt/aami/terraform-provider"
rm -rf "$out"
mkdir -p "$home"
cp "$provider/terraform-provider-aami" "$provider/terraform-provider-aami.jar" "$home/"
chmod 0755 "$home/terraform-provider-aami"
# The provider is a JVM jar and a shell launcher: the same files serve every Linux platform the packages install on.
for platform in linux_amd64 linux_arm64; do
  mirror="$out/usr/share/terraform/plugins/registry.terraform.io/aami/aami/$tf_version/$platform"
  mkdir -p "$mirror"
  cp "$dist/terraform-provider-aami-mirror" "$mirror/terraform-provider-aami"
  chmod 0755 "$mirror/terraform-provider-aami"
done
chmod 0644 "$home/terraform-provider-aami.jar"
