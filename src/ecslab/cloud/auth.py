"""Only the learner drives their local cloud: SigV4 checked as AWS does.

The key each request must be signed with is the home's (ecslab.credentials: made by
`ecslab up`, read by Terraform, the AWS CLI and boto3 through AWS_SHARED_CREDENTIALS_FILE).

The server (`verify`) recomputes each request's signature with botocore's own SigV4
signer, from the request as received and the secret: a key id seen in a log is not
enough. What it answers on failure is what AWS answers, in each protocol's shape
(`denial`): JSON services (ECS, Logs) `UnrecognizedClientException` /
`InvalidSignatureException`; query services (IAM, STS, ELBv2) `InvalidClientTokenId` /
`SignatureDoesNotMatch`; EC2 `AuthFailure`; S3 `InvalidAccessKeyId` /
`SignatureDoesNotMatch`. A timestamp more than 15 minutes away from now is refused as
AWS refuses it ("Signature expired").

Bodies: a signed `X-Amz-Content-SHA256` stands for the body (checked when it is a hash);
`UNSIGNED-PAYLOAD` and the `STREAMING-*` markers (S3 uploads) sign headers only, as AWS
allows; without the header the body's SHA-256 is part of the signature.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from email.utils import parsedate_to_datetime
from typing import Any
from urllib.parse import unquote, urlsplit

from botocore.auth import S3SigV4Auth, SigV4Auth
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials

from ecslab.credentials import Credential

#: How far a request's timestamp may be from now, as AWS allows for SigV4.
MAX_SKEW = timedelta(minutes=15)

_ALGORITHM = "AWS4-HMAC-SHA256"
_AMZ_DATE = "%Y%m%dT%H%M%SZ"


# --- signing (the lab's own plain-HTTP calls: the admin API) ---------------------------


def sign(
    credential: Credential,
    method: str,
    url: str,
    body: bytes = b"",
    region: str = "us-east-1",
    service: str = "ecslab",
) -> dict[str, str]:
    """The headers that sign a request with botocore's SigV4 signer (for urllib/requests)."""
    request = AWSRequest(method=method, url=url, data=body)
    request.headers["Host"] = urlsplit(url).netloc
    creds = Credentials(credential.access_key_id, credential.secret_access_key)
    SigV4Auth(creds, service, region).add_auth(request)
    return dict(request.headers.items())


# --- verifying --------------------------------------------------------------------------


@dataclass(frozen=True)
class Denial:
    """Why a request is refused: the reason, kept apart from how each protocol says it."""

    reason: str  # "missing", "unknown_key", "bad_signature", "expired", "origin"
    detail: str = ""


@dataclass(frozen=True)
class Received:
    """The parts of a request SigV4 covers, as the server received them."""

    method: str
    raw_path: str
    query: str
    headers: Mapping[str, str]  # lower-case names
    body: bytes


@dataclass(frozen=True)
class _Authorization:
    access_key_id: str
    date: str
    region: str
    service: str
    signed_headers: tuple[str, ...]
    signature: str


def verify(request: Received, credential: Credential, now: datetime | None = None) -> Denial | None:
    """None when the request carries a valid signature made with `credential`, else why not."""
    if "origin" in request.headers:
        return Denial("origin")
    auth = _parse_authorization(request.headers.get("authorization", ""))
    if auth is None:
        return Denial("missing")
    if not hmac.compare_digest(auth.access_key_id, credential.access_key_id) or (
        "x-amz-security-token" in request.headers
    ):
        return Denial("unknown_key")
    stamp = _timestamp(request.headers)
    if stamp is None or stamp.strftime("%Y%m%d") != auth.date:
        return Denial("bad_signature")
    expired = _skew(stamp, now or datetime.now(UTC))
    if expired:
        return Denial("expired", expired)
    if not _body_matches(request):
        return Denial("bad_signature")
    expected = _signature(request, auth, credential, stamp.strftime(_AMZ_DATE))
    return None if hmac.compare_digest(expected, auth.signature) else Denial("bad_signature")


def _parse_authorization(value: str) -> _Authorization | None:
    """`AWS4-HMAC-SHA256 Credential=AK/date/region/service/aws4_request, SignedHeaders=..,
    Signature=..` split into its parts (None when it is not SigV4)."""
    algorithm, _, rest = value.strip().partition(" ")
    if algorithm != _ALGORITHM:
        return None
    parts = dict(p.strip().partition("=")[::2] for p in rest.split(","))
    scope = parts.get("Credential", "").split("/")
    if len(scope) != 5 or scope[4] != "aws4_request" or not parts.get("Signature"):
        return None
    signed = tuple(h for h in parts.get("SignedHeaders", "").split(";") if h)
    return _Authorization(scope[0], scope[1], scope[2], scope[3], signed, parts["Signature"])


