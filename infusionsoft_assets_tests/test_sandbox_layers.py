"""keap_sandbox stands alone, has no import cycles and no module over ~600 lines; the product loads it only
in the `sandbox`, `demo` and `dev` commands."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import keap_sandbox

ROOT = Path(keap_sandbox.__file__).parent
MAX_LINES = 600


def _module_name(path: Path) -> str:
    parts = path.relative_to(ROOT.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


MODULES = {_module_name(path): path for path in sorted(ROOT.rglob("*.py"))}


def _imports(name: str, path: Path) -> set[str]:
    """Every module ``name`` imports, at module level or inside a function (absolute names)."""
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found = set()
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")[:len(package.split(".")) - node.level + 1]
                base = ".".join(anchor + ([node.module] if node.module else []))
            found.add(base)
            found.update(f"{base}.{alias.name}" for alias in node.names if f"{base}.{alias.name}" in MODULES)
    return found


GRAPH = {name: {m for m in _imports(name, path) if m in MODULES and m != name} for name, path in MODULES.items()}


def test_no_import_cycles():
    """Tarjan's strongly connected components over every import, function-level ones included."""
    index, low, stack, on_stack, cycles, counter = {}, {}, [], set(), [], [0]

    def visit(node):
        index[node] = low[node] = counter[0]
        counter[0] += 1
        stack.append(node)
        on_stack.add(node)
        for nxt in GRAPH[node]:
            if nxt not in index:
                visit(nxt)
                low[node] = min(low[node], low[nxt])
            elif nxt in on_stack:
                low[node] = min(low[node], index[nxt])
        if low[node] == index[node]:
            component = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                component.append(member)
                if member == node:
                    break
            if len(component) > 1:
                cycles.append(sorted(component))

    for name in sorted(GRAPH):
        if name not in index:
            visit(name)
    assert not cycles, cycles


def test_the_sandbox_imports_nothing_from_the_product():
    offenders = {name: sorted(m for m in _imports(name, path) if m.split(".")[0] in ("infusionsoft_assets", "dagster"))
                 for name, path in MODULES.items()}
    assert not {name: found for name, found in offenders.items() if found}


def test_no_module_is_over_600_lines():
    long = {name: n for name, path in MODULES.items() if (n := len(path.read_text().splitlines())) > MAX_LINES}
    assert not long, long


def test_every_sandbox_module_imports_and_loads_nothing_of_the_product():
    probe = ("import importlib, sys\n"
             f"for name in {sorted(MODULES)!r}:\n"
             "    importlib.import_module(name)\n"
             "bad = sorted(m for m in sys.modules if m.split('.')[0] in ('infusionsoft_assets', 'dagster'))\n"
             "assert not bad, bad\n")
    subprocess.run([sys.executable, "-c", probe], check=True, timeout=120)


def test_the_product_does_not_load_the_sandbox():
    """Importing the product's definitions and layers never imports keap_sandbox; the CLI loads it lazily."""
    probe = ("import sys\n"
             "import infusionsoft_assets.definitions, infusionsoft_assets.keap, infusionsoft_assets.catalog\n"
             "import infusionsoft_assets.assets, infusionsoft_assets.storage, infusionsoft_assets.resources\n"
             "import infusionsoft_assets.settings, infusionsoft_assets.cli\n"
             "import infusionsoft_assets.keap.login, infusionsoft_assets.keap.client, infusionsoft_assets.keap.auth\n"
             "bad = sorted(m for m in sys.modules if m.split('.')[0] == 'keap_sandbox')\n"
             "assert not bad, bad\n")
    subprocess.run([sys.executable, "-c", probe], check=True, timeout=180)


def test_python_m_keap_sandbox_is_the_sandbox_command():
    shown = subprocess.run([sys.executable, "-m", "keap_sandbox", "--help"], capture_output=True, text=True,
                           timeout=60, check=True).stdout
    assert shown.startswith("usage: python -m keap_sandbox") and "--keap-build" in shown and "--quota-" in shown
