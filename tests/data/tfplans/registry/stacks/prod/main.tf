module "ecs" {
  source  = "example-org/ecs/aws"
  version = "1.2.0"

  cluster_name = "prod"
  exec_logging = "NONE"
}

module "ecs_ok" {
  source  = "example-org/ecs/aws"
  version = "1.2.0"

  cluster_name = "prod-ok"
}

module "ecs_git" {
  source = "git::https://git.example.com/platform/ecs.git?ref=v1.2.0"

  cluster_name = "prod-git"
  exec_logging = "NONE"
}