def _timestamp(headers: Mapping[str, str]) -> datetime | None:
    """X-Amz-Date, else the Date header (both allowed by SigV4)."""
    try:
        if "x-amz-date" in headers:
            return datetime.strptime(headers["x-amz-date"], _AMZ_DATE).replace(tzinfo=UTC)
        if "date" in headers:
            return parsedate_to_datetime(headers["date"]).astimezone(UTC)
    except (ValueError, TypeError):
        return None
    return None


def _skew(stamp: datetime, now: datetime) -> str:
    """AWS's message when the timestamp is out of the window, else ""."""
    if stamp < now - MAX_SKEW:
        return (
            f"Signature expired: {stamp:{_AMZ_DATE}} is now earlier than "
            f"{now - MAX_SKEW:{_AMZ_DATE}} ({now:{_AMZ_DATE}} - 15 min.)"
        )
    if stamp > now + MAX_SKEW:
        return (
            f"Signature not yet current: {stamp:{_AMZ_DATE}} is still later than "
            f"{now + MAX_SKEW:{_AMZ_DATE}} ({now:{_AMZ_DATE}} + 15 min.)"
        )
    return ""


def _body_matches(request: Received) -> bool:
    """A hash in X-Amz-Content-SHA256 must be the body's (markers sign headers only)."""
    claimed = request.headers.get("x-amz-content-sha256")
    if claimed is None or claimed == "UNSIGNED-PAYLOAD" or claimed.startswith("STREAMING-"):
        return True
    return hmac.compare_digest(claimed, hashlib.sha256(request.body).hexdigest())


class _Recompute(SigV4Auth):  # type: ignore[misc]  # botocore is untyped
    """botocore's signer, told which headers the client signed (not botocore's own pick)."""

    def __init__(
        self, credentials: Credentials, service: str, region: str, signed: tuple[str, ...]
    ):
        super().__init__(credentials, service, region)
        self._signed = signed

    def headers_to_sign(self, request: AWSRequest) -> Any:
        from botocore.compat import HTTPHeaders

        chosen = HTTPHeaders()
        for name in self._signed:
            chosen[name] = request.headers.get(name, "")
        return chosen


class _RecomputeS3(_Recompute, S3SigV4Auth):  # type: ignore[misc]
    """The same for S3, which does not normalise the path."""


def _signature(request: Received, auth: _Authorization, credential: Credential, stamp: str) -> str:
    """The signature botocore computes for this request with our secret."""
    url = f"http://{request.headers.get('host', '')}{request.raw_path}"
    aws = AWSRequest(method=request.method, url=url, data=request.body)
    for name in auth.signed_headers:
        aws.headers[name] = request.headers.get(name, "")
    aws.params = _query_params(request.query)
    aws.context["timestamp"] = stamp
    creds = Credentials(credential.access_key_id, credential.secret_access_key)
    kind = _RecomputeS3 if auth.service == "s3" else _Recompute
    signer = kind(creds, auth.service, auth.region, auth.signed_headers)
    canonical = signer.canonical_request(aws)
    return str(signer.signature(signer.string_to_sign(aws, canonical), aws))


def _query_params(query: str) -> list[tuple[str, str]]:
    """The query's pairs, decoded, for botocore to encode canonically (RFC 3986)."""
    pairs = [p.partition("=") for p in query.split("&") if p]
    return [(unquote(k), unquote(v)) for k, _, v in pairs]


# --- answering as AWS answers -----------------------------------------------------------

_BAD_SIGNATURE = (
    "The request signature we calculated does not match the signature you provided. "
    "Check your AWS Secret Access Key and signing method. Consult the service "
    "documentation for details."
)
_INVALID_TOKEN = "The security token included in the request is invalid."

