"""Taguette codebooks: Taguette (1.5) imports a codebook only as CSV and exports ``.qdc`` without descriptions.

Taguette has no tree of codes: a tag is a path whose levels are separated by
dots (``Accès aux soins.Accès au médecin traitant``). :func:`write_taguette_codebook`
writes the workspace codebook in the CSV Taguette's « Import codebook » reads
(``tag, description``: the dotted path of labels, and the description written
for REFI-QDA tools, ending with ``Identifiant AREAS : <id>``);
:func:`read_taguette_codebook` reads Taguette's CSV export back
(``tag, description, number of highlights, number of documents``) into the
same codes as a ``.qdc`` (see :func:`areas_analysis.qda.refi_read.refi_codebook`).
"""

from __future__ import annotations

import csv
import io
from pathlib import Path

from ..errors import InputError, Problem
from ..themes.codebook import Codebook
from ..themes.codings import read_csv_table
from .refi import _guid, theme_description
from .refi_read import RefiCode, RefiProject

__all__ = ["read_taguette_codebook", "taguette_path", "write_taguette_codebook"]

#: Longest tag path Taguette accepts (taguette.validate.tag_path).
TAGUETTE_MAX_PATH = 200


def taguette_path(codebook: Codebook, theme_id: str) -> str:
    """The dotted Taguette path of a theme (labels of its ancestors then its own; dots in labels become spaces)."""
    chain = [theme_id, *codebook.ancestors(theme_id)][::-1]
    return ".".join(" ".join(codebook.theme(t).label.replace(".", " ").split()) for t in chain)


def write_taguette_codebook(codebook: Codebook, path: str | Path) -> Path:
    """Write the codebook as the CSV Taguette imports (``tag, description``; UTF-8, comma).

    Raises:
        InputError: a path longer than Taguette's limit (French, naming the theme).
    """
    path = Path(path)
    rows = [(taguette_path(codebook, t.id), theme_description(t)) for t in codebook.themes]
    long = [Problem(str(path), f"thème « {t.id} » : chemin Taguette de plus de {TAGUETTE_MAX_PATH} caractères")
            for t, (p, _) in zip(codebook.themes, rows, strict=True) if len(p) > TAGUETTE_MAX_PATH]
    if long:
        raise InputError(long)
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(["tag", "description"])
    w.writerows(rows)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(buf.getvalue(), encoding="utf-8")
    return path


def read_taguette_codebook(path: str | Path) -> RefiProject:
    """Read a Taguette codebook CSV (its export, or :func:`write_taguette_codebook`'s) as REFI codes."""
    path = Path(path)
    df = read_csv_table(path, what="grille Taguette")
    cols = {c.lower(): c for c in df.columns}
    name_col = next((cols[c] for c in ("tag", "name", "path") if c in cols), None)
    if name_col is None:
        raise InputError([Problem(str(path), "colonne « tag » absente (grille Taguette attendue)", column="tag")])
    desc_col = cols.get("description")
    codes = []
    for i, row in df.iterrows():
        tag = str(row[name_col]).strip()
        if not tag:
            raise InputError([Problem(str(path), "nom de tag vide", row=int(i) + 2, column=name_col)])
        desc = str(row[desc_col]) if desc_col else ""
        codes.append(RefiCode(_guid("taguette", tag), tag, True, desc, None, None))
    return RefiProject(str(path), "Taguette (CSV)", path.stem, "", codes, {}, {}, [], True)
