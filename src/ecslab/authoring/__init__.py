"""Building the lab: labs/ released from solutions/, solution runs, Terraform comparison."""
