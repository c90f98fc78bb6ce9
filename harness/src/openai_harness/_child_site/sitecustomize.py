"""Put on PYTHONPATH by openai-harness while a test blocks the network: a Python subprocess the
test starts blocks the same hosts. Any other ``sitecustomize`` on the path still runs after it."""

from __future__ import annotations

import os
import sys


def _run() -> None:
    here = os.path.dirname(os.path.abspath(__file__))
    rules = os.environ.get("OPENAI_HARNESS_BLOCK_NETWORK")
    if rules:
        sys.path.insert(0, here)
        try:
            import importlib

            importlib.import_module("_openai_harness_netguard").install_from_environment(rules)
        finally:
            sys.path.remove(here)
    # The sitecustomize this one stands in front of, if there is one.
    import importlib.machinery
    import importlib.util

    rest = [entry for entry in sys.path if os.path.abspath(entry or os.curdir) != here]
    spec = importlib.machinery.PathFinder.find_spec("sitecustomize", rest)
    if spec is not None and spec.loader is not None and spec.origin != os.path.abspath(__file__):
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)


_run()
