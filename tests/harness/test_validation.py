"""Every operation answers a request that breaks its schema in one way with a 400 naming the param."""

from __future__ import annotations

import json
from typing import Any

import pytest

from openai_harness import MockServer
from openai_harness.server._spec import spec_index

SPEC = spec_index()


def _required_body_field(op: dict[str, Any]) -> tuple[str, Any] | None:
    body = op.get("body")
    if not body or body["kind"] != "json":
        return None
    schema = SPEC.deref(body["schema"])
    props: dict[str, Any] = {}
    required: list[str] = []
    for part in [*(schema.get("allOf") or []), schema]:
        part = SPEC.deref(part)
        props.update(part.get("properties") or {})
        required += part.get("required") or []
    for name in required:
        if name in props:
            return name, props[name]
    return None


CASES = [op for op in SPEC.operations if _required_body_field(op) is not None]


def test_there_are_many_operations_with_required_fields() -> None:
    assert len(CASES) >= 60


@pytest.mark.parametrize("op", CASES, ids=[op["key"] for op in CASES])
def test_missing_required_field_is_a_400_naming_it(openai_server: MockServer, op: dict[str, Any]) -> None:
    import urllib.error
    import urllib.request

    field, _ = _required_body_field(op)  # type: ignore[misc]
    path = "/v1" + op["path"].replace("{", "").replace("}", "")
    request = urllib.request.Request(openai_server.root_url + path, data=b"{}", method=op["method"], headers={"content-type": "application/json"})
    with pytest.raises(urllib.error.HTTPError) as info:
        urllib.request.urlopen(request, timeout=5)
    assert info.value.code == 400
    error = json.loads(info.value.read())["error"]
    assert error["type"] == "invalid_request_error"
    assert error["param"] == field, error
    assert "Missing required parameter" in error["message"]


@pytest.mark.parametrize(
    ("body", "param", "fragment"),
    [
        ({"model": 5, "messages": [{"role": "user", "content": "x"}]}, "model", "expected a string"),
        ({"model": "m", "messages": []}, "messages", "empty array"),
        ({"model": "m", "messages": [{"role": "robot", "content": "x"}]}, "messages[0].role", "Supported values"),
        ({"model": "m", "messages": [{"role": "user", "content": "x"}], "temperature": 9}, "temperature", "maximum"),
        ({"model": "m", "messages": [{"role": "user", "content": "x"}], "n": "2"}, "n", "expected an integer"),
        ({"model": "m", "messages": [{"role": "user", "content": "x"}], "bogus": True}, "bogus", "Unrecognized request argument"),
    ],
)
def test_chat_request_problems_name_the_param(openai_server: MockServer, body: dict[str, Any], param: str, fragment: str) -> None:
    import urllib.error
    import urllib.request

    request = urllib.request.Request(openai_server.url + "/chat/completions", data=json.dumps(body).encode(), headers={"content-type": "application/json"})
    with pytest.raises(urllib.error.HTTPError) as info:
        urllib.request.urlopen(request, timeout=5)
    error = json.loads(info.value.read())["error"]
    assert (info.value.code, error["param"]) == (400, param)
    assert fragment in error["message"]


def test_query_parameters_are_checked(openai_server: MockServer) -> None:
    import urllib.error
    import urllib.request

    with pytest.raises(urllib.error.HTTPError) as info:
        urllib.request.urlopen(openai_server.url + "/files?limit=lots", timeout=5)
    assert json.loads(info.value.read())["error"]["param"] == "limit"
    with pytest.raises(urllib.error.HTTPError) as info:
        urllib.request.urlopen(openai_server.url + "/chat/completions?order=sideways", timeout=5)
    assert json.loads(info.value.read())["error"]["param"] == "order"


