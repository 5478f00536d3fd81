variable "region" {
  type = string
}

resource "aws_ecs_cluster" "regional" {
  for_each = toset(["blue", "green"])
  name     = "${var.region}-${each.key}"

  configuration {
    execute_command_configuration {
      logging = each.key == "blue" ? "NONE" : "DEFAULT"
    }
  }
}
