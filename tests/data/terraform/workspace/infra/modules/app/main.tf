variable "name" {
  type    = string
  default = "app"
}

resource "aws_ecs_cluster" "app" {
  name = var.name

  configuration {
    execute_command_configuration {
      logging = "NONE"
    }
  }
}

module "inner" {
  source = "./inner"
  count  = 2
}