def test_validation_can_be_relaxed() -> None:
    import urllib.request

    body = json.dumps({"model": "m", "messages": [{"role": "user", "content": "x"}], "bogus": True}).encode()
    with MockServer(validation="lenient") as lenient:
        request = urllib.request.Request(lenient.url + "/chat/completions", data=body, headers={"content-type": "application/json"})
        with urllib.request.urlopen(request, timeout=5) as answer:
            assert json.loads(answer.read())["object"] == "chat.completion"
    with MockServer(validation="off") as off:
        request = urllib.request.Request(off.url + "/chat/completions", data=json.dumps({"model": 5, "messages": [{"role": "user", "content": "x"}], "bogus": 1}).encode(), headers={"content-type": "application/json"})
        with urllib.request.urlopen(request, timeout=5) as answer:
            assert answer.status == 200
    with pytest.raises(ValueError, match="validation"):
        MockServer(validation="sometimes")


FORM = '--b0\r\nContent-Disposition: form-data; name="prompt"\r\n\r\nagain\r\n--b0\r\nContent-Disposition: form-data; name="image"; filename="a.png"\r\nContent-Type: image/png\r\n\r\nPNG\r\n--b0--\r\n'


@pytest.mark.parametrize(
    ("path", "data", "content_type"),
    [
        ("/images/edits", json.dumps({"prompt": "a hat", "images": [{"file_id": "file-1"}]}), "application/json"),
        ("/images/edits", FORM, "multipart/form-data; boundary=b0"),
        ("/videos/vid_1/remix", json.dumps({"prompt": "again"}), "application/json"),
        ("/videos/vid_1/remix", FORM.split("--b0\r\nContent-Disposition: form-data; name=\"image\"")[0] + "--b0--\r\n", "multipart/form-data; boundary=b0"),
    ],
)
def test_operations_that_take_json_or_a_form_accept_both(openai_server: MockServer, path: str, data: str, content_type: str) -> None:
    import urllib.request

    openai_server.unknown_ids = "permissive"
    request = urllib.request.Request(openai_server.url + path, data=data.encode(), method="POST", headers={"content-type": content_type})
    with urllib.request.urlopen(request, timeout=5) as answer:
        assert answer.status == 200
    assert [entry.invalid for entry in openai_server.journal.all()] == [None]


def test_what_the_api_accepts_is_accepted(openai_server: MockServer) -> None:
    """A Responses request without a model when a stored prompt brings one (and any when the server is
    not strict), and limit=0 on lists: the API takes both."""
    openai = pytest.importorskip("openai")
    client = openai.OpenAI(api_key="sk-accepts", base_url=openai_server.url, max_retries=0)
    response = client.responses.create(prompt={"id": "pmpt_123", "variables": {"city": "Oslo"}}, input="weather?")
    assert response.model and response.status == "completed"
    with pytest.raises(openai.BadRequestError, match="model"):
        client.responses.create(input="no model, no prompt")  # the strict server says what the API says
    page = client.batches.list(limit=0)
    assert page.data == [] and openai_server.journal.last().status == 200
    with MockServer(validation="lenient") as lenient:
        relaxed = openai.OpenAI(api_key="sk-accepts", base_url=lenient.url, max_retries=0)
        assert relaxed.responses.create().status == "completed"


def test_fields_the_api_does_not_require_and_permissive_cursors() -> None:
    import urllib.request

    def post(url: str, path: str, body: dict[str, Any]) -> tuple[int, Any]:
        request = urllib.request.Request(url + path, data=json.dumps(body).encode(), headers={"content-type": "application/json"}, method="POST")
        try:
            with urllib.request.urlopen(request) as response:
                return response.status, json.loads(response.read())
        except urllib.error.HTTPError as error:
            return error.code, json.loads(error.read())

    with MockServer() as server:
        store = post(server.url, "/vector_stores", {"name": "docs"})[1]
        # The spec requires file_ids; the API takes files instead, and says what is missing when neither comes.
        status, answer = post(server.url, f"/vector_stores/{store['id']}/file_batches", {})
        assert status == 400 and "file_ids or files" in answer["error"]["message"]
    with MockServer(validation="lenient", unknown_ids="permissive") as server:
        with urllib.request.urlopen(server.url + "/batches?after=batch_unknown&limit=5") as response:
            page = json.loads(response.read())
        assert page["data"] == [] and page["has_more"] is False  # nothing lies past a cursor it does not know
        upload = post(server.url, "/uploads/upload_unknown/complete", {"part_ids": ["part_1"]})[1]
        assert upload["object"] == "upload"  # a field with one possible value is always sent


