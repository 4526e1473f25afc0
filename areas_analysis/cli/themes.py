"""``areas themes``: discover, apply a codebook or a saved model, extend a human coding, measure agreement.

Every sub-command reads CSV files written by people (encoding and separator
detected), calls the same library functions as the notebooks and writes:

* codings (machine contracts of ``docs/formats.md``): UTF-8, ``,``;
* reports for people (themes table, agreement, review queue): UTF-8 with BOM,
  ``;`` and decimal comma, so that Excel opens them correctly.
"""

from __future__ import annotations

import argparse
from pathlib import Path

import numpy as np
import pandas as pd

from ..config import DEFAULT_SEED
from ..errors import AreasError, InputError, Problem
from ..io import write_excel_csv

_PROGRESS_FROM = 2000  # show progress bars from this many texts


def register(sub: argparse._SubParsersAction) -> None:
    """Add the ``themes`` group to the ``areas`` parser."""
    p = sub.add_parser(
        "themes", help="coder des textes en thèmes et mesurer l'accord avec des codeurs humains",
        description="Thèmes : découverte, grille de codage, extension d'un codage humain, accord entre codages.",
    )
    p.set_defaults(func=lambda args: p.print_help())
    cmds = p.add_subparsers(title="commandes", dest="themes_cmd", metavar="COMMANDE",
                            parser_class=type(p))

    d = cmds.add_parser("discover", help="proposer des thèmes dans un corpus (inductif)",
                        description="Propose des thèmes (BERTopic, ou k-moyennes sur les petits corpus) et écrit "
                        "le codage id, theme_id, theme_label, score ; la table des thèmes (libellés, mots, "
                        "citations) est écrite à côté : OUT_themes.csv.")
    _input_args(d)
    d.add_argument("--seed", type=int, default=DEFAULT_SEED, help=f"graine aléatoire (défaut : {DEFAULT_SEED})")
    d.add_argument("--n-themes", default="auto", metavar="N",
                   help="nombre de thèmes, ou « auto » (défaut)")
    d.add_argument("--method", choices=("auto", "bertopic", "kmeans"), default="auto",
                   help="méthode de regroupement (défaut : auto)")
    d.add_argument("--save-model", type=Path, metavar="DOSSIER",
                   help="enregistrer le modèle pour coder les textes du cycle suivant (themes apply --model)")
    d.set_defaults(func=_discover)

    a = cmds.add_parser("apply", help="coder avec une grille de codage (YAML) ou un modèle enregistré",
                        description="Attribue zéro, un ou plusieurs thèmes par texte : sortie id, theme_id, score "
                        "(une ligne par thème attribué).")
    _input_args(a)
    src = a.add_mutually_exclusive_group()  # "one of" checked in _apply, with a French message
    src.add_argument("--codebook", type=Path, metavar="CB.yaml", help="grille de codage YAML")
    src.add_argument("--model", type=Path, metavar="DOSSIER",
                     help="modèle enregistré (themes apply/discover --save-model)")
    a.add_argument("--threshold", type=float, default=None,
                   help="score minimal d'un thème (défaut : valeur calibrée, voir la documentation)")
    a.add_argument("--margin", type=float, default=None,
                   help="thèmes supplémentaires à moins de cette marge du meilleur score (défaut calibré)")
    a.add_argument("--max-themes", type=int, default=None,
                   help="au plus N thèmes par texte (défaut : 3, ou la valeur du modèle enregistré)")
    a.add_argument("--roll-up", action="store_true",
                   help="un sous-thème attribue aussi son thème parent")
    a.add_argument("--label-keywords", action="store_true",
                   help="les mots des libellés comptent aussi comme mots-clés (utile pour des réponses "
                   "courtes quand la grille n'a pas de mots-clés)")
    a.add_argument("--save-model", type=Path, metavar="DOSSIER",
                   help="enregistrer le codeur ajusté pour l'appliquer tel quel au cycle suivant")
    _encoder_arg(a)
    a.set_defaults(func=_apply)

    e = cmds.add_parser("extend", help="étendre un codage humain d'échantillon à tous les textes",
                        description="Apprend du codage humain (GOLD.csv : id, theme_id) et code les autres "
                        "textes : sortie id, theme_id, score, source (human / model). Écrit à côté l'accord "
                        "mesuré par validation croisée (OUT_accord.csv) et la file de relecture "
                        "(OUT_a_revoir.csv).")
    _input_args(e)
    e.add_argument("--gold", type=Path, required=True, metavar="GOLD.csv",
                   help="codage humain d'un échantillon (id, theme_id[, coder])")
    e.add_argument("--codebook", type=Path, metavar="CB.yaml",
                   help="grille de codage : ses scores servent d'indices et de point de comparaison")
    e.add_argument("--review", type=Path, action="append", default=[], metavar="A_REVOIR.csv",
                   help="file de relecture remplie (colonne decision ; .csv ou .xlsx) à ajouter au codage "
                   "humain ; tout thème de la grille est accepté (option répétable)")
    e.add_argument("--strata-col", metavar="COL",
                   help="colonne de strates (atelier, groupe) pour équilibrer la file de relecture")
    e.add_argument("--review-n", type=int, default=50, help="taille de la file de relecture (défaut : 50)")
    e.add_argument("--folds", type=int, default=5, help="plis de la validation croisée (défaut : 5)")
    e.add_argument("--seed", type=int, default=DEFAULT_SEED, help=f"graine aléatoire (défaut : {DEFAULT_SEED})")
    e.add_argument("--save-model", type=Path, metavar="DOSSIER",
                   help="enregistrer le modèle appris pour coder les textes du cycle suivant "
                   "(themes apply --model)")
    _encoder_arg(e)
    e.set_defaults(func=_extend)

    g = cmds.add_parser("agreement", help="accord entre deux codages (κ de Cohen, α de Krippendorff, F1)",
                        description="Compare deux codages longs (id, theme_id) texte par texte et thème par "
                        "thème ; B sert de référence pour la précision et le rappel.")
    g.add_argument("a", type=Path, metavar="A.csv", help="premier codage (par ex. la machine)")
    g.add_argument("b", type=Path, metavar="B.csv", help="second codage, référence (par ex. un humain)")
    g.add_argument("--out", type=Path, metavar="RAPPORT.csv",
                   help="écrire le tableau d'accord (et RAPPORT_desaccords.csv à côté)")
    g.add_argument("--ids", choices=("intersection", "union"), default="intersection",
                   help="textes comparés : présents dans les deux fichiers (défaut) ou dans l'un des deux "
                   "(absent = aucun thème)")
    g.add_argument("--coder-a", metavar="NOM", help="ne garder que ce codeur dans A (colonne coder)")
    g.add_argument("--coder-b", metavar="NOM", help="ne garder que ce codeur dans B (colonne coder)")
    g.set_defaults(func=_agreement)

    _register_validation(cmds)


