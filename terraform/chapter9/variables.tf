# The task size of listing 9.2 (cpu = "256", memory = "512"), as variables so that the
# lab's task-size picker can change them; their defaults are the book's values.
# The valid pairs live in fargate_sizes.tf, generated from src/ecslab/fargate.py.

variable "task_cpu" {
  type        = string
  description = "CPU units of each task (256 = 0.25 vCPU)."
  default     = "256"

  validation {
    condition     = contains(keys(local.fargate_sizes), var.task_cpu)
    error_message = "Fargate offers these cpu values: ${join(", ", keys(local.fargate_sizes))} (in CPU units, e.g. \"256\")."
  }
}

variable "task_memory" {
  type        = string
  description = "Memory of each task in MiB; which values are allowed depends on task_cpu."
  default     = "512"

  validation {
    condition     = contains(lookup(local.fargate_sizes, var.task_cpu, []), var.task_memory)
    error_message = "With cpu ${var.task_cpu}, Fargate offers memory ${join(", ", lookup(local.fargate_sizes, var.task_cpu, []))} (in MiB, e.g. \"512\")."
  }
}
