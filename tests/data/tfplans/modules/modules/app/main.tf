variable "name" {
  type = string
}

variable "exec_logging" {
  type = string
}

resource "aws_ecs_cluster" "this" {
  name = var.name

  configuration {
    execute_command_configuration {
      logging = var.exec_logging
    }
  }
}

module "inner" {
  source = "./inner"

  name = "${var.name}-inner"
  execute_command = {
    logging = var.exec_logging == "OVERRIDE" ? "NONE" : "DEFAULT"
  }
}
