"""``client.chat.completions.stream(...)``: chunks as they arrive, plus the accumulated completion."""

from __future__ import annotations

from typing import Iterator

from ._chat_accumulator import ChatCompletionAccumulator
from ._streaming import Stream
from .types.chat import ChatCompletion, ChatCompletionChunk

__all__ = ["ChatCompletionStream"]


class ChatCompletionStream:
    """Iterate for chunks; ``accumulator`` follows along; ``get_final_completion()`` reads to the end."""

    def __init__(self, stream: Stream[ChatCompletionChunk]) -> None:
        self.stream = stream
        self.accumulator = ChatCompletionAccumulator()

    def __iter__(self) -> Iterator[ChatCompletionChunk]:
        for chunk in self.stream:
            self.accumulator.add_chunk(chunk)
            yield chunk

    def get_final_completion(self) -> ChatCompletion:
        for _ in self:
            pass
        return self.accumulator.snapshot()

    @property
    def request_id(self) -> str | None:
        return self.stream.request_id

    def close(self) -> None:
        self.stream.close()

    def __enter__(self) -> ChatCompletionStream:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
