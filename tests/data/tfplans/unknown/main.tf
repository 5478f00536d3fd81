resource "aws_cloudwatch_log_group" "exec" {
  name = "ecs-exec"
}

# logging is computed from an attribute known only after apply
resource "aws_ecs_cluster" "computed" {
  name = "computed-logging"

  configuration {
    execute_command_configuration {
      logging = aws_cloudwatch_log_group.exec.arn == "" ? "NONE" : "DEFAULT"
    }
  }
}

# whether the block exists at all is known only after apply
resource "aws_ecs_cluster" "dynamic" {
  name = "dynamic-block"

  dynamic "configuration" {
    for_each = aws_cloudwatch_log_group.exec.arn == "" ? [] : ["on"]
    content {
      execute_command_configuration {
        logging = "DEFAULT"
      }
    }
  }
}

resource "aws_ecs_cluster" "literal" {
  name = "literal-none"

  configuration {
    execute_command_configuration {
      logging = "NONE"
    }
  }
}

# read at apply time, after the cluster it depends on is created
data "aws_ecs_cluster" "lookup" {
  cluster_name = aws_ecs_cluster.literal.name
}
