output "user_data" {
  description = "The host's cloud-init (give it to the instance's user_data); holds the bootstrap token."
  value       = local.user_data
  sensitive   = true
}

output "target_status" {
  description = "pending until the agent enrolls, then online."
  value       = aami_target.this.status
}
