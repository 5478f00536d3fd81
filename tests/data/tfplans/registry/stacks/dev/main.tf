# Another root module of the same repository: never the place of a prod cluster.
resource "aws_ecs_cluster" "this" {
  name = "dev"

  configuration {
    execute_command_configuration {
      logging = "NONE"
    }
  }
}
