"""Webhooks: verify a delivery's Standard Webhooks signature, and turn its body into a typed event.

The signature is HMAC-SHA256 over ``{webhook-id}.{webhook-timestamp}.{body}`` with the secret
(``whsec_`` + base64), base64-encoded in ``webhook-signature`` as ``v1,<signature>`` (several may
be listed, space-separated). A timestamp more than 300 seconds away from now is refused.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import os
import time
from typing import TYPE_CHECKING, Any, Callable, Mapping

from ._exceptions import OpenAIError

if TYPE_CHECKING:
    from ._client import OpenAI

__all__ = ["InvalidWebhookSignatureError", "Webhooks"]

TOLERANCE_SECONDS = 300


class InvalidWebhookSignatureError(OpenAIError, ValueError):
    """The delivery's signature or timestamp did not check out (the message says which)."""


def _header(headers: Mapping[str, str], name: str) -> str:
    for key, value in headers.items():
        if key.lower() == name:
            return value
    raise InvalidWebhookSignatureError(f"The webhook request has no {name} header")


def _key(secret: str) -> bytes:
    if secret.startswith("whsec_"):
        return base64.b64decode(secret[len("whsec_") :])
    try:
        return base64.b64decode(secret, validate=True)
    except ValueError:
        return secret.encode("utf-8")


class Webhooks:
    """``client.webhooks``: ``verify_signature(...)`` and ``unwrap(...)``."""

    def __init__(self, client: OpenAI | None = None, *, secret: str | None = None, clock: Callable[[], float] = time.time) -> None:
        self._client = client
        self._secret = secret
        self._clock = clock

    def _secret_for(self, secret: str | None) -> str:
        found = secret or self._secret or (getattr(self._client, "webhook_secret", None) if self._client else None) or os.environ.get("OPENAI_WEBHOOK_SECRET")
        if not found:
            raise OpenAIError("No webhook secret: pass secret=..., OpenAI(webhook_secret=...), or set OPENAI_WEBHOOK_SECRET")
        return found

    def verify_signature(self, payload: str | bytes, headers: Mapping[str, str], *, secret: str | None = None, tolerance: int = TOLERANCE_SECONDS) -> None:
        """Raise :class:`InvalidWebhookSignatureError` unless the delivery is signed with the secret and recent."""
        body = payload.encode("utf-8") if isinstance(payload, str) else payload
        message_id = _header(headers, "webhook-id")
        timestamp_text = _header(headers, "webhook-timestamp")
        signatures = _header(headers, "webhook-signature")
        try:
            timestamp = int(timestamp_text)
        except ValueError:
            raise InvalidWebhookSignatureError(f"The webhook-timestamp header is not a number: {timestamp_text!r}") from None
        now = self._clock()
        if timestamp < now - tolerance:
            raise InvalidWebhookSignatureError("The webhook timestamp is too old")
        if timestamp > now + tolerance:
            raise InvalidWebhookSignatureError("The webhook timestamp is too far in the future")
        signed = f"{message_id}.{timestamp_text}.".encode() + body
        expected = base64.b64encode(hmac.new(_key(self._secret_for(secret)), signed, hashlib.sha256).digest()).decode()
        for candidate in signatures.split():
            version, _, value = candidate.partition(",")
            if version == "v1" and hmac.compare_digest(value, expected):
                return
        raise InvalidWebhookSignatureError("The webhook signature does not match the secret")

    def unwrap(self, payload: str | bytes, headers: Mapping[str, str], *, secret: str | None = None) -> Any:
        """Verify the delivery, then return its body as a typed event (an unknown event type stays a generic object)."""
        self.verify_signature(payload, headers, secret=secret)
        from .resources._operations import WEBHOOK_EVENT

        data = json.loads(payload)
        factory: Any = WEBHOOK_EVENT
        return factory()(data) if factory is not None else data

    @staticmethod
    def sign(payload: str | bytes, *, secret: str, message_id: str, timestamp: int) -> str:
        """The ``webhook-signature`` header value for a payload: for tests that send deliveries."""
        body = payload.encode("utf-8") if isinstance(payload, str) else payload
        signed = f"{message_id}.{timestamp}.".encode() + body
        return "v1," + base64.b64encode(hmac.new(_key(secret), signed, hashlib.sha256).digest()).decode()
