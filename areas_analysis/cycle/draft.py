"""``areas cycle init``: a commented params draft from what a data folder holds."""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path
from typing import Any

import yaml

from .. import config
from ..errors import AreasError
from .inputs import INPUTS
from .run import _display_path

#: Suffixes of survey exports looked for by :func:`draft_params`.
_EXPORT_SUFFIXES = (".csv", ".tsv", ".xlsx")
#: Folders never searched by :func:`draft_params` (outputs, hidden, virtual environments).
_SKIP_DIRS = ("outputs", "__pycache__", "node_modules")


def _yaml_keys(path: Path) -> dict[str, Any]:
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, yaml.YAMLError):
        return {}
    return data if isinstance(data, dict) else {}


def _csv_header(path: Path) -> list[str]:
    from ..ingest.survey import read_raw_export

    try:
        return [str(c) for c in read_raw_export(path).frame.columns]
    except (AreasError, OSError, ValueError):
        return []


def _walk(folder: Path) -> list[Path]:
    return sorted(p for p in folder.rglob("*") if p.is_file() and not any(
        part.startswith(".") or part in _SKIP_DIRS for part in p.relative_to(folder).parts))


def scan_data_folder(folder: str | Path) -> dict[str, Any]:
    """Guess the cycle's inputs from what a data folder holds (for :func:`draft_params`).

    Recognised: a notes folder (notes + ``manifest.csv``), codebooks (YAML with
    ``themes``), data dictionaries (YAML with ``columns``) matched to the export
    whose headers they describe, human codings (CSV with ``id`` and ``theme_id``),
    an activity log (``activite*.yaml``) and a DPPER folder (``ecos_avant.csv`` or
    ``retexp_avant.csv``). A survey whose name mentions « pro » is the
    professionals' one.

    Returns:
        Parameter name → path (``None`` when nothing was found), plus ``_notes``:
        parameter name → French comment for the draft (what was found, what to check).
    """
    from ..ingest.notes import NOTE_SUFFIXES

    folder = Path(folder)
    if not folder.is_dir():
        raise AreasError(f"Dossier de données introuvable : {folder}")
    files = _walk(folder)
    found: dict[str, Any] = {spec.name: None for spec in INPUTS}
    notes: dict[str, str] = {}
    manifests = [p for p in files if p.name == "manifest.csv"
                 and any(q.suffix.lower() in NOTE_SUFFIXES for q in p.parent.iterdir())]
    if manifests:
        found["ateliers"] = manifests[0].parent
        if len(manifests) > 1:
            others = ", ".join(str(m.parent) for m in manifests[1:])
            notes["ateliers"] = f"autres dossiers de notes trouvés : {others}"
    else:
        loose = sorted({p.parent for p in files if p.suffix.lower() in NOTE_SUFFIXES})
        if loose:
            found["ateliers"] = loose[0]
            notes["ateliers"] = ("notes trouvées SANS manifest.csv : ajoutez-le (fichier, atelier_id, commune, "
                                 "date, public)")
    yamls = [(p, _yaml_keys(p)) for p in files if p.suffix.lower() in (".yaml", ".yml")]
    codebooks = [p for p, d in yamls if isinstance(d.get("themes"), list)]
    dictionaries = [(p, d) for p, d in yamls if isinstance(d.get("columns"), list)]
    for p in codebooks:
        key = "codebook_commentaires" if "comment" in p.stem.lower() else "codebook"
        if found[key] is None:
            found[key] = p
    activity = [p for p, d in yamls if p.stem.lower().startswith("activite")]
    found["activite"] = activity[0] if activity else None
    dpper = sorted({p.parent for p in files if p.name.lower() in ("ecos_avant.csv", "retexp_avant.csv")})
    found["dpper"] = dpper[0] if dpper else None
    if dpper and found["codebook_commentaires"] is None:
        notes["codebook_commentaires"] = "grille des commentaires étudiants introuvable : à écrire (YAML, themes:)"

    exports = [p for p in files if p.suffix.lower() in _EXPORT_SUFFIXES and p.name != "manifest.csv"
               and p.name != "responses.csv" and (not dpper or p.parent not in dpper)]
    headers = {p: _csv_header(p) for p in exports}
    codings = [p for p in exports if {"id", "theme_id"} <= {h.strip() for h in headers[p]}]
    surveys = [p for p in exports if p not in codings]
    matched: dict[Path, Path] = {}
    for dict_path, d in dictionaries:
        wanted = {str(c.get("column")) for c in d["columns"] if isinstance(c, dict)}
        for c in d["columns"]:
            if isinstance(c, dict) and isinstance(c.get("option_columns"), dict):
                wanted |= {str(v) for v in c["option_columns"].values()}
        scores = {p: len(wanted & set(headers[p])) / max(1, len(wanted)) for p in surveys}
        best = max(scores, key=lambda p: scores[p], default=None)
        if best is not None and scores[best] >= 0.5 and best not in matched:
            matched[best] = dict_path
    for export in surveys:
        role = "pros" if "pro" in export.stem.lower() and "propos" not in export.stem.lower() else "usagers"
        if found[role] is not None:
            notes[role] = notes.get(role, "autres exports trouvés :") + f" {export}"
            continue
        found[role] = export
        found[f"{role}_dictionnaire"] = matched.get(export)
        if export not in matched:
            notes[f"{role}_dictionnaire"] = (f"aucun dictionnaire ne décrit {export.name} : rédigez un brouillon "
                                             "avec "
                                             f"« areas ingest survey {export} --out DOSSIER » puis relisez-le")
        else:
            notes[f"{role}_dictionnaire"] = "dictionnaire reconnu à ses en-têtes de colonnes : relisez-le"
    for p in codings:
        stem = p.stem.lower()
        key = ("codage_humain_commentaires" if "comment" in stem else "codage_humain_ateliers" if "atelier" in stem
               else "codage_humain_pros" if "pro" in stem else "codage_humain_usagers")
        if found[key] is None:
            found[key] = p
    found["_notes"] = notes
    return found


