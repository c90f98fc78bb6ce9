"""Azure routing and authentication; webhook signatures and typed events."""

from __future__ import annotations

import json
import time

import pytest

from openai_harness import MockServer, RawReply
from openai_urllib3 import AzureOpenAI, InvalidWebhookSignatureError, OpenAI, OpenAIError, Webhooks


def azure(server: MockServer, **kwargs: object) -> AzureOpenAI:
    kwargs.setdefault("api_key", "azure-key-123")
    return AzureOpenAI(azure_endpoint=server.root_url, api_version="2024-10-21", trust_env=False, **kwargs)  # type: ignore[arg-type]


def test_deployment_routing_from_the_model_and_api_version(openai_server: MockServer) -> None:
    openai_server.script("POST /openai/deployments/my-gpt/chat/completions", RawReply({"id": "c", "object": "chat.completion", "choices": []}))
    azure(openai_server).chat.completions.create(model="my-gpt", messages=[{"role": "user", "content": "hi"}])
    entry = openai_server.journal.last()
    assert entry.target.startswith("/openai/deployments/my-gpt/chat/completions?")
    assert entry.query["api-version"] == ["2024-10-21"]
    assert entry.headers["api-key"] == "azure-key-123"
    assert "authorization" not in entry.headers


def test_non_deployment_endpoints_and_fixed_deployment(openai_server: MockServer) -> None:
    openai_server.script("GET /openai/models", RawReply({"object": "list", "data": []}))
    azure(openai_server).models.list()
    assert openai_server.journal.last().path == "/openai/models"
    openai_server.script("POST /openai/deployments/fixed/embeddings", RawReply({"object": "list", "data": [], "model": "m", "usage": {"prompt_tokens": 1, "total_tokens": 1}}))
    azure(openai_server, azure_deployment="fixed").embeddings.create(model="ignored", input="x")
    assert openai_server.journal.last().path == "/openai/deployments/fixed/embeddings"


@pytest.mark.parametrize("which", ["openai_urllib3", "openai"])
def test_a_pinned_deployment_routes_only_deployment_endpoints_and_copies_keep_the_api_version(openai_server: MockServer, which: str) -> None:
    if which == "openai":
        openai = pytest.importorskip("openai")
        client = openai.AzureOpenAI(azure_endpoint=openai_server.root_url, api_version="2024-10-21", api_key="azure-key-123", azure_deployment="fixed", max_retries=0)
    else:
        client = azure(openai_server, azure_deployment="fixed", max_retries=0)
    for route, reply in (("GET /openai/models", {"object": "list", "data": []}), ("GET /openai/files", {"object": "list", "data": [], "has_more": False}), ("GET /openai/batches", {"object": "list", "data": [], "has_more": False})):
        openai_server.script(route, RawReply(reply))
    client.models.list()
    client.files.list()
    client.batches.list()
    assert [entry.path for entry in openai_server.journal.all()] == ["/openai/models", "/openai/files", "/openai/batches"]
    embedding = {"object": "embedding", "index": 0, "embedding": [0.5]}
    openai_server.script("POST /openai/deployments/fixed/embeddings", RawReply({"object": "list", "data": [embedding], "model": "m", "usage": {"prompt_tokens": 1, "total_tokens": 1}}))
    client.embeddings.create(model="ignored", input="x", encoding_format="float")
    assert openai_server.journal.last().path == "/openai/deployments/fixed/embeddings"
    copy = client.with_options(max_retries=0)
    openai_server.script("GET /openai/models", RawReply({"object": "list", "data": []}))
    copy.models.list()
    assert openai_server.journal.last().path == "/openai/models" and openai_server.journal.last().query["api-version"] == ["2024-10-21"]
    newer = client.with_options(api_version="2025-04-01-preview")
    openai_server.script("GET /openai/models", RawReply({"object": "list", "data": []}))
    newer.models.list()
    assert openai_server.journal.last().query["api-version"] == ["2025-04-01-preview"]


def test_entra_id_token_provider_is_called_per_request(openai_server: MockServer) -> None:
    tokens = iter(["token-1", "token-2"])
    client = AzureOpenAI(azure_endpoint=openai_server.root_url, api_version="v", azure_ad_token_provider=lambda: next(tokens), trust_env=False)
    openai_server.script("GET /openai/models", RawReply({"object": "list", "data": []}), RawReply({"object": "list", "data": []}))
    client.models.list()
    client.models.list()
    assert [e.headers["authorization"] for e in openai_server.journal.all()] == ["Bearer token-1", "Bearer token-2"]
    assert all("api-key" not in e.headers for e in openai_server.journal.all())


