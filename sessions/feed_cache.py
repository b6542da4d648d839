"""Built calendar feeds kept in memory by their ETag, so an unchanged feed is not built again. Pure.

Building a cohort's year as iCalendar costs far more than anything else a feed request does,
and calendar clients fetch the same, unchanged feed again and again. The ETag already names
the feed's content (every session edit, new or deleted session, placement change, language
and link owner changes it), so a body built for an ETag can be served for that ETag again.

Two bounds keep it honest and small:
- an entry lives at most `max_age` seconds, because a few things in the text are not in the
  ETag (a trainer's new name): they show up as fast as the feed's own HTTP cache lifetime allows;
- the entries together hold at most `max_bytes`, least recently used first out, so a worker's
  memory does not grow with the number of subscribers.

One cache per worker process (per app); a lock makes it safe for gunicorn's threads.
"""

import threading
from collections import OrderedDict


class FeedCache:
    def __init__(self, max_bytes: int, max_age: float):
        self.max_bytes = max_bytes
        self.max_age = max_age
        self._entries: OrderedDict[str, tuple[float, bytes]] = OrderedDict()
        self._bytes = 0
        self._lock = threading.Lock()

    def get(self, etag: str, now: float) -> bytes | None:
        """The body built for `etag`, if it is still young enough."""
        with self._lock:
            entry = self._entries.get(etag)
            if entry is None:
                return None
            built_at, body = entry
            if now - built_at > self.max_age:
                self._remove(etag)
                return None
            self._entries.move_to_end(etag)
            return body

    def put(self, etag: str, body: bytes, now: float) -> None:
        if len(body) > self.max_bytes:
            return  # would push out everything else and still not fit
        with self._lock:
            if etag in self._entries:
                self._remove(etag)
            self._entries[etag] = (now, body)
            self._bytes += len(body)
            while self._bytes > self.max_bytes:
                self._remove(next(iter(self._entries)))

    def __len__(self) -> int:
        return len(self._entries)

    @property
    def size_bytes(self) -> int:
        return self._bytes

    def _remove(self, etag: str) -> None:
        _built_at, body = self._entries.pop(etag)
        self._bytes -= len(body)
