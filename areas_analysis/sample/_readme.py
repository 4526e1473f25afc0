"""The French README of the sample, with the ground truth and the signal measured in the files."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from ._ateliers import ATELIERS
from ._common import AGREE_SCALE
from ._dpper import CODE_HEADER, ITEMS, SD_NOISE, SD_SESSION, SD_SESSION_SHIFT, SD_STUDENT, STATIONS
from ._questionnaires import N_PROS, N_USAGERS, Q_NEEDS, USAGER_EFFECTS, USAGER_INTERCEPT
from .banks import COMMUNES, REMOTENESS_LABELS, SYNTHETIC_NOTE, THEME_IDS


def _has(themes: pd.Series, theme: str) -> pd.Series:
    return themes.fillna("").str.split(";").apply(lambda ts: theme in ts)


def _pct(x: float) -> str:
    return f"{100 * x:.0f} %"


def _disagreement(codes: pd.DataFrame, truth: dict[str, tuple[str, ...]] | pd.DataFrame) -> tuple[float, int]:
    """Share of (id, theme) codes that differ, over the union of both codings of the same ids."""
    ids = codes["id"].unique()
    a = {(i, t) for i, t in zip(codes["id"], codes["theme_id"], strict=True) if t}
    if isinstance(truth, dict):
        b = {(i, t) for i in ids for t in truth[i]}
    else:
        b = {(i, t) for i, t in zip(truth["id"], truth["theme_id"], strict=True) if t and i in set(ids)}
    union = a | b
    return (len(a ^ b) / len(union) if union else 0.0), len(ids)


def observed_signal(out: Path, segments: pd.DataFrame, usagers: dict[str, pd.DataFrame],
                    pros: dict[str, pd.DataFrame], dpper: dict[str, pd.DataFrame], human_ateliers: pd.DataFrame,
                    human_usagers: pd.DataFrame, seg_truth: dict[str, tuple[str, ...]],
                    ans_truth: dict[str, tuple[str, ...]]) -> dict[str, object]:
    """Measure, from the written files and the ground truth, the signal the README promises."""
    s: dict[str, object] = {}
    seg = segments[segments["section"] != ""]
    s["no_theme"] = float((seg["themes"] == "").mean())
    s["two_themes"] = float(seg["themes"].str.contains(";").mean())
    remote = seg["atelier_id"].isin([a.atelier_id for a in ATELIERS if a.remoteness == 2])
    for t in ("transport_mobilite", "coordination_parcours"):
        has = _has(seg["themes"], t)
        s[f"seg_{t}"] = (has[remote].mean(), has[~remote].mean(), int(remote.sum()), int((~remote).sum()))

    resp = usagers["respondents"].set_index("respondent_id")
    ans = usagers["answers"]
    needs = ans[ans["question"] == Q_NEEDS].copy()
    needs["eloignement"] = needs["respondent_id"].map(resp["eloignement"])
    needs["tranche_age"] = needs["respondent_id"].map(resp["tranche_age"])
    needs["statut"] = needs["respondent_id"].map(resp["statut"])
    needs["chronique"] = needs["respondent_id"].map(resp["maladie_chronique"])
    s["transport_by_rem"] = [(REMOTENESS_LABELS[r], _has(g["themes"], "transport_mobilite").mean(), len(g))
                             for r, g in needs.groupby("eloignement")]
    old = needs["tranche_age"] == "75 ans et plus"
    s["num_75"] = (_has(needs["themes"], "numerique")[old].mean(), _has(needs["themes"], "numerique")[~old].mean())
    aid = needs["statut"] == "Aidant"
    s["aidants"] = (_has(needs["themes"], "aidants")[aid].mean(), _has(needs["themes"], "aidants")[~aid].mean())
    chro = needs["chronique"] == "Oui"
    s["coord_chronic"] = (_has(needs["themes"], "coordination_parcours")[chro].mean(),
                          _has(needs["themes"], "coordination_parcours")[~chro].mean())

    csv = pd.read_csv(out / "questionnaires" / "usagers_en_ligne.csv", dtype=str, keep_default_na=False)
    ent = csv["Je me sens entouré(e) au quotidien"]
    iso = _has(resp["themes_latents"], "isolement").reindex(csv["Identifiant de réponse"]).to_numpy()
    agree = ent.isin(AGREE_SCALE[3:]).to_numpy()
    valid = ent.isin(AGREE_SCALE).to_numpy()
    s["entoure"] = (agree[iso & valid].mean(), agree[~iso & valid].mean())

    pro_ans = pros["answers"]
    own = pro_ans[pro_ans["question"] == "besoins_pros"]
    s["pros_own"] = sorted(((float(_has(own["themes"], t).mean()), t) for t in THEME_IDS), reverse=True)[:3]

    score = {lab: i + 1 for i, lab in enumerate(AGREE_SCALE)}
    dp = []
    for action, items in ITEMS.items():
        stem = action.lower()
        pre = pd.read_csv(out / "dpper" / f"{stem}_avant.csv", dtype=str, keep_default_na=False)
        post = pd.read_csv(out / "dpper" / f"{stem}_apres.csv", dtype=str, keep_default_na=False)
        for f in (pre, post):
            f["code"] = f[CODE_HEADER].str.upper().str.replace(" ", "", regex=False)
        m = pre.merge(post, on="code", suffixes=("_avant", "_apres"))
        for pp in ("Oui", "Non"):
            sub = m[m["Patient partenaire présent_avant"] == pp]
            diffs = []
            for it in items:
                a = sub[f"{it.column}_avant"].map(score)
                b = sub[f"{it.column}_apres"].map(score)
                diffs.append((b - a).mean())
            dp.append((action, pp, float(np.nanmean(diffs)), len(sub)))
        s[f"unmatched_{action}"] = (len(pre) - len(m), len(post) - len(m), len(pre), len(post))
    s["dpper"] = dp

    c1 = human_ateliers[human_ateliers["coder"] == "codeur_1"]
    c2 = human_ateliers[human_ateliers["coder"] == "codeur_2"]
    s["human_ateliers"] = _disagreement(c1, seg_truth)
    s["human_ateliers_c2"] = _disagreement(c2, seg_truth)
    s["human_c1_c2"] = _disagreement(c2, c1)
    s["human_usagers"] = _disagreement(human_usagers, ans_truth)
    s["n_segments_coded"] = int(c1["id"].nunique())
    s["n_answers_coded"] = int(human_usagers["id"].nunique())
    s["n_segments"] = len(seg)
    s["n_answers"] = len(ans)
    return s


def _table(header: list[str], rows: list[list[object]]) -> str:
    lines = ["| " + " | ".join(header) + " |", "|" + "|".join("---" for _ in header) + "|"]
    lines += ["| " + " | ".join(str(c) for c in r) + " |" for r in rows]
    return "\n".join(lines)


def render(seed: int, counts: dict[str, int], manifest: pd.DataFrame, priorities: pd.DataFrame,
           congruence: pd.DataFrame, s: dict[str, object]) -> str:
    """Return the README text (French)."""
    prio_rows = []
    for spec in ATELIERS:
        p = priorities[priorities["atelier_id"] == spec.atelier_id]
        n = int(p["segments_idees_phares"].iloc[0])
        themes = ", ".join(f"`{t}` ({k}/{n})" for t, k in zip(p["theme_id"], p["segments_idees_phares_avec_theme"],
                                                              strict=True))
        prio_rows.append([spec.atelier_id, spec.commune, REMOTENESS_LABELS[spec.remoteness], spec.public,
                          spec.file_name.rsplit(".", 1)[1], themes])
    commune_rows = [[name, REMOTENESS_LABELS[rem], ", ".join(f"« {v} »" for v in variants) or "—"]
                    for name, rem, _, variants in COMMUNES]
    effect_rows = [[f"`{t}`", f"{USAGER_INTERCEPT[t]:+.1f}",
                    ", ".join(f"{f} {eff[t]:+.1f}" for f, eff in USAGER_EFFECTS.items() if t in eff) or "—"]
                   for t in THEME_IDS]
    cong_rows = [[f"`{r.theme_id}`", _pct(r.part_usagers), _pct(r.part_pros), r.categorie]
                 for r in congruence.itertuples()]
    dp_rows = [[a, it.name, f"{it.mu_pre:+.2f}", f"{it.shift_without:+.2f}", f"{it.shift_with:+.2f}"]
               for a, items in ITEMS.items() for it in items]
    obs_dp = [[a, pp, f"{d:+.2f}", n] for a, pp, d, n in s["dpper"]]  # type: ignore[union-attr]
    t_rem = "; ".join(f"{lab} {_pct(v)} (n = {n})" for lab, v, n in s["transport_by_rem"])  # type: ignore[union-attr]
    seg_tr, seg_co = s["seg_transport_mobilite"], s["seg_coordination_parcours"]
    h1, h1n = s["human_ateliers"]  # type: ignore[misc]
    h2, _ = s["human_ateliers_c2"]  # type: ignore[misc]
    h12, h12n = s["human_c1_c2"]  # type: ignore[misc]
    hu, hun = s["human_usagers"]  # type: ignore[misc]
    ue, un = s["unmatched_ECOS"], s["unmatched_RetExp"]
    pros_own = ", ".join(f"`{t}` {_pct(v)}" for v, t in s["pros_own"])  # type: ignore[union-attr]
    station_rows = [[h, f"{m:.1f}", f"{e:+.1f}"] for h, m, e in STATIONS]
    contents = _table(["chemin", "contenu"], [
        ["`ateliers/`", f"notes de {counts['ateliers']} ateliers (world café) au format réel, `manifest.csv`"],
        ["`codebook.yaml`", "grille de codage : 12 thèmes (libellé, définition, mots-clés, exemples)"],
        ["`codage_humain_ateliers.csv`",
         f"codage humain simulé de {s['n_segments_coded']} segments sur {s['n_segments']} (`id,theme_id,coder`)"],
        ["`questionnaires/usagers_en_ligne.csv`", f"{N_USAGERS} réponses usagers, export de formulaire en ligne"],
        ["`questionnaires/pros_papier.csv`",
         f"{N_PROS} réponses de professionnels, saisie de questionnaires papier"],
        ["`questionnaires/*_dictionnaire.yaml`", "dictionnaires de données (docs/formats.md)"],
        ["`codage_humain_usagers.csv`",
         f"codage humain simulé de {s['n_answers_coded']} réponses ouvertes usagers sur {s['n_answers']}"],
        ["`dpper/`", "questionnaires étudiants avant/après ECOS et RetExp, scores ECOS, dictionnaires, "
                     "grille des commentaires, codage humain simulé de la moitié des commentaires "
                     "(`codage_humain_commentaires_<action>.csv`, stratifié par séance)"],
        ["`activite.yaml`",
         "suivi d'activité inventé pour les indicateurs AREAS (écrit à la main, hors générateur)"],
        ["`verite_terrain/`", "vérité terrain lisible par machine (voir plus bas)"],
    ])
    truth_files = _table(["fichier", "contenu"], [
        ["`segments_attendus.csv`",
         "chaque segment attendu : colonnes de `segments.csv` (texte brut, non pseudonymisé) + `themes`"],
        ["`segments_themes.csv`", "`id,theme_id` : thèmes vrais de chaque segment (vide = aucun)"],
        ["`ateliers_priorites.csv`, `ateliers_poids_themes.csv`",
         "thèmes prioritaires ; probabilités de thème par atelier"],
        ["`reponses_attendues.csv`, `reponses_themes.csv`",
         "réponses ouvertes (usagers et pros) et leurs thèmes vrais"],
        ["`usagers_repondants.csv`, `pros_repondants.csv`",
         "caractéristiques vraies et besoins latents de chaque répondant"],
        ["`effets_usagers_themes.csv`, `effets_pros_themes.csv`, `effets_likert.csv`", "paramètres des modèles"],
        ["`congruence.csv`", "congruence vraie des besoins usagers ↔ pros"],
        ["`communes.csv`", "variantes d'écriture → commune officielle → éloignement"],
        ["`dpper_effets.csv`, `dpper_effets_stations.csv`, `dpper_etudiants.csv`, `dpper_commentaires.csv`",
         "DPPER : effets vrais, appariement vrai des étudiants, commentaires"],
        ["`ecos_commentaires_themes.csv`, `retexp_commentaires_themes.csv`", "thèmes vrais des commentaires"],
        ["`noms.txt`, `donnees_identifiantes.csv`",
         "noms de personnes à pseudonymiser ; occurrences avec courriel et téléphone"],
        ["`parametres.yaml`", "graine, version du générateur, effectifs, paramètres"],
    ])
    return f"""# Échantillon synthétique AREAS (`data/sample/`)

