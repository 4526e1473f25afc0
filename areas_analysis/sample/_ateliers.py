"""Synthetic world-café notes in the real AREAS format, with their ground truth."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import numpy as np
import pandas as pd

from ._common import Picker, choice, decap, strip_end, write_csv, write_docx, write_text
from .banks import (
    BANK,
    FACILITATORS,
    GENERIC_FREINS,
    GENERIC_LEVIERS,
    GENERIC_NOTES,
    NAMED_NOTE_LINES,
    NOTE_ARTICLES,
    NOTE_JOINERS,
    NOTE_PREFIXES,
    NOTE_SHORTHAND,
    NOTE_SUFFIXES,
    SYNTHETIC_NOTE,
    THEME_IDS,
)


@dataclass(frozen=True)
class AtelierSpec:
    """The fixed design of one synthetic atelier (its priorities are the ground truth)."""

    atelier_id: str
    commune: str
    remoteness: int  # 0 bourg-centre, 1 périurbain, 2 rural isolé
    date: str
    public: str
    ext: str
    priorities: tuple[str, ...]
    table_numbers: tuple[int, ...]
    newline: str = "\n"

    @property
    def file_name(self) -> str:
        """File name following the documented convention ``AAAA-MM-JJ_<slug>_<id>_<public>.<ext>``."""
        slug = (self.commune.lower().replace("é", "e").replace("è", "e").replace("ë", "e")
                .replace(" ", "-"))
        return f"{self.date}_{slug}_{self.atelier_id}_{self.public}.{self.ext}"


ATELIERS: tuple[AtelierSpec, ...] = (
    AtelierSpec("A01", "Montfort-sur-Meu", 0, "2026-01-22", "mixte", "txt",
                ("coordination_parcours", "sante_mentale", "information_orientation"), (1, 2, 3, 4)),
    AtelierSpec("A02", "Saint-Méen-le-Grand", 0, "2026-02-05", "usagers", "docx",
                ("information_orientation", "coordination_parcours", "participation_usagers", "sante_mentale"),
                (1, 2, 3, 4)),
    AtelierSpec("A03", "Paimpont", 2, "2026-02-12", "usagers", "txt",
                ("transport_mobilite", "acces_medecin", "isolement"), (2, 2, 1, 1)),
    AtelierSpec("A04", "Médréac", 2, "2026-03-05", "mixte", "md",
                ("transport_mobilite", "acces_medecin", "numerique", "isolement"), (1, 2, 3)),
    AtelierSpec("A05", "Plélan-le-Grand", 0, "2026-03-12", "aidants", "txt",
                ("aidants", "isolement", "information_orientation"), (3, 1, 2, 4)),
    AtelierSpec("A06", "Montfort-sur-Meu", 0, "2026-03-26", "pros", "txt",
                ("conditions_travail_soignants", "coordination_parcours", "sante_mentale"), (1, 2, 3, 4, 5),
                newline="\r\n"),
    AtelierSpec("A07", "Paimpont", 2, "2026-04-09", "mixte", "txt",
                ("isolement", "transport_mobilite", "prevention_bien_etre"), (1, 2, 3)),
    AtelierSpec("A08", "Saint-Méen-le-Grand", 0, "2026-04-23", "mixte", "txt",
                ("coordination_parcours", "acces_medecin", "cout_soins", "sante_mentale"), (1, 2, 3, 4)),
)

#: Heading variants per canonical section, most frequent first.
SECTION_HEADINGS: dict[str, tuple[str, ...]] = {
    "constats": ("Constats/Situation actuelle", "Constats :", "Constats", "Situation actuelle", "CONSTATS"),
    "idees": ("Idées/Pistes d'action", "Pistes d'action", "Idées :", "Idées / pistes d'action"),
    "conditions": ("Conditions de mise en œuvre", "Conditions de mise en oeuvre", "Conditions :"),
    "idees_phares": ("Idées phares à transmettre", "Idées phares", "IDÉES PHARES À TRANSMETTRE"),
    "freins": ("Freins", "Freins :"),
    "leviers": ("Leviers", "Leviers :"),
}
HEADING_WEIGHTS = (0.55, 0.2, 0.12, 0.08, 0.05)
TABLE_HEADINGS = ("Table n°: {n}", "Table n° {n}", "TABLE {n}", "Table n°:{n}")
#: Bullet markers; "1." and "1)" are numbered, "" is a line without a bullet.
BULLETS = ("- ", "• ", "* ", "-> ", "1.", "1)", "")
BULLET_WEIGHTS = (0.42, 0.12, 0.07, 0.05, 0.07, 0.04, 0.23)
ITEMS_PER_SECTION = {"constats": (2, 5), "idees": (2, 5), "conditions": (1, 3), "idees_phares": (2, 5),
                     "freins": (1, 3), "leviers": (1, 3)}
#: Share of a section's themed lines drawn from the atelier's priority themes.
PRIORITY_SHARE = {"idees_phares": 0.9, "default": 0.6}
TWO_THEME_P = 0.15


def _background(spec: AtelierSpec) -> np.ndarray:
    """Relative weights of the non-priority themes for an atelier's commune type and public."""
    w = {t: 1.0 for t in THEME_IDS}
    if spec.remoteness == 2:
        for t, v in (("transport_mobilite", 2.5), ("acces_medecin", 2.0), ("isolement", 2.0), ("numerique", 1.5)):
            w[t] = v
    else:
        for t in ("coordination_parcours", "sante_mentale", "information_orientation"):
            w[t] = 2.0
    w["conditions_travail_soignants"] = 3.0 if spec.public == "pros" else 0.25
    w["aidants"] = 3.0 if spec.public == "aidants" else 0.6
    w["participation_usagers"] = 0.8
    for t in spec.priorities:
        w[t] = 0.0
    arr = np.array([w[t] for t in THEME_IDS])
    return arr / arr.sum()


