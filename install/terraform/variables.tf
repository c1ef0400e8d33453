variable "aami_address" {
  description = "The config-server's admin API base URL (null: AAMI_ADDRESS)."
  type        = string
  default     = null
}

variable "aami_server" {
  description = "The config-server as agents reach it, HOST:PORT."
  type        = string
  default     = "config.example.com:8443"
}

variable "aami_download" {
  description = "HTTPS base URL serving install-agent.sh and aami-agent.jar."
  type        = string
  default     = "https://downloads.example.com/aami/0.1.0"
}

variable "agent_uuid" {
  description = "The host's aami id (random_uuid where hashicorp/random is reachable); never reuse a deleted one."
  type        = string
}

variable "hostname" {
  description = "The hostname aami shows for the host."
  type        = string
  default     = "web-0"
}

variable "group_name" {
  description = "The aami group of the host."
  type        = string
  default     = "web"
}