def _encoder_arg(p: argparse.ArgumentParser, default: str = "use") -> None:
    p.add_argument("--encoder", choices=("use", "fast", "e5"), default=default,
                   help="encodeur de phrases : use (USE multilingue, précis, défaut), fast (vecteurs de mots "
                   "spaCy, rapide) ou e5 (e5-small, lent) ; rien n'est téléchargé")


def _input_args(p: argparse.ArgumentParser) -> None:
    p.add_argument("input", type=Path, metavar="ENTREE.csv", help="tableau des textes (CSV , ou ;)")
    p.add_argument("--text-col", required=True, metavar="COL", help="colonne des textes")
    p.add_argument("--id-col", metavar="COL",
                   help="colonne des identifiants (défaut : numéro de ligne, à partir de 0)")
    p.add_argument("--out", type=Path, required=True, metavar="SORTIE.csv", help="fichier de codage à écrire")


# --------------------------------------------------------------------------- helpers


def _read_texts(args: argparse.Namespace) -> pd.DataFrame:
    """The input table, checked: columns present, ids unique and non-empty."""
    from ..themes.codings import read_csv_table

    required = [args.text_col] + ([args.id_col] if args.id_col else [])
    df = read_csv_table(args.input, required=required, what="tableau des textes")
    if args.id_col:
        ids = df[args.id_col]
        problems = [Problem(str(args.input), "identifiant vide", row=i + 2, column=args.id_col)
                    for i in np.flatnonzero(ids.eq("").to_numpy())[:20]]
        dup = ids[ids.duplicated() & ids.ne("")]
        problems += [Problem(str(args.input), f"identifiant en double « {v} »", row=int(i) + 2,
                             column=args.id_col) for i, v in dup.head(20).items()]
        if problems:
            raise InputError(problems)
    return df


def _beside(out: Path, suffix: str) -> Path:
    return out.with_name(f"{out.stem}{suffix}.csv")


