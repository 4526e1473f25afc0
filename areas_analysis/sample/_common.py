"""Small helpers shared by the sample-data builders: phrase picking and byte-stable writers."""

from __future__ import annotations

import csv
import io
import re
import zipfile
from collections.abc import Iterable, Sequence
from datetime import datetime
from pathlib import Path

import numpy as np
import yaml

from .banks import SYNTHETIC_NOTE

#: The five-point agreement scale used by every Likert item of the sample.
AGREE_SCALE: tuple[str, ...] = ("Pas du tout d'accord", "Plutôt pas d'accord", "Ni d'accord ni pas d'accord",
                                "Plutôt d'accord", "Tout à fait d'accord")
DONT_KNOW = "Je ne sais pas"
#: Latent cut points between the five categories (latent scale with residual SD about 1).
LIKERT_CUTS: tuple[float, ...] = (-1.5, -0.5, 0.5, 1.5)


class Picker:
    """Draw phrasings from banks, avoiding repeats within one scope until a bank is exhausted."""

    def __init__(self, rng: np.random.Generator) -> None:
        self.rng = rng
        self._left: dict[str, list[int]] = {}

    def pick(self, key: str, bank: Sequence[str]) -> str:
        """Return one phrasing of ``bank``; ``key`` names the bank within the current scope."""
        left = self._left.get(key)
        if not left:
            left = list(range(len(bank)))
            self._left[key] = left
        i = int(self.rng.integers(len(left)))
        return bank[left.pop(i)]

    def reset(self) -> None:
        """Start a new scope (e.g. a new atelier): every phrasing becomes available again."""
        self._left.clear()


def choice(rng: np.random.Generator, items: Sequence[str], p: Sequence[float] | None = None) -> str:
    """Pick one item (a thin wrapper that keeps the item's Python type)."""
    if p is not None:
        w = np.asarray(p, dtype=float)
        return items[int(rng.choice(len(items), p=w / w.sum()))]
    return items[int(rng.integers(len(items)))]


def decap(text: str) -> str:
    """Lower-case the first letter unless the first word is an acronym or a brand (``MSP``, ``MonSoutienPsy``)."""
    word = re.match(r"\w+", text)
    if not word or not text[0].isupper():
        return text
    w = word.group(0)
    if len(w) > 1 and (w.isupper() or not w[1:].islower()):
        return text
    return text[0].lower() + text[1:]


def strip_end(text: str) -> str:
    """Remove a final full stop (to join a phrasing inside a line)."""
    return text[:-1] if text.endswith(".") else text


def likert(latent: float, cuts: Sequence[float] = LIKERT_CUTS) -> str:
    """Map a latent value to its label on :data:`AGREE_SCALE` by fixed cut points."""
    return AGREE_SCALE[int(np.searchsorted(np.asarray(cuts), latent))]


def sigmoid(x: float) -> float:
    """Logistic function."""
    return float(1.0 / (1.0 + np.exp(-x)))


