"""What the build's parent process holds when it forks its render workers, which start with all of it: what the
jobs read, not what only checking the content needed."""
from __future__ import annotations

import gc
import types
from collections.abc import Iterator

from liaison.build.config import Config
from liaison.build.pipeline import prepare
from liaison.content.loader import Marks, RawRecord

_OPAQUE = (types.ModuleType, type, types.FunctionType, types.BuiltinFunctionType, types.CodeType)


def reachable(root: object) -> Iterator[object]:
    """Every object reachable from root through references, short of modules, classes and functions (whose globals
    reach everything loaded)."""
    seen, todo = {id(root)}, [root]
    while todo:
        found = todo.pop()
        yield found
        for referent in gc.get_referents(found):
            if id(referent) not in seen and not isinstance(referent, _OPAQUE):
                seen.add(id(referent))
                todo.append(referent)


def test_a_prepared_build_holds_no_record_as_loaded(config: Config) -> None:
    """The model and the plan are made from the records as loaded (data, text, marks for messages); the build keeps
    neither for its jobs: the link check reads the content again if it has a broken link to locate."""
    prepared = prepare(config)
    assert prepared.jobs and prepared.context.site.deputies
    assert not [found for found in reachable(prepared) if isinstance(found, (RawRecord, Marks))]
