"""The install recipes agree: pyproject.toml, environment.yml, the lock, CI and the README."""

from __future__ import annotations

import re
import tomllib

import yaml
from packaging.requirements import Requirement

from conftest import REPO_ROOT


def normalise(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def pyproject_requirements() -> dict[str, str]:
    project = tomllib.loads((REPO_ROOT / "pyproject.toml").read_text())["project"]
    specs = project["dependencies"] + project["optional-dependencies"]["test"]
    return {normalise(r.name): str(r.specifier) for r in map(Requirement, specs)}


def conda_requirements() -> dict[str, str]:
    environment = yaml.safe_load((REPO_ROOT / "environment.yml").read_text())
    specs = [d for d in environment["dependencies"] if isinstance(d, str) and not d.startswith(("python", "pip"))]
    return {normalise(r.name): str(r.specifier) for r in map(Requirement, specs)}


def test_environment_yml_matches_pyproject():
    assert conda_requirements() == pyproject_requirements()


def test_lock_pins_every_requirement_within_its_range():
    pins = {}
    for line in (REPO_ROOT / "requirements.lock").read_text().splitlines():
        if line and not line.startswith("#"):
            name, _, version = line.partition("==")
            pins[normalise(name)] = version
    for name, specifier in pyproject_requirements().items():
        assert name in pins, f"{name} is not pinned in requirements.lock (run make lock)"
        assert Requirement(f"{name}{specifier}").specifier.contains(pins[name]), f"{name}=={pins[name]} outside {specifier}"


def make_targets_called(text: str) -> set[str]:
    return set(re.findall(r"\bmake\s+([a-z][a-z-]*)", text))


def test_ci_recipes_call_the_same_make_targets():
    workflow = (REPO_ROOT / ".github" / "workflows" / "reports.yml").read_text()
    readme = (REPO_ROOT / "README.md").read_text()
    gitlab = readme.split("<!-- gitlab-ci -->")[1].split("<!-- /gitlab-ci -->")[0]
    assert make_targets_called(workflow) == make_targets_called(gitlab) == {"report", "test"}
    assert "make test" in (REPO_ROOT / ".ci" / "run").read_text()


def test_readme_gives_the_two_commands_and_makefile_has_them():
    readme = (REPO_ROOT / "README.md").read_text()
    makefile = (REPO_ROOT / "Makefile").read_text()
    for target in ("report", "test", "lab", "clean", "validate", "dashboard"):
        assert re.search(rf"^{target}:", makefile, re.M), f"Makefile lacks {target}"
    assert "make report" in readme and "make test" in readme
