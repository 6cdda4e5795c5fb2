"""moto's server app, its account, its error classes and its bundled files.

Part of the seam to moto (ecslab.moto_seam): see its docstring."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from ecslab.moto_seam.wrapping import Call


def default_account_id() -> str:
    """The account moto files resources under for the fake credentials we hand out."""
    from moto.core.models import DEFAULT_ACCOUNT_ID

    return str(DEFAULT_ACCOUNT_ID)


def server_app() -> Any:
    """moto's own WSGI app, which dispatches each request to its service's Flask app."""
    from moto.moto_server.werkzeug_app import DomainDispatcherApplication, create_backend_app

    return DomainDispatcherApplication(create_backend_app)


def backend(service: str, account_id: str, region: str) -> Any:
    """moto's backend of one service (`region` is "aws" or "global" for IAM, Route 53)."""
    return _get_backend(service, account_id, region)


def _get_backend(service: str, account_id: str, region: str) -> Any:
    from moto.backends import get_backend

    return get_backend(service)[account_id][region]  # type: ignore[call-overload]


def region_of(backend: Any) -> str:
    """The region a moto backend serves."""
    return str(backend.region_name)


def sibling_backend(backend: Any, service: str) -> Any:
    """moto's backend of `service` in the account and region of `backend`."""
    return _get_backend(service, backend.account_id, backend.region_name)


def request_param(call: Call, name: str) -> Any:
    """A parameter of the request a wrapped responses-layer method is answering."""
    return call.self._get_param(name)


def result_model(result: Any, key: str) -> Any:
    """The model a responses-layer method answered with (its `ActionResult`), by key."""
    return result.result[key]


def responder_ecs(call: Call) -> Any:
    """The ECS backend of the responses-layer method being called."""
    return call.self.ecs_backend


def keep_parameter(model: Any, parameter: str, value: Any) -> None:
    """Keep a request parameter moto dropped on its model, under the attribute name its
    serializer reads (botocore's snake case: `healthCheckGracePeriodSeconds` ->
    `health_check_grace_period_seconds`), unless moto kept it itself."""
    from botocore import xform_name

    if getattr(model, xform_name(parameter), None) is None:
        setattr(model, xform_name(parameter), value)


def set_event_id(event: Any, make: Callable[[int], int]) -> None:
    """Give a moto log event the id `make(its timestamp in ms)`."""
    event.event_id = make(int(event.timestamp))


def ecs_client_exception(message: str) -> Exception:
    """ECS's `ClientException` with AWS's message, as moto serialises it."""
    from moto.ecs.exceptions import EcsClientException

    return EcsClientException(message)


def ecs_invalid_parameter(message: str) -> Exception:
    """ECS's `InvalidParameterException` with AWS's message, as moto serialises it."""
    from moto.ecs.exceptions import InvalidParameterException

    return InvalidParameterException(message)


def elbv2_validation_error(message: str) -> Exception:
    """ELBv2's `ValidationError` with AWS's message, as moto serialises it."""
    from moto.elbv2.exceptions import ValidationError

    return ValidationError(message)


def load_resource(path: str) -> Any:
    """One of moto's bundled JSON files (path under moto/), gzipped or not."""
    from moto.utilities.utils import load_resource as load

    return load(path)


def instance_type_offerings() -> dict[str, Any]:
    """moto's EC2 instance type offerings: {location type: {region: [offering]}}, the
    module-level dict its EC2 backend reads (changed in place by whoever trims it)."""
    from moto.ec2.models import instance_types

    return instance_types.INSTANCE_TYPE_OFFERINGS
