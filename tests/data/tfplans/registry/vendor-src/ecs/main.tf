# A small module of this project's own, installed by generate.py under
# .terraform/modules as if it came from a registry.
variable "cluster_name" {
  type = string
}

variable "exec_logging" {
  type    = string
  default = "DEFAULT"
}

resource "aws_ecs_cluster" "this" {
  count = 1
  name  = var.cluster_name

  configuration {
    execute_command_configuration {
      logging = var.exec_logging
    }
  }
}