def write_report_table(df: pd.DataFrame, path: Path) -> Path:
    """Write a table for people: UTF-8 with BOM, ``;``, decimal comma, 3 decimals."""
    path.parent.mkdir(parents=True, exist_ok=True)
    write_excel_csv(df, path, float_format="%.3f")
    return path


def _fmt(x: object) -> str:
    if x is None or x is pd.NA:
        return "–"
    if isinstance(x, float | np.floating):
        return "–" if not np.isfinite(x) else f"{x:.2f}".replace(".", ",")
    return str(x)


def _print_table(df: pd.DataFrame) -> None:
    print(df.astype(object).map(_fmt).to_string(index=False))


def _progress(n: int) -> bool:
    return n >= _PROGRESS_FROM


def _save(model: object, directory: Path | None) -> None:
    if directory is None:
        return
    from ..themes.model import save_model

    save_model(model, directory)
    print(f"Modèle enregistré dans {directory}")


# --------------------------------------------------------------------------- commands


def _discover(args: argparse.Namespace) -> int:
    from ..themes.codings import write_codings
    from ..themes.discover import discover_themes

    df = _read_texts(args)
    n_themes: int | str = args.n_themes
    if n_themes != "auto":
        try:
            n_themes = int(n_themes)
        except ValueError as exc:
            msg = f"--n-themes : nombre entier ou « auto » attendu (reçu « {args.n_themes} »)."
            raise AreasError(msg) from exc
    res = discover_themes(df, args.text_col, id_col=args.id_col, seed=args.seed, n_themes=n_themes,
                          method=args.method, progress=_progress(len(df)))
    out = res.assignments.copy()
    out["id"] = out["id"].astype(str)
    write_codings(out[["id", "theme_id", "theme_label", "score"]], args.out)
    themes_path = write_report_table(res.themes, _beside(args.out, "_themes"))
    _save(res.model, args.save_model)
    print(f"{len(res.themes)} thèmes proposés pour {len(df)} textes ({res.model.method}).")
    print(f"Codage écrit dans {args.out} ; table des thèmes dans {themes_path}")
    return 0


def _apply(args: argparse.Namespace) -> int:
    from ..themes.codebook import DEFAULT_MARGIN, DEFAULT_THRESHOLD, CodebookModel, load_codebook
    from ..themes.codings import write_codings
    from ..themes.encoders import make_encoder
    from ..themes.extend import ExtensionModel
    from ..themes.model import load_model
    from ..themes.workflow import CodingModel

    if args.codebook is None and args.model is None:
        raise AreasError("Indiquez une grille de codage (--codebook CB.yaml) ou un modèle enregistré "
                         "(--model DOSSIER).")
    df = _read_texts(args)
    texts = df[args.text_col].tolist()
    if args.codebook is not None:
        codebook = load_codebook(args.codebook)
        model: object = CodebookModel(
            codebook,
            threshold=DEFAULT_THRESHOLD if args.threshold is None else args.threshold,
            margin=DEFAULT_MARGIN if args.margin is None else args.margin,
            max_themes=3 if args.max_themes is None else args.max_themes,
            label_keywords=args.label_keywords,
            encoder=make_encoder(args.encoder, seed=DEFAULT_SEED),
        ).fit(texts)
    else:
        model = load_model(args.model)
        if isinstance(model, CodebookModel):
            if args.threshold is not None:
                model.threshold = args.threshold
            if args.margin is not None:
                model.margin = args.margin
            if args.max_themes is not None:
                model.max_themes = args.max_themes
    if isinstance(model, CodebookModel):
        coding = model.predict(df, args.text_col, id_col=args.id_col, roll_up=args.roll_up,
                               progress=_progress(len(df)))
        n_coded = coding["id"].nunique()
        write_codings(coding, args.out)
        _save(model, args.save_model)
        print(f"{n_coded} textes sur {len(df)} ont reçu au moins un thème "
              f"(grille « {model.codebook.name} » version {model.codebook.version}).")
    elif isinstance(model, CodingModel | ExtensionModel):
        coding = model.predict(df, args.text_col, id_col=args.id_col)
        write_codings(coding, args.out)
        if args.save_model is not None:
            raise AreasError("--save-model n'a pas de sens avec --model : le modèle est déjà enregistré.")
        n_coded = coding.dropna(subset=["theme_id"])["id"].nunique()
        print(f"{n_coded} textes sur {len(df)} ont reçu au moins un thème (modèle {args.model}).")
    elif hasattr(model, "assign"):
        ids = df[args.id_col].tolist() if args.id_col else [str(i) for i in range(len(df))]
        coding = model.assign(texts, ids, progress=_progress(len(df)))  # type: ignore[attr-defined]
        coding["id"] = coding["id"].astype(str)
        write_codings(coding[["id", "theme_id", "theme_label", "score"]], args.out)
        if args.save_model is not None:
            raise AreasError("--save-model n'a pas de sens avec --model : le modèle est déjà enregistré.")
        print(f"{len(df)} textes codés avec les thèmes découverts du modèle {args.model}.")
    else:
        raise AreasError(f"Le modèle « {args.model} » ne sait pas coder de textes ({type(model).__name__}).")
    print(f"Codage écrit dans {args.out}")
    return 0


