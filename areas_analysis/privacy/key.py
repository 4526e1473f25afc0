"""The pseudonymisation key: people, their forms and tokens, kept on disk across cycles.

Invariant: a token once given never changes meaning or disappears. A person with a token is
never renamed, never merged into another, never removed; later cycles only add people, forms
and links (``liens``: a full name met after its parts had separate tokens). A researcher may
*retire* an entry that proved not to be a name: it stays in the file as a tombstone (``retire``),
stops matching, and its number is never given again. Saving is serialised between processes
with an advisory lock (:func:`_locked`).
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from .. import config
from ..errors import AreasError
from .lexicons import _matchable, _norm_name, _split_person

TOKEN_PREFIX = "PERSONNE"
KEY_FILE_NAME = "cle_pseudonymisation.json"
#: Key format: 1 (token → name, forms, list flag); 2 adds « liens » and « retire » (version 1 keys still load).
KEY_VERSION = 2
_TOKEN_RE = re.compile(r"^\[PERSONNE_(\d+)\]$")


@dataclass
class _Person:
    token: str | None
    name: str
    forms: set[str] = field(default_factory=set)  # folded forms
    variants: list[str] = field(default_factory=list)  # forms as written (for the key file)
    first: str | None = None
    last: str | None = None
    listed: bool = False  # from a list of known names or a name column: matched in lower case too
    links: set[str] = field(default_factory=set)  # tokens this person may be (a full name over two tokens)
    retired: bool = False  # removed from the key by a researcher: kept as a tombstone, never matched

    @property
    def multiword(self) -> bool:
        return self.first is not None and self.last is not None


class _Registry:
    """The people known so far (key + lists + corpus), with their tokens."""

    def __init__(self) -> None:
        self.persons: list[_Person] = []
        self.by_form: dict[str, list[int]] = {}
        self.next_number = 1

    # ---- building -----------------------------------------------------------------------------
    def _add_form(self, idx: int, form: str) -> None:
        key = _norm_name(form)
        if not key:
            return
        person = self.persons[idx]
        if key not in person.forms:
            person.forms.add(key)
            person.variants.append(" ".join(form.split()))
        if person.retired:
            return  # a retired entry keeps its forms on record but is never matched
        ids = self.by_form.setdefault(key, [])
        if idx not in ids:
            ids.append(idx)

    def _new(self, name: str, token: str | None = None) -> int:
        first, last = _split_person(name)
        self.persons.append(_Person(token=token, name=" ".join(name.split()), first=first, last=last))
        idx = len(self.persons) - 1
        self._add_form(idx, name)
        return idx

    def add_known(self, name: str) -> int:
        """Add a name from a list: exact form match or a new person (no merging by parts)."""
        key = _norm_name(name)
        idx = self.by_form[key][0] if key in self.by_form else self._new(name)
        self.persons[idx].listed = True
        return idx

    def _with_first(self, first: str) -> list[int]:
        return [i for i, p in enumerate(self.persons) if p.multiword and p.first == first and not p.retired]

    def _with_last(self, last: str) -> list[int]:
        return [i for i, p in enumerate(self.persons) if p.last == last and p.multiword and not p.retired]

    def _bare(self, form: str) -> list[int]:
        return [i for i in self.by_form.get(form, []) if not self.persons[i].multiword]

    def _absorb(self, host: int, other: int) -> None:
        """Fold person ``other`` (never one with a token) into ``host``: forms added, nothing renamed.

        ``host`` keeps its token and its name; when ``host`` is a single word and ``other`` a
        full name, ``host`` learns the first and last name (``Marina`` → also ``Marina Le Goff``).
        """
        h, o = self.persons[host], self.persons[other]
        if o.token is not None:  # a token once given never changes meaning or disappears
            raise RuntimeError("a person with a token is never merged away")  # invariant of the key
        h.listed = h.listed or o.listed
        h.links |= o.links
        if not h.multiword and o.multiword:
            h.first, h.last = o.first, o.last
        for variant in o.variants:
            self._add_form(host, variant)
        for form in list(o.forms):
            self.by_form[form] = [i for i in self.by_form[form] if i != other]
            if host not in self.by_form[form]:
                self.by_form[form].append(host)
        o.forms.clear()
        o.variants.clear()
        o.first = o.last = None  # an empty shell: found by no form and no part

    def _attach_parts(self, idx: int) -> int:
        """Join the full-name person ``idx`` with the single-word persons that name its parts.

        A part counts when only this full name carries it and exactly one single-word person
        has it as its form (``Le Bihan`` shared by two full names stays apart). Then:

        * persons without a token are folded into the full name (one person, one token);
        * one part already has a token (``Gwenaëlle`` = ``[PERSONNE_2]`` in an earlier cycle) and
          the full name has none: the full name becomes a form of that token, whose name is kept;
        * otherwise (two parts with two tokens, ``Gwenaëlle`` and ``Mme Le Bihan`` met apart, or
          the full name has its own token): nobody is merged; the full name keeps or gets its own
          token and records the others as links (``liens`` in the key).

        Returns:
            The index of the person the full name now belongs to.
        """
        person = self.persons[idx]
        bares: list[int] = []
        for part in dict.fromkeys(p for p in (person.first, person.last) if p):
            holders = set(self._with_first(part)) | set(self._with_last(part))
            bare = [b for b in self._bare(part) if b != idx and not self.persons[b].retired]
            if holders == {idx} and len(bare) == 1:
                bares.append(bare[0])
        tokened = [b for b in bares if self.persons[b].token is not None]
        untokened = [b for b in bares if self.persons[b].token is None]
        if person.token is None and len(tokened) == 1:
            host = tokened[0]
            self._absorb(host, idx)
            for b in untokened:
                self._absorb(host, b)
            return host
        for b in untokened:
            self._absorb(idx, b)
        person.links |= {t for b in tokened if (t := self.persons[b].token) and t != person.token}
        return idx

    def consolidate(self) -> None:
        """Join every full-name person with the single-word persons naming its parts (:meth:`_attach_parts`)."""
        for idx, person in enumerate(self.persons):
            if person.multiword and person.forms and not person.retired:
                self._attach_parts(idx)

    def resolve(self, mention: str) -> int:
        """Find (or create) the person a mention refers to."""
        key = _norm_name(mention)
        ids = self.by_form.get(key)
        if ids:
            return ids[0]
        first, last = _split_person(mention)
        if first is not None and last is not None:
            same = [i for i in self._with_first(first) if self.persons[i].last == last]
            if same:
                self._add_form(same[0], mention)
                return same[0]
            return self._attach_parts(self._new(mention))
        word = first or last or key
        cands = sorted(set(self._with_first(word)) | set(self._with_last(word)))
        if len(cands) == 1:
            self._add_form(cands[0], mention)
            return cands[0]
        return self._new(mention)

    def retire(self, idx: int) -> None:
        """Mark a person as not a name: its forms stop matching, its token is never reused."""
        person = self.persons[idx]
        person.retired = True
        for form in person.forms:
            if form in self.by_form:
                self.by_form[form] = [i for i in self.by_form[form] if i != idx]
                if not self.by_form[form]:
                    del self.by_form[form]

    def token_of(self, idx: int) -> str:
        person = self.persons[idx]
        if person.token is None:
            person.token = f"[{TOKEN_PREFIX}_{self.next_number}]"
            self.next_number += 1
        return person.token

    # ---- matching ---------------------------------------------------------------------------------
    def lower_case_forms(self, forms: dict[str, int]) -> frozenset[str]:
        """Forms that may be matched in lower case: several words, or a person from a list or a name column.

        A single word only found by the NER or after a title (``Kervella``, or a false positive
        such as ``Racisme``) is matched elsewhere only when capitalised.
        """
        return frozenset(
            f for f, idx in forms.items() if len(f.split()) > 1 or self.persons[idx].listed
        )

    def match_forms(self) -> dict[str, int]:
        """Folded forms to look for in texts → person index (full forms, unambiguous first/last names)."""
        forms: dict[str, int] = {}
        for idx, person in enumerate(self.persons):
            for form in person.forms:
                if not person.retired:
                    forms.setdefault(form, idx)
        for idx, person in enumerate(self.persons):
            if not person.multiword or person.retired:
                continue
            first, last = person.first or "", person.last or ""
            for part, ids in ((first, self._with_first(first)), (last, self._with_last(last))):
                if part and ids == [idx]:  # only this person carries it
                    forms.setdefault(part, idx)
        return {f: i for f, i in forms.items() if _matchable(f)}

    # ---- key file ------------------------------------------------------------------------------
    def to_json(self) -> dict[str, object]:
        people = {}
        with_token = [p for p in self.persons if p.token]
        for person in sorted(with_token, key=lambda p: _token_number(p.token or "")):
            entry: dict[str, object] = {
                "nom": person.name, "formes": sorted(set(person.variants)), "liste": person.listed
            }
            if person.links:
                entry["liens"] = sorted(person.links, key=_token_number)
            if person.retired:
                entry["retire"] = True
            people[person.token] = entry
        return {
            "description": "Clé de pseudonymisation AREAS : confidentielle, ne jamais copier dans outputs/. "
            "Un jeton garde toujours son sens ; « liens » : jetons qui désignent peut-être la même personne ; "
            "« retire » : entrée retirée (pas un nom), jeton jamais réutilisé.",
            "version": KEY_VERSION,
            "personnes": people,
        }


def _read_key(path: Path) -> dict[str, dict]:
    """The ``personnes`` of a key file, checked (French error naming the file otherwise)."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        people = data["personnes"]
        if not isinstance(people, dict):
            raise TypeError("personnes")
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise AreasError(
            f"{path.name} : clé de pseudonymisation illisible ({exc.__class__.__name__}). "
            "Restaurez la sauvegarde de la clé ; ne la supprimez pas, sinon les jetons changeront."
        ) from exc
    for token, entry in people.items():
        if not _TOKEN_RE.match(str(token)) or not isinstance(entry, dict) or not isinstance(entry.get("nom"), str):
            raise AreasError(f"{path.name} : entrée « {token} » invalide dans la clé de pseudonymisation.")
    return {str(t): e for t, e in people.items()}


@contextmanager
def _locked(lock_path: Path) -> Iterator[None]:
    """Exclusive advisory lock (``flock``) on ``lock_path`` for the duration of the block.

    Serialises key updates between notebooks and commands run at the same time.
    Where ``fcntl`` does not exist (Windows), the block runs unlocked.
    """
    try:
        import fcntl
    except ImportError:  # pragma: no cover - not on the supported Linux machines
        yield
        return
    fd = os.open(lock_path, os.O_RDWR | os.O_CREAT, 0o600)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        yield
    finally:
        os.close(fd)  # closing releases the lock


def _token_number(token: str) -> int:
    match = _TOKEN_RE.match(token)
    return int(match[1]) if match else 0



def default_key_path() -> Path:
    """Where the key lives by default: ``data/private/cle_pseudonymisation.json`` (git-ignored)."""
    return config.PRIVATE_DIR / KEY_FILE_NAME


