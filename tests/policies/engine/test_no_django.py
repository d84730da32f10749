"""The engine is a library: no module under policies/engine imports Django, not even indirectly."""

import pathlib
import re
import subprocess
import sys

ENGINE = pathlib.Path(__file__).resolve().parents[3] / "policies" / "engine"


def _module_name(path: pathlib.Path) -> str:
    parts = path.relative_to(ENGINE).with_suffix("").parts
    return ".".join(("policies", "engine", *parts)).removesuffix(".__init__")


def test_importing_every_engine_module_loads_no_django():
    """Import all of policies.engine in a fresh interpreter and look for django in sys.modules."""
    modules = sorted(_module_name(p) for p in ENGINE.rglob("*.py"))
    assert "policies.engine.evaluation" in modules
    assert "policies.engine.validation.checker" in modules
    code = (
        "import importlib, sys\n"
        f"for name in {modules!r}:\n"
        "    importlib.import_module(name)\n"
        "from policies.engine import evaluate\n"
        "evaluate({'action': 's3:GetObject', 'resource': '*'})\n"
        "print(sorted(m for m in sys.modules if m == 'django' or m.startswith('django.')))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        cwd=ENGINE.parents[1],
        timeout=120,
        env={"PATH": "/usr/bin:/bin", "PYTHONPATH": str(ENGINE.parents[1])},
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "[]"


def test_no_engine_source_mentions_a_django_import():
    """Grep the sources too: no `import django` or `from django` anywhere under policies/engine."""
    pattern = re.compile(r"^\s*(import\s+django|from\s+django)\b", re.MULTILINE)
    offenders = [p.name for p in ENGINE.rglob("*.py") if pattern.search(p.read_text(encoding="utf-8"))]
    assert offenders == []