def theme_weights(spec: AtelierSpec, section: str) -> np.ndarray:
    """Probability of each theme for a themed line of ``section`` in atelier ``spec`` (ground truth)."""
    share = PRIORITY_SHARE.get(section, PRIORITY_SHARE["default"])
    prio = np.zeros(len(THEME_IDS))
    rank_w = np.array([1.3, 1.0, 0.9, 0.8][: len(spec.priorities)])
    for t, v in zip(spec.priorities, rank_w / rank_w.sum(), strict=True):
        prio[THEME_IDS.index(t)] = v
    return share * prio + (1 - share) * _background(spec)


@dataclass
class _Line:
    text: str
    kind: str  # "content", "heading", "table", "facilitator", "blank", "note"
    section: str = ""
    heading: str = ""
    table: int | None = None
    body: str = ""  # content text without bullet marker
    themes: tuple[str, ...] = ()


class _NoteWriter:
    """Builds the lines of one atelier file."""

    def __init__(self, spec: AtelierSpec, rng: np.random.Generator) -> None:
        self.spec = spec
        self.rng = rng
        self.picker = Picker(rng)
        self._phares: list[str] = []

    def next_priority(self) -> str:
        """Priority themes in turn (reshuffled each round), so each one leads some "Idées phares"."""
        if not self._phares:
            self._phares = [self.spec.priorities[j] for j in self.rng.permutation(len(self.spec.priorities))]
        return self._phares.pop()

    def themed_text(self, section: str, kind: str) -> tuple[str, tuple[str, ...]]:
        """Return a themed line of bank ``kind`` (constats/pistes) for ``section``."""
        w = theme_weights(self.spec, section)
        if section == "idees_phares":
            # same probabilities as theme_weights(), but priorities taken in turn
            if self.rng.random() < PRIORITY_SHARE["idees_phares"]:
                first = self.next_priority()
            else:
                bg = _background(self.spec)
                first = THEME_IDS[int(self.rng.choice(len(THEME_IDS), p=bg))]
        else:
            first = THEME_IDS[int(self.rng.choice(len(THEME_IDS), p=w))]
        themes = [first]
        text = shorthand(self.picker.pick(f"{first}:{kind}", getattr(BANK[first], kind)), self.rng)
        if self.rng.random() < TWO_THEME_P:
            w2 = w.copy()
            w2[THEME_IDS.index(first)] = 0
            second = THEME_IDS[int(self.rng.choice(len(THEME_IDS), p=w2 / w2.sum()))]
            kind2 = kind if self.rng.random() < 0.7 else ("pistes" if kind == "constats" else "constats")
            other = shorthand(self.picker.pick(f"{second}:{kind2}", getattr(BANK[second], kind2)), self.rng)
            text = strip_end(text) + choice(self.rng, NOTE_JOINERS) + decap(other)
            themes.append(second)
        if section in ("constats", "idees_phares") and self.rng.random() < 0.07:
            text = choice(self.rng, NOTE_PREFIXES) + text
        elif self.rng.random() < 0.07:
            text = strip_end(text) + choice(self.rng, NOTE_SUFFIXES)
        return text, tuple(themes)

    def item(self, section: str) -> tuple[str, tuple[str, ...]]:
        """One line of content for ``section`` and its true themes."""
        r = self.rng.random()
        if section == "idees_phares":
            return self.themed_text(section, "pistes" if r < 0.65 else "constats")
        # (share of themed lines, bank of themed lines, bank of lines without theme)
        p_themed, kind, generic = {
            "constats": (0.92, "constats", GENERIC_NOTES), "idees": (0.9, "pistes", GENERIC_NOTES),
            "conditions": (0.45, "pistes", GENERIC_NOTES), "freins": (0.5, "constats", GENERIC_FREINS),
            "leviers": (0.5, "pistes", GENERIC_LEVIERS),
        }[section]
        if r < p_themed:
            return self.themed_text(section, kind)
        return self.picker.pick(f"generic:{section}", generic), ()

    def table_sections(self) -> list[str]:
        """Sections of one table, in the order they appear."""
        sections = ["constats", "idees", "conditions", "idees_phares"]
        if self.rng.random() < 0.35:
            sections.insert(1 if self.rng.random() < 0.6 else 2, "freins")
        if self.rng.random() < 0.25:
            sections.insert(sections.index("idees_phares"), "leviers")
        return sections


