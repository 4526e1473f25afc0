"""The pseudonymiser: replace names, e-mails and phones by tokens, with the key kept on disk."""

from __future__ import annotations

import copy
import json
import os
import re
import tempfile
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import cast

import pandas as pd

from .. import config
from ..errors import AreasError
from .detectors import (
    PersonDetector,
    _blank,
    _build_matcher,
    _contact_spans,
    _drop_overlaps,
    _known_spans,
    default_detectors,
)
from .key import _TOKEN_RE, _locked, _read_key, _Registry, _token_number, default_key_path
from .lexicons import (
    _LOWER_TITLES,
    _NAME_SPLIT_RE,
    _TITLES,
    NeverMask,
    _clean_name,
    _fold,
    _norm_name,
    _split_person,
    default_never_mask_path,
    load_never_mask,
)
from .records import Detection, _apply, _Span


class Pseudonymizer:
    """Replace person names, e-mails and phone numbers by tokens, with a key kept on disk.

    The key maps each token to the person's name and the forms seen (``Marina``,
    ``Marina Le Goff``). It is loaded at construction so that tokens stay the same
    across runs and cycles; call :meth:`save` to write it back.

    Args:
        key_path: JSON key file; ``None`` → ``config.PRIVATE_DIR / "cle_pseudonymisation.json"``.
            Loaded when it exists.
        known_names: Names that must always be masked (project list, facilitators), matched
            case- and accent-insensitively on word boundaries; first or last name alone when
            only one known person carries it.
        use_ner: Use spaCy's French NER (``False``: rules, lists and key only; faster, lower recall).
            Ignored when ``detectors`` is given.
        detectors: Person-name detectors (:class:`~areas_analysis.privacy.detectors.PersonDetector`);
            ``None`` → rules, plus spaCy's NER when ``use_ner``.
        never_mask: Words and phrases never masked (organisations, products, places...), as
            written by a researcher; ``None`` → ``data/noms_a_garder.txt`` when it exists
            (:func:`~areas_analysis.privacy.load_never_mask`). They win over every detector and
            over forms already in the key.

    Raises:
        AreasError: when the key file exists but cannot be read (French message).
    """

    def __init__(
        self,
        key_path: Path | None = None,
        known_names: Iterable[str] = (),
        *,
        use_ner: bool = True,
        detectors: Sequence[PersonDetector] | None = None,
        never_mask: Iterable[str] | None = None,
    ) -> None:
        self.key_path = Path(key_path) if key_path is not None else default_key_path()
        self.use_ner = use_ner
        self.detectors = list(detectors) if detectors is not None else default_detectors(use_ner=use_ner)
        if never_mask is None:
            path = default_never_mask_path()
            never_mask = load_never_mask(path) if path.exists() else ()
        self.never_mask = NeverMask(never_mask)
        self._registry = _Registry()
        if self.key_path.exists():
            self._load_key(self.key_path)
        for name in known_names:
            cleaned = _clean_name(name)
            if cleaned:
                self._registry.add_known(cleaned)
        self._registry.consolidate()

    # ---- public API ---------------------------------------------------------------------------
    def pseudonymize(self, text: str) -> str:
        """Return ``text`` with names → ``[PERSONNE_n]``, e-mails → ``[EMAIL]``, phones → ``[TELEPHONE]``.

        Names found in the text are added to the in-memory key, so later calls replace them too.
        """
        if not isinstance(text, str) or not text:
            return text
        return self._pseudonymize_texts([text])[0]

    def pseudonymize_name(self, name: str) -> str:
        """Return the stable token of a bare person name (e.g. the « Animé par » facilitator).

        The name is added to the known names. Several names (``"Marina et Paul"``,
        ``"Marina / Paul"``) give several tokens joined the same way; a leading title is kept
        (``"Dr Kervella"`` → ``"Dr [PERSONNE_4]"``). Empty values are returned unchanged.
        """
        if not isinstance(name, str) or not name.strip():
            return name
        out: list[str] = []
        pos = 0
        for match in _NAME_SPLIT_RE.finditer(name):
            out.append(self._name_token(name[pos : match.start()]))
            out.append(match.group(0))
            pos = match.end()
        out.append(self._name_token(name[pos:]))
        return "".join(out)

    def pseudonymize_frame(
        self, df: pd.DataFrame, text_columns: Sequence[str], name_columns: Sequence[str] = ()
    ) -> pd.DataFrame:
        """Return a copy of ``df`` with free-text and name columns pseudonymised.

        Name columns are read first (their names become known), then the text columns in two
        passes over the whole frame: collect every name found, then replace all of them in
        every cell. Missing values and non-text cells are kept as they are.

        Raises:
            AreasError: when a column is missing (French message naming it).
        """
        missing = [c for c in [*text_columns, *name_columns] if c not in df.columns]
        if missing:
            raise AreasError(
                "Pseudonymisation impossible : colonne(s) absente(s) du tableau : "
                + ", ".join(f"« {c} »" for c in missing)
            )
        out = df.copy()
        for column in name_columns:
            out[column] = [self.pseudonymize_name(v) if isinstance(v, str) else v for v in out[column]]
        cells: list[tuple[str, int]] = []
        texts: list[str] = []
        for column in text_columns:
            for row, value in enumerate(out[column]):
                if isinstance(value, str) and value:
                    cells.append((column, row))
                    texts.append(value)
        replaced = self._pseudonymize_texts(texts)
        for column in text_columns:
            values = list(out[column])
            for (col, row), new in zip(cells, replaced, strict=True):
                if col == column:
                    values[row] = new
            dtype = None if isinstance(out[column].dtype, pd.CategoricalDtype) else out[column].dtype
            out[column] = pd.Series(values, index=out.index, dtype=dtype)
        return out

    def detect(self, texts: Sequence[str]) -> list[list[Detection]]:
        """Return what would be masked in each text, and why, without changing the key.

        Same two-pass logic as :meth:`pseudonymize_frame`; used to audit and measure.
        """
        saved = self._registry
        self._registry = copy.deepcopy(saved)
        try:
            return self._detect_corpus(list(texts))
        finally:
            self._registry = saved

    def save(self) -> Path:
        """Write the key (token → name and forms, JSON) with mode 600 and return its path.

        The parent directory is created (mode 700) if needed. Refuses a path under
        ``outputs/``: the key must never be published with results.

        Saving is safe when several notebooks or commands share the key: under an
        exclusive lock, the key on disk is read again and the people another process
        added since this one loaded it are kept (nothing is lost). If the two
        processes gave the same token to different people, or two tokens to the
        same person, nothing is written and an error says so.

        Raises:
            AreasError: when the key path is inside the outputs directory, or on a
                token conflict with the key on disk (French messages).
        """
        path = self.key_path.resolve()
        outputs = config.OUTPUTS_DIR.resolve()
        if path == outputs or outputs in path.parents:
            raise AreasError(
                f"La clé de pseudonymisation ne doit jamais être écrite dans {outputs} "
                f"(chemin demandé : {path}). Utilisez data/private/."
            )
        path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        with _locked(path.with_name(f".{path.name}.verrou")):
            if path.exists():  # another process may have added people since this key was loaded
                self._merge_key(_read_key(path), path)
            payload = json.dumps(self._registry.to_json(), ensure_ascii=False, indent=2)
            fd, tmp = tempfile.mkstemp(prefix=".cle-", dir=path.parent)
            try:
                os.fchmod(fd, 0o600)
                with os.fdopen(fd, "w", encoding="utf-8") as handle:
                    handle.write(payload + "\n")
                os.replace(tmp, path)
            except BaseException:
                Path(tmp).unlink(missing_ok=True)
                raise
        os.chmod(path, 0o600)
        return path

    def retire(self, targets: Iterable[str]) -> list[tuple[str, str]]:
        """Retire key entries that proved not to be names (a product, a place, an ordinary word).

        Each target is a token (``[PERSONNE_9]`` or ``PERSONNE_9``) or a name or form of the
        key (case and accents do not matter). The entry stays in the key as a tombstone
        (``retire``: what the token meant remains on record, its number is never given again);
        its forms stop matching. No other token changes. Call :meth:`save` to write it.

        Returns:
            The ``(token, name)`` retired, in the order given.

        Raises:
            AreasError: listing every target that is not in the key (French message); nothing is retired then.
        """
        reg = self._registry
        chosen: list[int] = []
        unknown: list[str] = []
        for target in targets:
            token = target.strip()
            token = token if token.startswith("[") else f"[{token}]"
            ids = [i for i, p in enumerate(reg.persons) if p.token == token.upper()]
            if not _TOKEN_RE.match(token.upper()):  # a name: the entry of that name, else the one with that form
                wanted = _norm_name(target)
                ids = [i for i, p in enumerate(reg.persons) if p.token and not p.retired
                       and _norm_name(p.name) == wanted]
                ids = ids or [i for i in reg.by_form.get(wanted, []) if reg.persons[i].token]
            if not ids:
                unknown.append(target)
            chosen.extend(i for i in ids if i not in chosen)
        if unknown:
            raise AreasError(
                f"{self.key_path.name} : absent(s) de la clé de pseudonymisation : "
                + ", ".join(f"« {t} »" for t in unknown) + ". Rien n'a été retiré."
            )
        for idx in chosen:
            reg.retire(idx)
        return [(reg.persons[i].token or "", reg.persons[i].name) for i in chosen]

    def entries(self) -> list[dict[str, object]]:
        """The key's entries (token, name, forms, links, retired), in token order: for review by a researcher."""
        people = cast(dict[str, dict], self._registry.to_json()["personnes"])
        return [{"jeton": token, **entry} for token, entry in people.items()]

    @property
    def key(self) -> dict[str, str]:
        """Token → name for every person that has a token and is not retired (a copy)."""
        return {p.token: p.name for p in self._registry.persons if p.token and not p.retired}

    # ---- internals ----------------------------------------------------------------------------
    def _load_key(self, path: Path) -> None:
        for token, entry in _read_key(path).items():
            self._add_entry(token, entry)

    def _add_entry(self, token: str, entry: dict) -> None:
        reg = self._registry
        idx = reg._new(entry["nom"], token=token)
        self._update_entry(idx, token, entry)

    def _update_entry(self, idx: int, token: str, entry: dict) -> None:
        """Add what the key on disk says about ``token`` (forms, list flag, links, retirement)."""
        reg = self._registry
        person = reg.persons[idx]
        person.token = token
        person.listed = person.listed or bool(entry.get("liste", False))
        person.links |= {str(t) for t in entry.get("liens", []) if _TOKEN_RE.match(str(t))}
        if entry.get("retire") and not person.retired:
            reg.retire(idx)
        for form in entry.get("formes", []):
            reg._add_form(idx, str(form))
        if not person.multiword:  # a single name that later met its full name ("Marina" → "Marina Le Goff")
            full = [f for f in person.variants if len(f.split()) > 1]
            if full:
                first, last = _split_person(max(full, key=len))
                if first is not None and last is not None:
                    person.first, person.last = first, last
        reg.next_number = max(reg.next_number, _token_number(token) + 1)

    def _merge_key(self, people: dict[str, dict], path: Path) -> None:
        """Add the people of the key on disk that this pseudonymiser does not know (see :meth:`save`).

        Tokens known here are never renamed nor merged (:meth:`_Registry._attach_parts`), so the
        only conflicts left are real races: two processes giving the same new token number to two
        people, or two new numbers to one new person.
        """
        reg = self._registry
        by_token = {p.token: i for i, p in enumerate(reg.persons) if p.token}
        by_name: dict[str, int] = {}
        for i, p in enumerate(reg.persons):
            if not p.retired:
                by_name.setdefault(_norm_name(p.name), i)
        for token, entry in people.items():
            name = _norm_name(entry["nom"])
            idx = by_token.get(token)
            if idx is None and name in by_name and not entry.get("retire"):
                idx = by_name[name]
            other = reg.persons[idx].token if idx is not None else None
            if idx is not None and _norm_name(reg.persons[idx].name) != name:
                conflict = f"le jeton {token} y désigne une autre personne"
            elif other not in (None, token):
                conflict = f"une même personne y a reçu le jeton {token} au lieu de {other}"
            else:
                conflict = ""
            if conflict:
                raise AreasError(
                    f"{path.name} : la clé a été modifiée par un autre traitement pendant celui-ci et {conflict}. "
                    "Rien n'a été écrit : relancez ce traitement (la clé sur disque est intacte)."
                )
            if idx is None:
                self._add_entry(token, entry)
            else:
                self._update_entry(idx, token, entry)  # same person: adopt the token, keep every form
        reg.consolidate()

    def _name_token(self, part: str) -> str:
        """Token for one bare name, keeping surrounding spaces and a leading title."""
        stripped = part.strip()
        if not stripped or not any(c.isalpha() for c in stripped):
            return part
        lead = part[: len(part) - len(part.lstrip())]
        trail = part[len(part.rstrip()) :]
        title = re.match(rf"(?:{_TITLES}|{_LOWER_TITLES})\.?\s+", stripped)
        prefix = title.group(0) if title else ""
        name = _clean_name(stripped[len(prefix) :])
        if not name:
            return part
        idx = self._registry.resolve(name)
        self._registry.persons[idx].listed = True
        return f"{lead}{prefix}{self._registry.token_of(idx)}{trail}"

    def _pseudonymize_texts(self, texts: list[str]) -> list[str]:
        detections = self._detect_corpus(texts)
        return [_apply(text, dets) for text, dets in zip(texts, detections, strict=True)]

    def _detect_corpus(self, texts: list[str]) -> list[list[Detection]]:
        """Two passes: candidates in every text, register them, then match all known forms everywhere."""
        contacts = [_contact_spans(t) for t in texts]
        masked = [_blank(t, spans) for t, spans in zip(texts, contacts, strict=True)]
        found: list[list[_Span]] = [[] for _ in texts]
        for detector in self.detectors:
            for spans, more in zip(found, detector.spans(masked), strict=True):
                spans.extend(more)
        first_pass = [
            _drop_overlaps([s for s in spans if not self.never_mask.covers(text[s[0] : s[1]])])
            for text, spans in zip(masked, found, strict=True)
        ]
        mentions = [text[s:e] for text, spans in zip(masked, first_pass, strict=True) for s, e, _ in spans]
        # full names first so that "Marina" alone joins "Marina Le Goff" found later in the corpus
        for mention in sorted(mentions, key=lambda m: -len(m.split())):
            self._registry.resolve(mention)
        self._registry.consolidate()
        forms = {f: i for f, i in self._registry.match_forms().items() if not self.never_mask.covers(f)}
        matcher = _build_matcher(forms, self._registry.lower_case_forms(forms))
        out: list[list[Detection]] = []
        for text, folded_text, spans, contact in zip(
            masked, (_fold(t) for t in masked), first_pass, contacts, strict=True
        ):
            known = _known_spans(text, folded_text, matcher)
            merged = _drop_overlaps(spans + known)
            reg = self._registry
            dets = [
                Detection(s, e, text[s:e], "personne", src, reg.token_of(reg.resolve(text[s:e])))
                for s, e, src in merged
            ]
            out.append(sorted(dets + contact, key=lambda d: d.start))
        return out


