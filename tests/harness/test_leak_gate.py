"""The leak gate finds credentials in every form a cassette can hold them, and scrubbing removes
what it finds. Every key here is built at run time; the tree holds none."""

from __future__ import annotations

import base64
import gzip
import json
import pathlib
import random
import string
from typing import Callable

import pytest

from openai_harness._cli import main
from openai_harness.cassettes import (
    CassetteSecretError,
    HarnessSerializer,
    Interaction,
    RecordedRequest,
    RecordedResponse,
    Scrubber,
    dumps_cassette,
    find_secrets,
    load_cassette,
    scan_cassette_text,
)

_rng = random.Random(20261202)


def _token(alphabet: str, length: int) -> str:
    return "".join(_rng.choice(alphabet) for _ in range(length))


ALNUM = string.ascii_letters + string.digits
KEYS: dict[str, str] = {
    "openai": "sk-proj-" + _token(ALNUM, 40),
    "anthropic": "sk-ant-api03-" + _token(ALNUM, 40),
    "google": "AIza" + _token(ALNUM, 35),
    "github": "ghp_" + _token(ALNUM, 36),
    "aws": "AKIA" + _token(string.ascii_uppercase + string.digits, 16),
    "client secret": "ek_" + _token(ALNUM, 24),
    "webhook secret": "whsec_" + _token(ALNUM, 32),
}
AZURE_KEY = _token("0123456789abcdef", 32)


def vcrpy_cassette(uri: str = "https://api.openai.com/v1/models", headers: str = "", body: str = "null", response: str = "'{}'") -> str:
    """A cassette as vcrpy writes it (a foreign file: no harness format marker)."""
    return f"""interactions:
- request:
    body: {body}
    headers:
      Content-Type:
      - application/json{headers}
    method: POST
    uri: {uri}
  response:
    body:
      string: {response}
    headers:
      Content-Type:
      - application/json
    status:
      code: 200
      message: OK
version: 1
"""


def multipart_with_binary_part(key: str) -> bytes:
    boundary = "b0undary"
    return (
        f"--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"a.wav\"\r\nContent-Type: audio/wav\r\n\r\n".encode()
        + bytes(range(256))
        + f"\r\n--{boundary}\r\nContent-Disposition: form-data; name=\"note\"\r\n\r\nuse {key}\r\n--{boundary}--\r\n".encode()
    )


def harness_cassette_with_binary_body(key: str) -> str:
    body = base64.b64encode(multipart_with_binary_part(key)).decode()
    return f"""openai_harness_cassette: 1
interactions:
- request:
    method: POST
    uri: https://api.openai.com/v1/audio/transcriptions
    headers:
      content-type: multipart/form-data; boundary=b0undary
    base64: {body}
  response:
    status: 200
    headers:
      content-type: application/json
    json: {{text: hi}}
"""


def gzip_body_cassette(key: str) -> str:
    packed = base64.b64encode(gzip.compress(json.dumps({"echo": key}).encode())).decode()
    return vcrpy_cassette(response=f"!!binary |\n        {packed}").replace(
        "      Content-Type:\n      - application/json\n    status", "      Content-Encoding:\n      - gzip\n      Content-Type:\n      - application/json\n    status"
    )


FORMS: dict[str, Callable[[], tuple[str, str]]] = {
    "azure ?api-key= in the query": lambda: (vcrpy_cassette(uri=f"https://x.openai.azure.com/openai/models?api-version=2024-06-01&api-key={AZURE_KEY}"), AZURE_KEY),
    "key after a YAML tab escape": lambda: (vcrpy_cassette(body=json.dumps('{"note": "\t' + KEYS["openai"] + '"}')), KEYS["openai"]),
    "key after a newline escape": lambda: (vcrpy_cassette(body=json.dumps("line\n" + KEYS["openai"])), KEYS["openai"]),
    "key after %3D in the query": lambda: (vcrpy_cassette(uri=f"https://api.openai.com/v1/models?q=a%3D{KEYS['openai']}"), KEYS["openai"]),
    "key in a multipart body with binary parts": lambda: (harness_cassette_with_binary_body(KEYS["openai"]), KEYS["openai"]),
    "key behind a JSON unicode escape": lambda: (vcrpy_cassette(response=json.dumps('{"k": "\\u0073' + KEYS["openai"][1:] + '"}')), KEYS["openai"][1:]),
    "key in a gzip body": lambda: (gzip_body_cassette(KEYS["webhook secret"]), KEYS["webhook secret"]),
    "azure hex key in an api-key header": lambda: (vcrpy_cassette(headers=f"\n      api-key:\n      - {AZURE_KEY}"), AZURE_KEY),
    "custom key header": lambda: (vcrpy_cassette(headers=f"\n      X-Gateway-Key:\n      - gw-{AZURE_KEY}"), AZURE_KEY),
    "api_key field in a JSON body": lambda: (vcrpy_cassette(body=json.dumps(json.dumps({"api_key": AZURE_KEY}))), AZURE_KEY),
    **{f"{name} key in a response": (lambda key=key: (vcrpy_cassette(response=json.dumps(json.dumps({"value": key}))), key)) for name, key in KEYS.items()},
}


