"""AREAS indicators against the project's targets, per cycle.

Targets live in ``data/objectifs_areas.yaml`` (one entry per indicator, each
citing the sentence of the project description that sets it). Values come
from the atelier manifest / segments (ateliers, communes, participants),
the priority themes, and a hand-kept activity log (``activite.yaml``: directory
reach, exchange platforms, caregivers' workshops, patient partners, DPPER
actions).

Status rule (column ``regle``):

* ``atteint``: value ≥ target;
* cumulative indicators (``type: cumulatif``): ``en bonne voie`` when the value
  is at least the linear trajectory ``target × elapsed share of the period``
  (from ``debut`` to ``echeance``) at the cycle date, else ``en retard``;
* level indicators (``type: niveau``: an average or minimum): ``en bonne voie``
  from 80 % of the target, else ``en retard``;
* ``non mesuré`` when the cycle gives no value (e.g. no activity log).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import yaml

from ..config import DATA_DIR
from ..errors import AreasError, InputError, Problem
from ..tables import fr_list, fr_num, plural, require_columns, set_note
from ._common import normalise_ids

__all__ = [
    "DEFAULT_TARGETS",
    "STATUSES",
    "ActivityLog",
    "compute_indicators",
    "describe_indicators",
    "indicator_progress",
    "load_activity",
    "load_targets",
    "participation_rates",
    "read_priorities",
]

DEFAULT_TARGETS = DATA_DIR / "objectifs_areas.yaml"
#: Statuses in display order.
STATUSES: tuple[str, ...] = ("atteint", "en bonne voie", "en retard", "non mesuré")
#: Level indicators are « en bonne voie » from this share of the target.
LEVEL_ON_TRACK = 0.8

_MEASURES = {"ateliers", "communes", "participants_par_atelier", "themes_prioritaires_par_atelier", "activite"}
_REQUIRED = ("id", "libelle", "cible", "unite", "echeance", "mesure", "source")


def _read_yaml(path: Path, what: str) -> Any:
    if not path.exists():
        raise InputError([Problem(str(path), f"{what} introuvable")])
    try:
        return yaml.safe_load(path.read_text(encoding="utf-8"))
    except UnicodeDecodeError as exc:
        raise InputError([Problem(str(path), "fichier non UTF-8 : réenregistrez-le en UTF-8")]) from exc
    except ValueError as exc:  # YAML dates such as 2027-13-01 fail while being parsed
        raise InputError([Problem(str(path), "date impossible dans le fichier (format AAAA-MM-JJ, "
                                             "mois 1 à 12, jour existant)")]) from exc
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        row = mark.line + 1 if mark is not None else None
        raise InputError([Problem(str(path), f"YAML invalide ({getattr(exc, 'problem', exc)})", row=row)]) from exc


def _as_date(value: object) -> dt.date | None:
    if value is None or value == "":
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    return dt.date.fromisoformat(str(value).strip())


def load_targets(path: str | Path = DEFAULT_TARGETS) -> pd.DataFrame:
    """Read the project's targets (``objectifs_areas.yaml``) into a table, with French validation.

    Returns:
        New DataFrame, one row per target: ``id``, ``libelle``, ``cible``,
        ``unite``, ``type`` (``cumulatif``/``niveau``), ``mesure``, ``section``,
        ``agregat``, ``champ``, ``filtre``, ``debut``, ``echeance``, ``source``.

    Raises:
        InputError: missing file, invalid YAML, or entries with a missing or
            invalid field (all listed, with the entry number and id).
    """
    path = Path(path)
    data = _read_yaml(path, "fichier des objectifs")
    entries = data.get("objectifs") if isinstance(data, dict) else None
    if not isinstance(entries, list) or not entries:
        raise InputError([Problem(str(path), "liste « objectifs: » absente ou vide")])
    problems, rows, seen = [], [], set()
    for i, e in enumerate(entries, 1):
        where = f"objectif n° {i}" + (f" (« {e.get('id')} »)" if isinstance(e, dict) and e.get("id") else "")
        if not isinstance(e, dict):
            problems.append(Problem(str(path), f"{where} : entrée non structurée (attendu « champ: valeur »)"))
            continue
        for k in _REQUIRED:
            if e.get(k) in (None, ""):
                problems.append(Problem(str(path), f"{where} : champ « {k} » manquant"))
        if e.get("id") in seen:
            problems.append(Problem(str(path), f"{where} : identifiant en double"))
        seen.add(e.get("id"))
        try:
            cible = float(e.get("cible"))
            if cible <= 0:
                raise ValueError
        except (TypeError, ValueError):
            problems.append(Problem(str(path), f"{where} : cible invalide « {e.get('cible')} » "
                                                 "(nombre > 0 attendu)"))
            cible = np.nan
        kind = e.get("type", "cumulatif")
        if kind not in ("cumulatif", "niveau"):
            problems.append(Problem(str(path), f"{where} : type « {kind} » inconnu (cumulatif ou niveau)"))
        mesure = e.get("mesure")
        if mesure is not None and mesure not in _MEASURES:
            problems.append(Problem(str(path), f"{where} : mesure « {mesure} » inconnue "
                                                 f"({', '.join(sorted(_MEASURES))})"))
        if mesure == "activite":
            if not e.get("section"):
                problems.append(Problem(str(path), f"{where} : « section » du suivi d'activité manquante"))
            if e.get("agregat", "nombre") not in ("nombre", "somme"):
                problems.append(Problem(str(path), f"{where} : agregat « {e.get('agregat')} » inconnu "
                                                     "(nombre, somme)"))
            if e.get("agregat") == "somme" and not e.get("champ"):
                problems.append(Problem(str(path), f"{where} : « champ » à additionner manquant"))
        dates = {}
        for k in ("debut", "echeance"):
            try:
                dates[k] = _as_date(e.get(k))
            except ValueError:
                problems.append(Problem(str(path), f"{where} : date « {k} » invalide « {e.get(k)} » (AAAA-MM-JJ)"))
                dates[k] = None
        if dates.get("debut") and dates.get("echeance") and dates["debut"] >= dates["echeance"]:
            problems.append(Problem(str(path), f"{where} : « debut » doit précéder « echeance »"))
        rows.append({"id": str(e.get("id")), "libelle": e.get("libelle"), "cible": cible, "unite": e.get("unite"),
                     "type": kind, "mesure": mesure, "section": e.get("section"),
                     "agregat": e.get("agregat", "nombre") if mesure == "activite" else None,
                     "champ": e.get("champ"), "filtre": e.get("filtre") or {}, "debut": dates.get("debut"),
                     "echeance": dates.get("echeance"), "source": e.get("source")})
    if problems:
        raise InputError(problems)
    out = pd.DataFrame(rows)
    return set_note(out, f"{len(out)} objectifs du projet AREAS lus dans {path.name}.", path=str(path))


@dataclass(frozen=True)
class ActivityLog:
    """The activity log of a cycle: one table per section, plus its metadata.

    Attributes:
        sections: Section name → table (one row per event).
        date: Date the log was closed (« à date » of the indicators), if given.
        cycle: Cycle name, if given.
        synthetic: ``True`` for invented example data.
        warning: French warning to show with the indicators (e.g. synthetic data).
    """

    sections: dict[str, pd.DataFrame] = field(default_factory=dict)
    date: dt.date | None = None
    cycle: str | None = None
    synthetic: bool = False
    warning: str = ""


def load_activity(path: str | Path) -> ActivityLog:
    """Read an activity log (``activite.yaml``): lists of events per section.

    Raises:
        InputError: missing file, invalid YAML, a section that is not a list of
            entries, or a non-numeric count (entry and field named).
    """
    path = Path(path)
    data = _read_yaml(path, "suivi d'activité")
    if not isinstance(data, dict):
        raise InputError([Problem(str(path), "contenu attendu : des sections « nom: [liste d'entrées] »")])
    meta_keys = {"synthetique", "avertissement", "cycle", "date"}
    problems, sections = [], {}
    for name, entries in data.items():
        if name in meta_keys:
            continue
        if entries is None:
            entries = []
        if not isinstance(entries, list) or not all(isinstance(x, dict) for x in entries):
            problems.append(Problem(str(path), f"section « {name} » : liste d'entrées « - champ: valeur » "
                                                 "attendue"))
            continue
        df = pd.DataFrame(entries)
        for col in df.columns:
            if col in ("usagers", "participants"):
                num = pd.to_numeric(df[col], errors="coerce")
                bad = df[col].notna() & (num.isna() | (num < 0))
                for i in np.flatnonzero(bad.to_numpy()):
                    msg = (f"section « {name} », entrée n° {i + 1} : « {col} » doit être un nombre positif "
                           f"(trouvé « {df[col].iloc[i]} »)")
                    problems.append(Problem(str(path), msg))
                df[col] = num
        sections[str(name)] = df
    try:
        date = _as_date(data.get("date"))
    except ValueError:
        problems.append(Problem(str(path), f"date d'arrêté invalide « {data.get('date')} » (AAAA-MM-JJ)"))
        date = None
    if problems:
        raise InputError(problems)
    synthetic = bool(data.get("synthetique", False))
    warning = str(data.get("avertissement") or ("Données d'activité synthétiques." if synthetic else ""))
    return ActivityLog(sections=sections, date=date, cycle=data.get("cycle"), synthetic=synthetic, warning=warning)


def participation_rates(
    manifest: pd.DataFrame,
    *,
    target: float = 50,
    atelier_col: str = "atelier_id",
    participants_col: str = "participants",
    extra_cols: Sequence[str] = ("commune", "date", "public"),
) -> pd.DataFrame:
    """Participants of each atelier against the target (50 per atelier in AREAS).

    Returns:
        New DataFrame, one row per atelier: ``atelier_id``, the ``extra_cols``
        present, ``participants`` (NA when not recorded), ``cible``,
        ``taux`` (participants / target), ``atteint``.
    """
    require_columns(manifest, [atelier_col, participants_col], "manifeste des ateliers")
    cols = [atelier_col, *[c for c in extra_cols if c in manifest.columns], participants_col]
    out = manifest[cols].drop_duplicates(atelier_col).reset_index(drop=True)
    num = pd.to_numeric(out[participants_col], errors="coerce")
    bad = out[participants_col].notna() & num.isna()
    if bad.any():
        raise InputError([Problem("manifeste des ateliers", f"nombre de participants illisible « {v} »",
                                  row=int(i) + 2, column=participants_col)
                          for i, v in out.loc[bad, participants_col].items()])
    out["participants"] = num.astype("Float64")
    if participants_col != "participants":
        out = out.drop(columns=participants_col)
    out["cible"] = target
    out["taux"] = out["participants"] / target
    out["atteint"] = out["participants"] >= target
    known = out["participants"].notna()
    n_ok = int(out["atteint"].fillna(False).sum())
    text = (f"Participants par atelier comparés à la cible de {fr_num(target, 0)} "
            f"({plural(len(out), 'atelier')}) : "
            f"{plural(n_ok, 'atelier atteint', 'ateliers atteignent')} la cible")
    if known.any():
        text += (f" ; moyenne {fr_num(float(out.loc[known, 'participants'].mean()), 1)}, médiane "
                 f"{fr_num(float(out.loc[known, 'participants'].median()), 1)} participants.")
    else:
        text += "."
    if (~known).any():
        text += f" Participants non renseignés pour {plural(int((~known).sum()), 'atelier')} (exclus des calculs)."
    return set_note(out, text, cible=target)


def _elapsed_share(start: dt.date | None, end: dt.date, as_of: dt.date) -> float:
    if start is None:
        return 1.0 if as_of >= end else np.nan
    total = (end - start).days
    return float(min(1.0, max(0.0, (as_of - start).days / total)))


def _status(value: float, target: float, kind: str, share: float) -> tuple[str, float]:
    if value is None or pd.isna(value):
        return "non mesuré", np.nan
    if value >= target:
        return "atteint", target * share if kind == "cumulatif" else target
    if kind == "cumulatif":
        expected = target * share if not np.isnan(share) else np.nan
        return ("en bonne voie" if not np.isnan(expected) and value >= expected else "en retard"), expected
    return ("en bonne voie" if value >= LEVEL_ON_TRACK * target else "en retard"), target


def _rule_text(kind: str) -> str:
    if kind == "cumulatif":
        return ("atteint si valeur ≥ cible ; en bonne voie si valeur ≥ cible × part du temps écoulé entre début "
                "et échéance (trajectoire linéaire) ; sinon en retard")
    return (f"atteint si valeur ≥ cible ; en bonne voie si valeur ≥ {fr_num(100 * LEVEL_ON_TRACK, 0)} % de la "
            "cible ; sinon en retard")


def _activity_value(target: pd.Series, activity: ActivityLog | Mapping[str, pd.DataFrame] | None,
                    as_of: dt.date) -> tuple[float, str]:
    sections = activity.sections if isinstance(activity, ActivityLog) else (activity or {})
    if activity is None:
        return np.nan, "pas de suivi d'activité fourni"
    sec = target["section"]
    if sec not in sections:
        return np.nan, f"section « {sec} » absente du suivi d'activité"
    df = sections[sec]
    for k, v in (target["filtre"] or {}).items():
        df = df[df[k].astype("string") == str(v)] if k in df.columns else df.head(0)
    if "date" in df.columns and len(df):
        dates = pd.to_datetime(df["date"].astype("string"), errors="coerce").dt.date
        df = df[dates.isna() | (dates <= as_of)]
    if target["agregat"] == "somme":
        field_ = target["champ"]
        if field_ not in df.columns:
            return (0.0, "aucune entrée") if df.empty else (np.nan, f"champ « {field_} » absent de « {sec} »")
        vals = pd.to_numeric(df[field_], errors="coerce")
        missing = int(vals.isna().sum())
        detail = f"somme sur {plural(len(df), 'entrée')}"
        if missing:
            detail += f" ({missing} sans valeur, comptée(s) 0)"
        return float(vals.fillna(0).sum()), detail
    return float(len(df)), f"{plural(len(df), 'entrée')} dans « {sec} »"


def compute_indicators(
    targets: pd.DataFrame,
    *,
    manifest: pd.DataFrame | None = None,
    segments: pd.DataFrame | None = None,
    priorities: pd.DataFrame | None = None,
    activity: ActivityLog | Mapping[str, pd.DataFrame] | None = None,
    cycle: str | None = None,
    as_of: str | dt.date | None = None,
    atelier_col: str = "atelier_id",
    commune_col: str = "commune",
    participants_col: str = "participants",
) -> pd.DataFrame:
    """Value of each AREAS indicator for a cycle, against its target, with a stated status rule.

    See the module docstring for the status rule. Values:

    * ``ateliers`` / ``communes``: distinct ``atelier_id`` / ``commune`` of the
      manifest (else of the segments) dated up to ``as_of``;
    * ``participants_par_atelier``: mean participants over ateliers where the
      number is recorded (manifest);
    * ``themes_prioritaires_par_atelier``: the minimum number of priority
      themes over ateliers (the target holds for *each* atelier), from
      :func:`priority_summary` (or :func:`priority_themes`) output;
    * ``activite``: count or sum of a section of the activity log up to ``as_of``.

    Args:
        targets: Output of :func:`load_targets`.
        manifest: Atelier manifest (``atelier_id, commune, date, public, participants``).
        segments: Segment table, used for ateliers/communes when no manifest.
        priorities: :func:`priority_summary` (one row per atelier, ``n_prioritaires``)
            or :func:`priority_themes` output.
        activity: :func:`load_activity` output (or section → table).
        cycle: Cycle name written in the ``cycle`` column.
        as_of: Date of the cycle; default the activity log date, else the last
            atelier date.
        atelier_col: Atelier id column of the manifest / segments.
        commune_col: Commune column.
        participants_col: Participants column of the manifest.

    Returns:
        New DataFrame, one row per target: ``cycle``, ``id``, ``libelle``,
        ``valeur``, ``cible``, ``unite``, ``pourcentage_atteint``,
        ``attendu_a_date``, ``statut``, ``regle``, ``detail``, ``a_date``,
        ``echeance``, ``source``.

    Raises:
        AreasError: no cycle date can be found.
    """
    require_columns(targets, ["id", "libelle", "cible", "unite", "type", "mesure"], "objectifs")
    ateliers = manifest if manifest is not None else segments
    if as_of is None:
        if isinstance(activity, ActivityLog) and activity.date:
            as_of = activity.date
        elif ateliers is not None and "date" in ateliers.columns and ateliers["date"].notna().any():
            as_of = pd.to_datetime(ateliers["date"].astype("string"), errors="coerce").max().date()
        else:
            raise AreasError("Date du cycle inconnue : passez as_of=\"AAAA-MM-JJ\" à compute_indicators.")
    as_of = _as_date(as_of)
    if ateliers is not None:
        require_columns(ateliers, [atelier_col], "manifeste des ateliers")
        at = ateliers
        if "date" in at.columns:
            d = pd.to_datetime(at["date"].astype("string"), errors="coerce").dt.date
            at = at[d.isna() | (d <= as_of)]
    rows = []
    for _, t in targets.iterrows():
        value, detail = np.nan, ""
        if t["mesure"] == "ateliers" and ateliers is not None:
            value = float(normalise_ids(at[atelier_col]).nunique())
            detail = "ateliers distincts du " + ("manifeste" if manifest is not None else "tableau des segments")
        elif t["mesure"] == "communes" and ateliers is not None:
            require_columns(at, [commune_col], "manifeste des ateliers")
            communes = at[commune_col].astype("string").str.strip().dropna().unique().tolist()
            value = float(len(communes))
            detail = f"communes : {fr_list(sorted(communes))}"
        elif t["mesure"] == "participants_par_atelier" and manifest is not None:
            if participants_col in at.columns:
                per = pd.to_numeric(at.drop_duplicates(atelier_col)[participants_col], errors="coerce")
                if per.notna().any():
                    value = float(per.mean())
                    n_ok = int((per >= t["cible"]).sum())
                    detail = (f"moyenne sur {plural(int(per.notna().sum()), 'atelier')} ; "
                              f"{plural(n_ok, 'atelier atteint', 'ateliers atteignent')} {fr_num(t['cible'], 0)}")
                    if per.isna().any():
                        detail += f" ; {int(per.isna().sum())} sans effectif renseigné"
        elif t["mesure"] == "themes_prioritaires_par_atelier" and priorities is not None:
            value, detail = _priority_value(priorities, atelier_col, t["cible"],
                                            at if ateliers is not None else None)
        elif t["mesure"] == "activite":
            value, detail = _activity_value(t, activity, as_of)
        if not detail:
            detail = "donnée non fournie pour ce cycle"
        share = _elapsed_share(t["debut"], t["echeance"], as_of) if t["echeance"] else np.nan
        if t["debut"] and as_of < t["debut"]:
            detail += f" ; période de réalisation pas encore commencée (début le {t['debut']:%d/%m/%Y})"
        status, expected = _status(value, t["cible"], t["type"], share)
        rows.append({"cycle": cycle or (activity.cycle if isinstance(activity, ActivityLog) else None),
                     "id": t["id"], "libelle": t["libelle"], "valeur": value, "cible": t["cible"],
                     "unite": t["unite"], "pourcentage_atteint": 100 * value / t["cible"] if not pd.isna(value)
                     else np.nan, "attendu_a_date": expected, "statut": status, "regle": _rule_text(t["type"]),
                     "detail": detail, "a_date": as_of, "echeance": t["echeance"], "source": t["source"]})
    out = pd.DataFrame(rows)
    warning = activity.warning if isinstance(activity, ActivityLog) else ""
    return set_note(out, describe_indicators(out, warning=warning), warning=warning)


#: Table written by the ateliers notebook (``ateliers`` section) that the indicators read back.
PRIORITIES_TABLE = "ateliers_themes_prioritaires.csv"


def read_priorities(cycle_dir: str | Path) -> pd.DataFrame | None:
    """The priority themes written by the ateliers notebook of the same cycle, or ``None`` if it did not run.

    Args:
        cycle_dir: The cycle's output folder (``output_dir`` of the notebooks).
    """
    from ..report import read_table

    path = Path(cycle_dir) / "tables" / PRIORITIES_TABLE
    return read_table(path) if path.is_file() else None


def _priority_value(priorities: pd.DataFrame, atelier_col: str, target: float,
                    ateliers: pd.DataFrame | None) -> tuple[float, str]:
    require_columns(priorities, [atelier_col, "n_prioritaires"], "thèmes prioritaires")
    per = priorities.groupby(priorities[atelier_col].astype("string"), observed=True)["n_prioritaires"].max()
    if ateliers is not None:
        ids = normalise_ids(ateliers[atelier_col]).dropna().unique()
        per = per.reindex(pd.Index(ids, dtype="string"), fill_value=0)
    if per.empty:
        return np.nan, "aucun atelier"
    n_ok = int((per >= target).sum())
    return float(per.min()), (f"{n_ok} atelier(s) sur {len(per)} ont au moins {fr_num(target, 0)} thématiques "
                              f"prioritaires (valeur = minimum sur les ateliers)")


def indicator_progress(
    tables: Sequence[pd.DataFrame] | Mapping[str, pd.DataFrame],
) -> pd.DataFrame:
    """Stack the indicator tables of several cycles (oldest first) to follow progress.

    Args:
        tables: :func:`compute_indicators` outputs, oldest first, or a mapping
            cycle name → table (tables read back from past cycles' CSVs work too).

    Returns:
        New DataFrame: the rows of every table with ``cycle`` filled in and
        ``ordre_cycle`` (0 = oldest), plus ``progression`` (change of
        ``pourcentage_atteint`` since the previous cycle, in points).
    """
    items = list(tables.items()) if isinstance(tables, Mapping) else [(None, t) for t in tables]
    if not items:
        raise AreasError("Aucun tableau d'indicateurs à comparer.")
    parts = []
    for i, (name, t) in enumerate(items):
        require_columns(t, ["id", "valeur", "cible", "pourcentage_atteint", "statut"],
                        f"indicateurs (cycle {i + 1})")
        part = t.copy()
        if name is not None:
            part["cycle"] = name
        elif "cycle" not in part.columns or part["cycle"].isna().all():
            part["cycle"] = f"cycle {i + 1}"
        part["ordre_cycle"] = i
        parts.append(part)
    out = pd.concat(parts, ignore_index=True)
    out["progression"] = out.groupby("id", sort=False)["pourcentage_atteint"].diff()
    cycles = list(dict.fromkeys(out["cycle"].astype(str)))
    last = out[out["ordre_cycle"] == out["ordre_cycle"].max()]
    text = (f"Progression des indicateurs AREAS sur {plural(len(cycles), 'cycle')} ({fr_list(cycles)}) : "
            "« progression » = évolution du pourcentage de la cible atteint depuis le cycle précédent, "
            "en points. "
            f"Au dernier cycle : " + ", ".join(f"{int((last['statut'] == s).sum())} {s}" for s in STATUSES) + ".")
    return set_note(out, text)


def describe_indicators(table: pd.DataFrame, *, warning: str = "") -> str:
    """French plain-language note for a :func:`compute_indicators` table."""
    if table.empty:
        return "Aucun indicateur."
    counts = {s: int((table["statut"] == s).sum()) for s in STATUSES}
    as_of = table["a_date"].iloc[0]
    when = as_of.strftime("%d/%m/%Y") if hasattr(as_of, "strftime") else str(as_of)
    text = (f"Indicateurs du projet AREAS au {when}, comparés aux objectifs à atteindre d'ici le 30/09/2027 : "
            + ", ".join(f"{v} {k}" for k, v in counts.items() if v) + ". « En bonne voie » : pour un indicateur "
            "qui se cumule, la valeur atteint au moins la trajectoire linéaire entre le début de l'action et "
            "l'échéance ; pour une moyenne ou un minimum, au moins 80 % de la cible.")
    missing = table.loc[table["statut"] == "non mesuré", "libelle"].astype(str).tolist()
    if missing:
        text += f" Non mesurés faute de données : {fr_list(missing)}."
    if warning:
        text += f" Attention : {warning}"
    return text