def _extend(args: argparse.Namespace) -> int:
    from ..themes.codebook import load_codebook
    from ..themes.codings import read_codings, write_codings
    from ..themes.encoders import make_encoder
    from ..themes.extend import extend_coding
    from ..themes.review import read_review_decisions, write_review_queue

    df = _read_texts(args)
    gold = read_codings(args.gold)
    codebook = load_codebook(args.codebook) if args.codebook is not None else None
    if args.review:
        known = set(gold["theme_id"].dropna()) | (set(codebook.ids) if codebook is not None else set())
        extra = [read_review_decisions(p, known_themes=sorted(known)) for p in args.review]
        reviewed = set().union(*(set(x["id"]) for x in extra))
        gold = pd.concat([gold[~gold["id"].isin(reviewed)], *extra], ignore_index=True)  # review decision wins
    if args.strata_col and args.strata_col not in df.columns:
        raise InputError([Problem(str(args.input), "colonne de strates absente", column=args.strata_col)])
    res = extend_coding(df, args.text_col, gold, id_col=args.id_col, codebook=codebook, seed=args.seed,
                        cv_folds=args.folds, strata_col=args.strata_col, review_n=args.review_n,
                        encoder=make_encoder(args.encoder, seed=args.seed))
    write_codings(res.codings, args.out)
    if res.model is not None:
        _save(res.model, args.save_model)
    agreement = res.agreement.rename(columns={"recall": "rappel"})
    accord_path = write_report_table(agreement, _beside(args.out, "_accord"))
    allowed = sorted(set(gold["theme_id"].dropna()) | (set(codebook.ids) if codebook is not None else set()))
    review_path = write_review_queue(res.review, _beside(args.out, "_a_revoir"), themes=allowed)
    n_human = int(res.codings.loc[res.codings["source"].eq("human"), "id"].nunique())
    ov = res.overall.iloc[0]
    print(f"{n_human} textes codés par un humain, {len(df) - n_human} codés par le modèle.")
    print(f"Accord modèle / humain en validation croisée ({args.folds} plis) : F1 micro = {_fmt(ov['micro_f1'])}, "
          f"F1 macro = {_fmt(ov['macro_f1'])}, κ moyen = {_fmt(ov['mean_kappa'])}.")
    _print_table(agreement[["theme_id", "n_humain", "statut", "kappa", "f1"]])
    if res.skipped_themes:
        print(f"Thèmes non appris (moins de 5 exemples humains) : {', '.join(res.skipped_themes)}.")
    print(f"Codage écrit dans {args.out} ; accord dans {accord_path} ; "
          f"{len(res.review)} textes à relire dans {review_path}")
    return 0


def _agreement(args: argparse.Namespace) -> int:
    from ..themes.agreement import coding_agreement
    from ..themes.codings import read_codings

    a = read_codings(args.a, coder=args.coder_a)
    b = read_codings(args.b, coder=args.coder_b)
    for path, coding, chosen in ((args.a, a, args.coder_a), (args.b, b, args.coder_b)):
        if chosen is None and "coder" in coding.columns and coding["coder"].dropna().nunique() > 1:
            names = ", ".join(sorted(coding["coder"].dropna().unique()))
            raise InputError([Problem(str(path), f"plusieurs codeurs ({names}) : choisissez-en un avec "
                                      "--coder-a / --coder-b", column="coder")])
    res = coding_agreement(a, b, ids=args.ids)
    report = res.report((args.a.stem, args.b.stem))
    print(f"Accord entre {args.a.name} (A) et {args.b.name} (B, référence) sur {len(res.ids)} textes :")
    _print_table(report)
    if args.out is not None:
        write_report_table(report, args.out)
        conf = res.confusion.assign(coded_by=res.confusion["coded_by"].map(
            {"A": f"{args.a.stem} seulement", "B": f"{args.b.stem} seulement"}))
        conf = conf.rename(columns={"theme_id": "theme", "coded_by": "code_par"})
        conf_path = write_report_table(conf, _beside(args.out, "_desaccords"))
        print(f"Rapport écrit dans {args.out} ; désaccords dans {conf_path}")
    return 0


