"""Deductive coding with a versioned YAML codebook (no labelled data needed).

A codebook lists themes (``id``, ``label``, ``definition``, ``keywords``,
``examples``, optional ``parent``; see ``docs/formats.md``). :func:`apply_codebook`
gives every segment zero, one or several themes with a score that combines
three signals computed per (segment, theme):

* **prototype cosine** — cosine between the segment vector and the theme
  prototype, both from the same :class:`~areas_analysis.themes.encoders.SentenceEncoder`
  (the prototype is the normalised sum of the unit vectors of the label, the
  definition, the keywords and the mean of the examples). Nearest-label cosine
  beat clustering for deductive coding on this machine (issue 4). The default
  encoder adds a 100-d LSA block fitted on the corpus, so corpus words without
  a good spaCy vector still count.
* **soft word match** — for each content word of the label and keywords, its
  best cosine with a word of the segment (1 when their lemmas are equal); the
  theme gets the mean over the best-matched half of its words (a "soft keyword"
  that survives synonyms and inflections and rewards a segment hitting one
  facet of a label such as "Tri sélectif, compost, réduction déchets").
* **keyword match** — 1 when a keyword or key phrase of the theme occurs in the
  segment, compared on lemmas (spaCy lookup table; a final -s/-x is dropped from
  forms the table does not know), case- and accent-insensitively ("Médecins
  traitants" and "medecins traitants" match "médecin traitant"), else 0.

``score = 0.7 · cosine + 0.3 · soft + 0.3 · keyword``. Decision rule: a theme is
assigned when its score is ≥ ``threshold`` (0.10) and within ``margin`` (0.05) of
the segment's best score, keeping at most ``max_themes`` (3); a theme whose
keyword occurs in the segment is always assigned (the researcher's explicit rule).

**Prototype refinement** (``refine=True``, default, when the corpus has at least
5 segments per theme): after a first pass on the fitting corpus, each prototype
is moved towards the mean vector of its most confident segments (top 5 % of the
corpus shared among themes, by per-theme z-score) — a one-step self-training
of the prototypes (as in dataless classification).

**Calibration** (label-only codebooks, i.e. the hardest case; grid over weights,
share of soft words, threshold 0–0.35 and margin 0–0.15, objective = mean of the
micro-F1 on the 11 Entendre-la-France questions, on SIB-200 and on
MasakhaNEWS, see ``benchmarks/bench_coding.py``): LSA block +4–6 points on ELF;
soft words + cosine beat either alone on ELF (0.28 vs 0.27/0.25 top-1);
refinement +3–6 points on SIB-200/MasakhaNEWS; threshold and margin change the
mean by < 1 point around the chosen values (0.10 / 0.05; larger margins favour
the multi-label ELF, smaller ones the single-label sets). The threshold matters
most for segments that match no theme; it is kept low because on small corpora
with label-only codebooks correct best themes often score 0.1–0.2 (content-free
segments score 0). Real codebooks with definitions, keywords and examples give
higher scores; raise ``threshold`` when too many segments get a weak theme.

Segments are only tokenised (spaCy tokenizer in the encoder, a word regex for
the lexical signals, spaCy's lemma lookup table and word vectors): no tagger
or parser runs when coding, so a fitted
:class:`CodebookModel` codes thousands of segments per second and gives the
same output for the same text whatever the rest of the batch (save it with
:func:`~areas_analysis.themes.model.save_model` and apply it to the next cycle).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import yaml
from spacy.strings import hash_string

from ..errors import AreasError, InputError, Problem
from ..nlp import load_spacy
from ..text import fold
from .encoders import SentenceEncoder, encoder_from_state, make_encoder
from .text import clean_text, is_content_form

__all__ = [
    "DEFAULT_LSA_COMPONENTS",
    "DEFAULT_MARGIN",
    "DEFAULT_THRESHOLD",
    "DEFAULT_WEIGHTS",
    "RESERVED_THEME_IDS",
    "Codebook",
    "CodebookModel",
    "Theme",
    "apply_codebook",
    "codebook_from_dict",
    "load_codebook",
]

#: Weights of (prototype cosine, soft word match, keyword match) in the score (calibrated, module docstring).
DEFAULT_WEIGHTS: tuple[float, float, float] = (0.7, 0.3, 0.3)
#: Minimum score for a theme to be assigned (calibrated on the benchmark sets, see the module docstring).
DEFAULT_THRESHOLD: float = 0.10
#: A theme is also assigned when its score is within this margin of the best one.
DEFAULT_MARGIN: float = 0.05
#: Size of the LSA block of the default encoder (corpus-specific words count; +5 points micro-F1 on ELF).
DEFAULT_LSA_COMPONENTS: int = 100
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


# --------------------------------------------------------------------------- lexical analysis


def _fold(text: str) -> str:
    """Lower-case, accents removed (``"Médecin"`` → ``"medecin"``)."""
    return fold(text)  # one home: areas_analysis.text


class _Lexicon:
    """Fast lexical analysis: content forms, lookup lemmas (folded) and word vectors.

    Words are letter runs (inner hyphens kept: "rendez-vous"; apostrophes split:
    "l'accès" → "l", "accès") found by a regular expression — several times faster
    than the spaCy tokenizer, which the encoder already runs. Lemmas come from
    the spaCy lookup table, vectors from the spaCy vocabulary. Built from the
    installed pipeline (never saved); caches per form.
    """

    _WORD_RE = re.compile(r"[^\W\d_]+(?:-[^\W\d_]+)*")

    def __init__(self, spacy_model: str) -> None:
        self.nlp = load_spacy(spacy_model)
        lemmatizer = self.nlp.get_pipe("lemmatizer") if "lemmatizer" in self.nlp.pipe_names else None
        tables = getattr(lemmatizer, "lookups", None)
        self.lookup = tables.get_table("lemma_lookup") if tables is not None and tables.has_table(
            "lemma_lookup") else {}
        self.vectors = np.asarray(self.nlp.vocab.vectors.data)
        norms = np.linalg.norm(self.vectors, axis=1) if self.vectors.size else np.zeros(0)
        self._norms = np.where(norms > 0, norms, 1.0)
        self._info: dict[str, tuple[bool, str, int]] = {}

    def info(self, form: str) -> tuple[bool, str, int]:
        """(is content, folded lemma key, vector row or -1) of a lower-case form."""
        got = self._info.get(form)
        if got is None:
            content = is_content_form(form) and is_content_form(form + "'")  # "qu" of "qu'il" too
            lemma = self.lookup.get(form) if content else None
            if isinstance(lemma, list):
                lemma = lemma[0] if lemma else None
            key = _fold(lemma or form)
            if len(key) > 3 and key[-1] in "sx":  # plural of forms missing from the table ("medecins")
                key = key[:-1]
            row = int(self.nlp.vocab.vectors.key2row.get(hash_string(form), -1)) if content else -1
            got = (content, key, row)
            self._info[form] = got
        return got

    def analyse(self, texts: Sequence[str]) -> list[list[tuple[str, int, str]]]:
        """Per text, its content words as (folded lemma key, vector row, lower-case form)."""
        out = []
        find = self._WORD_RE.findall
        info = self.info
        for t in texts:
            toks = []
            for form in find(clean_text(t).lower()):
                content, key, row = info(form)
                if content:
                    toks.append((key, row, form))
            out.append(toks)
        return out

    def unit(self, rows: np.ndarray) -> np.ndarray:
        """Unit word vectors of vector rows (zero vector for row -1)."""
        out = np.zeros((len(rows), self.vectors.shape[1]), dtype=np.float32)
        ok = rows >= 0
        out[ok] = self.vectors[rows[ok]] / self._norms[rows[ok], None]
        return out


# --------------------------------------------------------------------------- model


class CodebookModel:
    """A fitted codebook coder: encoder, theme prototypes, soft words and keywords.

    Fit it once (on the corpus to code, so that the encoder's word weights fit
    the corpus), save it with :func:`~areas_analysis.themes.model.save_model`,
    and apply it to the next cycle: the same text always gets the same themes
    and scores.

    Args:
        codebook: The codebook.
        encoder: Any sentence encoder (:mod:`~areas_analysis.themes.encoders`; an
            unfitted one is fitted in :meth:`fit`). Default:
            :func:`~areas_analysis.themes.encoders.make_encoder` (USE multilingual;
            ``make_encoder("fast")`` for spaCy word vectors).
        threshold: Minimum score for a theme to be assigned.
        margin: Themes within ``margin`` of the best score are also assigned.
        max_themes: At most this many themes per segment.
        weights: Weights of (prototype cosine, soft word match, keyword match).
        label_keywords: Also use every content word of a theme's label as a keyword
            (assigned whenever its lemma occurs). Off by default: on label-only
            codebooks it helps short answers (ELF +3 points micro-F1) and hurts long
            texts (MasakhaNEWS −5), see ``benchmarks/results/coding.md``.
        refine: After the first pass on the fitting corpus, move each prototype
            towards the mean of its most confident segments (self-training of
            the prototypes; helps topic-like themes, see the benchmark).

    Example:
        >>> model = CodebookModel(load_codebook("codebook.yaml")).fit(df["text"])  # doctest: +SKIP
        >>> coding = model.predict(df, "text", id_col="segment_id")                # doctest: +SKIP
    """

    MODEL_KIND = "CodebookModel"
    _STATE_VERSION = 1
    #: Share of a theme's label/keyword words (the best-matched ones) averaged in the soft match.
    _soft_share = 0.5

    def __init__(
        self,
        codebook: Codebook,
        *,
        encoder: SentenceEncoder | None = None,
        threshold: float = DEFAULT_THRESHOLD,
        margin: float = DEFAULT_MARGIN,
        max_themes: int = 3,
        weights: tuple[float, float, float] = DEFAULT_WEIGHTS,
        refine: bool = True,
        label_keywords: bool = False,
    ) -> None:
        if max_themes < 1:
            raise AreasError("max_themes doit valoir au moins 1.")
        if margin < 0:
            raise AreasError("La marge doit être positive ou nulle.")
        self.codebook = codebook
        self.encoder = encoder if encoder is not None else make_encoder()
        self.threshold = float(threshold)
        self.margin = float(margin)
        self.max_themes = int(max_themes)
        self.weights = tuple(float(w) for w in weights)
        self.refine = bool(refine)
        self.label_keywords = bool(label_keywords)
        self.prototypes_: np.ndarray = np.zeros((0, 0), dtype=np.float32)
        self.soft_words_: list[list[str]] = []  # per theme: folded lemma keys of label + keyword words
        self.soft_forms_: list[list[str]] = []  # per theme: the same words as lower-case forms (for vectors)
        self.keyword_keys_: list[list[str]] = []  # per theme: folded lemma-key phrases
        self.fitted_ = False
        self._lex: _Lexicon | None = None
        self._soft_cache: tuple[np.ndarray, dict[str, int], list[np.ndarray]] | None = None

    # ------------------------------------------------------------------ fitting

    def _lexicon(self) -> _Lexicon:
        if self._lex is None:
            self._lex = _Lexicon(self.encoder.spacy_model)
        return self._lex

    def _theme_texts(self) -> list[str]:
        out = []
        for t in self.codebook.themes:
            out += [t.label, t.definition, " ; ".join(t.keywords), *t.examples]
        return [x for x in out if x]

    def fit(self, texts: Iterable[str] = ()) -> CodebookModel:
        """Fit the encoder (if needed) on the corpus and the codebook, build prototypes and word lists.

        Args:
            texts: The corpus to code (may be empty: the codebook texts alone are then used).

        Returns:
            ``self``, fitted.
        """
        texts = [t if isinstance(t, str) else "" for t in texts]
        if not getattr(self.encoder, "fitted_", False):
            self.encoder.fit(texts + self._theme_texts())
        protos = []
        for t in self.codebook.themes:
            parts = [t.label, t.definition, " ; ".join(t.keywords)]
            vecs = self.encoder.transform([p for p in parts if p])
            if t.examples:
                ex = self.encoder.transform(list(t.examples)).mean(axis=0, keepdims=True)
                n = np.linalg.norm(ex)
                vecs = np.vstack([vecs, ex / n if n > 0 else ex])
            v = vecs.sum(axis=0)
            n = np.linalg.norm(v)
            protos.append(v / n if n > 0 else v)
        self.prototypes_ = np.asarray(protos, dtype=np.float32)
        lex = self._lexicon()
        self.soft_words_, self.soft_forms_, self.keyword_keys_ = [], [], []
        for t in self.codebook.themes:
            keys: dict[str, str] = {}
            for toks in lex.analyse([t.label, *t.keywords]):
                for key, _, form in toks:
                    keys.setdefault(key, form)
            self.soft_words_.append(list(keys))
            self.soft_forms_.append(list(keys.values()))
            phrases = []
            for kw_toks in lex.analyse(list(t.keywords)):
                if kw_toks:
                    phrases.append(" ".join(k for k, _, _ in kw_toks))
            if self.label_keywords:
                phrases += [k for k, _, _ in lex.analyse([t.label])[0]]
            self.keyword_keys_.append(sorted(set(phrases)))
        self._soft_cache = None
        self.fitted_ = True
        if self.refine and len(texts) >= 5 * len(self.codebook.themes):
            self._refine(texts)
        return self

    def _refine(self, texts: list[str], top_share: float = 0.05) -> None:
        """Move prototypes towards the mean vector of their most confident segments."""
        vecs = self.encoder.transform(texts)
        comp = self._components(texts, vecs)
        score = self._combine(*comp)
        z = (score - score.mean(axis=0)) / (score.std(axis=0) + 1e-9)
        best = z.argmax(axis=1)
        k = max(3, int(top_share * len(texts) / max(len(self.codebook.themes), 1)))
        new = []
        for j, proto in enumerate(self.prototypes_):
            cand = np.flatnonzero(best == j)
            top = cand[np.argsort(-z[cand, j], kind="stable")[:k]]
            v = proto + (vecs[top].mean(axis=0) if len(top) else 0.0)
            n = np.linalg.norm(v)
            new.append(v / n if n > 0 else v)
        self.prototypes_ = np.asarray(new, dtype=np.float32)

    # ------------------------------------------------------------------ scoring

    def _soft_setup(self) -> tuple[np.ndarray, dict[str, int], list[np.ndarray]]:
        if self._soft_cache is None:
            lex = self._lexicon()
            all_keys: dict[str, int] = {}
            all_forms: list[str] = []
            for keys, forms in zip(self.soft_words_, self.soft_forms_, strict=True):
                for k, f in zip(keys, forms, strict=True):
                    if k not in all_keys:
                        all_keys[k] = len(all_keys)
                        all_forms.append(f)
            rows = np.array([lex.info(f)[2] for f in all_forms], dtype=np.int64)
            facet = lex.unit(rows)
            cols = [np.array([all_keys[k] for k in keys], dtype=np.int64) for keys in self.soft_words_]
            self._soft_cache = (facet, all_keys, cols)
        return self._soft_cache

    def _components(self, texts: Sequence[str], vecs: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """(cosine, soft word match, keyword match), each ``(n, n_themes)``."""
        n, k = len(texts), len(self.codebook.themes)
        cos = np.clip(vecs @ self.prototypes_.T, -1.0, 1.0).astype(np.float64)
        soft = np.zeros((n, k))
        kw = np.zeros((n, k))
        facet, facet_index, cols = self._soft_setup()
        lex = self._lexicon()
        analysed = lex.analyse(texts)
        # best similarity of each facet word with the words of each text
        best = np.zeros((n, len(facet_index)))
        if len(facet_index):
            uniq_rows: dict[int, int] = {}
            for toks in analysed:
                for _, row, _ in toks:
                    if row >= 0 and row not in uniq_rows:
                        uniq_rows[row] = len(uniq_rows)
            row_arr = np.fromiter(uniq_rows, dtype=np.int64, count=len(uniq_rows))
            sims = lex.unit(row_arr) @ facet.T if len(row_arr) else np.zeros((0, len(facet_index)))
            for i, toks in enumerate(analysed):
                if not toks:
                    continue
                idx = [uniq_rows[row] for _, row, _ in toks if row >= 0]
                if idx:
                    best[i] = sims[idx].max(axis=0)
                for key, _, _ in toks:
                    j = facet_index.get(key)
                    if j is not None:
                        best[i, j] = 1.0
        best = np.clip(best, 0.0, 1.0)
        # a text without any content word ("ok", "-", "") gets no theme, whatever the encoder says of it
        cos[np.array([not toks for toks in analysed], dtype=bool)] = 0.0
        for j, c in enumerate(cols):
            if len(c):
                n_top = max(1, int(np.ceil(self._soft_share * len(c))))
                top = np.sort(best[:, c], axis=1)[:, ::-1][:, :n_top]
                soft[:, j] = top.mean(axis=1)
        if any(self.keyword_keys_):
            padded = [" " + " ".join(key for key, _, _ in toks) + " " for toks in analysed]
            for j, phrases in enumerate(self.keyword_keys_):
                if not phrases:
                    continue
                pats = [" " + p + " " for p in phrases]
                kw[:, j] = [1.0 if any(p in s for p in pats) else 0.0 for s in padded]
        return cos, soft, kw

    def _combine(self, cos: np.ndarray, soft: np.ndarray, kw: np.ndarray) -> np.ndarray:
        w_cos, w_soft, w_kw = self.weights
        return w_cos * cos + w_soft * soft + w_kw * kw

    def score_components(self, texts: Sequence[str], *, progress: bool = False,
                         vectors: np.ndarray | None = None) -> dict[str, np.ndarray]:
        """The three signals and the combined score per (text, theme).

        Args:
            texts: Texts to score.
            progress: Show a progress bar while encoding.
            vectors: The texts' vectors from this model's encoder, when already computed.

        Returns:
            ``{"cosine", "soft", "keyword", "score"}``, arrays ``(n, n_themes)`` in codebook order.
        """
        self._check_fitted()
        texts = [t if isinstance(t, str) else "" for t in texts]
        vecs = vectors if vectors is not None else self.encoder.transform(texts, progress=progress)
        cos, soft, kw = self._components(texts, vecs)
        return {"cosine": cos, "soft": soft, "keyword": kw, "score": self._combine(cos, soft, kw)}

    def scores(self, texts: Sequence[str], *, progress: bool = False) -> np.ndarray:
        """Combined score per (text, theme), ``(n, n_themes)`` in codebook order."""
        return self.score_components(texts, progress=progress)["score"]

    def decide(self, scores: np.ndarray, keyword: np.ndarray | None = None) -> np.ndarray:
        """Boolean assignment matrix from scores (threshold, margin, ``max_themes``).

        Args:
            scores: Combined scores ``(n, n_themes)``.
            keyword: Keyword matches ``(n, n_themes)``; a theme whose keyword occurs
                is always assigned (an explicit rule of the researcher), on top of
                the ``max_themes`` chosen by score.
        """
        scores = np.asarray(scores, dtype=np.float64)
        if scores.size == 0:
            return np.zeros(scores.shape, dtype=bool)
        hits = np.asarray(keyword) > 0 if keyword is not None else np.zeros(scores.shape, dtype=bool)
        best = scores.max(axis=1, keepdims=True)
        keep = (scores >= self.threshold) & (scores >= best - self.margin)
        if self.max_themes < scores.shape[1]:
            order = np.argsort(-scores, axis=1, kind="stable")
            rank = np.empty_like(order)
            np.put_along_axis(rank, order, np.arange(scores.shape[1])[None, :].repeat(len(scores), 0), axis=1)
            keep &= rank < self.max_themes
        return keep | hits

    def predict(
        self,
        df: pd.DataFrame,
        text_col: str,
        *,
        id_col: str | None = None,
        roll_up: bool = False,
        progress: bool = False,
    ) -> pd.DataFrame:
        """Code a table of texts: long ``id, theme_id, score``, one row per assigned theme.

        Args:
            df: Table with the texts (not modified).
            text_col: Column holding the texts.
            id_col: Column holding the ids (default: the row position ``0..n-1``).
            roll_up: Also assign the ancestors of every assigned theme (score = best child score).
            progress: Show a progress bar while encoding.

        Returns:
            A new DataFrame ``id, theme_id, score`` in row order then score order;
            segments without a theme have no row.
        """
        ids, texts = _ids_and_texts(df, text_col, id_col)
        return self.code_components(ids, self.score_components(texts, progress=progress), roll_up=roll_up)

    def code_components(self, ids: list[str], comp: dict[str, np.ndarray], *,
                        roll_up: bool = False) -> pd.DataFrame:
        """Long ``id, theme_id, score`` from already computed :meth:`score_components`."""
        score = comp["score"]
        keep = self.decide(score, comp["keyword"])
        if roll_up:
            score, keep = self._roll_up(score, keep)
        return _long_coding(ids, self.codebook.ids, score, keep)

    def _roll_up(self, score: np.ndarray, keep: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        score, keep = score.copy(), keep.copy()
        ids = self.codebook.ids
        for j, tid in enumerate(ids):
            for anc in self.codebook.ancestors(tid):
                a = ids.index(anc)
                rows = keep[:, j]
                keep[rows, a] = True
                score[rows, a] = np.maximum(score[rows, a], score[rows, j])
        return score, keep

    def _check_fitted(self) -> None:
        if not self.fitted_:
            raise AreasError("Le modèle de codebook n'est pas entraîné : appelez fit() d'abord.")

    # ------------------------------------------------------------------ persistence

    def to_state(self) -> dict[str, Any]:
        """JSON-able state with numpy arrays (see :func:`~areas_analysis.themes.model.save_model`)."""
        self._check_fitted()
        return {
            "state_version": self._STATE_VERSION,
            "codebook": {**self.codebook.to_dict(), "source": self.codebook.source},
            "encoder": self.encoder.to_state(),
            "threshold": self.threshold,
            "margin": self.margin,
            "max_themes": self.max_themes,
            "weights": list(self.weights),
            "refine": self.refine,
            "label_keywords": self.label_keywords,
            "prototypes": self.prototypes_,
            "soft_words": self.soft_words_,
            "soft_forms": self.soft_forms_,
            "keyword_keys": self.keyword_keys_,
        }

    @classmethod
    def from_state(cls, state: dict[str, Any]) -> CodebookModel:
        """Rebuild a fitted model from :meth:`to_state` output."""
        if int(state.get("state_version", 0)) != cls._STATE_VERSION:
            raise AreasError("Modèle de codebook d'une version non prise en charge.")
        cb = dict(state["codebook"])
        source = str(cb.pop("source", "") or "<modèle>")
        model = cls(
            codebook_from_dict(cb, source=source),
            encoder=encoder_from_state(state["encoder"]),
            threshold=float(state["threshold"]),
            margin=float(state["margin"]),
            max_themes=int(state["max_themes"]),
            weights=tuple(float(w) for w in state["weights"]),  # type: ignore[arg-type]
            refine=bool(state["refine"]),
            label_keywords=bool(state.get("label_keywords", False)),
        )
        model.prototypes_ = np.asarray(state["prototypes"], dtype=np.float32)
        model.soft_words_ = [list(map(str, w)) for w in state["soft_words"]]
        model.soft_forms_ = [list(map(str, w)) for w in state["soft_forms"]]
        model.keyword_keys_ = [list(map(str, w)) for w in state["keyword_keys"]]
        model.fitted_ = True
        return model

    def __repr__(self) -> str:
        n = len(self.codebook.themes)
        return (f"CodebookModel({self.codebook.name!r} v{self.codebook.version}, {n} thèmes, "
                f"threshold={self.threshold}, margin={self.margin}, fitted={self.fitted_})")


# --------------------------------------------------------------------------- helpers


def _ids_and_texts(df: pd.DataFrame, text_col: str, id_col: str | None) -> tuple[list[str], list[str]]:
    """Ids (as strings) and texts of a table, with French errors for missing columns / duplicate ids."""
    problems = [Problem("<tableau>", "colonne absente", column=c) for c in (text_col, id_col)
                if c is not None and c not in df.columns]
    if problems:
        raise InputError(problems)
    if id_col is None:
        ids = [str(i) for i in range(len(df))]
    else:
        ids = df[id_col].astype("string").str.strip().fillna("").tolist()
        empty = [i for i, v in enumerate(ids) if not v]
        dup = pd.Series(ids)[pd.Series(ids).duplicated() & pd.Series(ids).ne("")]
        problems = [Problem("<tableau>", "identifiant vide", row=i + 2, column=id_col) for i in empty[:20]]
        problems += [Problem("<tableau>", f"identifiant en double « {ids[i]} »", row=int(i) + 2, column=id_col)
                     for i in dup.index[:20]]
        if problems:
            raise InputError(problems)
    texts = [t if isinstance(t, str) else "" for t in df[text_col].astype("object").tolist()]
    return ids, texts


def _long_coding(ids: list[str], theme_ids: list[str], score: np.ndarray, keep: np.ndarray) -> pd.DataFrame:
    """Long ``id, theme_id, score`` rows for the kept cells, by row then decreasing score."""
    rows_i, rows_j = np.nonzero(keep)
    s = score[rows_i, rows_j] if len(rows_i) else np.zeros(0)
    order = np.lexsort((rows_j, -s, rows_i))
    return pd.DataFrame({
        "id": pd.array([ids[i] for i in rows_i[order]], dtype="string"),
        "theme_id": pd.array([theme_ids[j] for j in rows_j[order]], dtype="string"),
        "score": s[order].astype(np.float64),
    })


def apply_codebook(
    df: pd.DataFrame,
    text_col: str,
    codebook: Codebook,
    *,
    id_col: str | None = None,
    encoder: SentenceEncoder | None = None,
    threshold: float = DEFAULT_THRESHOLD,
    margin: float = DEFAULT_MARGIN,
    max_themes: int = 3,
    roll_up: bool = False,
    refine: bool = True,
    label_keywords: bool = False,
    progress: bool = False,
) -> pd.DataFrame:
    """Code segments with a codebook (deductive coding, no labelled data).

    Fits a :class:`CodebookModel` on the texts (encoder word weights and
    principal component, unless ``encoder`` is already fitted) and codes them.
    Use :class:`CodebookModel` directly to keep the fitted model for the next cycle.

    Args:
        df: Table of segments or answers (not modified).
        text_col: Column holding the texts.
        codebook: The codebook (see :func:`load_codebook`).
        id_col: Column holding the ids (default: row position).
        encoder: A sentence encoder (default :func:`~areas_analysis.themes.encoders.make_encoder`);
            fitted ones are used as they are.
        threshold: Minimum score for a theme (default calibrated on the benchmark sets).
        margin: Themes within this margin of the best score are also assigned.
        max_themes: At most this many themes per segment.
        roll_up: A child theme also assigns its parent(s).
        refine: Self-train the prototypes on the corpus (see :class:`CodebookModel`).
        label_keywords: Use the content words of the labels as keywords too (see :class:`CodebookModel`).
        progress: Show a progress bar while encoding.

    Returns:
        Long ``id, theme_id, score``, one row per assigned theme (zero, one or several per segment).
    """
    ids, texts = _ids_and_texts(df, text_col, id_col)
    model = CodebookModel(codebook, encoder=encoder, threshold=threshold, margin=margin,
                          max_themes=max_themes, refine=refine, label_keywords=label_keywords).fit(texts)
    comp = model.score_components(texts, progress=progress)
    score = comp["score"]
    keep = model.decide(score, comp["keyword"])
    if roll_up:
        score, keep = model._roll_up(score, keep)
    return _long_coding(ids, codebook.ids, score, keep)
