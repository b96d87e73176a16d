"""The package's layers: data -> analysis -> figures -> widgets; a lower one never imports a higher one."""

from __future__ import annotations

import ast

import pytest

from conftest import REPO_ROOT

PACKAGE_DIR = REPO_ROOT / "src" / "analysis_helpers"
# `conventions` and `paths` are the foundation every layer may use; they import nothing of the kit.
# `publish` is notebook and report plumbing (a facade), except its renderer, which widgets draw through.
LAYER_OF_MODULE = {"conventions": -1, "paths": -1, "memo": -1, "data": 0, "analysis": 1, "figures": 2, "widgets": 3,
                   "publish.renderer": 3}
FACADE = 4  # __init__, scenarios, publish, __main__: may import anything
FORBIDDEN_IN_PURE_LAYERS = {"plotly", "ipywidgets", "IPython", "matplotlib"}


def layer(module: str) -> int:
    parts = module.split(".")
    if parts[0] != "analysis_helpers" or len(parts) == 1:
        return FACADE
    return LAYER_OF_MODULE.get(".".join(parts[1:3]), LAYER_OF_MODULE.get(parts[1], FACADE))


def module_name(path) -> str:
    relative = path.relative_to(PACKAGE_DIR.parent).with_suffix("")
    parts = list(relative.parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def imports(path) -> set[str]:
    package = module_name(path) if path.name == "__init__.py" else module_name(path).rpartition(".")[0]
    found = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            found |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")[: len(package.split(".")) - node.level + 1]
                target = ".".join(base + ([node.module] if node.module else []))
                if node.module:
                    found.add(target)
                else:  # `from .. import bargaining` imports the submodule, not the package
                    found |= {f"{target}.{alias.name}" for alias in node.names}
            else:
                found.add(node.module)
    return found


MODULES = sorted(PACKAGE_DIR.rglob("*.py"))


@pytest.mark.parametrize("path", MODULES, ids=lambda p: str(p.relative_to(PACKAGE_DIR)))
def test_no_upward_imports(path):
    own = layer(module_name(path))
    if own == FACADE:
        return
    for target in imports(path):
        if target.startswith("analysis_helpers"):
            assert layer(target) <= own, f"{module_name(path)} (layer {own}) imports {target} (layer {layer(target)})"
        if own <= 1:
            assert target.split(".")[0] not in FORBIDDEN_IN_PURE_LAYERS, f"{module_name(path)} imports {target}"


def test_nothing_is_loaded_with_pickle_eval_or_exec():
    for path in MODULES:
        tree = ast.parse(path.read_text())
        for node in ast.walk(tree):
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Name):
                assert node.func.id not in {"eval", "exec"}, f"{path.name} calls {node.func.id}"
            if isinstance(node, ast.Attribute) and node.attr in {"read_pickle", "load"}:
                owner = node.value.id if isinstance(node.value, ast.Name) else ""
                assert owner not in {"pickle", "marshal", "dill"}, f"{path.name} uses {owner}.{node.attr}"
                assert not (owner == "yaml" and node.attr == "load"), f"{path.name}: use yaml.safe_load"