> **{SYNTHETIC_NOTE}.** Tous les textes, réponses, noms, adresses et numéros de ce dossier sont
> inventés par le générateur du projet ; toute ressemblance avec des personnes réelles serait fortuite.

Ce dossier permet de faire tourner tout le cycle d'analyse (`make cycle`) sans données réelles. Il est
**écrit par un générateur déterministe** : la même graine redonne les mêmes fichiers, octet pour octet.

```bash
areas sample generate --out data/sample            # graine {seed} (celle des fichiers présents)
areas sample generate --out /tmp/autre --seed 7     # un autre échantillon, même structure
```

Les données portent un **signal connu** (la « vérité terrain », dossier `verite_terrain/`) : les thèmes
de chaque segment et de chaque réponse ouverte, les thèmes prioritaires de chaque atelier, les effets
utilisés pour les réponses fermées et pour l'évaluation DPPER. Une analyse correcte doit les retrouver.

## Contenu

{contents}

## Notes d'ateliers (`ateliers/`)

Format de `../shared/context/atelier_notes_msp_tables.txt` : plusieurs « Table n° » par fichier
(`Table n°: 2`, `Table n° 3`, `TABLE 4`, `Table n°:1`), `Animé par : <prénom>`, rubriques et leurs
variantes (`Constats/Situation actuelle`, `Constats :`, `Situation actuelle`, `Idées/Pistes d'action`,
`Pistes d'action`, `Conditions de mise en œuvre`, `Idées phares à transmettre`, parfois `Freins`,
`Leviers`), puces `-`, `•`, `*`, `->`, listes numérotées `1.` / `1)`, lignes sans puce (parfois séparées
par une ligne vide), rubriques vides, lignes vides multiples.

