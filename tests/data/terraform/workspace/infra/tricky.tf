/* A block comment with a brace { and a fake header:
resource "aws_ecs_cluster" "commented" {
*/
locals {
  banner = <<EOT
resource "aws_ecs_cluster" "fake" {
  logging = "NONE"
EOT
  indented = <<-EOT
    }}} closing braces inside an indented heredoc
    EOT
  braces   = "}{ not a block ${join("}", ["{"])} %{ if true }}%{ endif } $${literal}"
  url      = "https://example.com/path" // a line comment with }
}

# resource "aws_ecs_cluster" "hashed" {
resource "aws_ecs_cluster" "tricky" {
  name = "tricky-${local.braces}"
  tags = { note = "logging = \"NONE\" in a string is not the attribute" }

  configuration {
    execute_command_configuration {
      log_configuration {
        s3_bucket_name = "exec-logs"
      }
      logging="NONE" # after the nested block, no spaces
    }
  }
}
