"""`manage.py api_coverage`: the share of IAM's operations the AWS API answers, and the README's figure
kept equal to it."""

from io import StringIO
from pathlib import Path

import botocore.session
import pytest
from django.conf import settings
from django.core.management import CommandError, call_command

from iamconsole.aws_api.iam import HANDLERS


def run(*args):
    out = StringIO()
    call_command("api_coverage", *args, stdout=out)
    return out.getvalue().rstrip("\n")


def test_the_command_counts_the_handled_operations_of_botocores_model():
    names = botocore.session.get_session().get_service_model("iam").operation_names
    handled = set(HANDLERS) & set(names)
    assert "GetAccountAuthorizationDetails" in handled and "CreateUser" in handled
    assert run() == f"IAM operations: {len(handled)} of {len(names)} implemented"


def test_the_readme_figure_is_the_commands():
    readme = (Path(settings.BASE_DIR) / "README.md").read_text()
    fragment = run("--markdown")
    assert f"**{run()}**" in fragment
    assert fragment in readme, (
        "The README's AWS API coverage is stale: run `manage.py api_coverage --write-readme` and commit README.md."
    )


def test_write_readme_rewrites_only_the_fragment(tmp_path, settings):
    settings.BASE_DIR = tmp_path
    start, end = run("--markdown").splitlines()[0], run("--markdown").splitlines()[-1]
    (tmp_path / "README.md").write_text(
        f"# Title\n\n{start}\nIAM operations: 1 of 2 implemented\n{end}\n\nAfter.\n"
    )
    assert run("--write-readme") == f"{tmp_path / 'README.md'}: {run()}"
    assert (tmp_path / "README.md").read_text() == f"# Title\n\n{run('--markdown')}\n\nAfter.\n"


def test_write_readme_refuses_a_readme_without_the_fragment(tmp_path, settings):
    settings.BASE_DIR = tmp_path
    (tmp_path / "README.md").write_text("# Title\n")
    with pytest.raises(CommandError, match="has no fragment"):
        run("--write-readme")
