output "alb_dns_name" {
  description = "DNS name of the load balancer: nginx answers at http://<alb_dns_name>/."
  value       = module.loadbalancer.alb_dns_name
}

output "ecs_cluster_name" {
  description = "Name of the ECS cluster."
  value       = aws_ecs_cluster.example.name
}

output "ecs_service_name" {
  description = "Name of the ECS service."
  value       = aws_ecs_service.example.name
}

output "task_definition_arn" {
  description = "ARN of the task definition revision this configuration registered."
  value       = aws_ecs_task_definition.example.arn
}

output "log_group_name" {
  description = "The CloudWatch Logs group the containers write to."
  value       = aws_cloudwatch_log_group.for_ecs.name
}

output "target_group_arn" {
  description = "ARN of the target group the service registers its tasks in."
  value       = module.loadbalancer.aws_lb_target_group_example_arn
}
