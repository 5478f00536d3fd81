resource "aws_cloudwatch_log_group" "exec" {
  name = "ecs-exec"
}

resource "aws_ecs_cluster" "default" {
  name = "default-logging"

  configuration {
    execute_command_configuration {
      logging = "DEFAULT"
    }
  }
}

resource "aws_ecs_cluster" "override" {
  name = "override-logging"

  configuration {
    execute_command_configuration {
      logging = "OVERRIDE"
      log_configuration {
        cloud_watch_log_group_name = aws_cloudwatch_log_group.exec.name
      }
    }
  }
}

resource "aws_ecs_cluster" "none" {
  name = "no-logging"

  configuration {
    execute_command_configuration {
      kms_key_id = "alias/exec"
      logging    = "NONE"
    }
  }
}

resource "aws_ecs_cluster" "unset" {
  name = "unset"
}

resource "aws_ecs_cluster" "empty" {
  name = "empty-block"

  configuration {
    execute_command_configuration {
      kms_key_id = "alias/exec"
    }
  }
}
