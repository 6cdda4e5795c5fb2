# Section 9.3: the web server. Listing 9.4 in full, which contains listings 9.1 and 9.2,
# with the task definition as changed by listing 9.9 (section 9.4).

module "loadbalancer" {
  source = "./loadbalancer"
}

# Listing 9.1: the ECS cluster.
resource "aws_ecs_cluster" "example" {
  name = "example"
}

# Listings 9.2 and 9.9: the task definition.
# Book: cpu = "256", memory = "512". Here: variables with those defaults (variables.tf),
# checked against the sizes Fargate offers before anything is sent to AWS.
# Book: container_definitions = file("./container_definitions.json"), with the region
# "ap-northeast-1" written into the JSON (listing 9.10). Changed: templatefile fills in
# the provider's region, so logs go to the region the cluster runs in.
# Book (listing 9.3): "image": "nginx/latest", which names no official image; the JSON
# here is listing 9.10's, with the official "nginx:latest".
resource "aws_ecs_task_definition" "example" {
  family                   = "example"
  cpu                      = var.task_cpu
  memory                   = var.task_memory
  network_mode             = "awsvpc"
  requires_compatibilities = ["FARGATE"]
  container_definitions    = templatefile("./container_definitions.json", { region = data.aws_region.current.name })
  execution_role_arn       = module.ecs_task_execution_role.iam_role_arn
}

data "aws_region" "current" {}

# Listing 9.4: the ECS service.
resource "aws_ecs_service" "example" {
  name            = "example"
  cluster         = aws_ecs_cluster.example.arn
  task_definition = aws_ecs_task_definition.example.arn
  desired_count   = 2
  launch_type     = "FARGATE"
  # Book: platform_version = "1.3.0". Changed: AWS retired platform version 1.3.0 in
  # March 2026; new services must use 1.4.0 (which LATEST now resolves to). Pinned, as the
  # book advises, rather than LATEST.
  platform_version                  = "1.4.0"
  health_check_grace_period_seconds = 60

  network_configuration {
    # Book: assign_public_ip = true. Changed: the book's own text says tasks in private
    # subnets need no public IP address (they reach out through the NAT gateways).
    assign_public_ip = false
    security_groups  = [module.nginx_sg.security_group_id]

    subnets = [
      module.loadbalancer.aws_subnet_private_0_id,
      module.loadbalancer.aws_subnet_private_1_id,
    ]
  }

  load_balancer {
    target_group_arn = module.loadbalancer.aws_lb_target_group_example_arn
    container_name   = "example"
    container_port   = 80
  }

  lifecycle {
    ignore_changes = [task_definition]
  }
}

module "nginx_sg" {
  source      = "./security_group"
  name        = "nginx-sg"
  vpc_id      = module.loadbalancer.vpc_id
  port        = 80
  cidr_blocks = [module.loadbalancer.aws_vpc_example_cidr_block]
}
