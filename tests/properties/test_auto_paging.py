"""For any number of objects and any page size, auto-paging yields each object exactly once, in
the server's order, with this client and with the official SDK."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from openai_harness import MockServer
from openai_urllib3 import OpenAI

from .conftest import examples

counts = st.integers(0, 45)
page_sizes = st.integers(1, 25)
orders = st.sampled_from([None, "asc", "desc"])


def seed_files(server: MockServer, count: int) -> list[str]:
    """``count`` files, oldest first; their IDs."""
    server.reset()
    server.load_state({"files": [{"id": f"file-{index:03d}", "content": f"file {index}", "purpose": "batch"} for index in range(count)]})
    return [f"file-{index:03d}" for index in range(count)]


def expected(ids: list[str], order: str | None) -> list[str]:
    return ids if order == "asc" else ids[::-1]  # files are listed newest first unless asked


def page_requests(server: MockServer) -> list[dict[str, list[str]]]:
    return [entry.query for entry in server.journal.all() if entry.path == "/files"]


@given(count=counts, page_size=page_sizes, order=orders)
@settings(max_examples=examples(1))
def test_auto_paging_yields_each_object_once_in_order(server: MockServer, client: OpenAI, count: int, page_size: int, order: str | None) -> None:
    ids = seed_files(server, count)
    params: dict[str, Any] = {"limit": page_size, **({"order": order} if order else {})}
    listed = [file.id for file in client.files.list(**params)]
    assert listed == expected(ids, order)
    pages = page_requests(server)
    assert len(pages) == max(1, -(-count // page_size))  # has_more is false on the last page: no extra request
    assert all(query.get("limit") == [str(page_size)] for query in pages)


@given(count=counts, page_size=page_sizes)
@settings(max_examples=examples(0.4))
def test_pages_of_stored_chat_completions_have_right_has_more(server: MockServer, client: OpenAI, count: int, page_size: int) -> None:
    server.reset()
    made = [client.chat.completions.create(model="gpt-4o-mini", store=True, messages=[{"role": "user", "content": str(index)}]).id for index in range(count)]
    pages = list(client.chat.completions.list(limit=page_size).iter_pages())
    assert [item.id for page in pages for item in page.data] == made
    assert [page.has_more for page in pages] == [True] * (len(pages) - 1) + [False]
    assert all(len(page.data) == page_size for page in pages[:-1])


@given(count=counts, page_size=page_sizes)
@settings(max_examples=examples(0.4))
def test_the_official_sdk_pages_the_same(server: MockServer, count: int, page_size: int) -> None:
    openai = pytest.importorskip("openai")
    ids = seed_files(server, count)
    with openai.OpenAI(api_key="sk-test", base_url=server.url, max_retries=0) as sdk:
        assert [file.id for file in sdk.files.list(limit=page_size)] == expected(ids, None)
