locals {
  cluster_name = "platform-main"
}

resource "aws_ecs_cluster" "main" {
  name = local.cluster_name

  configuration {
    execute_command_configuration {
      logging = "NONE"
    }
  }
}
