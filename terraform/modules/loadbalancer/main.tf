# The network and load balancer that chapter 9 builds on. The book builds them inline,
# with these values: the network in chapter 7 (first in one zone, then in two, as here),
# the load balancer in chapter 8.

# Book: availability_zone = "ap-northeast-1a" / "ap-northeast-1c", hard-coded.
# Changed: the zones come from the provider's region, so the module runs in any region.
data "aws_availability_zones" "available" {
  state = "available"
}

locals {
  azs = length(var.availability_zones) > 0 ? var.availability_zones : slice(data.aws_availability_zones.available.names, 0, 2)
}

# Chapter 7: the VPC.
resource "aws_vpc" "example" {
  cidr_block           = "10.0.0.0/16"
  enable_dns_support   = true
  enable_dns_hostnames = true

  tags = {
    Name = var.name
  }
}

# Chapter 7: two public subnets, one per availability zone.
resource "aws_subnet" "public_0" {
  vpc_id                  = aws_vpc.example.id
  cidr_block              = "10.0.1.0/24"
  availability_zone       = local.azs[0]
  map_public_ip_on_launch = true
}

resource "aws_subnet" "public_1" {
  vpc_id                  = aws_vpc.example.id
  cidr_block              = "10.0.2.0/24"
  availability_zone       = local.azs[1]
  map_public_ip_on_launch = true
}

# Chapter 7: the internet gateway.
resource "aws_internet_gateway" "example" {
  vpc_id = aws_vpc.example.id
}

# Chapter 7: the public route table and its default route to the internet.
resource "aws_route_table" "public" {
  vpc_id = aws_vpc.example.id
}

resource "aws_route" "public" {
  route_table_id         = aws_route_table.public.id
  gateway_id             = aws_internet_gateway.example.id
  destination_cidr_block = "0.0.0.0/0"
}

resource "aws_route_table_association" "public_0" {
  subnet_id      = aws_subnet.public_0.id
  route_table_id = aws_route_table.public.id
}

resource "aws_route_table_association" "public_1" {
  subnet_id      = aws_subnet.public_1.id
  route_table_id = aws_route_table.public.id
}

# Chapter 7: two private subnets, one per availability zone.
resource "aws_subnet" "private_0" {
  vpc_id                  = aws_vpc.example.id
  cidr_block              = "10.0.65.0/24"
  availability_zone       = local.azs[0]
  map_public_ip_on_launch = false
}

resource "aws_subnet" "private_1" {
  vpc_id                  = aws_vpc.example.id
  cidr_block              = "10.0.66.0/24"
  availability_zone       = local.azs[1]
  map_public_ip_on_launch = false
}

# Listings 7.9 and 7.10, made one per zone: a NAT gateway with its Elastic IP.
# Book: `vpc = true`. Changed: AWS provider 5 deprecated `vpc`; `domain = "vpc"` replaces it.
resource "aws_eip" "nat_gateway_0" {
  domain     = "vpc"
  depends_on = [aws_internet_gateway.example]
}

resource "aws_eip" "nat_gateway_1" {
  domain     = "vpc"
  depends_on = [aws_internet_gateway.example]
}

resource "aws_nat_gateway" "nat_gateway_0" {
  allocation_id = aws_eip.nat_gateway_0.id
  subnet_id     = aws_subnet.public_0.id
  depends_on    = [aws_internet_gateway.example]
}

resource "aws_nat_gateway" "nat_gateway_1" {
  allocation_id = aws_eip.nat_gateway_1.id
  subnet_id     = aws_subnet.public_1.id
  depends_on    = [aws_internet_gateway.example]
}

# Listing 7.11, made one per zone: a private route table through its zone's NAT gateway.
resource "aws_route_table" "private_0" {
  vpc_id = aws_vpc.example.id
}

resource "aws_route_table" "private_1" {
  vpc_id = aws_vpc.example.id
}

resource "aws_route" "private_0" {
  route_table_id         = aws_route_table.private_0.id
  nat_gateway_id         = aws_nat_gateway.nat_gateway_0.id
  destination_cidr_block = "0.0.0.0/0"
}

resource "aws_route" "private_1" {
  route_table_id         = aws_route_table.private_1.id
  nat_gateway_id         = aws_nat_gateway.nat_gateway_1.id
  destination_cidr_block = "0.0.0.0/0"
}

resource "aws_route_table_association" "private_0" {
  subnet_id      = aws_subnet.private_0.id
  route_table_id = aws_route_table.private_0.id
}

resource "aws_route_table_association" "private_1" {
  subnet_id      = aws_subnet.private_1.id
  route_table_id = aws_route_table.private_1.id
}

# Listing 8.1: the Application Load Balancer.
# Book: `enable_deletion_protection = true` and an `access_logs` S3 bucket.
# Changed: protection off so `terraform destroy` ends the lab cleanly; no access-log
# bucket, which belongs to chapter 6 and is not needed to serve nginx.
resource "aws_lb" "example" {
  name                       = var.name
  load_balancer_type         = "application"
  internal                   = false
  idle_timeout               = 60
  enable_deletion_protection = false

  subnets = [
    aws_subnet.public_0.id,
    aws_subnet.public_1.id,
  ]

  security_groups = [module.http_sg.security_group_id]
}

# Chapter 8: the ALB lets HTTP in from anywhere.
# Book: also https_sg (443) and http_redirect_sg (8080). Changed: HTTP only, since an
# HTTPS listener needs a real domain and certificate (later in chapter 8).
module "http_sg" {
  source      = "../security_group"
  name        = "http-sg"
  vpc_id      = aws_vpc.example.id
  port        = 80
  cidr_blocks = ["0.0.0.0/0"]
}

# Listing 8.12: the target group the ECS service registers its tasks in.
resource "aws_lb_target_group" "example" {
  name                 = var.name
  target_type          = "ip"
  vpc_id               = aws_vpc.example.id
  port                 = 80
  protocol             = "HTTP"
  deregistration_delay = 300

  health_check {
    path                = "/"
    healthy_threshold   = 5
    unhealthy_threshold = 2
    timeout             = 5
    interval            = 30
    matcher             = 200
    port                = "traffic-port"
    protocol            = "HTTP"
  }

  depends_on = [aws_lb.example]
}

# Listing 8.3: the HTTP listener on port 80.
# Book: a fixed-response default action, with a listener rule forwarding to the target
# group on the HTTPS listener (listing 8.13). Changed: HTTP only, so this listener
# forwards to the target group directly.
resource "aws_lb_listener" "http" {
  load_balancer_arn = aws_lb.example.arn
  port              = 80
  protocol          = "HTTP"

  default_action {
    type             = "forward"
    target_group_arn = aws_lb_target_group.example.arn
  }
}
