"""The page that shows a new access key once also shows how to use it with this console's API, and
what it shows works."""

import contextlib
import html
import io
import json
import re
import shlex

import pytest
from django.urls import reverse

from access.acting import Acting
from policies.services.permissions import inline_policy_put
from tests.accounts.factories import AccountFactory, IAMUserFactory
from tests.queries import sign_in

from .cli import cli_env, run_aws

pytestmark = pytest.mark.django_db(transaction=True)


def test_the_new_keys_page_shows_a_boto3_snippet_that_works_against_the_api(client, live_server, tmp_path):
    account = AccountFactory()
    user = IAMUserFactory(account=account, name="dev")
    own = {"Effect": "Allow", "Action": "iam:GetUser", "Resource": "arn:aws:iam::*:user/${aws:username}"}
    document = json.dumps({"Version": "2012-10-17", "Statement": [own]})
    inline_policy_put(name="self", document=document, user=user, acting=Acting(account=account))
    signed_in = sign_in(client, account)
    created = signed_in.post(
        reverse("accounts:access_key_create", args=["dev"]),
        {"step": "2", "use_case": "cli", "confirm": "1", "description": ""},
    )
    page = signed_in.get(created["Location"]).content.decode()
    assert 'data-testid="api-usage"' in page
    assert "--endpoint-url http://testserver" in page
    snippet = html.unescape(
        re.search(r"<pre class=\"code-block\">(import boto3.*?)</pre>", page, re.S).group(1)
    )
    assert 'endpoint_url="http://testserver"' in snippet

    printed = io.StringIO()
    with contextlib.redirect_stdout(printed):
        exec(snippet.replace("http://testserver", live_server.url), {})  # noqa: S102 — the page's own sample
    assert printed.getvalue().strip() == user.arn

    # The AWS CLI lines, `aws configure` then the call, run as shown (in an empty configuration).
    commands = html.unescape(
        re.search(r"<pre class=\"code-block\">(aws configure .*?)</pre>", page, re.S).group(1)
    )
    lines = [
        shlex.split(line.replace("http://testserver", live_server.url)) for line in commands.splitlines()
    ]
    assert [line[:3] for line in lines[:3]] == [["aws", "configure", "set"]] * 3
    env = cli_env(tmp_path)
    for line in lines:
        done = run_aws(line[1:], env=env)
        assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["User"]["Arn"] == user.arn

    # Shown once: a reload says the secret is gone and shows no sample.
    again = signed_in.get(created["Location"]).content.decode()
    assert 'data-testid="api-usage"' not in again and 'data-testid="secret-gone"' in again
