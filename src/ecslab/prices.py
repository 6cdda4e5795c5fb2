"""The one price table: AWS on-demand prices in Tokyo (ap-northeast-1), USD, dated.

Everything that prices something reads from here: the Fargate task sizes
(ecslab.fargate), the chapter's bill and the cost confirmation of AWS mode
(ecslab.account.cost), the task-size picker. Update the date with the numbers.
Sources: the AWS pricing pages of Fargate, VPC (NAT gateway, public IPv4 address),
Elastic Load Balancing and CloudWatch, for Asia Pacific (Tokyo).
"""

from __future__ import annotations

from datetime import date

#: The day these prices were read.
AS_OF = date(2026, 11, 1)
#: The region they are for.
REGION = "ap-northeast-1"
#: A month, as AWS's pricing pages count it.
HOURS_PER_MONTH = 730

#: Fargate, Linux/x86: per vCPU-hour and per GB-hour of memory.
FARGATE_VCPU_HOUR = 0.05056
FARGATE_GB_HOUR = 0.00553
#: A NAT gateway: per hour it exists, and per GB it processes.
NAT_GATEWAY_HOUR = 0.062
NAT_GATEWAY_GB = 0.062
#: Every public IPv4 address (an EIP, an ALB's per-AZ address, a task's), per hour.
PUBLIC_IPV4_HOUR = 0.005
#: An Application Load Balancer: per hour, and per LCU-hour (a lab uses under one).
ALB_HOUR = 0.0243
ALB_LCU_HOUR = 0.008
#: CloudWatch Logs: per GB ingested, per GB-month stored.
LOGS_INGEST_GB = 0.76
LOGS_STORAGE_GB_MONTH = 0.033
