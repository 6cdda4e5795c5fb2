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
    """(name, type, value) of every record of every public hosted zone, as compared."""
    return {
        (_name(name), kind, _name(value))
        for backend in route53_backends
        for name, kind, value in moto_seam.public_dns_records(backend)
    }


def validated(certificate: moto_seam.Certificate, records: set[tuple[str, str, str]]) -> bool:
    """Whether every validation record `certificate` asks for exists in `records`."""
    wanted = {
        (_name(name), kind, _name(value)) for name, kind, value in certificate.validation_records
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
            (backend, cert)
            for backend in self._acm_backends()
            for cert in moto_seam.certificates(backend)
            if cert.pending_validation
        ]
        if not pending:
            return []
        records = dns_records(self._route53_backends())
        issued = [(backend, cert) for backend, cert in pending if validated(cert, records)]
        for backend, cert in issued:
            moto_seam.issue_certificate(backend, cert.arn)
        return [cert.arn for _, cert in issued]

    def names(self, arn: str) -> list[str]:
        """The domain names of certificate `arn`: its domain name first, then the other
        subject alternative names; [] when ACM does not hold it."""
        for backend in self._acm_backends():
            cert = moto_seam.find_certificate(backend, arn)
            if cert is not None:
                return list(cert.names)
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
