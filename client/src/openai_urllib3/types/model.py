"""Model objects (hand-written until the generated surface replaces them)."""

from __future__ import annotations

from typing import Literal

from .._models import BaseModel, Field

__all__ = ["Model", "ModelDeleted"]


class Model(BaseModel):
    """A model that can be used with the API."""

    __slots__ = ()
    id = Field[str]()
    created = Field[int]()
    object = Field[Literal["model"]]()
    owned_by = Field[str]()


class ModelDeleted(BaseModel):
    __slots__ = ()
    id = Field[str]()
    deleted = Field[bool]()
    object = Field[str]()
