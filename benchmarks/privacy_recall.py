"""Measure the pseudonymiser on tests/data/privacy/: recall of name mentions, wrong replacements.

Two sets: the tuning set (``lignes_*``, used while writing the rules) and the control set
(``controle_*``, written afterwards and never used to tune). Also prints a spot check on real
French sentences (../shared/external/sib200_fra, FLORES-200): how many spans are replaced and a
sample, to be read by hand (no gold names there).

Run: .venv/bin/python benchmarks/privacy_recall.py [--verbose]
"""

from __future__ import annotations

import argparse
import csv
import json
import tempfile
import time
from pathlib import Path

from areas_analysis.config import SHARED_DIR
from areas_analysis.privacy import Pseudonymizer, load_known_names, score_pseudonymizer

DATA = Path(__file__).resolve().parents[1] / "tests" / "data" / "privacy"


def load_set(prefix_pos: str, prefix_neg: str) -> tuple[list[str], list[list[str]], list[str]]:
    rows = [json.loads(line) for line in (DATA / prefix_pos).read_text(encoding="utf-8").splitlines() if line]
    negatives = [line for line in (DATA / prefix_neg).read_text(encoding="utf-8").splitlines() if line]
    return [r["texte"] for r in rows], [r["noms"] for r in rows], negatives


def run(label: str, texts: list[str], gold: list[list[str]], negatives: list[str], known: list[str],
        verbose: bool) -> None:
    configs = [
        ("NER + règles + liste du projet", dict(known_names=known, use_ner=True)),
        ("NER + règles, sans liste", dict(known_names=(), use_ner=True)),
        ("règles + liste, sans NER", dict(known_names=known, use_ner=False)),
    ]
    print(f"\n{label} : {len(texts)} lignes avec noms ({sum(map(len, gold))} mentions), "
          f"{len(negatives)} lignes sans nom")
    for name, kwargs in configs:
        with tempfile.TemporaryDirectory() as tmp:
            p = Pseudonymizer(key_path=Path(tmp) / "cle.json", **kwargs)
            t0 = time.perf_counter()
            scores = score_pseudonymizer(p, texts + negatives, gold + [[] for _ in negatives])
            elapsed = time.perf_counter() - t0
        neg_wrong = [w for w in scores.false_replacements if w[0] >= len(texts)]
        print(
            f"- {name} : rappel {scores.removed}/{scores.mentions} = {scores.recall:.3f} ; "
            f"remplacements à tort {len(scores.false_replacements)} "
            f"(dont {len(neg_wrong)} dans les {len(negatives)} lignes sans nom) ; {elapsed:.2f} s"
        )
        if verbose:
            for index, found in scores.leaks:
                print(f"    fuite  l.{index + 1}: {found!r} -> {scores.outputs[index]}")
            for index, found, source in scores.false_replacements:
                print(f"    à tort l.{index + 1}: {found!r} ({source}) -> {scores.outputs[index]}")


def spot_check(n_show: int) -> None:
    path = SHARED_DIR / "external" / "sib200_fra" / "test.tsv"
    if not path.exists():
        print(f"\n(contrôle sur phrases réelles ignoré : {path} absent)")
        return
    with path.open(encoding="utf-8") as handle:
        texts = [row["text"] for row in csv.DictReader(handle, delimiter="\t")]
    with tempfile.TemporaryDirectory() as tmp:
        p = Pseudonymizer(key_path=Path(tmp) / "cle.json")
        t0 = time.perf_counter()
        detections = p.detect(texts)
        elapsed = time.perf_counter() - t0
    spans = [(i, d) for i, dets in enumerate(detections) for d in dets if d.kind == "personne"]
    by_source: dict[str, int] = {}
    for _, d in spans:
        by_source[d.source] = by_source.get(d.source, 0) + 1
    print(f"\nPhrases réelles SIB-200 (test, {len(texts)} phrases) : {len(spans)} noms remplacés "
          f"dans {len({i for i, _ in spans})} phrases, par source {by_source} ; {elapsed:.2f} s")
    for i, d in spans[:n_show]:
        print(f"    l.{i + 1} [{d.source}] {d.text!r} : {texts[i][:110]}")


def open_answers_check(n_answers: int, n_show: int) -> None:
    """Replacements in real open answers (Grand Débat 2019, Entendre la France): what content is lost."""
    path = SHARED_DIR / "external" / "elf_coded_answers.csv"
    if not path.exists():
        print(f"\n(contrôle sur réponses ouvertes ignoré : {path} absent)")
        return
    seen: dict[str, None] = {}
    with path.open(encoding="utf-8") as handle:
        for row in csv.DictReader(handle, delimiter=";"):
            seen.setdefault(row["corpus"], None)
            if len(seen) >= n_answers:
                break
    texts = list(seen)
    with tempfile.TemporaryDirectory() as tmp:
        p = Pseudonymizer(key_path=Path(tmp) / "cle.json")
        t0 = time.perf_counter()
        detections = p.detect(texts)
        elapsed = time.perf_counter() - t0
    found: dict[str, int] = {}
    for dets in detections:
        for d in dets:
            if d.kind == "personne":
                found[d.text] = found.get(d.text, 0) + 1
    n_spans = sum(found.values())
    n_texts = sum(1 for dets in detections if any(d.kind == "personne" for d in dets))
    n_chars = sum(map(len, texts))
    print(f"\nRéponses ouvertes réelles (Grand Débat 2019, {len(texts)} réponses, {n_chars} caractères) : "
          f"{n_spans} noms remplacés dans {n_texts} réponses ; {elapsed:.2f} s")
    for text, count in sorted(found.items(), key=lambda kv: -kv[1])[:n_show]:
        print(f"    {count:3d} × {text!r}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--verbose", action="store_true", help="list leaks and wrong replacements")
    parser.add_argument("--show", type=int, default=0, help="print N replaced spans of the real-text spot check")
    args = parser.parse_args()
    known = load_known_names(DATA / "noms_projet.txt")
    run("Jeu de mise au point", *load_set("lignes_avec_noms.jsonl", "lignes_sans_noms.txt"), known, args.verbose)
    run("Jeu de contrôle", *load_set("controle_avec_noms.jsonl", "controle_sans_noms.txt"), known, args.verbose)
    spot_check(args.show)
    open_answers_check(2000, args.show)


if __name__ == "__main__":
    main()
