# The names are those listing 9.4 uses (module.loadbalancer.<name>).

output "vpc_id" {
  description = "ID of the VPC."
  value       = aws_vpc.example.id
}

output "aws_vpc_example_cidr_block" {
  description = "CIDR block of the VPC (10.0.0.0/16)."
  value       = aws_vpc.example.cidr_block
}

output "aws_subnet_public_0_id" {
  description = "ID of the public subnet in the first availability zone."
  value       = aws_subnet.public_0.id
}

output "aws_subnet_public_1_id" {
  description = "ID of the public subnet in the second availability zone."
  value       = aws_subnet.public_1.id
}

output "aws_subnet_private_0_id" {
  description = "ID of the private subnet in the first availability zone."
  value       = aws_subnet.private_0.id
}

output "aws_subnet_private_1_id" {
  description = "ID of the private subnet in the second availability zone."
  value       = aws_subnet.private_1.id
}

# Read from the listener, not the target group: AWS refuses an ECS service whose target
# group has no load balancer yet ("The target group ... does not have an associated load
# balancer"), so whatever uses this ARN must wait until the listener exists.
output "aws_lb_target_group_example_arn" {
  description = "ARN of the target group `example`, known once the listener forwards to it."
  value       = aws_lb_listener.http.default_action[0].target_group_arn
}

output "alb_dns_name" {
  description = "DNS name of the load balancer (open http://<alb_dns_name>/ to reach nginx)."
  value       = aws_lb.example.dns_name
}

output "alb_arn" {
  description = "ARN of the load balancer."
  value       = aws_lb.example.arn
}
