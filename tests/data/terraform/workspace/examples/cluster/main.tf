# An example that happens to use the same resource name as the platform module.
resource "aws_ecs_cluster" "this" {
  name = "example"
}