@pytest.mark.parametrize("form", list(FORMS))
def test_the_gate_finds_every_form_and_its_report_leaks_nothing(form: str) -> None:
    text, secret = FORMS[form]()
    findings = scan_cassette_text(text)
    assert findings, f"missed: {form}"
    report = "; ".join(find_secrets(text))
    assert secret not in report and "interactions[0]" in report


@pytest.mark.parametrize("form", list(FORMS))
def test_cassette_scrub_removes_what_verify_flags_without_a_pattern(form: str, tmp_path: pathlib.Path, capsys: pytest.CaptureFixture[str]) -> None:
    text, secret = FORMS[form]()
    path = tmp_path / "leaky.yaml"
    path.write_text(text, encoding="utf-8")
    assert main(["cassette", "verify", str(path)]) == 1
    assert "FAIL" in capsys.readouterr().out
    assert main(["cassette", "scrub", str(path)]) == 0
    assert main(["cassette", "verify", str(path)]) == 0, capsys.readouterr().out
    assert secret not in path.read_text(encoding="utf-8")
    assert load_cassette(path)  # still a cassette that loads


def test_binary_bodies_are_scrubbed_in_place_and_stay_binary() -> None:
    key = KEYS["openai"]
    request = RecordedRequest("POST", "https://api.openai.com/v1/files", [("Content-Type", "multipart/form-data; boundary=b0undary")], multipart_with_binary_part(key))
    scrubbed = Scrubber().scrub(Interaction(request, RecordedResponse(200, "OK", [], b"{}")))
    assert key.encode() not in scrubbed.request.body
    assert bytes(range(256)) in scrubbed.request.body and b"use REDACTED" in scrubbed.request.body


def test_what_the_scrubber_cannot_reach_stops_the_write_and_says_where() -> None:
    # A key packed by the application itself (base64 of gzip in a JSON field): no scrubber rule
    # sees it, the gate does.
    packed = base64.b64encode(gzip.compress(KEYS["github"].encode())).decode()
    raw = {
        "interactions": [
            {
                "request": {"method": "POST", "uri": "https://x/v1/chat/completions", "headers": {}, "body": json.dumps({"blob": packed})},
                "response": {"status": {"code": 200, "message": "OK"}, "headers": {}, "body": {"string": "{}"}},
            }
        ]
    }
    with pytest.raises(CassetteSecretError) as info:
        HarnessSerializer(source="cassettes/packed.yaml").serialize(raw)
    message = str(info.value)
    assert "cassettes/packed.yaml" in message and "GitHub token" in message and "request.json.blob (base64) (decompressed)" in message
    assert KEYS["github"] not in message


def test_ordinary_recordings_are_not_flagged() -> None:
    """No false alarm on what real traffic holds: IDs, base64 audio and embeddings, logprob tokens,
    prompt cache keys, rate-limit token headers, idempotency keys, redacted values."""
    audio = base64.b64encode(bytes(_rng.randrange(256) for _ in range(50_000))).decode()
    body = {
        "id": "chatcmpl-" + _token(ALNUM, 29),
        "prompt_cache_key": "user-" + _token(ALNUM, 20),
        "choices": [{"logprobs": {"content": [{"token": "Hello", "logprob": -0.1}]}, "message": {"audio": {"data": audio}}}],
        "data": [{"embedding": base64.b64encode(bytes(_rng.randrange(256) for _ in range(6144))).decode()}],
        "text": "Ask about the risk-assessment-framework-for-2026 document; your api key is REDACTED.",
    }
    request = RecordedRequest(
        "POST",
        "https://api.openai.com/v1/chat/completions?api-version=2024-06-01",
        [("Authorization", "Bearer REDACTED"), ("Idempotency-Key", "stainless-python-retry-" + _token(ALNUM, 36)), ("Content-Type", "application/json")],
        json.dumps({"model": "gpt-4o", "messages": []}).encode(),
    )
    response = RecordedResponse(200, "OK", [("x-ratelimit-remaining-tokens", "29999"), ("content-type", "application/json")], json.dumps(body).encode())
    text = dumps_cassette([Scrubber(keep_volatile_headers=True).scrub(Interaction(request, response))])
    assert find_secrets(text) == []
    assert "Hello" in text and "risk-assessment-framework-for-2026" in text and body["prompt_cache_key"] in text


def test_real_recordings_from_other_projects_raise_no_false_alarm() -> None:
    """73 cassettes of real OpenAI traffic, already filtered by their projects: IDs, encrypted
    reasoning, cookies and organization headers are not credentials."""
    from ..shared_cassettes import cassette_paths, require_shared

    require_shared()
    flagged = {path.name: find_secrets(path.read_text(encoding="utf-8")) for path in cassette_paths()}
    assert {name: found for name, found in flagged.items() if found} == {}
