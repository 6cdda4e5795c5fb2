variable "name" {
  type        = string
  description = "Name of the load balancer and its target group (the book uses \"example\")."
  default     = "example"

  validation {
    condition     = can(regex("^[A-Za-z0-9]([A-Za-z0-9-]{0,30}[A-Za-z0-9])?$", var.name))
    error_message = "A load balancer name is 1 to 32 letters, digits or hyphens, not starting or ending with a hyphen."
  }
}

variable "availability_zones" {
  type        = list(string)
  description = "The two availability zones of the subnets; empty (the default) picks the region's first two."
  default     = []

  validation {
    condition     = length(var.availability_zones) == 0 || length(var.availability_zones) == 2
    error_message = "Give exactly two availability zones, or none to use the region's first two."
  }
}
