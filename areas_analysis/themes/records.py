"""The codebook as records (:class:`Theme`, :class:`Codebook`) and its loading from YAML.

Every problem of a codebook file is located in French (file, line, field) and listed at once.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from ..errors import InputError, Problem

#: Words that cannot be theme ids (they are review decisions).
RESERVED_THEME_IDS: frozenset[str] = frozenset({"aucun", "ok"})

_THEME_FIELDS = ("id", "label", "definition", "keywords", "examples", "parent")
_TOP_FIELDS = ("name", "version", "description", "themes")
_ID_RE = re.compile(r"^[^\s,;|]+$")


# --------------------------------------------------------------------------- records


@dataclass(frozen=True)
class Theme:
    """One codebook theme.

    Attributes:
        id: Stable identifier (no spaces, ``,``, ``;`` or ``|``), e.g. ``acces_medecin``.
        label: Short French label.
        definition: What the theme covers.
        keywords: Words or phrases whose presence signals the theme.
        examples: Example segments.
        parent: Id of the parent theme, or ``None``.
    """

    id: str
    label: str
    definition: str = ""
    keywords: tuple[str, ...] = ()
    examples: tuple[str, ...] = ()
    parent: str | None = None


@dataclass(frozen=True)
class Codebook:
    """A versioned list of themes (read with :func:`load_codebook`).

    Attributes:
        name: Codebook name.
        version: Version string (e.g. ``"2026.1"``).
        themes: The themes, in file order.
        source: File it was read from (``""`` when built in code).
    """

    name: str
    version: str
    themes: tuple[Theme, ...]
    source: str = ""
    _index: dict[str, int] = field(default_factory=dict, init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        self._index.update({t.id: i for i, t in enumerate(self.themes)})

    @property
    def ids(self) -> list[str]:
        """Theme ids in codebook order."""
        return [t.id for t in self.themes]

    def theme(self, theme_id: str) -> Theme:
        """The theme with this id (``KeyError`` if absent)."""
        return self.themes[self._index[theme_id]]

    def ancestors(self, theme_id: str) -> list[str]:
        """Parent, grand-parent... of a theme (nearest first)."""
        out: list[str] = []
        parent = self.theme(theme_id).parent
        while parent is not None and parent not in out:
            out.append(parent)
            parent = self.theme(parent).parent
        return out

    def to_dict(self) -> dict[str, Any]:
        """Plain dict in the YAML layout (round-trips through :func:`codebook_from_dict`)."""
        themes = []
        for t in self.themes:
            d: dict[str, Any] = {"id": t.id, "label": t.label}
            if t.definition:
                d["definition"] = t.definition
            if t.keywords:
                d["keywords"] = list(t.keywords)
            if t.examples:
                d["examples"] = list(t.examples)
            if t.parent:
                d["parent"] = t.parent
            themes.append(d)
        return {"name": self.name, "version": self.version, "themes": themes}

    @classmethod
    def from_labels(cls, labels: Mapping[str, str], *, name: str = "codebook", version: str = "0") -> Codebook:
        """A label-only codebook from ``{theme_id: label}`` (validated like a file)."""
        data = {"name": name, "version": version,
                "themes": [{"id": k, "label": v} for k, v in labels.items()]}
        return codebook_from_dict(data)


# --------------------------------------------------------------------------- loading


def _lines(text: str) -> dict[tuple[int, str], int]:
    """1-based line of each theme item (key ``(i, "")``) and of its fields (``(i, field)``)."""
    out: dict[tuple[int, str], int] = {}
    try:
        root = yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.YAMLError:
        return out
    if not isinstance(root, yaml.MappingNode):
        return out
    for key, value in root.value:
        if getattr(key, "value", None) == "themes" and isinstance(value, yaml.SequenceNode):
            for i, item in enumerate(value.value):
                out[(i, "")] = item.start_mark.line + 1
                if isinstance(item, yaml.MappingNode):
                    for k, v in item.value:
                        out[(i, str(k.value))] = v.start_mark.line + 1
    return out


def load_codebook(path: str | Path) -> Codebook:
    """Read and validate a YAML codebook.

    Args:
        path: The ``codebook.yaml`` file (UTF-8).

    Returns:
        The validated :class:`Codebook`.

    Raises:
        InputError: unreadable YAML, missing ``version``/``themes``, theme without
            ``id`` or ``label``, duplicate ids, unknown or cyclic ``parent``,
            unknown fields — all problems listed at once, in French, with lines.
    """
    path = Path(path)
    if not path.is_file():
        raise InputError([Problem(str(path), "codebook introuvable")])
    try:
        text = path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError as exc:
        raise InputError([Problem(str(path), "le codebook doit être encodé en UTF-8")]) from exc
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        row = mark.line + 1 if mark is not None else None
        what = getattr(exc, "problem", None) or str(exc)
        raise InputError([Problem(str(path), f"YAML invalide ({what})", row=row)]) from exc
    return codebook_from_dict(data, source=str(path), lines=_lines(text))


def _text_list(value: Any) -> tuple[list[str], bool]:
    """A list of non-empty strings from a YAML value (a lone string becomes one item)."""
    if value is None:
        return [], True
    if isinstance(value, str | int | float):
        value = [value]
    if not isinstance(value, list):
        return [], False
    out = []
    for v in value:
        if isinstance(v, dict | list):
            return [], False
        if v is not None and str(v).strip():
            out.append(str(v).strip())
    return out, True


def codebook_from_dict(
    data: Any, *, source: str = "<codebook>", lines: Mapping[tuple[int, str], int] | None = None
) -> Codebook:
    """Validate a codebook given as a dict (the parsed YAML) and build it.

    Args:
        data: ``{"name", "version", "themes": [{"id", "label", ...}, ...]}``.
        source: File name for error messages.
        lines: Line numbers of theme items and fields (from :func:`load_codebook`).

    Returns:
        The validated :class:`Codebook`.

    Raises:
        InputError: every problem found, in French (see :func:`load_codebook`).
    """
    lines = lines or {}
    problems: list[Problem] = []

    def problem(msg: str, i: int | None = None, fld: str = "") -> None:
        row = lines.get((i, fld), lines.get((i, ""))) if i is not None else None
        problems.append(Problem(source, msg, row=row))

    if not isinstance(data, dict):
        raise InputError([Problem(source, "le codebook doit être un dictionnaire YAML "
                                  "avec « name », « version » et « themes »")])
    for key in data:
        if key not in _TOP_FIELDS:
            problem(f"champ inconnu « {key} » (champs possibles : {', '.join(_TOP_FIELDS)})")
    version = data.get("version")
    if version is None or not str(version).strip():
        problem("« version » manquante (un codebook est versionné, par ex. version: \"2026.1\")")
    raw_themes = data.get("themes")
    if not isinstance(raw_themes, list) or not raw_themes:
        problem("« themes » manquant ou vide (liste de thèmes attendue)")
        raise InputError(problems)
    themes: list[Theme] = []
    seen: dict[str, int] = {}
    for i, item in enumerate(raw_themes):
        n = i + 1
        if not isinstance(item, dict):
            problem(f"thème n°{n} : un dictionnaire est attendu (id, label, ...)", i)
            continue
        for key in item:
            if key not in _THEME_FIELDS:
                problem(f"thème n°{n} : champ inconnu « {key} » (champs possibles : {', '.join(_THEME_FIELDS)})",
                        i, str(key))
        tid = "" if item.get("id") is None else str(item["id"]).strip()
        name = f"thème « {tid} »" if tid else f"thème n°{n}"
        if not tid:
            problem(f"{name} : « id » manquant", i)
        elif not _ID_RE.match(tid):
            problem(f"{name} : identifiant invalide (ni espace, ni « , », « ; », « | »)", i, "id")
        elif tid.lower() in RESERVED_THEME_IDS:
            problem(f"{name} : « {tid} » est réservé aux décisions de revue, choisissez un autre id", i, "id")
        elif tid in seen:
            problem(f"{name} : identifiant en double (déjà utilisé par le thème n°{seen[tid] + 1})", i, "id")
        else:
            seen[tid] = i
        label = item.get("label")
        if label is None or not str(label).strip():
            problem(f"{name} : « label » manquant", i)
            label = ""
        definition = item.get("definition")
        if isinstance(definition, dict | list):
            problem(f"{name} : « definition » doit être un texte", i, "definition")
            definition = ""
        keywords, ok_k = _text_list(item.get("keywords"))
        if not ok_k:
            problem(f"{name} : « keywords » doit être une liste de mots ou d'expressions", i, "keywords")
        examples, ok_e = _text_list(item.get("examples"))
        if not ok_e:
            problem(f"{name} : « examples » doit être une liste de textes", i, "examples")
        parent = item.get("parent")
        parent = None if parent is None or not str(parent).strip() else str(parent).strip()
        themes.append(Theme(tid, str(label).strip(), "" if definition is None else str(definition).strip(),
                            tuple(keywords), tuple(examples), parent))
    ids = {t.id for t in themes}
    for i, t in enumerate(themes):
        if t.parent is None:
            continue
        if t.parent == t.id:
            problem(f"thème « {t.id} » : il ne peut pas être son propre parent", i, "parent")
        elif t.parent not in ids:
            problem(f"thème « {t.id} » : parent inconnu « {t.parent} »", i, "parent")
    if not problems:
        parents = {t.id: t.parent for t in themes}
        for i, t in enumerate(themes):
            chain, p = [t.id], parents[t.id]
            while p is not None and p not in chain:
                chain.append(p)
                p = parents[p]
            if p is not None and p == t.id:
                problem(f"thème « {t.id} » : cycle de parents ({' → '.join([*chain, p])})", i, "parent")
    if problems:
        raise InputError(problems)
    name = str(data.get("name") or Path(source).stem or "codebook")
    return Codebook(name=name, version=str(version).strip(), themes=tuple(themes), source=source)
