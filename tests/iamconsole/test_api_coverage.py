"""`manage.py api_coverage`: the share of each service's operations the AWS API answers, and the
README's figures kept equal to it."""

from io import StringIO
from pathlib import Path

import botocore.session
import pytest
from django.conf import settings
from django.core.management import CommandError, call_command

from iamconsole.aws_api import iam, identitystore, organizations, rest_json, sso_admin, sts


def run(*args):
    out = StringIO()
    call_command("api_coverage", *args, stdout=out)
    return out.getvalue().rstrip("\n")


def handled(model, handlers):
    names = botocore.session.get_session().get_service_model(model).operation_names
    return set(handlers) & set(names), len(names)


def test_the_command_counts_the_handled_operations_of_botocores_models_per_service():
    iam_done, iam_total = handled("iam", iam.HANDLERS)
    sts_done, sts_total = handled("sts", {**sts.HANDLERS, **sts.UNSIGNED_HANDLERS})
    org_done, org_total = handled("organizations", organizations.HANDLERS)
    sso_done, sso_total = handled("sso-admin", sso_admin.HANDLERS)
    store_done, store_total = handled("identitystore", identitystore.HANDLERS)
    oidc_done, oidc_total = handled("sso-oidc", rest_json.HANDLERS["sso-oidc"])
    portal_done, portal_total = handled("sso", rest_json.HANDLERS["sso"])
    assert "GetAccountAuthorizationDetails" in iam_done and "CreateUser" in iam_done
    assert "AssumeRole" in sts_done and "AssumeRoleWithSAML" in sts_done
    assert "CreateOrganization" in org_done and "ListChildren" in org_done
    assert "CreatePermissionSet" in sso_done and "ProvisionPermissionSet" in sso_done
    assert "CreateUser" in store_done and "IsMemberInGroups" in store_done
    assert oidc_done == {"CreateToken", "RegisterClient", "StartDeviceAuthorization"}
    assert portal_done == {"GetRoleCredentials", "ListAccountRoles", "ListAccounts", "Logout"}
    assert run().splitlines() == [
        f"IAM operations: {len(iam_done)} of {iam_total} implemented",
        f"STS operations: {len(sts_done)} of {sts_total} implemented",
        f"Organizations operations: {len(org_done)} of {org_total} implemented",
        f"IAM Identity Center (sso-admin) operations: {len(sso_done)} of {sso_total} implemented",
        f"Identity Store operations: {len(store_done)} of {store_total} implemented",
        f"IAM Identity Center OIDC (sso-oidc) operations: {len(oidc_done)} of {oidc_total} implemented",
        f"AWS access portal (sso) operations: {len(portal_done)} of {portal_total} implemented",
    ]


def test_the_readme_figure_is_the_commands():
    readme = (Path(settings.BASE_DIR) / "README.md").read_text()
    fragment = run("--markdown")
    for line in run().splitlines():
        assert f"**{line}**" in fragment
    assert fragment in readme, (
        "The README's AWS API coverage is stale: run `manage.py api_coverage --write-readme` and commit README.md."
    )


def test_write_readme_rewrites_only_the_fragment(tmp_path, settings):
    settings.BASE_DIR = tmp_path
    start, end = run("--markdown").splitlines()[0], run("--markdown").splitlines()[-1]
    (tmp_path / "README.md").write_text(
        f"# Title\n\n{start}\nIAM operations: 1 of 2 implemented\n{end}\n\nAfter.\n"
    )
    assert run("--write-readme") == f"{tmp_path / 'README.md'}: {'; '.join(run().splitlines())}"
    assert (tmp_path / "README.md").read_text() == f"# Title\n\n{run('--markdown')}\n\nAfter.\n"


def test_write_readme_refuses_a_readme_without_the_fragment(tmp_path, settings):
    settings.BASE_DIR = tmp_path
    (tmp_path / "README.md").write_text("# Title\n")
    with pytest.raises(CommandError, match="has no fragment"):
        run("--write-readme")
