"""Does the local cloud answer only requests signed with its own key, as AWS would?

Unit tests of `ecslab.cloud.auth` first (signatures made by botocore's own signer), then
attacks on an in-process host: a request without a signature, with a wrong one, from a
web page (Origin), and moto's /moto-api/reset from outside. Each shows nothing changed.
"""

from __future__ import annotations

import hashlib
import http.client
import json
import stat
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from unittest import mock

import boto3
import pytest
from botocore.auth import SigV4Auth
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials
from botocore.exceptions import ClientError
from fixtures_cloud import free_port

from ecslab import credentials
from ecslab.cloud import auth
from ecslab.cloud.server import Host

KEY = credentials.Credential("ECSLABTESTKEY0000000", "s3cr3t-of-this-home")
URL = "http://127.0.0.1:4599/"
BODY = b'{"clusterName": "example"}'


def _signed(
    credential: credentials.Credential = KEY,
    body: bytes = BODY,
    when: datetime | None = None,
    headers: dict[str, str] | None = None,
) -> auth.Received:
    """A request signed by botocore's SigV4 signer, as the server receives it."""
    request = AWSRequest(method="POST", url=URL, data=body, headers=headers or {})
    request.headers["Host"] = "127.0.0.1:4599"
    request.headers["X-Amz-Target"] = "AmazonEC2ContainerServiceV20141113.CreateCluster"
    signer = SigV4Auth(
        Credentials(credential.access_key_id, credential.secret_access_key), "ecs", "us-east-1"
    )
    with mock.patch("botocore.auth.get_current_datetime", return_value=when or _now()):
        signer.add_auth(request)
    return auth.Received(
        method="POST",
        raw_path="/",
        query="",
        headers={k.lower(): v for k, v in request.headers.items()},
        body=body,
    )


def _now() -> datetime:
    return datetime.now(UTC).replace(tzinfo=None)


def _with(received: auth.Received, **changes: Any) -> auth.Received:
    fields = {**received.__dict__, **changes}
    return auth.Received(**fields)


# --- the credential -----------------------------------------------------------------


def test_credential_files_are_the_owners_alone(tmp_path: Path) -> None:
    """Is the key made once per home, in a 0600 file inside a 0700 folder?"""
    home = tmp_path / "home"
    first = credentials.ensure(home)
    path = credentials.credentials_file(home)
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert stat.S_IMODE(path.parent.stat().st_mode) == 0o700
    assert stat.S_IMODE(home.stat().st_mode) == 0o700
    assert credentials.ensure(home) == first == credentials.load(home)
    assert first.access_key_id.startswith(credentials.KEY_PREFIX) and len(first.access_key_id) == 20


def test_every_home_gets_its_own_random_key(tmp_path: Path) -> None:
    """Do two homes (two learners) never share a key?"""
    assert credentials.ensure(tmp_path / "a") != credentials.ensure(tmp_path / "b")


def test_the_secret_never_shows_in_a_repr() -> None:
    """Would a traceback or a cell echoing the credential print the secret?"""
    assert KEY.secret_access_key not in repr(KEY)


# --- verifying ------------------------------------------------------------------------


def test_a_request_signed_with_the_key_is_accepted() -> None:
    """Is botocore's own signature, recomputed from the request, accepted?"""
    assert auth.verify(_signed(), KEY) is None


def test_a_wrong_secret_is_refused() -> None:
    """Does the right key id with a wrong secret fail (the id alone is not enough)?"""
    forged = credentials.Credential(KEY.access_key_id, "guessed")
    assert auth.verify(_signed(forged), KEY) == auth.Denial("bad_signature")


def test_another_key_is_refused() -> None:
    """Is a key of another home (or AWS) an unknown key?"""
    other = credentials.Credential.generate()
    assert auth.verify(_signed(other), KEY) == auth.Denial("unknown_key")


def test_a_changed_body_is_refused() -> None:
    """Is a signed request whose body was swapped refused?"""
    tampered = _with(_signed(), body=b'{"clusterName": "other"}')
    assert auth.verify(tampered, KEY) == auth.Denial("bad_signature")


def test_a_payload_hash_that_lies_is_refused() -> None:
    """Is a signed X-Amz-Content-SHA256 checked against the body?"""
    claimed = hashlib.sha256(b"something else").hexdigest()
    signed = _signed(headers={"X-Amz-Content-SHA256": claimed})
    assert auth.verify(signed, KEY) == auth.Denial("bad_signature")


