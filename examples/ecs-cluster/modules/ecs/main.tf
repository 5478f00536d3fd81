# A shared cluster module whose default turns ECS Exec logging off:
# ecs-exec-guard reports module.ecs.aws_ecs_cluster.this.

variable "name" {
  description = "Name of the ECS cluster."
  type        = string
}

resource "aws_ecs_cluster" "this" {
  name = var.name

  configuration {
    execute_command_configuration {
      logging = "NONE"
    }
  }

  tags = {
    module = "ecs"
  }
}

output "cluster_arn" {
  value = aws_ecs_cluster.this.arn
}
