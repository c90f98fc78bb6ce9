"""Pagination: iterate every item across pages, or walk page by page."""

from __future__ import annotations

from _mock import example_client


def main() -> None:
    with example_client() as (client, _):
        for index in range(7):
            client.chat.completions.create(model="gpt-4o-mini", store=True, metadata={"batch": "demo"}, messages=[{"role": "user", "content": f"note {index}"}])
        ids = [completion.id for completion in client.chat.completions.list(limit=3, metadata={"batch": "demo"})]
        print(f"{len(ids)} stored completions, fetched 3 at a time")
        for number, page in enumerate(client.chat.completions.list(limit=3, metadata={"batch": "demo"}).iter_pages(), 1):
            print(f"page {number}: {len(page.data)} items, has_more={page.has_more}")


if __name__ == "__main__":
    main()