def draft_params(folder: str | Path, out: str | Path, *, root: Path | None = None) -> Path:
    """Write a commented params draft for a new cycle from what ``folder`` holds.

    Every input of :data:`INPUTS` gets a line: the path found, or ``null`` with
    what ``null`` means; the questionnaire settings (``profil``, ``groupe``…) are
    ``null`` with the candidate columns of the dictionary and the theme ids of the
    codebook listed in comments. The draft is for the user to check, then
    ``areas cycle run --cycle <cycle> --params <out>``.

    Raises:
        AreasError: ``out`` exists (never overwritten) or ``folder`` is missing.
    """
    root = (root or config.ROOT).resolve()
    out = Path(out)
    if out.exists():
        raise AreasError(f"{out} existe déjà : un fichier de paramètres n'est jamais écrasé ; choisissez un "
                         "autre nom.")
    found = scan_data_folder(folder)
    notes = found.pop("_notes")

    def show(p: Path | None) -> str:
        if p is None:
            return "null"
        rel = _display_path(Path(p), root)
        return json.dumps(rel, ensure_ascii=False)

    lines = [f"# Paramètres du cycle — brouillon écrit par « areas cycle init {folder} » le "
             f"{datetime.now():%d/%m/%Y}. À RELIRE avant « areas cycle run ».",
             "# Chemins relatifs : depuis la racine du dépôt. null = entrée non disponible : la section qui en a",
             "# besoin n'est pas présentée et le rapport le dit ; les entrées marquées « obligatoire » ne",
             "# peuvent pas être null. Les données brutes ne sont jamais modifiées.",
             f"serie: {json.dumps(out.stem, ensure_ascii=False)}   # la progression compare les cycles terminés "
             "de la même série",
             f"seed: {config.DEFAULT_SEED}",
             "parameters:"]
    for spec in INPUTS:
        value = found.get(spec.name)
        if spec.name == "objectifs" and value is None:
            value = config.DATA_DIR / "objectifs_areas.yaml"
        status = "obligatoire" if spec.required else "facultatif"
        comment = f"{status} — {spec.what}"
        if value is None and spec.if_null:
            comment += f". null : {spec.if_null.split(' : ', 1)[-1]}"
        if spec.name in notes:
            comment += f" [À VÉRIFIER : {notes[spec.name]}]"
        lines.append(f"  {spec.name}: {show(value)}")
        lines.append(f"  #   {comment}")
    lines.append(f"  cle_pseudonymisation: {show(config.ROOT / 'data' / 'private' / 'cle_pseudonymisation.json')}"
                 "   # clé de pseudonymisation, jamais dans outputs/")
    lines += _survey_settings_lines(found)
    lines.append("notebooks:")
    runs = [("01_ateliers.ipynb", "Ateliers : thèmes des tables de discussion"),
            ("02_questionnaires.ipynb", "Questionnaires usagers et professionnels"),
            ("03_indicateurs.ipynb", "Indicateurs AREAS et objectifs du projet")]
    for nb, title in runs:
        lines += [f"  - notebook: {nb}", f"    title: {json.dumps(title, ensure_ascii=False)}"]
    for action in ("ECOS", "RetExp"):
        lines += ["  - notebook: 04_evaluation_dpper.ipynb", f"    name: 04_evaluation_dpper_{action}",
                  f"    title: \"Évaluation DPPER : {action} avec patients partenaires\"",
                  f"    parameters: {{action: {action}}}   # dpper: null → non exécuté"]
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return out


def _survey_settings_lines(found: dict[str, Any]) -> list[str]:
    """Questionnaire settings, null, with the candidates read from the dictionary and the codebook."""
    closed: list[str] = []
    likert: list[str] = []
    if found.get("usagers_dictionnaire"):
        from ..ingest.dictionary import load_dictionary

        try:
            d = load_dictionary(found["usagers_dictionnaire"])
            closed, likert = d.names("closed"), d.names("likert")
        except AreasError:
            pass
    theme_ids: list[str] = []
    if found.get("codebook"):
        from ..themes.codebook import load_codebook

        try:
            theme_ids = load_codebook(found["codebook"]).ids
        except AreasError:
            pass

    def listing(items: list[str]) -> str:
        return ", ".join(items) if items else "aucune trouvée"

    return [
        "  # --- analyses du questionnaire usagers (null : déduit du dictionnaire, ou section non présentée)",
        "  profil: null          # colonnes fermées décrivant les répondants ; null : colonnes « closed » de 2 à "
        "8 "
        "modalités",
        f"  #   colonnes fermées du dictionnaire : {listing(closed)}",
        "  groupe: null          # colonne fermée dont on compare les groupes ; null : pas de comparaison par "
        "groupe",
        "  modele_theme: null    # thème (id de la grille) expliqué par la régression logistique ; null : pas de "
        "modèle",
        f"  #   thèmes de la grille : {listing(theme_ids)}",
        "  modele_echelle: null  # colonne « likert » expliquée par la régression ordinale ; null : pas de modèle",
        f"  #   échelles du dictionnaire : {listing(likert)}",
        "  modele_echelle_theme: null   # thème prédicteur de la régression ordinale ; null : profil seul",
        "  modele_covariables: null     # covariables des modèles ; null : profil hors groupe + éloignement "
        "de la commune",
    ]
