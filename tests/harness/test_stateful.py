"""Stateful properties, one machine per core resource: random sequences of create, list, retrieve,
update, delete (and, where statuses move with the clock, advance and cancel) keep the
server's answers consistent with a simple model, and listing with any page size and order yields
exactly the live objects, each once, in order."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import Bundle, RuleBasedStateMachine, consumes, initialize, invariant, rule

from openai_harness import MockServer
from openai_urllib3 import NotFoundError, OpenAI

SERVER: MockServer | None = None
# Half the loaded profile's budget: 12 runs of each machine under the CI profile, 1,000 under --openai-fuzz.
STATEFUL = settings(max_examples=max(12, settings.default.max_examples // 2), stateful_step_count=15, deadline=None, suppress_health_check=list(HealthCheck))


@pytest.fixture(scope="module", autouse=True)
def server() -> Any:
    global SERVER
    with MockServer() as running:
        SERVER = running
        yield running
    SERVER = None


def client() -> OpenAI:
    assert SERVER is not None
    return OpenAI(api_key="sk-state", base_url=SERVER.url, trust_env=False, max_retries=0)


page_sizes = st.integers(min_value=1, max_value=5)
orders = st.sampled_from(["asc", "desc"])


class FilesMachine(RuleBasedStateMachine):
    files = Bundle("files")

    @initialize()
    def start(self) -> None:
        assert SERVER is not None
        SERVER.reset()
        self.client = client()
        self.model: dict[str, dict[str, Any]] = {}

    @rule(target=files, content=st.binary(max_size=40), purpose=st.sampled_from(["batch", "assistants", "fine-tune"]))
    def create(self, content: bytes, purpose: str) -> str:
        created = self.client.files.create(file=("f.bin", content), purpose=purpose)  # type: ignore[arg-type]
        self.model[created.id] = {"content": content, "purpose": purpose}
        return created.id

    @rule(file_id=files)
    def retrieve(self, file_id: str) -> None:
        if file_id in self.model:
            found = self.client.files.retrieve(file_id)
            assert (found.bytes, found.purpose) == (len(self.model[file_id]["content"]), self.model[file_id]["purpose"])
            assert self.client.files.content(file_id).read() == self.model[file_id]["content"]
        else:
            with pytest.raises(NotFoundError):
                self.client.files.retrieve(file_id)

    @rule(file_id=consumes(files))
    def delete(self, file_id: str) -> None:
        if file_id in self.model:
            assert self.client.files.delete(file_id).deleted is True
            del self.model[file_id]
        else:
            with pytest.raises(NotFoundError):
                self.client.files.delete(file_id)

    @rule(limit=page_sizes, order=orders)
    def list_all(self, limit: int, order: str) -> None:
        listed = [f.id for f in self.client.files.list(limit=limit, order=order)]  # type: ignore[arg-type]
        expected = list(self.model)  # creation order
        assert listed == (expected if order == "asc" else expected[::-1])

    @rule(purpose=st.sampled_from(["batch", "assistants"]))
    def list_by_purpose(self, purpose: str) -> None:
        listed = {f.id for f in self.client.files.list(purpose=purpose)}
        assert listed == {k for k, v in self.model.items() if v["purpose"] == purpose}


class StoredCompletionsMachine(RuleBasedStateMachine):
    completions = Bundle("completions")

    @initialize()
    def start(self) -> None:
        assert SERVER is not None
        SERVER.reset()
        self.client = client()
        self.model: dict[str, dict[str, str]] = {}

    @rule(target=completions, text=st.text(alphabet="abc xyz", min_size=1, max_size=10), team=st.sampled_from(["red", "blue"]))
    def create(self, text: str, team: str) -> str:
        created = self.client.chat.completions.create(model="gpt-4o", store=True, metadata={"team": team}, messages=[{"role": "user", "content": text}])
        self.model[created.id] = {"team": team}
        return created.id

    @rule(completion_id=completions, team=st.sampled_from(["red", "blue", "green"]))
    def update(self, completion_id: str, team: str) -> None:
        if completion_id in self.model:
            assert self.client.chat.completions.update(completion_id, metadata={"team": team}).metadata == {"team": team}
            self.model[completion_id]["team"] = team
        else:
            with pytest.raises(NotFoundError):
                self.client.chat.completions.update(completion_id, metadata={"team": team})

    @rule(completion_id=consumes(completions))
    def delete(self, completion_id: str) -> None:
        if completion_id in self.model:
            self.client.chat.completions.delete(completion_id)
            del self.model[completion_id]
        else:
            with pytest.raises(NotFoundError):
                self.client.chat.completions.delete(completion_id)

    @rule(limit=page_sizes, order=orders, team=st.sampled_from([None, "red", "blue", "green"]))
    def list_all(self, limit: int, order: str, team: str | None) -> None:
        metadata = {"team": team} if team else None
        listed = [c.id for c in self.client.chat.completions.list(limit=limit, order=order, **({"metadata": metadata} if metadata else {}))]  # type: ignore[call-overload]
        expected = [k for k, v in self.model.items() if team is None or v["team"] == team]
        assert listed == (expected if order == "asc" else expected[::-1])

    @invariant()
    def pages_are_exact(self) -> None:
        if not hasattr(self, "client"):
            return
        pages = list(self.client.chat.completions.list(limit=2).iter_pages())
        assert sum(len(p.data) for p in pages) == len(self.model)
        assert all(p.has_more for p in pages[:-1]) and pages[-1].has_more is False


class VectorStoresMachine(RuleBasedStateMachine):
    stores = Bundle("stores")

    @initialize()
    def start(self) -> None:
        assert SERVER is not None
        SERVER.reset()
        self.client = client()
        self.model: dict[str, str] = {}

    @rule(target=stores, name=st.text(alphabet="abcdef", min_size=1, max_size=6))
    def create(self, name: str) -> str:
        created = self.client.vector_stores.create(name=name)
        self.model[created.id] = name
        return created.id

    @rule(store_id=stores, name=st.text(alphabet="uvwxyz", min_size=1, max_size=6))
    def rename(self, store_id: str, name: str) -> None:
        if store_id in self.model:
            assert self.client.vector_stores.update(store_id, name=name).name == name
            self.model[store_id] = name
        else:
            with pytest.raises(NotFoundError):
                self.client.vector_stores.update(store_id, name=name)

    @rule(store_id=consumes(stores))
    def delete(self, store_id: str) -> None:
        if store_id in self.model:
            self.client.vector_stores.delete(store_id)
            del self.model[store_id]
        else:
            with pytest.raises(NotFoundError):
                self.client.vector_stores.delete(store_id)

    @rule(limit=page_sizes, order=orders)
    def list_all(self, limit: int, order: str) -> None:
        listed = [(s.id, s.name) for s in self.client.vector_stores.list(limit=limit, order=order)]  # type: ignore[arg-type]
        expected = list(self.model.items())
        assert listed == (expected if order == "asc" else expected[::-1])


class ConversationItemsMachine(RuleBasedStateMachine):
    items = Bundle("items")

    @initialize()
    def start(self) -> None:
        assert SERVER is not None
        SERVER.reset()
        self.client = client()
        self.conversation = self.client.conversations.create().id
        self.model: list[str] = []

    @rule(target=items, text=st.text(alphabet="hello world", min_size=1, max_size=8))
    def add(self, text: str) -> str:
        added = self.client.conversations.items.create(self.conversation, items=[{"type": "message", "role": "user", "content": text}])
        item_id = added.data[0].raw("id")
        self.model.append(item_id)
        return str(item_id)

    @rule(item_id=consumes(items))
    def delete(self, item_id: str) -> None:
        if item_id in self.model:
            self.client.conversations.items.delete(item_id, conversation_id=self.conversation)
            self.model.remove(item_id)
        else:
            with pytest.raises(NotFoundError):
                self.client.conversations.items.delete(item_id, conversation_id=self.conversation)

    @rule(limit=page_sizes, order=orders)
    def list_all(self, limit: int, order: str) -> None:
        listed = [i.raw("id") for i in self.client.conversations.items.list(self.conversation, limit=limit, order=order)]  # type: ignore[arg-type]
        assert listed == (self.model if order == "asc" else self.model[::-1])


BATCH_LINE = b'{"custom_id": "1", "method": "POST", "url": "/v1/embeddings", "body": {"model": "text-embedding-3-small", "input": "hi"}}\n'
TRAINING_LINE = b'{"messages": [{"role": "user", "content": "Q"}, {"role": "assistant", "content": "A"}]}\n'


class _ProgressingMachine(RuleBasedStateMachine):
    """Objects whose status moves on with the server's clock: it never goes back, a terminal status
    stays, cancel ends in cancelled, and listing yields exactly the objects made, newest first."""

    ORDER: tuple[str, ...] = ()
    TERMINAL: frozenset[str] = frozenset()
    objects = Bundle("objects")

    @initialize()
    def start(self) -> None:
        assert SERVER is not None
        SERVER.reset()
        self.client = client()
        self.model: dict[str, str] = {}  # id -> last status seen
        self.cancelled: set[str] = set()

    def make(self) -> Any:
        raise NotImplementedError

    def fetch(self, object_id: str) -> Any:
        raise NotImplementedError

    def cancel_one(self, object_id: str) -> Any:
        raise NotImplementedError

    def list_ids(self, limit: int, order: str) -> list[str]:
        raise NotImplementedError

    @rule(target=objects)
    def create(self) -> str:
        made = self.make()
        self.model[made.id] = made.status
        return str(made.id)

    @rule(seconds=st.sampled_from([0.5, 1.0, 3.0, 30.0]))
    def advance(self, seconds: float) -> None:
        assert SERVER is not None
        SERVER.advance(seconds)

    @rule(object_id=objects)
    def retrieve(self, object_id: str) -> None:
        status = self.fetch(object_id).status
        before = self.model[object_id]
        if before in self.TERMINAL:
            assert status == before
        elif object_id not in self.cancelled:
            assert self.ORDER.index(status) >= self.ORDER.index(before), (before, status)
        self.model[object_id] = status

    @rule(object_id=objects)
    def cancel(self, object_id: str) -> None:
        if self.fetch(object_id).status in self.TERMINAL:
            return  # the API refuses to cancel a finished object; test_emulation covers that answer
        self.model[object_id] = self.cancel_one(object_id).status
        assert self.model[object_id] in ("cancelling", "cancelled")
        self.cancelled.add(object_id)

    @rule(limit=page_sizes, order=orders)
    def list_all(self, limit: int, order: str) -> None:
        made = list(self.model)
        assert self.list_ids(limit, order) == (made if order == "asc" else made[::-1])

    @invariant()
    def cancelled_ones_end_cancelled(self) -> None:
        if not hasattr(self, "client"):
            return
        assert SERVER is not None
        for object_id in self.cancelled:
            status = self.model[object_id] = self.fetch(object_id).status
            assert status in ("cancelling", "cancelled") or status in self.TERMINAL


class BatchesMachine(_ProgressingMachine):
    ORDER = ("validating", "in_progress", "finalizing", "completed")
    TERMINAL = frozenset({"completed", "failed", "expired", "cancelled"})

    def make(self) -> Any:
        upload = self.client.files.create(file=("in.jsonl", BATCH_LINE), purpose="batch")
        return self.client.batches.create(input_file_id=upload.id, endpoint="/v1/embeddings", completion_window="24h")

    def fetch(self, object_id: str) -> Any:
        return self.client.batches.retrieve(object_id)

    def cancel_one(self, object_id: str) -> Any:
        return self.client.batches.cancel(object_id)

    def list_ids(self, limit: int, order: str) -> list[str]:
        return [b.id for b in self.client.batches.list(limit=limit)][:: 1 if order == "desc" else -1]


class FineTuningJobsMachine(_ProgressingMachine):
    ORDER = ("validating_files", "queued", "running", "succeeded")
    TERMINAL = frozenset({"succeeded", "failed", "cancelled"})

    def make(self) -> Any:
        upload = self.client.files.create(file=("train.jsonl", TRAINING_LINE * 10), purpose="fine-tune")
        return self.client.fine_tuning.jobs.create(model="gpt-4o-mini", training_file=upload.id)

    def fetch(self, object_id: str) -> Any:
        return self.client.fine_tuning.jobs.retrieve(object_id)

    def cancel_one(self, object_id: str) -> Any:
        return self.client.fine_tuning.jobs.cancel(object_id)

    def list_ids(self, limit: int, order: str) -> list[str]:
        return [j.id for j in self.client.fine_tuning.jobs.list(limit=limit)][:: 1 if order == "desc" else -1]


class ResponsesMachine(RuleBasedStateMachine):
    responses = Bundle("responses")

    @initialize()
    def start(self) -> None:
        assert SERVER is not None
        SERVER.reset()
        self.client = client()
        self.model: dict[str, str] = {}  # id -> the input that made it

    @rule(target=responses, text=st.text(alphabet="abc xyz", min_size=1, max_size=10))
    def create(self, text: str) -> str:
        made = self.client.responses.create(model="gpt-4o", input=text)
        assert made.output_text == "You said: " + text
        self.model[made.id] = text
        return made.id

    @rule(target=responses, previous=responses, text=st.text(alphabet="abc", min_size=1, max_size=5))
    def follow_up(self, previous: str, text: str) -> str:
        if previous not in self.model:
            with pytest.raises(NotFoundError):
                self.client.responses.create(model="gpt-4o", input=text, previous_response_id=previous)
            return previous
        made = self.client.responses.create(model="gpt-4o", input=text, previous_response_id=previous)
        assert made.previous_response_id == previous
        self.model[made.id] = text
        return made.id

    @rule(response_id=responses)
    def retrieve(self, response_id: str) -> None:
        if response_id in self.model:
            assert self.client.responses.retrieve(response_id).output_text == "You said: " + self.model[response_id]
            items = [item.raw("content") for item in self.client.responses.input_items.list(response_id, order="asc")]
            assert items[-1][0]["text"] == self.model[response_id]
        else:
            with pytest.raises(NotFoundError):
                self.client.responses.retrieve(response_id)

    @rule(response_id=consumes(responses))
    def delete(self, response_id: str) -> None:
        if response_id in self.model:
            self.client.responses.delete(response_id)
            del self.model[response_id]
        else:
            with pytest.raises(NotFoundError):
                self.client.responses.delete(response_id)


for machine in (BatchesMachine, FineTuningJobsMachine, ResponsesMachine):
    machine.TestCase.settings = STATEFUL

TestBatches = BatchesMachine.TestCase
TestFineTuningJobs = FineTuningJobsMachine.TestCase
TestResponses = ResponsesMachine.TestCase

for machine in (FilesMachine, StoredCompletionsMachine, VectorStoresMachine, ConversationItemsMachine):
    machine.TestCase.settings = STATEFUL

TestFiles = FilesMachine.TestCase
TestStoredCompletions = StoredCompletionsMachine.TestCase
TestVectorStores = VectorStoresMachine.TestCase
TestConversationItems = ConversationItemsMachine.TestCase


def test_videos_progress_on_the_clock_and_both_sdks_poll_them_to_the_end() -> None:
    import warnings

    openai = pytest.importorskip("openai")
    with MockServer() as server:
        server.set_clock_step(5)  # each request moves the clock on, as polling does
        for client in (OpenAI(api_key="sk-video", base_url=server.url, sleep=lambda s: None), openai.OpenAI(api_key="sk-video", base_url=server.url)):
            with warnings.catch_warnings():
                warnings.simplefilter("ignore", DeprecationWarning)
                video = client.videos.create_and_poll(prompt="a cat on a skateboard", model="sora-2", poll_interval_ms=1)
                assert video.status == "completed" and video.progress == 100 and video.completed_at is not None
                assert client.videos.download_content(video.id).read()[4:8] == b"ftyp"
                remix = client.videos.remix(video.id, prompt="now in the rain")
                assert remix.remixed_from_video_id == video.id and remix.status in ("queued", "in_progress")
                assert video.id in [item.id for item in client.videos.list()]
                assert client.videos.delete(video.id).deleted is True
                with pytest.raises(Exception, match=r"No video found"):
                    client.videos.retrieve(video.id)
        statuses = [entry.status for entry in server.journal.for_route("GET /videos/{video_id}")]
        assert statuses and all(status in (200, 404) for status in statuses)
