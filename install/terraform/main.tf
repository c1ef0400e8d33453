# One host, pre-registered in aami before it boots: a group, the target under the host's UUID, a one-use
# bootstrap token scoped to the group, and the host's cloud-init user_data (install/cloud-init/agent.yaml).
# The provider reads AAMI_ADDRESS, AAMI_TOKEN and AAMI_CA_CERT_SHA256 (or the provider block below).
#
# The UUID is a variable here because hashicorp/random may not be reachable; where it is, use
#   resource "random_uuid" "agent_id" {}
# and random_uuid.agent_id.result in place of var.agent_uuid (the value must never change for the host's
# lifetime: a deleted target's id is retired by aami forever).

terraform {
  required_version = ">= 1.5"
  required_providers {
    aami = {
      source = "aami/aami"
    }
  }
}

provider "aami" {
  address = var.aami_address
}

data "aami_ca" "this" {}

resource "aami_group" "web" {
  name        = var.group_name
  description = "Web servers (Terraform)"
  labels = {
    managed_by = "terraform"
  }
}

resource "aami_target" "this" {
  id       = var.agent_uuid
  hostname = var.hostname
  group_id = aami_group.web.id
  labels = {
    role = "web"
  }
}

# One enrollment, one hour: the secret ends up in user_data, which the instance metadata service serves.
resource "aami_bootstrap_token" "this" {
  name        = "enroll ${var.hostname}"
  group_id    = aami_group.web.id
  max_uses    = 1
  ttl_seconds = 3600
}

locals {
  user_data = templatefile("${path.module}/../cloud-init/agent.yaml", {
    agent_uuid    = aami_target.this.id
    aami_server   = var.aami_server
    aami_ca_pin   = "sha256:${data.aami_ca.this.sha256}"
    aami_token    = aami_bootstrap_token.this.token
    aami_download = var.aami_download
  })
}
