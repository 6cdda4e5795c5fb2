"""ACM's DNS validation through the local Route 53, and the TLS files of an ACM certificate.

moto files a requested certificate as PENDING_VALIDATION and, on its own, calls it ISSUED
once MOTO_ACM_VALIDATION_WAIT seconds have passed, whether or not anyone created the
validation record. AWS issues it when the CNAME record it asks for
(DomainValidationOptions[].ResourceRecord) resolves ("DNS validation", ACM user guide).
So `install()` turns moto's timer off, and `Certificates.validate()`, once per data-plane
tick, issues each pending certificate whose every validation record is in a public hosted
zone of the local Route 53 with the value ACM asked for: listings 8.4-8.9 then complete
as on AWS, and `aws_acm_certificate_validation` waits until the record exists.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from ecslab import moto_seam
from ecslab.dataplane import tls

#: Never issue on a timer: only a validation record issues a certificate.
_NEVER = 10**12


def install() -> None:
    """Turn moto's issue-after-a-wait off (`uninstall()` puts moto's wait back)."""
    moto_seam.replace("acm.validation_wait", _NEVER, by="acm")


def uninstall() -> None:
    moto_seam.unwrap(by="acm")


def _name(value: str) -> str:
    """A DNS name as compared: lower case, no trailing dot."""
    return value.lower().rstrip(".")


def dns_records(route53_backends: list[Any]) -> set[tuple[str, str, str]]:
    """(name, type, value) of every record of every public hosted zone."""
    records = set()
    for backend in route53_backends:
        for zone in list(backend.zones.values()):
            if getattr(zone, "private_zone", False):
                continue  # ACM resolves through public DNS only
            for rrset in list(zone.rrsets):
                for value in rrset.records or []:
                    records.add((_name(rrset.name), str(rrset.type), _name(str(value))))
    return records


def validated(certificate: Any, records: set[tuple[str, str, str]]) -> bool:
    """Whether every validation record `certificate` asks for exists in `records`."""
    options = certificate.describe()["Certificate"].get("DomainValidationOptions", [])
    wanted = {
        (
            _name(o["ResourceRecord"]["Name"]),
            o["ResourceRecord"]["Type"],
            _name(o["ResourceRecord"]["Value"]),
        )
        for o in options
    }
    return bool(wanted) and wanted <= records


class Certificates:
    """The account's ACM certificates as the data plane needs them."""

    def __init__(self, home: Path, account_id: str) -> None:
        self.home = home
        self.account_id = account_id
        self._files: dict[tuple[str, ...], tuple[Path, Path]] = {}

    def _acm_backends(self) -> list[Any]:
        return list(moto_seam.acm_backends(self.account_id))

    def _route53_backends(self) -> list[Any]:
        return list(moto_seam.route53_backends(self.account_id))

    def validate(self) -> list[str]:
        """Issue every pending certificate whose validation records exist; their ARNs."""
        pending = [
            cert
            for backend in self._acm_backends()
            for cert in list(backend._certificates.values())
            if cert.type == "AMAZON_ISSUED" and cert.status == "PENDING_VALIDATION"
        ]
        if not pending:
            return []
        records = dns_records(self._route53_backends())
        issued = [cert for cert in pending if validated(cert, records)]
        for cert in issued:
            cert.status = "ISSUED"
        return [str(cert.arn) for cert in issued]

    def names(self, arn: str) -> list[str]:
        """The domain names of certificate `arn`: its domain name first, then the other
        subject alternative names; [] when ACM does not hold it."""
        for backend in self._acm_backends():
            cert = backend._certificates.get(arn)
            if cert is not None:
                first = str(cert.common_name)
                return [first] + [str(n) for n in cert.sans if n != first]
        return []

    def files_for(self, arn: str) -> tuple[Path, Path] | None:
        """(chain, key) the local CA issued for certificate `arn`'s names (None when ACM
        does not hold it)."""
        names = tuple(self.names(arn))
        if not names:
            return None
        if names not in self._files:
            self._files[names] = tls.issue(self.home, list(names))
        return self._files[names]
