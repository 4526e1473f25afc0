"""What a notebook kernel loads: guards against the start-up costs removed for issue 2.

Each notebook of a cycle runs in a new kernel, so every second spent importing or
loading models is paid once per notebook. These tests run a fresh interpreter the
way a notebook does and check that the expensive, unused pieces stay out.
"""

from __future__ import annotations

import json
import subprocess
import sys

_SCRIPT = """
import json, sys
import pandas as pd
from areas_analysis import evaluate, quantify, report, themes
from areas_analysis.nlp import load_spacy
from areas_analysis.themes.discover import _bertopic_class
from areas_analysis.themes.text import content_lemmas, content_forms

BERTopic = _bertopic_class()
content_lemmas(["Les bus ne passent plus le dimanche."])
content_forms(["Les bus ne passent plus le dimanche."])
themes.discover_themes(pd.DataFrame({"t": ["bus rare", "médecin loin", "bus absent", "médecin absent"] * 30}),
                       "t", seed=1)
print(json.dumps({
    "modules": {m: (m in sys.modules and sys.modules[m] is not None)
                for m in ("nbformat", "transformers", "sentence_transformers")},
    "hidden_left": [m for m, v in sys.modules.items() if v is None and "transformers" in m],
    "spacy_loads": load_spacy.cache_info().currsize,
    "bertopic": BERTopic.__name__,
}))
"""


def test_a_notebook_kernel_loads_spacy_once_and_skips_unused_heavy_packages() -> None:
    out = subprocess.run([sys.executable, "-c", _SCRIPT], capture_output=True, text=True, check=True, timeout=300)
    state = json.loads(out.stdout.strip().splitlines()[-1])
    assert state["bertopic"] == "BERTopic"
    assert state["modules"] == {"nbformat": False, "transformers": False, "sentence_transformers": False}
    assert state["hidden_left"] == []  # hidden only during BERTopic's import: importable afterwards
    assert state["spacy_loads"] == 1  # one pipeline per process, components disabled per call
