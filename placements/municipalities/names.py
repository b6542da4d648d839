"""Which municipality a typed name or CBS code means. Pure: plain values in and out.

People type "Den Haag", "den bosch", "Súdwest-Fryslân" without the accent, an old code or the
name of a municipality that merged. A name is compared folded: case and diacritics aside,
apostrophes alike, hyphens as spaces, a trailing "(…)" such as CBS's province suffix "(NH.)"
aside. Only an unmistakable match is automatic. A choice is offered, never a guess, for:
- a name that fits more than one municipality (Bergen, Alphen, Valkenburg);
- a bare name that CBS only uses with a suffix (Hengelo means Hengelo (O.), but Hengelo in
  Gelderland is a village: CBS adds the suffix exactly where the bare name is not enough);
- a former municipality that was split (Winsum, Haaren).
"""

import difflib
import re
import unicodedata
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

CODE = re.compile(r"GM\d{4}")
_SUFFIX = re.compile(r"\s*\([^()]*\)\s*$")  # "Bergen (NH.)", "Utrecht (gemeente)"
_APOSTROPHES = "'’‘`´"
SUGGESTIONS = 3


def fold(text: str) -> str:
    """The comparable form of a name: "'s-Gravenhage" and "S GRAVENHAGE" fold alike, and so do
    "Bergen (NH.)" and "bergen nh"."""
    decomposed = unicodedata.normalize("NFKD", text)
    plain = "".join(c for c in decomposed if not unicodedata.combining(c))
    for mark in _APOSTROPHES:
        plain = plain.replace(mark, "")
    plain = re.sub(r"[-.,()]", " ", plain.casefold())
    return " ".join(plain.split())


def without_suffix(text: str) -> str:
    return _SUFFIX.sub("", text)


@dataclass(frozen=True)
class Official:
    id: int
    code: str
    name: str


@dataclass(frozen=True)
class Alternative:
    """A name people type for a municipality, or a former municipality now part of it (with its
    old code)."""

    name: str
    municipality_id: int
    former_code: str | None = None


@dataclass(frozen=True)
class Resolution:
    """What a typed text means: one municipality, a choice among some, or none (with the names
    nearest to what was typed)."""

    found: Official | None = None
    choices: tuple[Official, ...] = ()
    suggestions: tuple[str, ...] = ()

    @property
    def is_empty(self) -> bool:
        return self.found is None and not self.choices and not self.suggestions


@dataclass
class NameIndex:
    """The register made searchable: official names and codes, other names, former codes."""

    by_id: dict[int, Official] = field(default_factory=dict)
    by_code: dict[str, int] = field(default_factory=dict)
    by_name: dict[str, int] = field(default_factory=dict)  # the folded official name, suffix and all
    by_other_name: dict[str, set[int]] = field(default_factory=lambda: defaultdict(set))
    by_bare_name: dict[str, set[int]] = field(default_factory=lambda: defaultdict(set))  # "hengelo"
    by_former_code: dict[str, set[int]] = field(default_factory=lambda: defaultdict(set))

    @classmethod
    def build(cls, officials: Iterable[Official], alternatives: Iterable[Alternative]) -> "NameIndex":
        index = cls()
        for official in officials:
            index.by_id[official.id] = official
            index.by_code[official.code] = official.id
            index.by_name[fold(official.name)] = official.id
            if without_suffix(official.name) != official.name:
                index.by_bare_name[fold(without_suffix(official.name))].add(official.id)
        for other in alternatives:
            if other.municipality_id not in index.by_id:
                continue
            index.by_other_name[fold(other.name)].add(other.municipality_id)
            if other.former_code:
                index.by_former_code[other.former_code].add(other.municipality_id)
        return index

    def resolve(self, text: str) -> Resolution:
        """One municipality for an unmistakable name or code; else a choice, else suggestions.
        An empty text resolves to nothing (an empty Resolution)."""
        text = (text or "").strip()
        if not text:
            return Resolution()
        code = text.replace(" ", "").upper()
        if CODE.fullmatch(code):
            return self._by_code(code)
        key = fold(text)
        if key in self.by_name:
            return Resolution(found=self.by_id[self.by_name[key]])
        bare = fold(without_suffix(text))
        if bare in self.by_name and bare not in self.by_bare_name:  # "Utrecht (gemeente)"
            return Resolution(found=self.by_id[self.by_name[bare]])
        unmistakable = self.by_other_name.get(key, set()) | self.by_other_name.get(bare, set())
        to_confirm = self.by_bare_name.get(bare, set())
        candidates = unmistakable | to_confirm
        if len(candidates) == 1 and not to_confirm:
            return Resolution(found=self.by_id[next(iter(candidates))])
        if candidates:
            return Resolution(choices=self._sorted(candidates))
        return Resolution(suggestions=self._nearest(key))

    def search(self, text: str, limit: int = 20) -> list[Official]:
        """Municipalities for a search box: what `text` resolves to first, then the names (official
        or other) that begin with it, then those that contain it, then codes that begin with it."""
        key, code = fold(text or ""), (text or "").replace(" ", "").upper()
        if not key:
            return []
        rank: dict[int, int] = {}

        def offer(ids: Iterable[int], score: int) -> None:
            for municipality_id in ids:
                rank[municipality_id] = min(score, rank.get(municipality_id, score))

        resolved = self.resolve(text)
        offer([o.id for o in (resolved.found, *resolved.choices) if o is not None], 0)
        names = [(k, {i}) for k, i in self.by_name.items()] + list(self.by_other_name.items())
        for name, ids in names:
            if name.startswith(key):
                offer(ids, 1)
            elif key in name:
                offer(ids, 2)
        offer((i for c, i in self.by_code.items() if c.startswith(code)), 3)
        ordered = sorted(rank, key=lambda i: (rank[i], fold(self.by_id[i].name)))
        return [self.by_id[i] for i in ordered[:limit]]

    def _by_code(self, code: str) -> Resolution:
        if code in self.by_code:
            return Resolution(found=self.by_id[self.by_code[code]])
        successors = self.by_former_code.get(code, set())
        if len(successors) == 1:
            return Resolution(found=self.by_id[next(iter(successors))])
        return Resolution(choices=self._sorted(successors))

    def _sorted(self, ids: Iterable[int]) -> tuple[Official, ...]:
        return tuple(sorted((self.by_id[i] for i in ids), key=lambda o: (fold(o.name), o.code)))

    def _nearest(self, key: str) -> tuple[str, ...]:
        """The official names of the municipalities whose names are nearest to `key`."""
        names = {k: {i} for k, i in self.by_name.items()} | dict(self.by_other_name)
        close = difflib.get_close_matches(key, list(names), n=SUGGESTIONS * 2, cutoff=0.6)
        found: list[str] = []
        for match in close:
            for official in self._sorted(names[match]):
                if official.name not in found:
                    found.append(official.name)
        return tuple(found[:SUGGESTIONS])
