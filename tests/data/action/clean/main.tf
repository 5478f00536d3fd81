resource "aws_ecs_cluster" "web" {
  name = "web"
  configuration {
    execute_command_configuration {
      logging = "OVERRIDE"
      log_configuration {
        cloud_watch_log_group_name = "/ecs/exec/web"
      }
    }
  }
}

resource "aws_ecs_cluster" "plain" {
  name = "plain"
}
