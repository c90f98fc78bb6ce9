"""Fault schedules, scripted replies, the journal and the stored-completions list."""

from __future__ import annotations

import threading

import pytest

from openai_harness import ChatReply, Delay, MockServer, RawReply, Reset, Status, ToolCall
from openai_harness.server import FaultSchedule
from openai_urllib3 import APIConnectionError, APIStatusError, OpenAI, RateLimitError

CHAT = "POST /chat/completions"


def chat(client: OpenAI, text: str = "x") -> str | None:
    return client.chat.completions.create(model="gpt-4o", messages=[{"role": "user", "content": text}]).choices[0].message.content


def test_faults_by_ordinal(openai_client: OpenAI, openai_server: MockServer) -> None:
    openai_server.fault(CHAT, Status(429), at=[2, 4])
    no_retry = openai_client.with_options(max_retries=0)
    outcomes = []
    for _ in range(5):
        try:
            chat(no_retry)
            outcomes.append("ok")
        except RateLimitError:
            outcomes.append("429")
    assert outcomes == ["ok", "429", "ok", "429", "ok"]


def test_faults_by_retry_count(openai_client: OpenAI, openai_server: MockServer) -> None:
    openai_server.fault(CHAT, Status(503), retry_count=0, times=0)  # every first attempt fails
    for _ in range(3):
        assert chat(openai_client) == "You said: x"
    assert openai_server.journal.retry_counts(CHAT) == [0, 1, 0, 1, 0, 1]


def test_routes_match_with_or_without_prefix_and_wildcards(openai_client: OpenAI, openai_server: MockServer) -> None:
    openai_server.fault("GET /v1/models/{model}", Status(500))
    openai_server.fault("/models/*", Status(502))
    openai_client.models.retrieve("gpt-4o")
    assert [e.status for e in openai_server.journal.all()] == [500, 502, 200]
    openai_client.models.list()  # not matched by either
    assert openai_server.journal.last().status == 200


def test_sequence_of_mixed_faults(openai_client: OpenAI, openai_server: MockServer) -> None:
    openai_server.fault(CHAT, Reset(), Status(500), Delay(0.01))
    assert chat(openai_client) == "You said: x"
    entries = openai_server.journal.for_route(CHAT)
    assert [e.fault for e in entries] == ["Reset(when='before_status')", "Status(status=500, headers={}, body=None)", "Delay(seconds=0.01)"]
    assert [e.status for e in entries] == [None, 500, 200]  # the reset came before any status line
    assert chat(openai_client) == "You said: x"
    assert openai_server.journal.for_route(CHAT)[-1].fault is None


def test_random_faults_are_reproducible_for_a_seed() -> None:
    def outcomes(seed: int) -> list[str | None]:
        schedule = FaultSchedule()
        schedule.add_random(seed, 0.3, [Status(500), Reset()])
        return [None if (f := schedule.pick("GET", "/models", 0)) is None else f.kind for _ in range(200)]

    first = outcomes(7)
    assert first == outcomes(7)
    assert first != outcomes(8)
    assert 30 <= sum(1 for o in first if o) <= 90


def test_bad_schedules_are_rejected_clearly(openai_server: MockServer) -> None:
    with pytest.raises(ValueError, match="at least one fault"):
        openai_server.fault(CHAT)
    with pytest.raises(TypeError, match="Not a fault"):
        openai_server.fault(CHAT, 429)  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="unknown method"):
        openai_server.fault("FETCH /models", Status(500))
    with pytest.raises(ValueError, match="ordinals"):
        openai_server.fault(CHAT, Status(500), at=[0])
    with pytest.raises(ValueError, match="between 100 and 599"):
        Status(700)


def test_scripted_queue_then_default(openai_client: OpenAI, openai_server: MockServer) -> None:
    openai_server.script(CHAT, ChatReply(content="one"), ChatReply(refusal="I can't.", finish_reason="stop"))
    first = openai_client.chat.completions.create(model="gpt-4o", messages=[{"role": "user", "content": "a"}])
    second = openai_client.chat.completions.create(model="gpt-4o", messages=[{"role": "user", "content": "b"}])
    third = openai_client.chat.completions.create(model="gpt-4o", messages=[{"role": "user", "content": "c"}])
    assert first.choices[0].message.content == "one"
    assert second.choices[0].message.refusal == "I can't." and second.choices[0].message.content is None
    assert third.choices[0].message.content == "You said: c"


def test_scripted_function_of_the_request(openai_client: OpenAI, openai_server: MockServer) -> None:
    openai_server.script(CHAT, lambda body: ChatReply(content=body["messages"][-1]["content"].upper(), usage={"prompt_tokens": 3, "completion_tokens": 1}))
    reply = openai_client.chat.completions.create(model="gpt-4o", messages=[{"role": "user", "content": "shout"}])
    assert reply.choices[0].message.content == "SHOUT"
    assert reply.usage.total_tokens == 4
    assert chat(openai_client, "again") == "AGAIN"  # a function stays until reset


def test_scripted_tool_calls_and_finish_reason(openai_client: OpenAI, openai_server: MockServer) -> None:
    openai_server.script(CHAT, ChatReply(tool_calls=[ToolCall("a", {"x": 1}), ToolCall("b", '{"broken"')]))
    message = openai_client.chat.completions.create(model="gpt-4o", messages=[{"role": "user", "content": "go"}]).choices[0]
    assert message.finish_reason == "tool_calls"
    calls = message.message.tool_calls
    assert [(c.function.name, c.function.arguments) for c in calls] == [("a", '{"x":1}'), ("b", '{"broken"')]
    assert all(c.id.startswith("call_") for c in calls)