def test_an_unsigned_payload_signs_the_headers_only() -> None:
    """Is UNSIGNED-PAYLOAD (S3 uploads) accepted with a valid header signature?"""
    signed = _signed(headers={"X-Amz-Content-SHA256": "UNSIGNED-PAYLOAD"})
    assert auth.verify(_with(signed, body=b"any streamed bytes"), KEY) is None


def test_no_signature_is_missing() -> None:
    """Is a request without Authorization refused as missing?"""
    bare = auth.Received("POST", "/", "", {"host": "127.0.0.1:4599"}, BODY)
    assert auth.verify(bare, KEY) == auth.Denial("missing")


def test_a_signature_older_than_15_minutes_has_expired() -> None:
    """Does the 15-minute window of SigV4 apply, with AWS's message?"""
    old = _now() - timedelta(minutes=16)
    denied = auth.verify(_signed(when=old), KEY)
    assert denied is not None and denied.reason == "expired"
    assert denied.detail.startswith(f"Signature expired: {old:%Y%m%dT%H%M%SZ} is now earlier than")
    assert denied.detail.endswith(" - 15 min.)")
    assert auth.verify(_signed(when=_now() - timedelta(minutes=14)), KEY) is None


def test_a_web_page_is_refused_even_with_a_signature() -> None:
    """Is any request carrying an Origin header refused?"""
    from_page = _signed(headers={"Origin": "https://evil.example"})
    assert auth.verify(from_page, KEY) == auth.Denial("origin")


@pytest.mark.parametrize(
    ("kind", "reason", "status", "code"),
    [
        ("json", "unknown_key", 400, "UnrecognizedClientException"),
        ("json", "bad_signature", 400, "InvalidSignatureException"),
        ("query", "unknown_key", 403, "InvalidClientTokenId"),
        ("query", "bad_signature", 403, "SignatureDoesNotMatch"),
        ("ec2", "unknown_key", 401, "AuthFailure"),
        ("s3", "unknown_key", 403, "InvalidAccessKeyId"),
    ],
)
def test_denials_speak_each_protocol(kind: str, reason: str, status: int, code: str) -> None:
    """Is each refusal AWS's, in the shape the client's protocol parses?"""
    answered, headers, body = auth.denial(auth.Denial(reason), kind)
    assert answered == status
    if kind == "json":
        assert json.loads(body)["__type"] == code
    else:
        assert f"<Code>{code}</Code>" in body.decode()
    assert not any(name.lower().startswith("access-control-") for name, _ in headers)


# --- attacks on a running host -------------------------------------------------------


@pytest.fixture(scope="module")
def host() -> Iterator[Host]:
    """An in-process local cloud (moto behind the auth wrapper), with a random key."""
    served = Host(port=free_port(), region="ap-northeast-1")
    served.start()
    yield served
    served.stop()


def _client(host: Host, service: str, credential: credentials.Credential) -> Any:
    return boto3.client(
        service,
        endpoint_url=host.endpoint,
        region_name="ap-northeast-1",
        aws_access_key_id=credential.access_key_id,
        aws_secret_access_key=credential.secret_access_key,
    )


def _clusters(host: Host) -> list[str]:
    return list(_client(host, "ecs", host.credential).list_clusters()["clusterArns"])


def _raw(
    host: Host, method: str, path: str, body: bytes = b"", headers: dict[str, str] | None = None
) -> tuple[int, dict[str, str], bytes]:
    connection = http.client.HTTPConnection("127.0.0.1", host.port, timeout=10)
    try:
        connection.request(method, path, body=body, headers=headers or {})
        response = connection.getresponse()
        return response.status, dict(response.getheaders()), response.read()
    finally:
        connection.close()


@pytest.mark.parametrize(
    ("service", "call", "code"),
    [
        ("ecs", lambda c: c.create_cluster(clusterName="forged"), "UnrecognizedClientException"),
        (
            "logs",
            lambda c: c.create_log_group(logGroupName="/forged"),
            "UnrecognizedClientException",
        ),
        ("sts", lambda c: c.get_caller_identity(), "InvalidClientTokenId"),
        (
            "iam",
            lambda c: c.create_role(RoleName="forged", AssumeRolePolicyDocument="{}"),
            "InvalidClientTokenId",
        ),
        ("elbv2", lambda c: c.describe_load_balancers(), "InvalidClientTokenId"),
        ("ec2", lambda c: c.create_vpc(CidrBlock="10.9.0.0/16"), "AuthFailure"),
    ],
)
def test_another_key_gets_aws_answer(host: Host, service: str, call: Any, code: str) -> None:
    """Does a client with another key get its service's own error from boto3?"""
    with pytest.raises(ClientError) as info:
        call(_client(host, service, credentials.Credential.generate()))
    assert info.value.response["Error"]["Code"] == code