# --------------------------------------------------------------------------- validation sample and prevalence
# (issue 12: `themes sample` draws the random validation sample; `themes prevalence` corrects shares with it)


def _register_validation(cmds: argparse._SubParsersAction) -> None:
    s = cmds.add_parser("sample", help="tirer l'échantillon aléatoire de validation à coder à la main",
                        description="Tire au hasard (stratifié, graine fixée) les textes à coder par un humain "
                        "pour mesurer l'accord et corriger les parts de thèmes. Écrit SORTIE.csv (à remplir : "
                        "theme_id, une ligne par thème, vide = aucun thème) et SORTIE_tirage.json (graine, "
                        "strates, identifiants). Cet échantillon ne remplace pas la file de relecture.")
    s.add_argument("input", type=Path, metavar="ENTREE.csv", help="tableau des textes (CSV , ou ;)")
    s.add_argument("--id-col", required=True, metavar="COL", help="colonne des identifiants")
    s.add_argument("--text-col", metavar="COL", help="colonne des textes (recopiée pour les codeurs)")
    size = s.add_mutually_exclusive_group(required=True)
    size.add_argument("--size", type=int, metavar="N", help="nombre d'unités à tirer")
    size.add_argument("--share", type=float, metavar="P", help="part des unités à tirer (ex. 0,3)")
    size.add_argument("--half-width", type=float, metavar="H",
                      help="demi-largeur visée de l'intervalle à 95 %% (ex. 0,05 = ± 5 points) : "
                      "la taille est calculée")
    s.add_argument("--expected", type=float, default=0.5, metavar="P",
                   help="part attendue du thème le plus fréquent pour --half-width (défaut : 0,5, le pire cas)")
    s.add_argument("--strata-col", metavar="COL", help="strates (atelier, groupe, question)")
    s.add_argument("--cluster-col", metavar="COL",
                   help="tirer des répondants entiers (ex. respondent_id) : nécessaire pour les parts par "
                   "répondant")
    s.add_argument("--seed", type=int, default=DEFAULT_SEED, help=f"graine aléatoire (défaut : {DEFAULT_SEED})")
    s.add_argument("--out", type=Path, required=True, metavar="SORTIE.csv", help="échantillon à coder")
    s.set_defaults(func=_sample)

    v = cmds.add_parser("prevalence", help="parts de thèmes corrigées grâce à l'échantillon de validation",
                        description="Code tous les textes (extension du codage humain, avec la grille si donnée) "
                        "et estime la part de textes évoquant chaque thème, corrigée des erreurs de la machine "
                        "avec l'échantillon aléatoire codé par des humains (inférence « prediction-powered »). "
                        "GOLD.csv : id, theme_id (theme_id vide = codé, aucun thème) ; tous ses textes doivent "
                        "appartenir à l'échantillon aléatoire (lignes « echantillon = revue » écartées).")
    _input_args(v)
    v.add_argument("--gold", type=Path, required=True, metavar="GOLD.csv",
                   help="codage humain de l'échantillon aléatoire de validation")
    v.add_argument("--codebook", type=Path, metavar="CB.yaml", help="grille de codage (indices pour la machine)")
    v.add_argument("--by", metavar="COL", help="parts par groupe de cette colonne")
    v.add_argument("--strata-col", metavar="COL", help="colonne de strates du tirage de l'échantillon")
    v.add_argument("--count-col", metavar="COL",
                   help="compter des répondants (ex. respondent_id) : un thème dans l'une de leurs réponses")
    v.add_argument("--confidence", type=float, default=0.95, help="niveau des intervalles (défaut : 0,95)")
    v.add_argument("--seed", type=int, default=DEFAULT_SEED, help=f"graine aléatoire (défaut : {DEFAULT_SEED})")
    v.set_defaults(func=_prevalence)


