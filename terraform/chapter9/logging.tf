# Section 9.4: logging to CloudWatch Logs (listings 9.5 to 9.8; 9.9 is in main.tf and
# 9.10 is container_definitions.json).

# Listing 9.5: the log group the containers write to.
resource "aws_cloudwatch_log_group" "for_ecs" {
  name              = "/ecs/example"
  retention_in_days = 180
}

# Listing 9.6: the AWS managed policy for ECS task execution roles.
data "aws_iam_policy" "ecs_task_execution_role_policy" {
  arn = "arn:aws:iam::aws:policy/service-role/AmazonECSTaskExecutionRolePolicy"
}

# Listing 9.7: that policy, plus reading SSM parameters and decrypting with KMS.
data "aws_iam_policy_document" "ecs_task_execution" {
  statement {
    effect    = "Allow"
    actions   = ["ssm:GetParameters", "kms:Decrypt"]
    resources = ["*"]
  }

  source_policy_documents = [data.aws_iam_policy.ecs_task_execution_role_policy.policy]
}

# Listing 9.8: the ECS task execution role.
module "ecs_task_execution_role" {
  source     = "./iam_role"
  name       = "ecs-task-execution"
  identifier = "ecs-tasks.amazonaws.com"
  policy     = data.aws_iam_policy_document.ecs_task_execution.json
}
