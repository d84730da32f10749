"""The layers of the README's architecture section, as far as a test can hold them (import-linter, run
by `make lint`, holds the import directions):

- every module of the project imports on its own, in a fresh interpreter after `django.setup()`: none
  works only because another was imported first;
- imports sit at the top of modules, except where Django or the engine's command line needs them
  later, each such place named below with its reason.
"""

import ast
import graphlib
import os
import re
import subprocess
import sys
import textwrap
from pathlib import Path

import grimp

ROOT = Path(__file__).resolve().parents[2]
PACKAGES = [
    "aws",
    "access",
    "console",
    "accounts",
    "policies",
    "organizations",
    "classrooms",
    "identitycenter",
    "iamconsole",
]

# (file, function, imported module): why the import cannot be at the top of the module.
IMPORTS_IN_FUNCTIONS = {
    (
        "manage.py",
        "main",
        "django.core.management",
    ): "after DJANGO_SETTINGS_MODULE is set, as Django's manage.py",
    ("policies/apps.py", "ready", "accounts.models"): "models load only once the app registry is ready",
    ("policies/apps.py", "ready", "policies.models"): "models load only once the app registry is ready",
    (
        "policies/apps.py",
        "ready",
        "policies.services.roles",
    ): "it imports models: after the registry is ready",
    (
        "policies/engine/__main__.py",
        "evaluate_lines",
        "policies.engine",
    ): "validate and --help skip the catalog",
    (
        "policies/engine/__main__.py",
        "evaluate_lines",
        "policies.engine.explain",
    ): "validate and --help skip the catalog",
    (
        "policies/engine/__main__.py",
        "main",
        "policies.engine.validation",
    ): "evaluate skips the validator's grammar",
    ("policies/engine/validation/cli.py", "main", "argparse"): "only the command line parses arguments",
}


def _project_files():
    for package in PACKAGES:
        for path in sorted((ROOT / package).rglob("*.py")):
            if "migrations" not in path.parts:
                yield path
    yield ROOT / "manage.py"


def _imports_in_functions(path, root=ROOT):
    tree = ast.parse(path.read_text(), filename=str(path))
    found = set()
    for function in ast.walk(tree):
        if isinstance(function, ast.FunctionDef | ast.AsyncFunctionDef):
            for node in ast.walk(function):
                if isinstance(node, ast.Import):
                    found.update((function.name, alias.name) for alias in node.names)
                elif isinstance(node, ast.ImportFrom):
                    found.add((function.name, "." * node.level + (node.module or "")))
    return {(str(path.relative_to(root)), name, module) for name, module in found}


def test_imports_sit_at_the_top_of_modules_except_where_a_reason_is_written():
    found = set().union(*(_imports_in_functions(path) for path in _project_files()))
    unexplained = sorted(found - set(IMPORTS_IN_FUNCTIONS))
    assert not unexplained, (
        "imports inside functions (move them to the top of the module, or name the reason in "
        f"IMPORTS_IN_FUNCTIONS): {unexplained}"
    )
    gone = sorted(set(IMPORTS_IN_FUNCTIONS) - found)
    assert not gone, f"IMPORTS_IN_FUNCTIONS names imports that are no longer there: {gone}"


def test_the_walk_finds_an_import_inside_a_function(tmp_path):
    # The check above would pass on any tree if the walk missed nested imports.
    module = tmp_path / "module.py"
    module.write_text("import os\n\ndef f():\n    if True:\n        from accounts import models\n")
    assert _imports_in_functions(module, root=tmp_path) == {("module.py", "f", "accounts")}


def _module_names():
    for path in _project_files():
        relative = path.relative_to(ROOT).with_suffix("")
        if relative.name == "manage":
            continue
        parts = relative.parts[:-1] if relative.name == "__init__" else relative.parts
        yield ".".join(parts)


