"""The sandbox's RS256 signing key: generated on first start, kept (mode 0600) in the data directory."""

from __future__ import annotations

import base64
import hashlib
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

__all__ = ["KEY_FILENAME", "SigningKey", "load_or_create_key"]

KEY_FILENAME = "signing-key.pem"


def _b64url_uint(value: int) -> str:
    raw = value.to_bytes((value.bit_length() + 7) // 8, "big")
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode("ascii")


@dataclass(frozen=True)
class SigningKey:
    private_key: rsa.RSAPrivateKey
    public_pem: str
    kid: str

    @property
    def public_key(self) -> rsa.RSAPublicKey:
        return self.private_key.public_key()

    def jwk(self) -> dict[str, Any]:
        numbers = self.public_key.public_numbers()
        return {
            "kty": "RSA",
            "use": "sig",
            "alg": "RS256",
            "kid": self.kid,
            "n": _b64url_uint(numbers.n),
            "e": _b64url_uint(numbers.e),
        }


def _from_private(private_key: rsa.RSAPrivateKey) -> SigningKey:
    public_pem = (
        private_key.public_key()
        .public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
        .decode("ascii")
    )
    kid = hashlib.sha256(public_pem.encode("ascii")).hexdigest()[:16]
    return SigningKey(private_key, public_pem, kid)


def _load(path: Path) -> SigningKey:
    loaded = serialization.load_pem_private_key(path.read_bytes(), password=None)
    if not isinstance(loaded, rsa.RSAPrivateKey):
        raise ValueError(f"{path} does not hold an RSA private key")
    return _from_private(loaded)


def load_or_create_key(data_dir: Path | None) -> SigningKey:
    """The key in ``data_dir`` (created with 0600 permissions if missing); a fresh key when ``data_dir`` is None."""
    if data_dir is not None and (data_dir / KEY_FILENAME).exists():
        return _load(data_dir / KEY_FILENAME)
    private_key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    if data_dir is None:
        return _from_private(private_key)
    data_dir.mkdir(parents=True, exist_ok=True)
    pem = private_key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )
    # Written under a temporary name, then linked into place: a concurrent start never reads half a key.
    partial = data_dir / f".{KEY_FILENAME}.{os.getpid()}"
    fd = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "wb") as handle:
        handle.write(pem)
    try:
        os.link(partial, data_dir / KEY_FILENAME)
    except FileExistsError:
        return _load(data_dir / KEY_FILENAME)
    finally:
        partial.unlink()
    return _from_private(private_key)