def test_a_wrong_secret_changes_nothing(host: Host) -> None:
    """Does CreateCluster signed with a guessed secret fail and create nothing?"""
    forged = credentials.Credential(host.credential.access_key_id, "guessed")
    with pytest.raises(ClientError) as info:
        _client(host, "ecs", forged).create_cluster(clusterName="forged")
    assert info.value.response["Error"]["Code"] == "InvalidSignatureException"
    assert "does not match the signature you provided" in info.value.response["Error"]["Message"]
    assert not any(arn.endswith("/forged") for arn in _clusters(host))


def test_an_unsigned_request_changes_nothing(host: Host) -> None:
    """Is an unsigned CreateCluster refused with AWS's JSON error, creating nothing?"""
    status, _, body = _raw(
        host,
        "POST",
        "/",
        b'{"clusterName": "unsigned"}',
        {
            "X-Amz-Target": "AmazonEC2ContainerServiceV20141113.CreateCluster",
            "Content-Type": "application/x-amz-json-1.1",
        },
    )
    assert status == 403
    assert json.loads(body)["__type"] == "MissingAuthenticationTokenException"
    assert not any(arn.endswith("/unsigned") for arn in _clusters(host))


def test_a_cross_origin_preflight_gets_no_cors(host: Host) -> None:
    """Does a browser's CORS preflight get a refusal and no Access-Control-* header?"""
    status, headers, body = _raw(
        host,
        "OPTIONS",
        "/",
        headers={
            "Origin": "https://evil.example",
            "Access-Control-Request-Method": "POST",
            "Access-Control-Request-Headers": "x-amz-target,authorization",
        },
    )
    assert status == 403
    assert b"Cross-origin requests are refused" in body
    assert not [name for name in headers if name.lower().startswith("access-control-")]


def test_a_cross_origin_request_changes_nothing(host: Host) -> None:
    """Is a page's CreateCluster refused even when it carries a valid signature?"""
    url = f"{host.endpoint}/"
    body = b'{"clusterName": "from-page"}'
    headers = auth.sign(host.credential, "POST", url, body, "ap-northeast-1", "ecs")
    headers |= {
        "Origin": "https://evil.example",
        "X-Amz-Target": "AmazonEC2ContainerServiceV20141113.CreateCluster",
    }
    status, answered, _ = _raw(host, "POST", "/", body, headers)
    assert status == 403
    assert not [name for name in answered if name.lower().startswith("access-control-")]
    assert not any(arn.endswith("/from-page") for arn in _clusters(host))


def test_moto_reset_from_outside_changes_nothing(host: Host) -> None:
    """Is moto's /moto-api/reset refused without the key, leaving the cloud as it was?"""
    _client(host, "ecs", host.credential).create_cluster(clusterName="kept")
    status, _, body = _raw(host, "POST", "/moto-api/reset")
    assert status == 403
    assert json.loads(body)["__type"] == "MissingAuthenticationTokenException"
    assert any(arn.endswith("/kept") for arn in _clusters(host))


def test_admin_routes_need_the_key(host: Host) -> None:
    """Does /_ecslab/status refuse an unsigned or foreign-signed caller?"""
    assert _raw(host, "GET", "/_ecslab/status")[0] == 403
    url = f"{host.endpoint}/_ecslab/status"
    foreign = auth.sign(credentials.Credential.generate(), "GET", url)
    assert _raw(host, "GET", "/_ecslab/status", headers=foreign)[0] == 400
    own = auth.sign(host.credential, "GET", url)
    assert _raw(host, "GET", "/_ecslab/status", headers=own)[0] == 200


def test_processes_racing_for_a_new_home_agree_on_one_key(tmp_path: Path) -> None:
    """Do `ecslab up` and a kernel making the key at the same moment end with the same one?"""
    from concurrent.futures import ThreadPoolExecutor

    home = tmp_path / "home"
    with ThreadPoolExecutor(8) as pool:
        keys = set(pool.map(lambda _: credentials.ensure(home), range(16)))
    assert keys == {credentials.load(home)}
    assert [p.name for p in credentials.credentials_file(home).parent.iterdir()] == ["credentials"]