Choix faits là où le format laissait une marge (à connaître pour la lecture) :

- **Une idée par ligne** : chaque ligne de contenu est exactement un segment, `k = 1`. Aucune ligne ne
  contient de fin de phrase interne ; une ligne peut porter deux thèmes (« … + … », « … / … »).
- **Numéros de ligne** : comptés à partir de 1 sur tout le fichier, lignes vides comprises. Dans le
  `.docx`, un paragraphe par ligne, paragraphes vides compris (les titres sont en gras, même texte).
- **Première ligne** de chaque fichier : la mention « {SYNTHETIC_NOTE} » (avant la première table,
  donc sans table ni rubrique ; segment sans thème dans la vérité terrain).
- **Markdown** (`A04`, `.md`) : titres de table en `## Table n° 1`, rubriques en `### Constats :`.
- **Fins de ligne** : LF, sauf `A06` en CRLF (fichier écrit sous Windows).
- Dans `A03`, les numéros de table se répètent (`Table n°: 2` deux fois puis `Table n°: 1` deux fois) :
  deux rotations de world café, comme dans les notes réelles. Dans `A05`, une table est animée par
  deux personnes (`Animé par : X et Y`).
- Les fichiers suivent aussi la convention de nom `AAAA-MM-JJ_<commune>_<atelier>_<public>.<ext>`.
- Quelques noms, un courriel et un numéro de téléphone figurent dans des verbatims
  (« Dr Martin part à la retraite… », « Mme Le Bihan, aidante… ») : le pseudonymiseur doit les
  remplacer. Liste complète : `verite_terrain/noms.txt` (prénoms des animatrices et animateurs
  compris) et `verite_terrain/donnees_identifiantes.csv` (ligne par ligne).