def _sample(args: argparse.Namespace) -> int:
    from ..quantify.corrected import suggest_sample_size
    from ..tables import fr_num
    from ..themes.codings import read_csv_table
    from ..themes.validation import draw_validation_sample, write_draw_record

    cols = [c for c in (args.id_col, args.text_col, args.strata_col, args.cluster_col) if c]
    df = read_csv_table(args.input, required=cols, what="tableau des textes")
    size = args.size
    if args.half_width is not None:
        n_units = df[args.cluster_col].nunique() if args.cluster_col else len(df)
        size = suggest_sample_size(args.expected, args.half_width, population=int(n_units))
        print(f"Pour un intervalle à 95 % de ± {fr_num(100 * args.half_width, 1)} points sur une part proche de "
              f"{fr_num(100 * args.expected, 0)} %, sans compter sur la machine : {size} unités à coder sur "
              f"{n_units} (moins si la machine est fiable).")
    sample = draw_validation_sample(df, id_col=args.id_col, size=size, share=args.share,
                                    strata_col=args.strata_col, cluster_col=args.cluster_col, seed=args.seed)
    out = sample.copy()
    if args.text_col:
        texts = dict(zip(df[args.id_col].astype(str).str.strip(), df[args.text_col], strict=False))
        out.insert(1, "texte", out["id"].map(texts))
    out["theme_id"] = ""
    write_report_table(out, args.out)
    import hashlib

    digest = hashlib.sha256(Path(args.input).read_bytes()).hexdigest()
    record = write_draw_record(sample, _beside(args.out, "_tirage").with_suffix(".json"),
                               inputs={"fichier": str(args.input), "sha256": digest})
    rec = sample.attrs["record"]
    print(f"{rec['unites_tirees']} unités tirées sur {rec['unites_population']} ({rec['textes_tires']} textes), "
          f"graine {args.seed}. À coder dans {args.out} (une ligne par thème ; theme_id vide = aucun thème) ; "
          f"tirage enregistré dans {record}.")
    return 0


def _prevalence(args: argparse.Namespace) -> int:
    from ..quantify.corrected import corrected_prevalence
    from ..themes.codebook import load_codebook
    from ..themes.validation import cross_fitted_predictions, read_validation_codings

    if not 0 < args.confidence < 1:
        raise AreasError(f"Niveau de confiance invalide : {args.confidence} (entre 0 et 1).")
    df = _read_texts(args)
    extra = [c for c in (args.by, args.strata_col, args.count_col) if c]
    missing = [Problem(str(args.input), "colonne absente", column=c) for c in extra if c not in df.columns]
    if missing:
        raise InputError(missing)
    id_col = args.id_col or "_ligne"
    if not args.id_col:
        df = df.assign(_ligne=[str(i) for i in range(len(df))])
    gold, review = read_validation_codings(args.gold)
    known = set(df[id_col].astype(str).str.strip())
    unknown = [i for i in dict.fromkeys(gold["id"].astype(str)) if i not in known]
    if unknown:
        raise InputError([Problem(str(args.gold), f"{len(unknown)} identifiant(s) absent(s) de {args.input.name}, "
                                  f"par ex. {', '.join(unknown[:5])} (vérifiez --id-col)", column="id")])
    if gold.empty:
        raise InputError([Problem(str(args.gold), "aucune ligne de l'échantillon de validation")])
    codebook = load_codebook(args.codebook) if args.codebook is not None else None
    themes = list(dict.fromkeys([*(codebook.ids if codebook is not None else []),
                                 *sorted(gold["theme_id"].dropna().unique())]))
    pred = cross_fitted_predictions(df, args.text_col, gold, id_col=id_col, codebook=codebook, themes=themes,
                                    seed=args.seed)
    table = corrected_prevalence(df, pred, gold, args.by, unit_col=id_col, count_col=args.count_col,
                                 strata_col=args.strata_col, themes=themes, value_col="prediction",
                                 confidence=args.confidence)
    front = [c for c in ("theme_id", args.by, "n", "proportion", "ic_bas", "ic_haut") if c]
    table = table[[*front, *[c for c in table.columns if c not in front]]]
    write_report_table(table, args.out)
    if len(review):
        print(f"{review['id'].nunique()} textes de la file de relecture (echantillon = revue) écartés : "
              "ils ne sont pas tirés au hasard.")
    print(table.attrs["note"])
    _print_table(table[front])
    print(f"Parts corrigées écrites dans {args.out}")
    return 0
