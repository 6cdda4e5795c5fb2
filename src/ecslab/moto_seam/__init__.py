"""The one seam between ecslab and moto's internals (moto is pinned in requirements.txt).

moto is a server with a public API, but the local cloud also lives inside its process:
the data plane drives moto's models (tasks, services, target health) and fixes a few of
its answers. Every such touch goes through this package, so that a moto upgrade breaks
in one place, loudly:

- `WRAPPED` is the table of every moto callable ecslab replaces, with the signature the
  pinned moto has (tests/test_moto_seam.py checks each one against the installed moto).
- `wrap(key, adapter, by=...)` adds one layer around a wrapped callable and
  `unwrap(by=...)` removes that owner's layers; with no layer left, moto's own callable
  is back (install and uninstall are symmetric, and installing twice replaces a layer).
  An adapter gets a `Call`: moto's arguments by name (bound against the pinned
  signature, defaults filled in), never by position; `call.proceed(**changes)` runs the
  next layer, then moto's own.
- Readers give the data plane moto's state as ecslab's own frozen values (`TaskFacts`,
  `TaskState`, `Service`, `TaskDefinition`, `TargetGroup`, `LoadBalancer`, `Certificate`,
  `Ingress`...), so deciding code never reads a model. Where the data plane must change
  moto's state (a task's status and times, a service's counts, deployments and events,
  targets, ENIs), a named writer does it; a model's `handle` is for those writers only.
- `MODEL_ATTRIBUTES` lists every attribute of moto's models the readers and writers
  touch; `TASK_FIELDS` and `CONTAINER_FIELDS`, the DescribeTasks fields the data plane
  sets. tests/test_moto_seam.py checks both against the pinned moto and botocore.
- moto's server app, account, error classes and bundled files are reached here too: no
  other module of ecslab imports moto (the same test parses every import).

It sits beneath every layer of ecslab (it imports nothing else of ecslab), since both
the local cloud (ecslab.cloud) and its data plane (ecslab.dataplane) use it.

Its parts: `wrapping` (the table and its layers), `app` (moto's server, account, errors
and files), `network` (EC2, ELB, ACM and Route 53 readers), `ecs` (tasks, services and
target groups: readers and writers), `inventory` (what the learner created) and
`backends` (whole backends, for snapshots). All is re-exported here: the rest of ecslab
names `moto_seam.<name>`, never a part.
"""

from __future__ import annotations