def shorthand(text: str, rng: np.random.Generator) -> str:
    """Rewrite a phrasing as a hurried note-taker might (abbreviations, dropped article), same meaning."""
    for long, short in NOTE_SHORTHAND:
        if long in text and rng.random() < 0.5:
            text = text.replace(long, short, 1)
    if text.startswith(NOTE_ARTICLES) and rng.random() < 0.4:
        rest = text.split(" ", 1)[1]
        text = rest[0].upper() + rest[1:]
    if rng.random() < 0.08:
        text = decap(text)
    return text


def _bullet(style: str, k: int) -> str:
    if style == "1.":
        return f"{k}. "
    if style == "1)":
        return f"{k}) "
    return style


class _Coverage:
    """Makes every table-heading variant, bullet marker and facilitator appear at least once.

    The first ateliers take the variants in a shuffled order before falling back to
    weighted draws, so the sample exercises the whole format whatever the seed.
    """

    def __init__(self, rng: np.random.Generator) -> None:
        self.rng = rng
        self.tables = [TABLE_HEADINGS[j] for j in rng.permutation(len(TABLE_HEADINGS))]
        self.bullets = [BULLETS[j] for j in rng.permutation(len(BULLETS))]
        self.people = [FACILITATORS[j] for j in rng.permutation(len(FACILITATORS))]

    def table_style(self) -> str:
        return self.tables.pop() if self.tables else choice(self.rng, TABLE_HEADINGS)

    def bullet_style(self) -> str:
        return self.bullets.pop() if self.bullets else choice(self.rng, BULLETS, BULLET_WEIGHTS)

    def facilitator(self, k: int, j: int) -> str:
        """Facilitator of the ``j``-th distinct table of the ``k``-th atelier (all names used)."""
        return self.people[(3 * k + j) % len(self.people)]