#: (protocol, reason) -> (HTTP status, AWS error code, message).
_ANSWERS: dict[tuple[str, str], tuple[int, str, str]] = {
    ("json", "missing"): (
        403,
        "MissingAuthenticationTokenException",
        "Missing Authentication Token",
    ),
    ("json", "unknown_key"): (400, "UnrecognizedClientException", _INVALID_TOKEN),
    ("json", "bad_signature"): (400, "InvalidSignatureException", _BAD_SIGNATURE),
    ("json", "expired"): (400, "InvalidSignatureException", ""),
    ("query", "missing"): (
        403,
        "MissingAuthenticationToken",
        "Request is missing Authentication Token",
    ),
    ("query", "unknown_key"): (403, "InvalidClientTokenId", _INVALID_TOKEN),
    ("query", "bad_signature"): (403, "SignatureDoesNotMatch", _BAD_SIGNATURE),
    ("query", "expired"): (403, "SignatureDoesNotMatch", ""),
    ("ec2", "missing"): (
        401,
        "MissingAuthenticationToken",
        "The request must contain either a valid (registered) AWS access key ID "
        "or X.509 certificate.",
    ),
    ("ec2", "unknown_key"): (
        401,
        "AuthFailure",
        "AWS was not able to validate the provided access credentials",
    ),
    ("ec2", "bad_signature"): (
        401,
        "AuthFailure",
        "AWS was not able to validate the provided access credentials",
    ),
    ("ec2", "expired"): (400, "RequestExpired", ""),
    ("s3", "missing"): (403, "AccessDenied", "Access Denied"),
    ("s3", "unknown_key"): (
        403,
        "InvalidAccessKeyId",
        "The AWS Access Key Id you provided does not exist in our records.",
    ),
    ("s3", "bad_signature"): (
        403,
        "SignatureDoesNotMatch",
        "The request signature we calculated does not match the signature you provided. "
        "Check your key and signing method.",
    ),
    ("s3", "expired"): (
        403,
        "RequestTimeTooSkewed",
        "The difference between the request time and the current time is too large.",
    ),
}

#: A cross-origin request (from a web page) is refused before anything else.
ORIGIN_REFUSED = (
    "Cross-origin requests are refused: the local cloud answers its learner's tools only."
)


def protocol(headers: Mapping[str, str], query: str, body: bytes) -> str:
    """How the client speaks, read from the request: json, ec2, query or s3 (REST)."""
    service = _scope_service(headers.get("authorization", ""))
    if "x-amz-target" in headers or "amz-json" in headers.get("content-type", ""):
        return "json"
    action = "Action=" in query or body.startswith(b"Action=") or b"&Action=" in body
    if service == "ec2" or (action and b"Version=2016-11-15" in body + query.encode()):
        return "ec2"
    return "query" if action else "s3"


def _scope_service(value: str) -> str:
    scope = value.partition("Credential=")[2].split(",")[0].split("/")
    return scope[3] if len(scope) == 5 else ""


def denial(denied: Denial, kind: str) -> tuple[int, list[tuple[str, str]], bytes]:
    """(status, headers, body) of AWS's answer to this denial in protocol `kind`."""
    request_id = str(uuid.uuid4())
    if denied.reason == "origin":
        status, code, message = 403, "AccessDenied", ORIGIN_REFUSED
    else:
        status, code, message = _ANSWERS[(kind, denied.reason)]
        message = denied.detail or message
    if kind == "json":
        body = json.dumps({"__type": code, "message": message}).encode()
        content_type = "application/x-amz-json-1.1"
    else:
        body = _xml(kind, code, message, request_id).encode()
        content_type = "text/xml"
    headers = [
        ("Content-Type", content_type),
        ("Content-Length", str(len(body))),
        ("x-amzn-RequestId", request_id),
    ]
    return status, headers, body


def _xml(kind: str, code: str, message: str, request_id: str) -> str:
    from xml.sax.saxutils import escape

    code, message = escape(code), escape(message)
    if kind == "ec2":
        return (
            '<?xml version="1.0" encoding="UTF-8"?>\n<Response><Errors><Error>'
            f"<Code>{code}</Code><Message>{message}</Message></Error></Errors>"
            f"<RequestID>{request_id}</RequestID></Response>"
        )
    if kind == "s3":
        return (
            '<?xml version="1.0" encoding="UTF-8"?>\n'
            f"<Error><Code>{code}</Code><Message>{message}</Message>"
            f"<RequestId>{request_id}</RequestId></Error>"
        )
    return (
        "<ErrorResponse><Error><Type>Sender</Type>"
        f"<Code>{code}</Code><Message>{message}</Message></Error>"
        f"<RequestId>{request_id}</RequestId></ErrorResponse>"
    )