### Vérité terrain des ateliers

Chaque atelier a 3 ou 4 **thèmes prioritaires** ; 90 % des lignes à thème des « Idées phares à
transmettre » en sont tirées (à tour de rôle, pour que chacun y figure) et 60 % des autres lignes à
thème ; le reste suit le profil de la commune (communes rurales isolées : transport, accès au médecin,
isolement, numérique ; bourgs-centres : coordination, santé mentale, information) et du public (pros :
conditions de travail ; aidants : aidants). Probabilités exactes : `verite_terrain/ateliers_poids_themes.csv`.
15 % des lignes à thème portent un second thème (au total {_pct(s['two_themes'])} des segments) ;
{_pct(s['no_theme'])} des segments n'ont aucun thème (organisation : « Financement », « Groupe de travail »…).

{_table(["atelier", "commune", "éloignement", "public", "format",
         "thèmes prioritaires (segments « Idées phares » qui les portent)"], prio_rows)}

Signal mesuré dans les fichiers : `transport_mobilite` concerne {_pct(seg_tr[0])} des segments des ateliers
ruraux isolés (n = {seg_tr[2]}) contre {_pct(seg_tr[1])} ailleurs (n = {seg_tr[3]}) ;
`coordination_parcours` {_pct(seg_co[0])} contre {_pct(seg_co[1])}.

## Questionnaires (`questionnaires/`)

