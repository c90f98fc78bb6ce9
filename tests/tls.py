"""Throwaway TLS certificates for tests (made with openssl at run time; the test skips without it)."""

from __future__ import annotations

import pathlib
import shutil
import subprocess

import pytest


def certificate(directory: pathlib.Path, name: str = "server") -> tuple[pathlib.Path, pathlib.Path]:
    """A self-signed certificate for 127.0.0.1 and its key, valid for a day."""
    openssl = shutil.which("openssl")
    if openssl is None:
        pytest.skip("no openssl to make the test's certificate")
    cert, key = directory / f"{name}-cert.pem", directory / f"{name}-key.pem"
    made = subprocess.run(
        [openssl, "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", str(key), "-out", str(cert), "-days", "1", "-subj", f"/CN={name}", "-addext", "subjectAltName=IP:127.0.0.1"],
        capture_output=True,
        text=True,
        timeout=60,
    )
    if made.returncode != 0:
        pytest.skip(f"openssl could not make a certificate: {made.stderr[-300:]}")
    return cert, key
