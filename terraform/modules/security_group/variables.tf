variable "name" {
  type        = string
  description = "Name of the security group (unique within the VPC)."

  validation {
    condition     = length(var.name) > 0 && length(var.name) <= 255
    error_message = "The security group name must be 1 to 255 characters long."
  }
}

variable "vpc_id" {
  type        = string
  description = "ID of the VPC the security group belongs to."
}

variable "port" {
  type        = number
  description = "The TCP port to allow in from cidr_blocks (e.g. 80 for HTTP)."

  validation {
    condition     = var.port >= 0 && var.port <= 65535 && floor(var.port) == var.port
    error_message = "The port must be a whole number from 0 to 65535."
  }
}

variable "cidr_blocks" {
  type        = list(string)
  description = "The IPv4 CIDR blocks allowed in on port (e.g. [\"0.0.0.0/0\"])."

  validation {
    condition     = alltrue([for cidr in var.cidr_blocks : can(cidrnetmask(cidr))])
    error_message = "Each entry of cidr_blocks must be an IPv4 CIDR block such as \"10.0.0.0/16\"."
  }
}
