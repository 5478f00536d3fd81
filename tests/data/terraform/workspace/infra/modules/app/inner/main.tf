resource "aws_ecs_cluster" "deep" {
  count = 2
  name  = "deep-${count.index}"

  setting {
    name  = "containerInsights"
    value = "enabled"
  }

  configuration {
    execute_command_configuration {
      logging = "DEFAULT"
    }
  }
}
