"""A bounded (bytes) LRU cache of serialised query results, and the one ETag scheme of the server.

The graph is immutable while served, so a result depends only on (build id, query text,
dataset parameters, format): that tuple is both the cache key and the ETag's input, which
lets the server answer If-None-Match with 304 without evaluating anything. Pages (resource
pages, the explorer) use the same scheme through `page_etag`: their key is the build id, the
version of the templates and static files that render them, and what identifies the page."""
from __future__ import annotations

import hashlib
import sys
import threading
from collections import OrderedDict
from dataclasses import dataclass
from functools import lru_cache
from typing import Hashable

from eccp_kg.pages import STATIC, TEMPLATES

#: What renders the pages: a page's ETag changes when any of these files does, even within one build.
_PRESENTATION = (TEMPLATES, STATIC)


@dataclass(frozen=True, slots=True)
class CachedResult:
    """A serialised 200 response body with its media type."""

    body: bytes
    content_type: str


#: Bytes an entry costs beyond its key, body and CachedResult objects: its node in the
#: OrderedDict (hash table slot and linked-list links), measured with tracemalloc.
ENTRY_OVERHEAD = 120


def footprint(key: Hashable, item: CachedResult) -> int:
    """The bytes an entry really holds in memory: the body and key objects with their headers
    (a key's strings and tuples counted deeply), the CachedResult, the dict's node. Shared
    objects (the media type) are not counted. Why not the body's length alone: with keys of
    query text and bodies of a few kB, a cache "full" at 64 MiB of bodies held about 90 MiB."""
    return sys.getsizeof(item.body) + sys.getsizeof(item) + _deep_size(key) + ENTRY_OVERHEAD


def _deep_size(value: object) -> int:
    if isinstance(value, tuple):
        return sys.getsizeof(value) + sum(_deep_size(v) for v in value)
    return sys.getsizeof(value) if value is not None else 0


class ResultCache:
    """Least-recently-used results, evicted when their memory passes `max_bytes`.

    An entry is counted by its real `footprint` (body, key and the objects holding them), so
    the bound is a bound on the memory the cache holds, not just on payload bytes. Entries
    larger than a quarter of the budget are not kept (one huge result must not flush
    everything else). Thread-safe."""

    def __init__(self, max_bytes: int):
        self.max_bytes = max(int(max_bytes), 0)
        self._items: OrderedDict[Hashable, tuple[CachedResult, int]] = OrderedDict()  # entry, footprint
        self._bytes = 0
        self._lock = threading.Lock()
        self.hits = 0
        self.misses = 0

    def get(self, key: Hashable) -> CachedResult | None:
        """The entry for `key` (now the most recently used), or None."""
        with self._lock:
            entry = self._items.get(key)
            if entry is None:
                self.misses += 1
                return None
            self._items.move_to_end(key)
            self.hits += 1
            return entry[0]

    def put(self, key: Hashable, item: CachedResult) -> None:
        """Keep `item`, evicting the least recently used entries past the byte budget."""
        size = footprint(key, item)
        if size > self.max_bytes // 4:
            return
        with self._lock:
            old = self._items.pop(key, None)
            if old is not None:
                self._bytes -= old[1]
            self._items[key] = (item, size)
            self._bytes += size
            while self._bytes > self.max_bytes and self._items:
                _, (_, evicted) = self._items.popitem(last=False)
                self._bytes -= evicted

    def clear(self) -> None:
        """Drop every entry (a new build is served: old results can never be asked for again)."""
        with self._lock:
            self._items.clear()
            self._bytes = 0

    @property
    def size_bytes(self) -> int:
        """Memory the entries hold (their footprints), at most `max_bytes`."""
        return self._bytes

    def status(self) -> dict[str, int]:
        """For /health: entries, bytes held, the bound, hits and misses."""
        return {"entries": len(self._items), "bytes": self._bytes, "max_bytes": self.max_bytes,
                "hits": self.hits, "misses": self.misses}

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