def test_azure_environment_and_clear_errors(openai_server: MockServer, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("AZURE_OPENAI_API_KEY", "env-key")
    monkeypatch.setenv("AZURE_OPENAI_ENDPOINT", openai_server.root_url)
    monkeypatch.setenv("OPENAI_API_VERSION", "2025-01-01")
    openai_server.script("GET /openai/models", RawReply({"object": "list", "data": []}))
    AzureOpenAI().models.list()
    entry = openai_server.journal.last()
    assert entry.headers["api-key"] == "env-key" and entry.query["api-version"] == ["2025-01-01"]
    monkeypatch.delenv("OPENAI_API_VERSION")
    with pytest.raises(OpenAIError, match="api_version"):
        AzureOpenAI()
    with pytest.raises(OpenAIError, match="No credentials"):
        AzureOpenAI(api_version="v", azure_endpoint="https://x", trust_env=False)


SECRET = "whsec_" + __import__("base64").b64encode(b"super-secret-signing-key").decode()
PAYLOAD = json.dumps({"id": "evt_1", "object": "event", "type": "batch.completed", "created_at": 1, "data": {"id": "batch_1"}})


def signed_headers(payload: str, timestamp: int | None = None, secret: str = SECRET) -> dict[str, str]:
    timestamp = int(time.time()) if timestamp is None else timestamp
    return {"webhook-id": "msg_1", "webhook-timestamp": str(timestamp), "webhook-signature": Webhooks.sign(payload, secret=secret, message_id="msg_1", timestamp=timestamp)}


def test_unwrap_verifies_and_types_the_event() -> None:
    client = OpenAI(api_key="sk-x", webhook_secret=SECRET, trust_env=False)
    event = client.webhooks.unwrap(PAYLOAD, signed_headers(PAYLOAD))
    assert type(event).__name__ == "WebhookBatchCompleted"
    assert event.data.id == "batch_1"


def test_several_signatures_any_may_match() -> None:
    headers = signed_headers(PAYLOAD)
    headers["webhook-signature"] = "v1,bm90LWl0 " + headers["webhook-signature"]
    Webhooks(secret=SECRET).verify_signature(PAYLOAD, headers)


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda h: h.update({"webhook-signature": "v1,AAAA"}), "does not match"),
        (lambda h: h.update({"webhook-timestamp": str(int(time.time()) - 1000)}), "too old"),
        (lambda h: h.update({"webhook-timestamp": str(int(time.time()) + 1000)}), "future"),
        (lambda h: h.pop("webhook-id"), "no webhook-id header"),
        (lambda h: h.update({"webhook-timestamp": "soon"}), "not a number"),
    ],
)
def test_bad_deliveries_are_refused(change: object, message: str) -> None:
    headers = signed_headers(PAYLOAD)
    change(headers)  # type: ignore[operator]
    with pytest.raises(InvalidWebhookSignatureError, match=message):
        Webhooks(secret=SECRET).verify_signature(PAYLOAD, headers)


def test_a_tampered_body_is_refused_and_the_secret_can_come_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("OPENAI_WEBHOOK_SECRET", SECRET)
    headers = signed_headers(PAYLOAD)
    with pytest.raises(InvalidWebhookSignatureError):
        OpenAI(api_key="sk-x").webhooks.unwrap(PAYLOAD.replace("batch_1", "batch_2"), headers)
    assert OpenAI(api_key="sk-x").webhooks.unwrap(PAYLOAD, headers).type == "batch.completed"


@pytest.mark.parametrize("which", ["openai_urllib3", "openai"])
def test_the_mock_server_answers_azure_paths_as_the_api(openai_server: MockServer, which: str) -> None:
    """Nothing scripted: an Azure client's deployment and resource paths reach the same emulation
    (the deployment names the model when the body does not)."""
    module = pytest.importorskip("openai") if which == "openai" else None
    make = module.AzureOpenAI if module is not None else AzureOpenAI
    client = make(azure_endpoint=openai_server.root_url, api_version="2024-10-21", api_key="azure-key-123", max_retries=0)
    reply = client.chat.completions.create(model="my-gpt", messages=[{"role": "user", "content": "hi"}])
    assert reply.choices[0].message.content == "You said: hi"
    streamed = client.chat.completions.create(model="my-gpt", messages=[{"role": "user", "content": "one two"}], stream=True)
    assert "".join(chunk.choices[0].delta.content or "" for chunk in streamed if chunk.choices) == "You said: one two"
    uploaded = client.files.create(file=("a.jsonl", b"{}\n"), purpose="batch")
    assert uploaded.id in [file.id for file in client.files.list()]
    assert len(client.embeddings.create(model="embedder", input="x").data) == 1
    pinned = make(azure_endpoint=openai_server.root_url, azure_deployment="fixed", api_version="2024-10-21", api_key="azure-key-123", max_retries=0)
    assert pinned.chat.completions.create(model="ignored", messages=[{"role": "user", "content": "pinned"}]).choices[0].message.content == "You said: pinned"
    paths = [entry.path for entry in openai_server.journal.all()]
    assert "/openai/deployments/my-gpt/chat/completions" in paths and "/openai/files" in paths and "/openai/deployments/fixed/chat/completions" in paths
    assert all(entry.status == 200 for entry in openai_server.journal.all())
    openai_server.check()
