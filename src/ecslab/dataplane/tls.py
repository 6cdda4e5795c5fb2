"""A local certificate authority per ECSLAB_HOME, and the certificates it issues.

ACM issues a public certificate that every browser trusts; locally, nothing is trusted by
default, so the local cloud makes its own CA (`<ECSLAB_HOME>/ca/ca.pem`, printed by
`ecslab ca`) and issues, for an HTTPS listener, a certificate for the names of the ACM
certificate the listener uses. Then `curl --cacert "$(ecslab ca)" --resolve
NAME:PORT:127.0.0.1 https://NAME:PORT/` verifies the listener as a client verifies an ALB.
The CA's key never leaves ECSLAB_HOME (mode 0600); it signs nothing but leaf certificates
for names, valid for a year as ACM's are (13 months) at most.
"""

from __future__ import annotations

import datetime
import fcntl
import hashlib
import os
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

#: What the CA calls itself (a client's error names it when it is not trusted).
CA_NAME = "ecslab local CA"

_YEAR = datetime.timedelta(days=365)


def ca_dir(home: Path) -> Path:
    """Where the local CA of ECSLAB_HOME `home` keeps its files."""
    return home / "ca"


def ca_certificate(home: Path) -> Path:
    """The CA's certificate (PEM), creating the CA on first use; safe across processes."""
    folder = ca_dir(home)
    folder.mkdir(parents=True, exist_ok=True)
    with open(folder / ".lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not (folder / "ca.pem").exists():
            _create_ca(folder)
    return folder / "ca.pem"


def _create_ca(folder: Path) -> None:
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, CA_NAME)])
    now = datetime.datetime.now(datetime.UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(minutes=5))
        .not_valid_after(now + 10 * _YEAR)
        .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
        .add_extension(
            x509.KeyUsage(
                digital_signature=True,
                content_commitment=False,
                key_encipherment=False,
                data_encipherment=False,
                key_agreement=False,
                key_cert_sign=True,
                crl_sign=True,
                encipher_only=False,
                decipher_only=False,
            ),
            critical=True,
        )
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
        .sign(key, hashes.SHA256())
    )
    _write_private(folder / "ca.key", _key_pem(key))
    (folder / "ca.pem").write_bytes(cert.public_bytes(serialization.Encoding.PEM))


def issue(home: Path, names: list[str]) -> tuple[Path, Path]:
    """(certificate, private key) files for `names` (the first is the subject), issued by
    the local CA once and reused."""
    if not names:
        raise ValueError("a certificate needs at least one domain name")
    ca_pem = ca_certificate(home)
    digest = hashlib.sha256("\n".join(names).encode()).hexdigest()[:16]
    chain, key_file = ca_dir(home) / f"{digest}.pem", ca_dir(home) / f"{digest}.key"
    if not chain.exists():
        ca_key = serialization.load_pem_private_key((ca_dir(home) / "ca.key").read_bytes(), None)
        ca_cert = x509.load_pem_x509_certificate(ca_pem.read_bytes())
        key = ec.generate_private_key(ec.SECP256R1())
        leaf = _leaf(names, key, ca_cert, ca_key)
        _write_private(key_file, _key_pem(key))
        tmp = chain.with_suffix(".tmp")
        # the leaf alone: a server sends its intermediates, never the root its client trusts
        tmp.write_bytes(leaf.public_bytes(serialization.Encoding.PEM))
        tmp.replace(chain)
    return chain, key_file


def _leaf(
    names: list[str], key: ec.EllipticCurvePrivateKey, ca: x509.Certificate, ca_key: object
) -> x509.Certificate:
    assert isinstance(ca_key, ec.EllipticCurvePrivateKey)
    now = datetime.datetime.now(datetime.UTC)
    return (
        x509.CertificateBuilder()
        .subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, names[0])]))
        .issuer_name(ca.subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(minutes=5))
        .not_valid_after(now + _YEAR)
        .add_extension(
            x509.SubjectAlternativeName([x509.DNSName(n) for n in names]), critical=False
        )
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.SERVER_AUTH]), critical=False)
        .add_extension(
            x509.AuthorityKeyIdentifier.from_issuer_public_key(ca_key.public_key()), critical=False
        )
        .sign(ca_key, hashes.SHA256())
    )


def _key_pem(key: ec.EllipticCurvePrivateKey) -> bytes:
    return key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )


def _write_private(path: Path, data: bytes) -> None:
    """Write a key readable by its owner only (created so, never widened afterwards)."""
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "wb") as out:
        out.write(data)