# One interpreter sets Django up, then forks a child per module: each child starts from exactly the
# state `django.setup()` leaves and imports one module, so no module can lean on another's import.
_IMPORT_EACH = textwrap.dedent(
    """
    import importlib, os, sys, traceback
    import django
    django.setup()
    failures = []
    for name in sys.argv[1:]:
        pid = os.fork()
        if pid == 0:
            try:
                importlib.import_module(name)
            except BaseException:
                traceback.print_exc()
                os._exit(1)
            os._exit(0)
        _, status = os.waitpid(pid, 0)
        if os.waitstatus_to_exitcode(status) != 0:
            failures.append(name)
    print("FAILED:" + ",".join(failures))
    sys.exit(1 if failures else 0)
    """
)


def test_every_module_imports_alone_after_django_setup():
    names = sorted(_module_names())
    assert len(names) > 120 and "policies.engine.evaluation" in names and "console.wizard" in names
    environment = {**os.environ, "DJANGO_SETTINGS_MODULE": "iamconsole.settings", "DEBUG": "1"}
    environment.pop("DATABASE_URL", None)  # importing needs no database
    result = subprocess.run(
        [sys.executable, "-c", _IMPORT_EACH, *names],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert result.returncode == 0, result.stdout[-2000:] + result.stderr[-6000:]
    assert result.stdout.strip() == "FAILED:"


def test_a_module_that_leans_on_another_import_is_caught(tmp_path):
    # The same child-per-module check, on two modules where the second only works after the first.
    (tmp_path / "first.py").write_text("import json\nimport sys\nsys.modules['shared_state'] = json\n")
    (tmp_path / "second.py").write_text("import sys\nsys.modules['shared_state'].dumps({})\n")
    script = _IMPORT_EACH.replace("import django\ndjango.setup()\n", "")
    result = subprocess.run(
        [sys.executable, "-c", script, "first", "second"],
        cwd=tmp_path,
        env={**os.environ, "PYTHONPATH": str(tmp_path)},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 1
    assert result.stdout.strip() == "FAILED:second"


def _readme_section(title):
    text = (ROOT / "README.md").read_text()
    start = text.index(f"## {title}\n")
    end = text.find("\n## ", start + 1)
    return text[start : end if end != -1 else len(text)]


def test_the_readme_layout_names_every_package_and_the_architecture_every_layer():
    layout = _readme_section("Layout")
    packages = sorted(
        path.name for path in ROOT.iterdir() if path.is_dir() and (path / "__init__.py").exists()
    )
    assert "organizations" in packages and "console" in packages
    assert [name for name in packages if f"`{name}/`" not in layout and name != "tests"] == []
    architecture = _readme_section("Architecture")
    for layer in ("iamconsole/", "console/", "flows.py", "services/", "access/", "selectors/", "aws/"):
        assert layer in architecture, layer


def test_every_path_the_readme_names_exists():
    text = (ROOT / "README.md").read_text()
    named = set(re.findall(r"`((?:[a-z_.]+/)+[a-z_.]*)`", text))
    assert "policies/engine/access_levels.py" in named
    missing = sorted(path for path in named if not (ROOT / path).exists() and not path.startswith("var/"))
    assert missing == []


def _import_graph():
    """{module: the project's modules it imports} (import-linter's own graph builder)."""
    graph = grimp.build_graph(*PACKAGES)
    return {
        module: graph.find_modules_directly_imported_by(module) & graph.modules for module in graph.modules
    }


def _cycle(graph):
    """One import cycle of `graph` as a list of modules, or None."""
    try:
        graphlib.TopologicalSorter(graph).prepare()
    except graphlib.CycleError as cycle:
        return cycle.args[1]
    return None


def test_no_import_cycle_anywhere_in_the_project():
    # The layers contract orders the layers; this holds the modules within a layer too.
    graph = _import_graph()
    assert "accounts.flows" in graph and "policies.flows" in graph["accounts.flows"]
    assert _cycle(graph) is None, f"import cycle: {' -> '.join(_cycle(graph))}"


def test_the_cycle_check_finds_a_cycle_hidden_in_a_larger_graph():
    graph = {"a": {"b"}, "b": {"c"}, "c": {"d"}, "d": {"b"}, "e": {"a"}}
    assert set(_cycle(graph)) == {"b", "c", "d"}
    assert _cycle({"a": {"b"}, "b": set()}) is None
