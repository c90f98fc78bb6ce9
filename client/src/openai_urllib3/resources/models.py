"""``client.models``: list, retrieve and delete models."""

from __future__ import annotations

from functools import cached_property
from typing import TYPE_CHECKING

from .._pagination import PageParser, SyncPage
from .._resource import SyncAPIResource, to_raw_response_wrapper, to_streamed_response_wrapper
from .._url import path_segment
from ..types.model import Model, ModelDeleted

if TYPE_CHECKING:
    from typing_extensions import Unpack

    from .._options import RequestOptions

__all__ = ["Models", "ModelsWithRawResponse", "ModelsWithStreamingResponse"]


class Models(SyncAPIResource):
    def retrieve(self, model: str, **options: Unpack[RequestOptions]) -> Model:
        """Retrieve a model instance: basic information such as its owner."""
        return self._client.request("GET", f"/models/{path_segment(model, 'model')}", cast_to=Model, options=options)  # type: ignore[no-any-return]

    def list(self, **options: Unpack[RequestOptions]) -> SyncPage[Model]:
        """The models currently available."""
        return self._client.request("GET", "/models", cast_to=None, parser=PageParser(SyncPage, Model), options=options)  # type: ignore[no-any-return]

    def delete(self, model: str, **options: Unpack[RequestOptions]) -> ModelDeleted:
        """Delete a fine-tuned model (you must own it)."""
        return self._client.request("DELETE", f"/models/{path_segment(model, 'model')}", cast_to=ModelDeleted, options=options)  # type: ignore[no-any-return]

    @cached_property
    def with_raw_response(self) -> ModelsWithRawResponse:
        return ModelsWithRawResponse(self)

    @cached_property
    def with_streaming_response(self) -> ModelsWithStreamingResponse:
        return ModelsWithStreamingResponse(self)


class ModelsWithRawResponse:
    def __init__(self, models: Models) -> None:
        self.retrieve = to_raw_response_wrapper(models.retrieve)
        self.list = to_raw_response_wrapper(models.list)
        self.delete = to_raw_response_wrapper(models.delete)


class ModelsWithStreamingResponse:
    def __init__(self, models: Models) -> None:
        self.retrieve = to_streamed_response_wrapper(models.retrieve)
        self.list = to_streamed_response_wrapper(models.list)
        self.delete = to_streamed_response_wrapper(models.delete)