def write_text(path: Path, text: str, *, encoding: str = "utf-8", newline: str = "\n") -> Path:
    r"""Write ``text`` (with ``\\n`` line ends) using the given line terminator, byte-stable."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(text.replace("\n", newline).encode(encoding))
    return path


def write_csv(path: Path, header: Sequence[str], rows: Iterable[Sequence[object]], *, delimiter: str = ",",
              encoding: str = "utf-8", lineterminator: str = "\n", bom: bool = False) -> Path:
    r"""Write a CSV the way a form tool or a spreadsheet exports it (quotes only when needed).

    Cells may contain ``\\n`` (multi-line answers); they are kept as-is inside quotes
    while records end with ``lineterminator``.
    """
    buf = io.StringIO(newline="")
    w = csv.writer(buf, delimiter=delimiter, lineterminator=lineterminator, quoting=csv.QUOTE_MINIMAL)
    w.writerow(header)
    for row in rows:
        w.writerow(["" if v is None else v for v in row])
    data = buf.getvalue().encode(encoding)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes((b"\xef\xbb\xbf" if bom else b"") + data)
    return path


def write_long_csv(path: Path, rows: Iterable[Sequence[object]], header: Sequence[str]) -> Path:
    r"""Write a machine-readable CSV (UTF-8, ``,``, ``\\n``) such as codings and ground truth."""
    return write_csv(path, header, rows)


class _Quoted(str):
    """A string value written in double quotes."""


class _Flow(list):  # type: ignore[type-arg]
    """A list of scalars written on one line (``[a, b]``)."""


class _Dumper(yaml.SafeDumper):
    pass


_Dumper.add_representer(_Quoted, lambda d, s: d.represent_scalar("tag:yaml.org,2002:str", str(s), style='"'))
_Dumper.add_representer(_Flow, lambda d, v: d.represent_sequence("tag:yaml.org,2002:seq", list(v),
                                                                 flow_style=True))


def _styled(data: object) -> object:
    """Quote string values (not keys) and put lists of scalars on one line, like a hand-written file."""
    if isinstance(data, dict):
        return {k: _styled(v) for k, v in data.items()}
    if isinstance(data, list | tuple):
        items = [_styled(v) for v in data]
        return _Flow(items) if all(not isinstance(v, dict | list) for v in data) else items
    if isinstance(data, str):
        return _Quoted(data)
    return data


def write_yaml(path: Path, data: object, *, comment: str = "") -> Path:
    """Write YAML with the synthetic-data note as first comment line (keys in insertion order)."""
    head = f"# {SYNTHETIC_NOTE}\n" + "".join(f"# {c}\n" for c in comment.splitlines() if c)
    body = yaml.dump(_styled(data), Dumper=_Dumper, sort_keys=False, allow_unicode=True, width=110,
                     default_flow_style=False)
    return write_text(path, head + body)


def write_docx(path: Path, lines: Sequence[str], bold: Sequence[bool], *, title: str, when: datetime) -> Path:
    """Write one paragraph per line to a .docx that is byte-identical for identical input.

    python-docx stamps the save time into the zip entries and ``core.xml``; both are
    fixed here (core properties set explicitly, entries repacked with a constant
    timestamp) so the committed sample reproduces exactly. Entries are stored, not
    deflated: deflate output depends on the zlib build (zlib vs zlib-ng), stored
    bytes do not.
    """
    from docx import Document
    from docx.oxml.ns import qn

    doc = Document()
    for text, is_bold in zip(lines, bold, strict=True):
        para = doc.add_paragraph()
        if text:
            para.add_run(text).bold = is_bold
    # python-docx's template carries 800 KB of styles and a thumbnail; a note file only
    # needs the default styles (the zip is stored uncompressed, see below)
    styles = doc.styles.element
    for child in list(styles):
        name = child.tag.rsplit("}", 1)[-1]
        if name == "latentStyles" or (name == "style" and child.get(qn("w:default")) != "1"):
            styles.remove(child)
    for rels in (doc.part.rels, doc.part.package.rels):
        for r_id, rel in list(rels.items()):
            if rel.reltype.endswith(("/stylesWithEffects", "/thumbnail")):
                del rels[r_id]
    cp = doc.core_properties
    cp.author = "areas-analysis"
    cp.last_modified_by = "areas-analysis"
    cp.title = title
    cp.comments = SYNTHETIC_NOTE
    cp.created = when
    cp.modified = when
    cp.revision = 1
    raw = io.BytesIO()
    doc.save(raw)
    out = io.BytesIO()
    with zipfile.ZipFile(raw) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_STORED) as dst:
        for info in src.infolist():
            fixed = zipfile.ZipInfo(info.filename, date_time=(2026, 1, 1, 0, 0, 0))
            fixed.external_attr = 0o644 << 16
            dst.writestr(fixed, src.read(info.filename))
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(out.getvalue())
    return path
