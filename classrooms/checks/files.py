"""Lab files: YAML (or JSON, which YAML reads too) as an instructor writes them, and the labs the
product ships in classrooms/labs/*.yaml."""

from pathlib import Path

import yaml

from classrooms.checks.schema import validate_lab

LABS_DIR = Path(__file__).resolve().parent.parent / "labs"
STORED_FIELDS = ("slug", "title", "pass_percentage", "instructions", "checks")  # never the solution


def parse_lab_text(text):
    """(the lab as data, its problems) from YAML or JSON text; the data is None when it does not parse."""
    try:
        data = yaml.safe_load(text or "")
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        where = f" at line {mark.line + 1}, column {mark.column + 1}" if mark is not None else ""
        problem = getattr(error, "problem", None) or "not valid YAML"
        return None, [f"the lab is not valid YAML or JSON{where}: {problem}"]
    problems = validate_lab(data)
    return (data if isinstance(data, dict) else None), problems


def stored_fields(data):
    """What a Lab row keeps of a lab file: everything a student may see, never its solution."""
    stored = {name: data[name] for name in STORED_FIELDS if name in data}
    stored.setdefault("instructions", "")
    return stored


def shipped_lab_paths():
    return sorted(LABS_DIR.glob("*.yaml"))


def read_lab_file(path):
    """The lab in `path` as data; ValueError naming the file and every problem when it is not valid."""
    data, problems = parse_lab_text(Path(path).read_text(encoding="utf-8"))
    if problems:
        raise ValueError(f"{Path(path).name}: " + "; ".join(problems))
    return data
