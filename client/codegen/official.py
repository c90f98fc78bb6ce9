"""The official SDK's names and modules for the spec's types, read from the tables beside this module.

Rows come from ``official_types.tsv`` (proposed by a tool) and ``official_types_by_hand.tsv``.
Each row is ``kind  location  module  Name``: ``model`` (a response class) or ``param`` (a request
``TypedDict``) at a schema location, ``params`` (an operation's parameters) for an operation key,
``alias`` / ``param_alias`` (a union or enum type alias) for a schema location, or for
``Prefix*``, the union of every schema whose name starts with ``Prefix``. A location can have
several rows: the official SDK repeats one schema in several modules. The row whose name is its
module's own (``ChatCompletion`` in ``chat.chat_completion``) places the class; the others become
names that lead to it (``Choice`` in ``chat.chat_completion`` for the class ``ChatCompletionChoice``).
"""

from __future__ import annotations

import pathlib
from dataclasses import dataclass, field
from typing import Any

__all__ = ["Official", "Placement", "module_owns"]

TABLE = pathlib.Path(__file__).with_name("official_types.tsv")
BY_HAND = pathlib.Path(__file__).with_name("official_types_by_hand.tsv")


def module_owns(module: str, name: str) -> bool:
    """Whether ``name`` is the type ``module`` is named after (``chat.chat_completion`` owns ``ChatCompletion``)."""
    return module.rsplit(".", 1)[-1].replace("_", "").lower() == name.lower()


@dataclass
class Placement:
    name: str | None = None  # the class's own name, when the official SDK gives it a module of its own
    module: str | None = None
    aliases: list[tuple[str, str]] = field(default_factory=list)  # (module, name) leading to the class


def _read(path: pathlib.Path) -> dict[tuple[str, str], list[tuple[str, str]]]:
    rows: dict[tuple[str, str], list[tuple[str, str]]] = {}
    if path.exists():
        for line in path.read_text(encoding="utf-8").splitlines():
            if not line or line.startswith("#"):
                continue
            kind, where, module, name = line.split("\t")
            rows.setdefault((kind, where), []).append((module, name))
    return rows


class Official:
    def __init__(self, path: pathlib.Path = TABLE, by_hand: pathlib.Path = BY_HAND) -> None:
        self.rows: dict[tuple[str, str], list[tuple[str, str]]] = _read(path)
        self.rows.update(_read(by_hand))  # a location written by hand replaces the proposed one

    def place(self, kind: str, where: str) -> Placement:
        """Where the official SDK puts the type at ``where`` (``kind``: model, param or params)."""
        rows = self.rows.get((kind, where), [])
        placement = Placement()
        for module, name in rows:
            if placement.name is None and module_owns(module, name):
                placement.name, placement.module = name, module
            else:
                placement.aliases.append((module, name))
        return placement

    def own_names(self) -> set[str]:
        """Every name the official SDK gives a type of its own module: kept for that type, so a
        type the SDK does not name never takes one first (the spec's ``Message`` is not the
        assistant's ``Message``)."""
        return {name for rows in self.rows.values() for module, name in rows if module_owns(module, name)}

    def named_schemas(self, kind: str) -> list[str]:
        """Locations of ``kind`` rows that are whole named schemas (``ChatCompletionRole``), or
        unions of them (``RealtimeBetaServerEvent*``), sorted."""
        return sorted({where for (row_kind, where) in self.rows if row_kind == kind and where.removesuffix("*").isidentifier()})

    @staticmethod
    def union_of(schemas: dict[str, Any], where: str) -> list[dict[str, str]]:
        """For a location ``Prefix*``: every schema whose name starts with ``Prefix``, in the spec's
        order (a union the SDK names that the spec does not, such as the beta Realtime events)."""
        if not where.endswith("*"):
            return []
        return [{"$ref": f"#/components/schemas/{name}"} for name in schemas if name.startswith(where[:-1])]

    def alias(self, kind: str, where: str) -> tuple[str, str] | None:
        """(package, name) of the type alias the official SDK names the union or enum at ``where``."""
        rows = self.rows.get((kind, where))
        return rows[0] if rows else None
