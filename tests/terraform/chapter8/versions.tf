terraform {
  required_version = ">= 1.9"

  required_providers {
    aws = {
      source  = "hashicorp/aws"
      version = "~> 5.0"
    }
  }
}

# Test fixture: the book's chapters 7, 8 and 9.3 as a reader who followed the book has
# them (ecslab's terraform/ modules are not used), for tests/test_chapter8.py.
# Book (earlier chapters): provider "aws" { region = "ap-northeast-1" }.
# Changed: the region comes from the environment (AWS_REGION), so the same code runs in
# any region and, in the lab, against the local cloud (AWS_ENDPOINT_URL). Nothing local
# is written here: no endpoints, no skip flags. (In local mode ecslab's generated
# ecslab_override.tf allows only the local cloud's account; the comment below is what
# Terraform shows when a terminal was not pointed at it.)
provider "aws" {} # "account ID not allowed"? In local mode, first run: eval "$(ecslab env)"
