"""The AWS account side: boto3 clients for the target, the cost, the preflight and the leftovers."""
