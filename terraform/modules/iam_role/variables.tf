variable "name" {
  type        = string
  description = "Name of the IAM role and of its policy."

  validation {
    condition     = can(regex("^[\\w+=,.@-]{1,64}$", var.name))
    error_message = "An IAM role name is 1 to 64 letters, digits or the characters +=,.@_-"
  }
}

variable "policy" {
  type        = string
  description = "The role's permissions: a JSON policy document (e.g. from aws_iam_policy_document)."

  validation {
    condition     = can(jsondecode(var.policy))
    error_message = "The policy must be a JSON policy document; use data.aws_iam_policy_document.<name>.json."
  }
}

variable "identifier" {
  type        = string
  description = "The AWS service that may assume the role, e.g. \"ecs-tasks.amazonaws.com\"."

  validation {
    condition     = can(regex("^[a-z0-9.-]+\\.amazonaws\\.com$", var.identifier))
    error_message = "The identifier is a service principal such as \"ecs-tasks.amazonaws.com\"."
  }
}