def test_an_unknown_cursor_is_a_404_naming_it(openai_server: MockServer) -> None:
    """A cursor names an object: one the list does not hold is answered as any unknown ID is."""
    openai = pytest.importorskip("openai")
    client = openai.OpenAI(api_key="sk-cursor", base_url=openai_server.url, max_retries=0)
    client.files.create(file=("a.jsonl", b"{}\n"), purpose="batch")
    with pytest.raises(openai.NotFoundError) as caught:
        client.files.list(after="file-never-made")
    assert caught.value.body["param"] == "after" and "file-never-made" in caught.value.body["message"]
    assert caught.value.body["message"].startswith("No file found")
    with pytest.raises(openai.NotFoundError):
        client.batches.list(after="batch_never_made")  # an empty list too


def test_beta_variants_are_validated_by_their_own_schema(openai_server: MockServer) -> None:
    """``beta.responses.create`` reaches ``POST /responses?beta=true``, whose schema takes
    ``multi_agent``; the GA route does not, and strict validation tells them apart."""
    openai = pytest.importorskip("openai")
    client = openai.OpenAI(api_key="sk-beta", base_url=openai_server.url, max_retries=0)
    beta = client.beta.responses.create(model="gpt-4o", input="hi", multi_agent={"enabled": True}, betas=["responses_multi_agent=v1"])
    assert beta.status == "completed" and openai_server.journal.last().invalid is None
    with pytest.raises(openai.BadRequestError, match="multi_agent"):
        client.responses.create(model="gpt-4o", input="hi", extra_body={"multi_agent": {"enabled": True}})


def test_fields_newer_than_the_spec_copy_are_taken(openai_server: MockServer) -> None:
    """``client/codegen/spec_additions.yaml``: what the SDKs send that this spec copy lacks is
    accepted by the strict server and taken as an argument by this client."""
    import inspect

    from openai_urllib3 import OpenAI

    openai = pytest.importorskip("openai")
    # Newer official SDKs send admin calls with the admin key only.
    admin = {"admin_api_key": "sk-admin-newer"} if "admin_api_key" in inspect.signature(openai.OpenAI.__init__).parameters else {}
    official = openai.OpenAI(api_key="sk-newer", base_url=openai_server.url, max_retries=0, **admin)
    ours = OpenAI(api_key="sk-newer", base_url=openai_server.url, max_retries=0)
    created = official.admin.organization.projects.create(name="eu", geography="eu")
    assert openai_server.journal.last().invalid is None
    ours.admin.organization.projects.update(created.id, geography="us")
    assert openai_server.journal.last().status == 200
    assert json.loads(openai_server.journal.last().raw_body) == {"geography": "us"}


def test_a_number_too_long_to_read_is_named_in_the_api_words(openai_server: MockServer) -> None:
    import urllib.error
    import urllib.request

    body = b'{"model": "gpt-4o", "messages": [{"role": "user", "content": "hi"}], "max_tokens": ' + b"9" * 5000 + b"}"
    request = urllib.request.Request(openai_server.url + "/chat/completions", data=body, headers={"content-type": "application/json"}, method="POST")
    with pytest.raises(urllib.error.HTTPError) as caught:
        urllib.request.urlopen(request, timeout=5)
    error = json.loads(caught.value.read())["error"]
    assert caught.value.code == 400 and error["code"] == "invalid_json"
    assert "too many digits" in error["message"] and "sys." not in error["message"]