from ecslab.moto_seam.app import (
    backend as backend,
)
from ecslab.moto_seam.app import (
    default_account_id as default_account_id,
)
from ecslab.moto_seam.app import (
    ecs_client_exception as ecs_client_exception,
)
from ecslab.moto_seam.app import (
    ecs_invalid_parameter as ecs_invalid_parameter,
)
from ecslab.moto_seam.app import (
    elbv2_validation_error as elbv2_validation_error,
)
from ecslab.moto_seam.app import (
    instance_type_offerings as instance_type_offerings,
)
from ecslab.moto_seam.app import (
    keep_parameter as keep_parameter,
)
from ecslab.moto_seam.app import (
    load_resource as load_resource,
)
from ecslab.moto_seam.app import (
    region_of as region_of,
)
from ecslab.moto_seam.app import (
    request_param as request_param,
)
from ecslab.moto_seam.app import (
    responder_ecs as responder_ecs,
)
from ecslab.moto_seam.app import (
    result_model as result_model,
)
from ecslab.moto_seam.app import (
    server_app as server_app,
)
from ecslab.moto_seam.app import (
    set_event_id as set_event_id,
)
from ecslab.moto_seam.app import (
    sibling_backend as sibling_backend,
)
from ecslab.moto_seam.backends import (
    Dumped as Dumped,
)
from ecslab.moto_seam.backends import (
    created_vpc_ids as created_vpc_ids,
)
from ecslab.moto_seam.backends import (
    dump_backends as dump_backends,
)
from ecslab.moto_seam.backends import (
    load_backends as load_backends,
)
from ecslab.moto_seam.ecs import (
    CONTAINER_FIELDS as CONTAINER_FIELDS,
)
from ecslab.moto_seam.ecs import (
    MODEL_ATTRIBUTES as MODEL_ATTRIBUTES,
)
from ecslab.moto_seam.ecs import (
    TASK_FIELDS as TASK_FIELDS,
)
from ecslab.moto_seam.ecs import (
    ContainerState as ContainerState,
)
from ecslab.moto_seam.ecs import (
    HealthCheck as HealthCheck,
)
from ecslab.moto_seam.ecs import (
    Service as Service,
)
from ecslab.moto_seam.ecs import (
    Target as Target,
)
from ecslab.moto_seam.ecs import (
    TargetGroup as TargetGroup,
)
from ecslab.moto_seam.ecs import (
    TaskDefinition as TaskDefinition,
)
from ecslab.moto_seam.ecs import (
    TaskFacts as TaskFacts,
)
from ecslab.moto_seam.ecs import (
    TaskState as TaskState,
)
from ecslab.moto_seam.ecs import (
    account_of as account_of,
)
from ecslab.moto_seam.ecs import (
    add_service_event as add_service_event,
)
from ecslab.moto_seam.ecs import (
    check_cluster as check_cluster,
)
from ecslab.moto_seam.ecs import (
    container_state as container_state,
)
from ecslab.moto_seam.ecs import (
    drop_every_task as drop_every_task,
)
from ecslab.moto_seam.ecs import (
    drop_task as drop_task,
)
from ecslab.moto_seam.ecs import (
    existing_service as existing_service,
)
from ecslab.moto_seam.ecs import (
    find_service as find_service,
)
from ecslab.moto_seam.ecs import (
    find_target_group as find_target_group,
)
from ecslab.moto_seam.ecs import (
    forget_targets as forget_targets,
)
from ecslab.moto_seam.ecs import (
    manual_lifecycle as manual_lifecycle,
)
from ecslab.moto_seam.ecs import (
    new_container as new_container,
)
from ecslab.moto_seam.ecs import (
    new_service_task as new_service_task,
)
from ecslab.moto_seam.ecs import (
    publish_service as publish_service,
)
from ecslab.moto_seam.ecs import (
    refile_task as refile_task,
)
from ecslab.moto_seam.ecs import (
    service_view as service_view,
)
from ecslab.moto_seam.ecs import (
    services as services,
)
from ecslab.moto_seam.ecs import (
    set_attachment_status as set_attachment_status,
)
from ecslab.moto_seam.ecs import (
    set_container as set_container,
)
from ecslab.moto_seam.ecs import (
    set_service_task_definition as set_service_task_definition,
)
from ecslab.moto_seam.ecs import (
    set_task_status as set_task_status,
)
from ecslab.moto_seam.ecs import (
    set_task_stopping as set_task_stopping,
)
from ecslab.moto_seam.ecs import (
    stamp_task as stamp_task,
)
from ecslab.moto_seam.ecs import (
    target_group as target_group,
)
from ecslab.moto_seam.ecs import (
    target_groups as target_groups,
)
from ecslab.moto_seam.ecs import (
    target_port as target_port,
)
from ecslab.moto_seam.ecs import (
    task_definition as task_definition,
)
from ecslab.moto_seam.ecs import (
    task_definition_arn as task_definition_arn,
)
from ecslab.moto_seam.ecs import (
    task_definition_ref as task_definition_ref,
)
from ecslab.moto_seam.ecs import (
    task_definition_view as task_definition_view,
)
from ecslab.moto_seam.ecs import (
    task_facts as task_facts,
)
from ecslab.moto_seam.ecs import (
    task_state as task_state,
)
from ecslab.moto_seam.inventory import (
    resource_counts as resource_counts,
)
from ecslab.moto_seam.network import (
    Certificate as Certificate,
)
from ecslab.moto_seam.network import (
    Eni as Eni,
)
from ecslab.moto_seam.network import (
    Ingress as Ingress,
)
from ecslab.moto_seam.network import (
    Listener as Listener,
)
from ecslab.moto_seam.network import (
    ListenerRule as ListenerRule,
)
from ecslab.moto_seam.network import (
    LoadBalancer as LoadBalancer,
)
from ecslab.moto_seam.network import (
    View as View,
)
from ecslab.moto_seam.network import (
    acm_backends as acm_backends,
)
from ecslab.moto_seam.network import (
    certificates as certificates,
)
from ecslab.moto_seam.network import (
    container_class as container_class,
)
from ecslab.moto_seam.network import (
    create_task_eni as create_task_eni,
)
from ecslab.moto_seam.network import (
    default_route as default_route,
)
from ecslab.moto_seam.network import (
    delete_eni as delete_eni,
)
from ecslab.moto_seam.network import (
    ec2_backend as ec2_backend,
)
from ecslab.moto_seam.network import (
    ecs_backend as ecs_backend,
)
from ecslab.moto_seam.network import (
    ecs_backends as ecs_backends,
)
from ecslab.moto_seam.network import (
    elbv2_backend as elbv2_backend,
)
from ecslab.moto_seam.network import (
    elbv2_backends as elbv2_backends,
)
from ecslab.moto_seam.network import (
    eni_with_ip as eni_with_ip,
)
from ecslab.moto_seam.network import (
    find_certificate as find_certificate,
)
from ecslab.moto_seam.network import (
    find_load_balancer as find_load_balancer,
)
from ecslab.moto_seam.network import (
    health_status as health_status,
)
from ecslab.moto_seam.network import (
    ingress as ingress,
)
from ecslab.moto_seam.network import (
    ips_in_use as ips_in_use,
)
from ecslab.moto_seam.network import (
    issue_certificate as issue_certificate,
)
from ecslab.moto_seam.network import (
    load_balancer_groups as load_balancer_groups,
)
from ecslab.moto_seam.network import (
    load_balancer_vpc as load_balancer_vpc,
)
from ecslab.moto_seam.network import (
    load_balancers as load_balancers,
)
from ecslab.moto_seam.network import (
    nat_gateway_subnet as nat_gateway_subnet,
)
from ecslab.moto_seam.network import (
    public_dns_records as public_dns_records,
)
from ecslab.moto_seam.network import (
    route53_backends as route53_backends,
)
from ecslab.moto_seam.network import (
    security_group_ids as security_group_ids,
)
from ecslab.moto_seam.network import (
    subnet_cidr as subnet_cidr,
)
from ecslab.moto_seam.network import (
    subnet_vpc as subnet_vpc,
)
from ecslab.moto_seam.network import (
    subnet_zone as subnet_zone,
)
from ecslab.moto_seam.network import (
    task_class as task_class,
)
from ecslab.moto_seam.wrapping import (
    REPLACED as REPLACED,
)
from ecslab.moto_seam.wrapping import (
    WRAPPED as WRAPPED,
)
from ecslab.moto_seam.wrapping import (
    Adapter as Adapter,
)
from ecslab.moto_seam.wrapping import (
    Call as Call,
)
from ecslab.moto_seam.wrapping import (
    Wrapped as Wrapped,
)
from ecslab.moto_seam.wrapping import (
    _originals as _originals,
)
from ecslab.moto_seam.wrapping import (
    installed as installed,
)
from ecslab.moto_seam.wrapping import (
    original as original,
)
from ecslab.moto_seam.wrapping import (
    replace as replace,
)
from ecslab.moto_seam.wrapping import (
    unwrap as unwrap,
)
from ecslab.moto_seam.wrapping import (
    wrap as wrap,
)
