"""Rendered report files, kept until anything in the report changes.

A file depends only on its AdviceReport value and its format (the renderers read nothing
else), so the key is a digest of the value, with the moment it was made cut to the day (the
files show the date, not the time). Downloading an unchanged report again hands out the file
made the first time; any change (a title, a vote, a moderation step, the chosen polls, the
final mark, a new day) makes a new key. Per process, the most recent ENTRIES files.
"""

from __future__ import annotations

import hashlib
import threading
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import replace

from brainstorm.reports.services import AdviceReport

ENTRIES = 32
_files: OrderedDict[str, bytes] = OrderedDict()
_lock = threading.Lock()


def key(report: AdviceReport, fmt: str) -> str:
    day = report.generated_at.replace(hour=0, minute=0, second=0, microsecond=0)
    return hashlib.sha256(f"{fmt}\n{replace(report, generated_at=day)!r}".encode()).hexdigest()


def rendered(report: AdviceReport, fmt: str, render: Callable[[], bytes]) -> bytes:
    """The file from the cache, else render() it and keep it."""
    digest = key(report, fmt)
    with _lock:
        if digest in _files:
            _files.move_to_end(digest)
            return _files[digest]
    data = render()
    with _lock:
        _files[digest] = data
        while len(_files) > ENTRIES:
            _files.popitem(last=False)
    return data


def clear() -> None:
    with _lock:
        _files.clear()
