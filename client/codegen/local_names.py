"""The name a generated type has in the module that defines it, and in each module that uses it.

The builders key every type by a name unique across the whole package (``FunctionToolParam``,
``FunctionToolParam3``), which is what the generator works with. A module, though, is its own
namespace, as in the official SDK: ``types.beta.function_tool_param`` and
``types.responses.function_tool_param`` both define a ``FunctionToolParam``. So each type is
written under the name it prefers (the official one, or the one its schema gives) wherever its
module has room for it, and a module that uses two types of one name imports the second under
its key.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping

__all__ = ["display_names", "import_names", "rename"]

# A double-quoted string (a ``Literal`` value, left alone) or a name a type expression may use.
_TOKEN = re.compile(r'"(?:[^"\\]|\\.)*"|\b[A-Z][A-Za-z0-9_]*\b')


def rename(expression: str, names: Mapping[str, str]) -> str:
    """``expression`` with every type key in ``names`` replaced by the name it has here."""
    return _TOKEN.sub(lambda m: m[0] if m[0].startswith('"') else names.get(m[0], m[0]), expression)


def display_names(
    modules: Mapping[str, list[str]], preferred: Mapping[str, list[str]], taken: Mapping[str, set[str]], reserved: Mapping[str, Mapping[str, str]]
) -> dict[str, str]:
    """Key -> the name its module defines it under.

    ``modules``: module -> the keys it defines, in order; ``preferred``: key -> the names it would
    have alone, best first; ``taken``: module -> names already bound there (aliases, helpers); ``reserved``:
    module -> official names there that lead to a given key (only that key may take one).
    """
    names: dict[str, str] = {}
    for module, keys in modules.items():
        used = set(taken.get(module, ()))
        held = reserved.get(module, {})
        # A key that already is a name it wants keeps it; the numbered ones come after.
        for key in sorted(keys, key=lambda k: k not in preferred.get(k, [k])):
            free = (want for want in [*preferred.get(key, []), key] if want not in used and held.get(want, key) == key)
            name = next(free, key)
            if name in used:
                raise SystemExit(f"types.{module}: two types named {name}")
            used.add(name)
            names[key] = name
    return names


def import_names(keys: Iterable[str], display: Mapping[str, str], taken: set[str], suffix: str = "_") -> dict[str, str]:
    """Key -> the name a module binds an imported type to: its own name when free there, else its
    key, else the key with ``suffix``."""
    names: dict[str, str] = {}
    used = set(taken)
    for key in sorted(set(keys), key=lambda k: (display.get(k, k) != k, k)):
        own = display.get(key, key)
        name = next((candidate for candidate in (own, key, key + suffix) if candidate not in used), None)
        if name is None:
            raise SystemExit(f"no free name to import {own} ({key}) under")
        used.add(name)
        names[key] = name
    return names
