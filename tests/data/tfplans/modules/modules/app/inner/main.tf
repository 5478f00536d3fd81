variable "name" {
  type = string
}

variable "execute_command" {
  type = object({ logging = string })
}

resource "aws_ecs_cluster" "worker" {
  name = var.name

  dynamic "configuration" {
    for_each = [var.execute_command]
    content {
      execute_command_configuration {
        logging = configuration.value.logging
      }
    }
  }
}

resource "aws_ecs_cluster" "sidecar" {
  name = "${var.name}-sidecar"

  configuration {
    execute_command_configuration {
      logging = "NONE"
    }
  }
}
