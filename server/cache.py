"""A bounded (bytes) LRU cache of serialised query results, and the one ETag scheme of the server.

The graph is immutable while served, so a result depends only on (build id, query text,
dataset parameters, format): that tuple is both the cache key and the ETag's input, which
lets the server answer If-None-Match with 304 without evaluating anything. Pages (resource
pages, the explorer) use the same scheme through `page_etag`: their key is the build id, the
version of the templates and static files that render them, and what identifies the page."""
from __future__ import annotations

import hashlib
import threading
from collections import OrderedDict
from dataclasses import dataclass
from functools import lru_cache
from typing import Hashable

from eccp_kg.pages import STATIC, TEMPLATES

#: What renders the pages: a page's ETag changes when any of these files does, even within one build.
_PRESENTATION = (TEMPLATES, STATIC)


@dataclass(frozen=True)
class CachedResult:
    """A serialised 200 response body with its media type."""

    body: bytes
    content_type: str


class ResultCache:
    """Least-recently-used results, evicted when their total size passes `max_bytes`.

    Entries larger than a quarter of the budget are not kept (one huge result must not
    flush everything else). Thread-safe."""

    def __init__(self, max_bytes: int):
        self.max_bytes = max(int(max_bytes), 0)
        self._items: OrderedDict[Hashable, CachedResult] = OrderedDict()
        self._bytes = 0
        self._lock = threading.Lock()
        self.hits = 0
        self.misses = 0

    def get(self, key: Hashable) -> CachedResult | None:
        """The entry for `key` (now the most recently used), or None."""
        with self._lock:
            item = self._items.get(key)
            if item is None:
                self.misses += 1
                return None
            self._items.move_to_end(key)
            self.hits += 1
            return item

    def put(self, key: Hashable, item: CachedResult) -> None:
        """Keep `item`, evicting the least recently used entries past the byte budget."""
        size = len(item.body)
        if size > self.max_bytes // 4:
            return
        with self._lock:
            old = self._items.pop(key, None)
            if old is not None:
                self._bytes -= len(old.body)
            self._items[key] = item
            self._bytes += size
            while self._bytes > self.max_bytes and self._items:
                _, evicted = self._items.popitem(last=False)
                self._bytes -= len(evicted.body)

    def clear(self) -> None:
        """Drop every entry (a new build is served: old results can never be asked for again)."""
        with self._lock:
            self._items.clear()
            self._bytes = 0

    @property
    def size_bytes(self) -> int:
        return self._bytes

    def __len__(self) -> int:
        return len(self._items)


def etag_for(key: tuple) -> str:
    """A strong ETag (quoted) from the request identity; stable across processes and restarts."""
    digest = hashlib.blake2b(repr(key).encode("utf-8"), digest_size=12).hexdigest()
    return f'"{digest}"'


def etag_matches(if_none_match: str | None, etag: str) -> bool:
    """RFC 9110 weak comparison of an If-None-Match header against our ETag ("*" matches)."""
    if not if_none_match:
        return False
    if if_none_match.strip() == "*":
        return True
    bare = etag.removeprefix("W/")
    return any(tag.strip().removeprefix("W/") == bare for tag in if_none_match.split(","))


@lru_cache(maxsize=1)
def presentation_version() -> str:
    """A digest of the templates and static files, the same in every worker process (unlike a start time)."""
    digest = hashlib.blake2b(digest_size=8)
    for folder in _PRESENTATION:
        for path in sorted(p for p in folder.rglob("*") if p.is_file()):
            digest.update(path.relative_to(folder.parent).as_posix().encode("utf-8"))
            digest.update(path.read_bytes())
    return digest.hexdigest()


def page_etag(build_id: str | None, *parts: str) -> str:
    """The ETag of a rendered page or representation: build id, presentation version, `parts`
    (the URL, the media type, the base IRI, ...)."""
    return etag_for(("page", str(build_id or ""), presentation_version(), *parts))