def build_atelier(spec: AtelierSpec, rng: np.random.Generator, cover: _Coverage, k: int) -> list[_Line]:
    """Lay out every line of one atelier file (title note, tables, sections, items)."""
    nw = _NoteWriter(spec, rng)
    lines: list[_Line] = [_Line(SYNTHETIC_NOTE, "note"), _Line("", "blank")]
    table_style = cover.table_style()
    named = [(themes, text) for aid, themes, text in NAMED_NOTE_LINES if aid == spec.atelier_id]
    named_at = int(rng.integers(len(spec.table_numbers)))
    for ti, number in enumerate(spec.table_numbers):
        style = table_style if rng.random() < 0.8 else choice(rng, TABLE_HEADINGS)
        lines.append(_Line(style.format(n=number), "table", table=number))
        lines.append(_Line("", "blank"))
        # world-café rotations: the same table keeps its facilitator
        fac = cover.facilitator(k, list(dict.fromkeys(spec.table_numbers)).index(number))
        if spec.atelier_id == "A05" and number == 2:
            fac = f"{fac} et {cover.facilitator(k, 7)}"
        sep = " : " if rng.random() < 0.85 else ": "
        lines.append(_Line(f"Animé par{sep}{fac}", "facilitator", table=number))
        lines.extend(_Line("", "blank") for _ in range(int(rng.integers(1, 4))))
        for section in nw.table_sections():
            heading = choice(rng, SECTION_HEADINGS[section], HEADING_WEIGHTS[: len(SECTION_HEADINGS[section])])
            lines.append(_Line(heading, "heading", section=section, heading=heading, table=number))
            lines.append(_Line("", "blank"))
            lo, hi = ITEMS_PER_SECTION[section]
            p_empty = 0.03 if section == "idees_phares" else 0.08
            n = 0 if rng.random() < p_empty else int(rng.integers(lo, hi + 1))
            items = [nw.item(section) for _ in range(n)]
            if ti == named_at and named:
                want = "conditions" if not named[0][0] else "constats"
                if section == want:
                    for themes, text in named:
                        items.insert(int(rng.integers(len(items) + 1)), (text, themes))
                    named = []
            style = cover.bullet_style()
            spaced = style == "" and rng.random() < 0.5
            for k, (body, themes) in enumerate(items, start=1):
                line_style = style
                if style not in ("1.", "1)") and rng.random() < 0.08:  # a stray marker, as typed in a hurry
                    line_style = choice(rng, BULLETS[:4] + ("",))
                marker = _bullet(line_style, k)
                lines.append(_Line(marker + body, "content", section=section, heading=heading, table=number,
                                   body=body, themes=themes))
                if spaced and k < len(items):
                    lines.append(_Line("", "blank"))
            if items:
                lines.append(_Line("", "blank"))
    while lines and lines[-1].kind == "blank":
        lines.pop()
    return lines


def _render(spec: AtelierSpec, lines: list[_Line]) -> list[str]:
    """Text of each line as written in the file (Markdown headings for .md)."""
    out = []
    for ln in lines:
        if spec.ext == "md" and ln.kind == "table":
            out.append("## " + ln.text)
        elif spec.ext == "md" and ln.kind == "heading":
            out.append("### " + ln.text)
        else:
            out.append(ln.text)
    return out


def write_ateliers(out: Path, rng: np.random.Generator) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Write the atelier notes and manifest under ``out/ateliers``.

    Returns:
        (segments, manifest): ``segments`` has one row per content line with the
        documented segment columns plus ``themes`` (``;``-joined true theme ids);
        ``manifest`` is the manifest as written.
    """
    folder = out / "ateliers"
    seg_rows: list[dict[str, object]] = []
    man_rows: list[list[object]] = []
    cover = _Coverage(rng)
    for k, spec in enumerate(ATELIERS):
        lines = build_atelier(spec, rng, cover, k)
        texts = _render(spec, lines)
        path = folder / spec.file_name
        if spec.ext == "docx":
            bold = [ln.kind in ("table", "heading") for ln in lines]
            write_docx(path, texts, bold, title=f"Atelier AREAS {spec.atelier_id} — {spec.commune}",
                       when=datetime.fromisoformat(spec.date + "T18:00:00+00:00"))
        else:
            write_text(path, "\n".join(texts) + "\n", newline=spec.newline)
        for i, ln in enumerate(lines, start=1):
            if ln.kind not in ("content", "note"):
                continue
            seg_rows.append({
                "segment_id": f"{spec.atelier_id}-L{i:04d}-1", "source_file": spec.file_name,
                "atelier_id": spec.atelier_id, "commune": spec.commune, "date": spec.date, "public": spec.public,
                "table": ln.table, "section": ln.section, "heading": ln.heading, "line": i,
                "text": ln.body if ln.kind == "content" else ln.text, "themes": ";".join(ln.themes),
            })
        participants = int(rng.integers(20, 71))
        man_rows.append([spec.file_name, spec.atelier_id, spec.commune, spec.date, spec.public, participants])
    header = ["fichier", "atelier_id", "commune", "date", "public", "participants"]
    write_csv(folder / "manifest.csv", header, man_rows)
    segments = pd.DataFrame(seg_rows)
    segments["table"] = segments["table"].astype("Int64")
    return segments, pd.DataFrame(man_rows, columns=header)