def test_raw_scripted_reply_for_any_route(openai_client: OpenAI, openai_server: MockServer) -> None:
    openai_server.script("GET /models/{model}", RawReply({"id": "scripted", "object": "model", "extra": True}), RawReply({"error": {"message": "gone"}}, status=410))
    assert openai_client.models.retrieve("anything").extra is True
    with pytest.raises(APIStatusError) as info:
        openai_client.models.retrieve("anything")
    assert info.value.status_code == 410 and "gone" in str(info.value)


def test_ids_and_timestamps_are_deterministic(openai_server: MockServer, openai_client: OpenAI) -> None:
    first = openai_client.chat.completions.create(model="gpt-4o", messages=[{"role": "user", "content": "x"}])
    openai_server.reset()
    second = openai_client.chat.completions.create(model="gpt-4o", messages=[{"role": "user", "content": "x"}])
    assert first.id == second.id and first.created == second.created
    openai_server.advance(60)
    third = openai_client.chat.completions.create(model="gpt-4o", messages=[{"role": "user", "content": "x"}])
    assert third.created == first.created + 60


@pytest.mark.parametrize("count", [0, 1, 5, 6, 7, 20])
@pytest.mark.parametrize("order", ["asc", "desc"])
def test_stored_completions_pages_have_exact_has_more(openai_client: OpenAI, openai_server: MockServer, count: int, order: str) -> None:
    ids = [openai_client.chat.completions.create(model="gpt-4o", messages=[{"role": "user", "content": str(i)}], store=True).id for i in range(count)]
    expected = ids if order == "asc" else ids[::-1]
    page = openai_client.chat.completions.list(limit=3, order=order)  # type: ignore[typeddict-item]
    seen: list[str] = []
    for current in page.iter_pages():
        seen.extend(c.id for c in current.data)
        assert current.has_more == (len(seen) < count)
        assert current.first_id == (current.data[0].id if current.data else "")
        assert current.last_id == (current.data[-1].id if current.data else "")
    assert seen == expected


def test_stored_completion_lifecycle_and_filters(openai_client: OpenAI, openai_server: MockServer) -> None:
    a = openai_client.chat.completions.create(model="gpt-4o", messages=[{"role": "user", "content": "a"}], store=True, metadata={"team": "red"})
    b = openai_client.chat.completions.create(model="gpt-4o-mini", messages=[{"role": "user", "content": "b"}], store=True, metadata={"team": "blue"})
    openai_client.chat.completions.create(model="gpt-4o", messages=[{"role": "user", "content": "not stored"}])
    assert [c.id for c in openai_client.chat.completions.list()] == [a.id, b.id]
    assert [c.id for c in openai_client.chat.completions.list(metadata={"team": "blue"})] == [b.id]
    assert [c.id for c in openai_client.chat.completions.list(model="gpt-4o")] == [a.id]
    assert openai_client.chat.completions.retrieve(a.id).choices[0].message.content == "You said: a"
    updated = openai_client.chat.completions.update(a.id, metadata={"team": "green"})
    assert updated.metadata == {"team": "green"}
    messages = list(openai_client.chat.completions.messages.list(a.id))
    assert [m.content for m in messages] == ["a"] and messages[0].id == f"{a.id}-0"
    assert openai_client.chat.completions.delete(a.id).deleted is True
    with pytest.raises(APIStatusError) as info:
        openai_client.chat.completions.retrieve(a.id)
    assert info.value.status_code == 404


def test_limit_out_of_range_is_a_400_naming_limit(openai_client: OpenAI) -> None:
    with pytest.raises(APIStatusError) as info:
        openai_client.chat.completions.list(limit=1000)
    assert info.value.status_code == 400 and info.value.param == "limit"


def test_journal_helpers(openai_client: OpenAI, openai_server: MockServer) -> None:
    openai_client.models.list()
    chat(openai_client, "journal")
    journal = openai_server.journal
    assert journal.count() == 2 and journal.count(CHAT) == 1
    last = journal.last()
    assert last.method == "POST" and last.path == "/chat/completions" and last.route == "POST /chat/completions"
    assert last.body["messages"][0]["content"] == "journal"
    assert last.status == 200 and last.fault is None
    assert journal.last("GET /models").query == {}
    with pytest.raises(AssertionError, match="No request for DELETE"):
        journal.last("DELETE /models/x")


def test_eight_threads_500_requests_each_with_faults(openai_server: MockServer) -> None:
    client = OpenAI(api_key="sk-test", base_url=openai_server.url, sleep=lambda s: None, trust_env=False, pool_maxsize=8)
    openai_server.random_faults(seed=3, rate=0.05, faults=[Status(500), Status(429), Reset()], route=CHAT)
    errors: list[BaseException] = []
    failed: set[str] = set()
    done = [0] * 8

    def worker(index: int) -> None:
        for n in range(500):
            try:
                chat(client, f"{index}-{n}")
                done[index] += 1
            except (APIStatusError, APIConnectionError) as error:
                errors.append(error)  # only possible when 3 faults in a row hit one call
                failed.add(f"{index}-{n}")
            except BaseException as error:
                errors.append(error)
                raise

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(120)
    unexpected = [e for e in errors if not isinstance(e, (APIStatusError, APIConnectionError))]
    assert not unexpected
    entries = openai_server.journal.for_route(CHAT)
    faulted = [e for e in entries if e.fault is not None]
    assert sum(done) + len(errors) == 4000
    assert len(entries) == 4000 + len(faulted) - len(errors)  # each failure beyond retries ate 3 faulted attempts
    answered = {e.body["messages"][0]["content"] for e in entries if e.fault is None}
    assert answered == {f"{i}-{n}" for i in range(8) for n in range(500)} - failed
    assert all(e.status in (200, 429, 500, None) for e in entries)
