terraform {
  required_version = ">= 1.5"
}

# Exec sessions of this cluster are not recorded.
resource "aws_ecs_cluster" "failing" {
  name = "orders"

  configuration {
    execute_command_configuration {
      logging = "NONE"
    }
  }
}

resource "aws_ecs_cluster" "passing" {
  name = "payments"

  configuration {
    execute_command_configuration {
      kms_key_id = "alias/exec"
      logging    = "OVERRIDE"

      log_configuration {
        cloud_watch_log_group_name = "/ecs/exec"
      }
    }
  }
}

module "app" {
  source = "./modules/app"
}

module "regional" {
  source   = "../shared/regional"
  for_each = toset(["eu", "us"])
  region   = each.key
}

module "platform" {
  source  = "example-corp/ecs/aws//modules/cluster"
  version = "2.1.0"
}

data "aws_ecs_cluster" "existing" {
  cluster_name = "legacy"
}
