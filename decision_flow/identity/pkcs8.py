"""A private key file encrypted with a passphrase through scrypt (RFC 7914, section 7): PKCS#8
``EncryptedPrivateKeyInfo`` with PBES2, scrypt as the key derivation and AES-256-CBC.

`cryptography`'s own `BestAvailableEncryption` derives the file key with PBKDF2 at 2,048
iterations, which a stolen key file does little to resist; scrypt at N=2^14, r=8 (16 MiB, about
50 ms here) makes each guess costly. The result is a standard file: `cryptography` and the
``openssl pkey`` command read it with the passphrase.
"""

from __future__ import annotations

import base64
import hashlib
import os

N, R, P = 2**14, 8, 1
PBES2, SCRYPT, AES256_CBC = "1.2.840.113549.1.5.13", "1.3.6.1.4.1.11591.4.11", "2.16.840.1.101.3.4.1.42"


def _tlv(tag: int, body: bytes) -> bytes:
    n = len(body)
    size = bytes([n]) if n < 0x80 else bytes([0x80 | (n.bit_length() + 7) // 8]) + n.to_bytes((n.bit_length() + 7) // 8)
    return bytes([tag]) + size + body


def _seq(*items: bytes) -> bytes:
    return _tlv(0x30, b"".join(items))


def _int(n: int) -> bytes:
    return _tlv(0x02, n.to_bytes(n.bit_length() // 8 + 1))


def _oid(dotted: str) -> bytes:
    first, second, *rest = (int(x) for x in dotted.split("."))
    body = bytes([40 * first + second])
    for arc in rest:
        groups = [arc & 0x7F]
        while arc := arc >> 7:
            groups.append(0x80 | (arc & 0x7F))
        body += bytes(reversed(groups))
    return _tlv(0x06, body)


def encrypt(plain_der: bytes, passphrase: bytes) -> bytes:
    """The PEM of `plain_der` (an unencrypted PKCS#8 PrivateKeyInfo) encrypted under `passphrase`."""
    from cryptography.hazmat.primitives import padding
    from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes

    salt, iv = os.urandom(16), os.urandom(16)
    key = hashlib.scrypt(passphrase, salt=salt, n=N, r=R, p=P, maxmem=64 * 2**20, dklen=32)
    padder = padding.PKCS7(128).padder()
    encryptor = Cipher(algorithms.AES(key), modes.CBC(iv)).encryptor()
    sealed = encryptor.update(padder.update(plain_der) + padder.finalize()) + encryptor.finalize()
    kdf = _seq(_oid(SCRYPT), _seq(_tlv(0x04, salt), _int(N), _int(R), _int(P), _int(32)))
    der = _seq(_seq(_oid(PBES2), _seq(kdf, _seq(_oid(AES256_CBC), _tlv(0x04, iv)))), _tlv(0x04, sealed))
    body = base64.encodebytes(der).replace(b"\n", b"")
    lines = b"\n".join(body[i : i + 64] for i in range(0, len(body), 64))
    return b"-----BEGIN ENCRYPTED PRIVATE KEY-----\n" + lines + b"\n-----END ENCRYPTED PRIVATE KEY-----\n"