**Usagers** (`usagers_en_ligne.csv`) : export de formulaire en ligne, UTF-8 sans BOM, séparateur `,`,
fins d'enregistrement CRLF, réponses ouvertes sur plusieurs lignes entre guillemets (retour `\\n` dans la
cellule). Horodateur `JJ/MM/AAAA HH:MM:SS`, identifiant `U0001`…, commune telle que saisie, tranche
d'âge, statut (Patient / Aidant / Citoyen), maladie chronique (Oui / Non, quelques vides), distance au
médecin traitant en km (entiers, quelques vides, **quelques décimales avec virgule** comme « 2,5 » saisies
à la main), difficultés d'accès (choix multiples dans une cellule, séparés par `;`), 7 items de Likert
en 5 points (« Pas du tout d'accord » … « Tout à fait d'accord », avec des « Je ne sais pas » et des
vides), 2 questions ouvertes : « Quels sont vos principaux besoins en matière de santé ? »
(`besoins_sante`) et « Qu'est-ce qui vous aiderait le plus ? » (`aide_souhaitee`). Les réponses
ouvertes mêlent réponses développées, réponses d'un mot (« Transport. »), vides, « RAS », « je ne sais pas ».

**Professionnels** (`pros_papier.csv`) : saisie de questionnaires papier, **cp1252**, séparateur `;`,
CRLF. N° `P001`…, date de saisie `JJ/MM/AAAA`, profession, structure (MSP / CH / Libéral / CPTS),
commune d'exercice, années d'exercice, 5 items de bien-être au travail (même échelle), 2 questions
ouvertes : besoins de santé des patients (`besoins_patients`) et besoins propres (`besoins_pros`) ;
quelques réponses saisies en MAJUSCULES.

**Communes** : orthographe officielle dans `ateliers/manifest.csv` et chez les pros ; chez les usagers,
environ 20 % des communes sont écrites autrement, comme dans un vrai export (table complète
variante → commune → éloignement : `verite_terrain/communes.csv`).

{_table(["commune officielle", "éloignement", "variantes présentes dans l'export usagers"], commune_rows)}

### Vérité terrain des questionnaires

Chaque usager a de 0 à 3 besoins « latents » (`verite_terrain/usagers_repondants.csv`), tirés
indépendamment par une régression logistique sur ses caractéristiques ; la première question en
exprime jusqu'à deux, la seconde propose des solutions pour le troisième ou l'un des deux premiers.
Les thèmes réellement présents dans chaque texte sont dans `verite_terrain/reponses_themes.csv`
(`id = <respondent_id>:<question>`, une ligne par thème, `theme_id` vide si aucun thème ; les réponses
vides n'y figurent pas). Effets en log-odds (référence : bourg-centre, 30-59 ans, patient, sans
maladie chronique) — aussi dans `verite_terrain/effets_usagers_themes.csv` :

{_table(["thème", "constante", "effets"], effect_rows)}

Signal mesuré sur la question des besoins : `transport_mobilite` selon l'éloignement : {t_rem} ;
`numerique` {_pct(s['num_75'][0])} chez les 75 ans et plus contre {_pct(s['num_75'][1])} ;
`aidants` {_pct(s['aidants'][0])} chez les aidants contre {_pct(s['aidants'][1])} ;
`coordination_parcours` {_pct(s['coord_chronic'][0])} avec maladie chronique contre {_pct(s['coord_chronic'][1])}.

