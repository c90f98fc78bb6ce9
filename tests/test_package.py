"""Package hygiene: public names, layering, and packaging metadata."""

from __future__ import annotations

import ast
import importlib
import pathlib
import types

import pytest

ROOT = pathlib.Path(__file__).resolve().parents[1]
FORBIDDEN_IN_CLIENT = {"openai_harness", "pytest", "vcr", "vcrpy", "hypothesis", "h11", "openai"}


def _public_names(module: types.ModuleType) -> set[str]:
    return {
        name
        for name, value in vars(module).items()
        if not name.startswith("_")
        and not isinstance(value, types.ModuleType)
        and getattr(value, "__module__", module.__name__).startswith(module.__name__)
    }


@pytest.mark.parametrize("package", ["openai_urllib3", "openai_harness", "openai_harness.server"])
def test_all_is_sorted_and_complete(package: str) -> None:
    module = importlib.import_module(package)
    exported = list(module.__all__)
    assert exported == sorted(exported), f"{package}.__all__ is not sorted"
    assert len(exported) == len(set(exported)), f"{package}.__all__ has duplicates"
    for name in exported:
        assert hasattr(module, name), f"{package}.__all__ names {name!r}, which does not exist"
    missing = _public_names(module) - set(exported) - {"annotations", "TYPE_CHECKING", "Any"}
    assert not missing, f"{package} defines public names missing from __all__: {sorted(missing)}"


def _imports(path: pathlib.Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            found.add(node.module.split(".")[0])
    return found


def test_client_never_imports_the_harness_or_test_tools() -> None:
    sources = sorted((ROOT / "client" / "src").rglob("*.py"))
    assert sources, "no client sources found"
    offenders = {str(path.relative_to(ROOT)): sorted(_imports(path) & FORBIDDEN_IN_CLIENT) for path in sources}
    offenders = {path: names for path, names in offenders.items() if names}
    assert not offenders, f"client modules import test-only packages: {offenders}"


def test_client_runtime_imports_are_stdlib_or_urllib3() -> None:
    import sys

    allowed = set(sys.stdlib_module_names) | {"urllib3", "openai_urllib3", "typing_extensions"}
    for path in (ROOT / "client" / "src").rglob("*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in tree.body:  # module-level imports only; TYPE_CHECKING blocks are excluded below
            if isinstance(node, (ast.Import, ast.ImportFrom)):
                names = [a.name for a in node.names] if isinstance(node, ast.Import) else [node.module or ""]
                if isinstance(node, ast.ImportFrom) and node.level:
                    continue
                for name in names:
                    top = name.split(".")[0]
                    assert top in allowed - {"typing_extensions"}, f"{path.name} imports {name} at runtime"


def test_py_typed_markers_ship() -> None:
    assert (ROOT / "client/src/openai_urllib3/py.typed").exists()
    assert (ROOT / "harness/src/openai_harness/py.typed").exists()


# The client module sits on top: only the package's entry points build on it at import time. A
# lower module that imported it would run the whole client's import (and invite cycles); such
# modules name it for type checking only and receive the client as an argument.
_BUILT_ON_THE_CLIENT = {"__init__.py", "_client.py", "_azure.py", "_async_client.py", "_module_client.py"}


def test_no_lower_module_imports_the_client_at_runtime() -> None:
    offenders = []
    for path in sorted((ROOT / "client" / "src" / "openai_urllib3").rglob("*.py")):
        if path.parent.name == "openai_urllib3" and path.name in _BUILT_ON_THE_CLIENT:
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"))
        type_checking = {id(inner) for node in ast.walk(tree) if isinstance(node, ast.If) and ast.unparse(node.test).endswith("TYPE_CHECKING") for inner in ast.walk(node)}
        for node in ast.walk(tree):  # at module level and inside functions; a TYPE_CHECKING block only names it for mypy
            if isinstance(node, ast.ImportFrom) and (node.module or "").split(".")[-1] == "_client" and id(node) not in type_checking:
                offenders.append(f"{path.relative_to(ROOT)}:{node.lineno}")
    assert not offenders, f"modules importing the client at runtime: {offenders}"
