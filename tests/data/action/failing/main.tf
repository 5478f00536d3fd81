resource "aws_ecs_cluster" "api" {
  name = "api"

  configuration {
    execute_command_configuration {
      logging = "DEFAULT"
    }
  }
}

resource "aws_ecs_cluster" "jobs" {
  name = "jobs"
  configuration {
    execute_command_configuration {
      kms_key_id = "alias/exec"
      logging    = "NONE"
    }
  }
}

module "platform" {
  source = "./modules/cluster"
}