Les **réponses fermées** suivent un modèle latent : valeur = constante + effets des besoins latents +
effets des caractéristiques + bruit normal (écart-type 1), coupée aux seuils −1,5 / −0,5 / 0,5 / 1,5
(`verite_terrain/effets_likert.csv`). Par exemple, « Je me sens entouré(e) au quotidien » : −1,8 pour
un besoin `isolement` ; mesuré : {_pct(s['entoure'][0])} d'accord parmi ceux qui ont ce besoin contre
{_pct(s['entoure'][1])} des autres. Les choix multiples suivent les besoins (« Distance / transport »
coché à 80 % avec un besoin `transport_mobilite`, 8 à 24 % sinon selon l'éloignement).

Chez les pros, les besoins propres sont dominés par {pros_own} ; les besoins des patients vus par les
pros suivent `verite_terrain/effets_pros_themes.csv`.

**Congruence usagers ↔ pros** (`verite_terrain/congruence.csv`) : part des réponses non vides à
« besoins de santé » (usagers) et « besoins de vos patients » (pros) qui nomment chaque thème ;
« les deux » = au moins 10 % dans chaque groupe, « … seulement » = au moins 10 % d'un côté et moins
de 5 % de l'autre.

{_table(["thème", "usagers", "pros", "catégorie"], cong_rows)}

## Évaluation DPPER (`dpper/`)

ECOS : 6 sessions (`ECOS-01` … `ECOS-06`, 3 à 11 étudiants ; `ECOS-05` n'en a que 3), patient
partenaire dans les sessions 01, 03 et 05. RetExp : 6 sessions (`RETEXP-01` … `RETEXP-06`, 6 à 9
étudiants), patient partenaire dans 01, 03 et 05. Fichiers `ecos_avant.csv`, `ecos_apres.csv`,
`retexp_avant.csv`, `retexp_apres.csv` (formulaire en ligne, UTF-8, `,`) : horodateur, code étudiant
auto-généré (« MA12BR »), session, patient partenaire présent (Oui/Non), 5 items de Likert, et après la
séance un commentaire libre. `ecos_scores.csv` (tableur : UTF-8 **avec BOM**, `;`, CRLF, décimales
avec un point) : **une ligne par étudiant** et une colonne par station (score sur 20, au demi-point,
quelques vides), pour respecter le contrat du dictionnaire (un identifiant unique par ligne).

Désordre réaliste : environ 10 % des étudiants n'ont répondu qu'une fois (ECOS : {ue[0]} avant sans
après, {ue[1]} après sans avant ; RetExp : {un[0]} et {un[1]}) ; environ 8 % ont retapé leur code
autrement après la séance (minuscules « ma12br » ou espaces « MA 12 BR ») — l'appariement doit
normaliser casse et espaces (`verite_terrain/dpper_etudiants.csv` donne le vrai appariement) ;
environ 3 % de « Je ne sais pas » et 3 % d'items vides.

**Vérité terrain** (`verite_terrain/dpper_effets.csv`) : valeur latente = moyenne de l'item + effet
étudiant (é.-t. {SD_STUDENT}) + effet session (é.-t. {SD_SESSION}) + bruit (é.-t. {SD_NOISE}) + après la
séance, un décalage propre à l'item et à la présence d'un patient partenaire, plus une variation du
décalage propre à la session (é.-t. {SD_SESSION_SHIFT} : les étudiants d'une même session ne sont pas
indépendants) ; mêmes seuils que ci-dessus. Le décalage est plus grand avec un patient partenaire :

{_table(["action", "item", "moyenne latente avant", "décalage sans PP", "décalage avec PP"], dp_rows)}

Mesuré dans les fichiers (étudiants appariés après normalisation du code, items codés 1 à 5, moyenne
des items de la différence après − avant) :

{_table(["action", "patient partenaire", "après − avant", "étudiants appariés"], obs_dp)}

Scores ECOS (`verite_terrain/dpper_effets_stations.csv`) : score = moyenne de la station + 2 points par
écart-type de niveau étudiant + effet session + effet patient partenaire + bruit (é.-t. 1,8) :

{_table(["station", "moyenne", "effet d'un patient partenaire (points)"], station_rows)}

Commentaires : thèmes `ecoute_patient`, `vecu_maladie`, `communication`, `realisme_scenario`,
`stress_organisation` (grille `dpper/codebook_commentaires.yaml`) ; écoute et vécu de la maladie
dominent avec un patient partenaire, réalisme du scénario et stress sans
(`verite_terrain/ecos_commentaires_themes.csv`, `retexp_commentaires_themes.csv`,
`id = <code tel que saisi après>:commentaire`).

## Codages humains simulés

`codage_humain_ateliers.csv` : {s['n_segments_coded']} segments (40 % de chaque atelier) codés par
`codeur_1`, dont {h12n} recodés par `codeur_2` (recouvrement pour l'accord inter-codeurs). `id` =
`segment_id` = `<atelier>-L<ligne sur 4 chiffres>-1`. `codage_humain_usagers.csv` : {s['n_answers_coded']}
réponses ouvertes usagers (toutes les réponses de 30 % des répondants, tirés au hasard),
`id = <respondent_id>:<question>`. Un `id` avec
`theme_id` vide a été codé « aucun thème ».

Les codeurs se trompent comme des humains : second thème oublié, thème voisin (« isolement » au lieu
de « santé mentale »…), thème ajouté à une ligne qui n'en a pas. Part des codes (id, thème) qui
diffèrent de la vérité, sur l'union des deux codages : `codeur_1` ateliers {_pct(h1)} (n = {h1n}),
`codeur_2` {_pct(h2)}, entre les deux codeurs {_pct(h12)} (n = {h12n}) ; usagers {_pct(hu)} (n = {hun}).

## `verite_terrain/`

{truth_files}
"""
