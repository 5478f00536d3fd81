resource "aws_ecs_cluster" "this" {
  name = "platform"

  configuration {
    execute_command_configuration {
      logging = "NONE"
    }
  }
}
