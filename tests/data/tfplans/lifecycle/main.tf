# Run against the hand-built state in terraform.tfstate.json.

resource "aws_ecs_cluster" "kept" {
  name = "kept"

  configuration {
    execute_command_configuration {
      logging = "NONE"
    }
  }
}

resource "aws_ecs_cluster" "updated" {
  name = "updated"

  configuration {
    execute_command_configuration {
      logging = "NONE"
    }
  }
}

resource "aws_ecs_cluster" "replaced" {
  name = "replaced-new-name"

  configuration {
    execute_command_configuration {
      logging = "NONE"
    }
  }
}

resource "aws_ecs_cluster" "renamed" {
  name = "renamed"

  configuration {
    execute_command_configuration {
      logging = "DEFAULT"
    }
  }
}

moved {
  from = aws_ecs_cluster.old_name
  to   = aws_ecs_cluster.renamed
}

removed {
  from = aws_ecs_cluster.forgotten

  lifecycle {
    destroy = false
  }
}

# aws_ecs_cluster.deleted is in the state and no longer here: deleted.
