# Example for ecs-exec-guard: two clusters in the root module (one passes,
# one fails) and one in a child module (fails). plan.json beside this file
# is what `terraform show -json` prints for a plan of these sources.

terraform {
  required_version = ">= 1.5"
  required_providers {
    aws = {
      source  = "hashicorp/aws"
      version = "~> 5.0"
    }
  }
}

provider "aws" {
  region = "eu-west-1"
}

resource "aws_cloudwatch_log_group" "exec_audit" {
  name              = "/ecs/exec-audit"
  retention_in_days = 90
}

# Passes: ECS Exec sessions are recorded in CloudWatch Logs.
resource "aws_ecs_cluster" "payments" {
  name = "payments"

  configuration {
    execute_command_configuration {
      logging = "OVERRIDE"

      log_configuration {
        cloud_watch_log_group_name = aws_cloudwatch_log_group.exec_audit.name
      }
    }
  }

  setting {
    name  = "containerInsights"
    value = "enabled"
  }
}

# Fails: ECS Exec logging is turned off.
resource "aws_ecs_cluster" "batch" {
  name = "batch"

  configuration {
    execute_command_configuration {
      logging = "NONE"
    }
  }
}

module "ecs" {
  source = "./modules/ecs"

  name = "reports"
}
