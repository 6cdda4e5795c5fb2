# Section 9.3: listings 9.1-9.4 on the reader's own chapter 7-8 resources.

# Listing 9.1: the ECS cluster.
resource "aws_ecs_cluster" "example" {
  name = "example"
}

# Listing 9.2 (with listing 9.3's container_definitions.json): the task definition.
resource "aws_ecs_task_definition" "example" {
  family                   = "example"
  cpu                      = "256"
  memory                   = "512"
  network_mode             = "awsvpc"
  requires_compatibilities = ["FARGATE"]
  container_definitions    = file("./container_definitions.json")
}

# Listing 9.4: the ECS service.
# Book: platform_version = "1.3.0". Changed: AWS retired 1.3.0 in March 2026; 1.4.0.
# Added: depends_on the listener rules. AWS refuses a service whose target group no
# listener uses yet ("The target group ... does not have an associated load balancer"),
# and nothing else orders the rules before the service.
resource "aws_ecs_service" "example" {
  name                              = "example"
  cluster                           = aws_ecs_cluster.example.arn
  task_definition                   = aws_ecs_task_definition.example.arn
  desired_count                     = 2
  launch_type                       = "FARGATE"
  platform_version                  = "1.4.0"
  health_check_grace_period_seconds = 60

  network_configuration {
    assign_public_ip = false
    security_groups  = [module.nginx_sg.security_group_id]

    subnets = [
      aws_subnet.private_0.id,
      aws_subnet.private_1.id,
    ]
  }

  load_balancer {
    target_group_arn = aws_lb_target_group.example.arn
    container_name   = "example"
    container_port   = 80
  }

  lifecycle {
    ignore_changes = [task_definition]
  }

  depends_on = [aws_lb_listener_rule.example, aws_lb_listener_rule.http]
}

module "nginx_sg" {
  source      = "./security_group"
  name        = "nginx-sg"
  vpc_id      = aws_vpc.example.id
  port        = 80
  cidr_blocks = [aws_vpc.example.cidr_block]
}

# Added by the reader: listing 8.13's rule on the HTTP listener too, so that section 9.3's
# "open the ALB in a browser" (http://) shows nginx rather than listing 8.3's fixed response.
resource "aws_lb_listener_rule" "http" {
  listener_arn = aws_lb_listener.http.arn
  priority     = 100

  action {
    type             = "forward"
    target_group_arn = aws_lb_target_group.example.arn
  }

  condition {
    path_pattern {
      values = ["/*"]
    }
  }
}
