"""IAM policies read as data: who may assume a role, which actions its policies allow.

The execution-role check (listing 9.8) decides on these sets, never by searching a
policy's JSON text: `"logs:*"` allows `logs:PutLogEvents`, and a Deny is no Allow.
"""

from __future__ import annotations

import json
from fnmatch import fnmatchcase
from typing import Any
from urllib.parse import unquote


def _statements(document: Any) -> list[dict[str, Any]]:
    """The statements of a policy document (a dict, or its JSON text)."""
    if isinstance(document, str):
        document = json.loads(unquote(document))
    found = document.get("Statement", []) if isinstance(document, dict) else []
    return [found] if isinstance(found, dict) else list(found)


def _as_list(value: Any) -> list[str]:
    return [value] if isinstance(value, str) else list(value or [])


def trusted_services(document: Any) -> set[str]:
    """The AWS services an assume-role policy lets assume the role."""
    return {
        service
        for st in _statements(document)
        if st.get("Effect") == "Allow"
        for service in _as_list((st.get("Principal") or {}).get("Service"))
    }


def role_actions(iam: Any, name: str) -> set[str]:
    """Every action the role's policies allow (attached and inline)."""
    documents: list[Any] = []
    for policy in iam.list_attached_role_policies(RoleName=name)["AttachedPolicies"]:
        meta = iam.get_policy(PolicyArn=policy["PolicyArn"])["Policy"]
        version = iam.get_policy_version(
            PolicyArn=policy["PolicyArn"], VersionId=meta["DefaultVersionId"]
        )
        documents.append(version["PolicyVersion"]["Document"])
    for policy_name in iam.list_role_policies(RoleName=name)["PolicyNames"]:
        documents.append(
            iam.get_role_policy(RoleName=name, PolicyName=policy_name)["PolicyDocument"]
        )
    return {
        action
        for document in documents
        for st in _statements(document)
        if st.get("Effect") == "Allow"
        for action in _as_list(st.get("Action"))
    }


def allows(actions: set[str], wanted: str) -> bool:
    """Whether `wanted` is among the actions, wildcards included (`logs:*`, `*`)."""
    return any(fnmatchcase(wanted, action) for action in actions)
