"""The articles of /work/shared/seeds as a tutorial: their `aws iam …` and `aws sts …` commands, cleaned
up, typed into the real aws CLI against the product in local mode (any access key acts as the root user
of account 123456789012), in the articles' order. README.md's section "Tutorial: the articles'
commands" prints the same commands and files; a test below holds the two together.

Each step says why it differs from its article where it does: the scraped text glues line numbers to
commands, creates Ivan twice, leaves out `--bootstrap-method`, assumes a role in an account and with a
principal nothing here has, and so on."""

import json
import re
import shlex
import time
from dataclasses import dataclass, field
from pathlib import Path

import pyotp
import pytest

from accounts.models import Account, IAMUser
from policies.aws_managed.loader import read_data_file, sync_catalog

from .cli import cli_env, run_aws

pytestmark = pytest.mark.django_db(transaction=True)

ACCOUNT = "123456789012"
README = Path(__file__).resolve().parents[2] / "README.md"


@dataclass(frozen=True)
class Prefix:
    """Matches a string that starts with `start` (AWS's unique IDs: AIDA, AGPA, AROA, ANPA, AIPA, ASIA …)."""

    start: str

    def __eq__(self, other):
        return isinstance(other, str) and other.startswith(self.start)


@dataclass(frozen=True)
class Step:
    command: str  # as README.md prints it; $NAME is a value an earlier step saved
    expect: dict = field(default_factory=dict)  # dotted path into the JSON output → value
    error: str = ""  # the error code the command fails with, when it must fail
    save: dict = field(default_factory=dict)  # NAME → dotted path of a value later steps use
    session: bool = False  # signed with the temporary credentials exported as AWS_* variables


# The files the commands read (file://…), as the articles print them once their scraping leftovers
# are gone: the line numbers glued to each line and the braces lost around the document. The
# article's top-level "Sid" moved into the statement, where IAM's grammar has it.
FILES = {
    "policy.json": {
        "Version": "2012-10-17",
        "Statement": [
            {"Sid": "AllowCreateBuckets", "Effect": "Allow", "Action": "s3:CreateBucket", "Resource": "*"}
        ],
    },
    # The article's YOUR_PRINCIPAL_GOES_HERE: EC2, the principal its next paragraph talks about.
    "PolicyDocument.json": {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Sid": "AllowAssumeRole",
                "Effect": "Allow",
                "Action": "sts:AssumeRole",
                "Principal": {"Service": "ec2.amazonaws.com"},
            }
        ],
    },
}

ALICE = f"arn:aws:iam::{ACCOUNT}:user/alice"
MFA = f"arn:aws:iam::{ACCOUNT}:mfa/alice-mfa"
CROSS = f"arn:aws:iam::{ACCOUNT}:role/cross-account-access"
ALLOW_S3_READ = (
    '{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:GetObject", '
    '"Resource": "arn:aws:s3:::my-bucket/*"}]}'
)

STEPS = [
    # The setup: any key will do, local mode knows none and acts as the account's root user.
    Step("aws configure set aws_access_key_id AKIAIOSFODNN7EXAMPLE"),
    Step("aws configure set aws_secret_access_key wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"),
    Step("aws configure set region us-east-1"),
    # Who am I? Not in the articles: shows the local mode's account and its root user.
    Step(
        "aws sts get-caller-identity",
        {"Account": ACCOUNT, "Arn": f"arn:aws:iam::{ACCOUNT}:root"},
    ),
    # --- Article 000 (IAM Deep Dive, chapter 2): users, groups, inline policies, a role. ---
    # The article's two create-user lines are alternatives ("1aws …": a line number glued on);
    # the path form is the one the demo account has.
    Step(
        "aws iam create-user --user-name Ivan --path /developers/",
        {
            "User.Arn": f"arn:aws:iam::{ACCOUNT}:user/developers/Ivan",
            "User.Path": "/developers/",
            "User.UserId": Prefix("AIDA"),
        },
    ),
    # Its other form, typed second, fails: a user name is unique in the account whatever the path.
    Step("aws iam create-user --user-name Ivan", error="EntityAlreadyExists"),
    Step(
        "aws iam put-user-policy --user-name Ivan --policy-name InlineIsBad --policy-document file://policy.json"
    ),
    # Not in the article: reads back what put-user-policy stored.
    Step(
        "aws iam get-user-policy --user-name Ivan --policy-name InlineIsBad",
        {"PolicyName": "InlineIsBad", "PolicyDocument.Statement.0.Action": "s3:CreateBucket"},
    ),
    Step(
        "aws iam create-group --group-name SuperStars",
        {"Group.Arn": f"arn:aws:iam::{ACCOUNT}:group/SuperStars", "Group.GroupId": Prefix("AGPA")},
    ),
    Step(
        "aws iam put-group-policy --group-name SuperStars --policy-document file://policy.json "
        "--policy-name InlinePolicyIsStillBad"
    ),
    Step(
        "aws iam create-role --role-name MyRole --assume-role-policy-document file://PolicyDocument.json",
        {
            "Role.Arn": f"arn:aws:iam::{ACCOUNT}:role/MyRole",
            "Role.RoleId": Prefix("AROA"),
            "Role.AssumeRolePolicyDocument.Statement.0.Principal.Service": "ec2.amazonaws.com",
        },
    ),
    Step(
        "aws iam create-instance-profile --instance-profile-name MyProfile",
        {
            "InstanceProfile.Arn": f"arn:aws:iam::{ACCOUNT}:instance-profile/MyProfile",
            "InstanceProfile.InstanceProfileId": Prefix("AIPA"),
        },
    ),
    Step("aws iam add-role-to-instance-profile --instance-profile-name MyProfile --role-name MyRole"),
    # "Instance Profiles are not shown on the Console. You will have to use awscli … to list them."
    Step(
        "aws iam list-instance-profiles-for-role --role-name MyRole",
        {"InstanceProfiles.*.InstanceProfileName": ["MyProfile"]},
    ),
    # --- Article 001 (IAM Bible part 1): only `aws –profile myprofile configure` (an en dash for
    # "--"); README.md's setup configures the CLI instead. Article 002 has no command. ---
    # --- Article 003 (AWS IAM): alice, developers, console access, MFA, policies, roles. ---
    Step("aws iam create-user --user-name alice", {"User.Arn": ALICE, "User.UserId": Prefix("AIDA")}),
    Step("aws iam create-group --group-name developers", {"Group.GroupId": Prefix("AGPA")}),
    Step("aws iam add-user-to-group --user-name alice --group-name developers"),
    # The article's command is split over lines with backslashes; here on one line, as all of them.
    Step(
        "aws iam create-login-profile --user-name alice --password 'MySecurePassword123!' "
        "--password-reset-required",
        {"LoginProfile.UserName": "alice", "LoginProfile.PasswordResetRequired": True},
    ),
    # The CLI requires --bootstrap-method with --outfile (the article has neither the option nor a
    # way to read a QR code in a test): the Base32 seed goes into alice-mfa.seed.
    Step(
        "aws iam create-virtual-mfa-device --virtual-mfa-device-name alice-mfa "
        "--outfile alice-mfa.seed --bootstrap-method Base32StringSeed",
        {"VirtualMFADevice.SerialNumber": MFA},
    ),
    # Not in the article, which stops at creating the device: it is enabled for alice with two
    # consecutive codes computed from the seed file (README.md shows how).
    Step(
        f"aws iam enable-mfa-device --user-name alice --serial-number {MFA} "
        "--authentication-code1 $CODE1 --authentication-code2 $CODE2"
    ),
    Step("aws iam list-mfa-devices --user-name alice", {"MFADevices.*.SerialNumber": [MFA]}),
    # The article's inline JSON spans lines; the same document on one line.
    Step(
        f"aws iam put-user-policy --user-name alice --policy-name allow-s3-read --policy-document '{ALLOW_S3_READ}'"
    ),
    Step(
        f"aws iam create-policy --policy-name allow-s3-read --policy-document '{ALLOW_S3_READ}'",
        {
            "Policy.Arn": f"arn:aws:iam::{ACCOUNT}:policy/allow-s3-read",
            "Policy.PolicyId": Prefix("ANPA"),
            "Policy.DefaultVersionId": "v1",
        },
    ),
    Step(
        f"aws iam attach-group-policy --group-name developers --policy-arn arn:aws:iam::{ACCOUNT}:policy/allow-s3-read"
    ),
    Step(
        "aws iam list-attached-group-policies --group-name developers",
        {"AttachedPolicies.*.PolicyName": ["allow-s3-read"]},
    ),
    Step(
        "aws iam create-role --role-name ec2-s3-read --assume-role-policy-document "
        '\'{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", '
        '"Principal": {"Service": "ec2.amazonaws.com"}, "Action": "sts:AssumeRole"}]}\'',
        {"Role.Arn": f"arn:aws:iam::{ACCOUNT}:role/ec2-s3-read", "Role.RoleId": Prefix("AROA")},
    ),
    Step(
        "aws iam attach-role-policy --role-name ec2-s3-read "
        "--policy-arn arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess"
    ),
    Step(
        "aws iam create-instance-profile --instance-profile-name my-ec2-role",
        {"InstanceProfile.InstanceProfileId": Prefix("AIPA")},
    ),
    Step("aws iam add-role-to-instance-profile --instance-profile-name my-ec2-role --role-name ec2-s3-read"),
    # The article's next command, `aws ec2 run-instances`, is EC2's: not part of this product. This
    # one, not in the article, shows what an instance would get.
    Step(
        "aws iam get-instance-profile --instance-profile-name my-ec2-role",
        {"InstanceProfile.Roles.*.RoleName": ["ec2-s3-read"]},
    ),
    # Cross-account access: the article assumes cross-account-access in account 111122223333, which
    # nothing creates. Local mode has one account, so the role is made here, in 123456789012, with the
    # article's trust policy naming this account (its condition on the requested region kept).
    Step(
        "aws iam create-role --role-name cross-account-access --assume-role-policy-document "
        f'\'{{"Version": "2012-10-17", "Statement": [{{"Effect": "Allow", "Principal": {{"AWS": '
        f'"arn:aws:iam::{ACCOUNT}:root"}}, "Action": "sts:AssumeRole", "Condition": {{"StringEquals": '
        '{"aws:RequestedRegion": ["us-east-1", "us-west-2"]}}}]}\'',
        {"Role.Arn": CROSS, "Role.RoleId": Prefix("AROA")},
    ),
    # "Use these to access Account B resources": S3 is not part of the product, so the role reads IAM.
    Step(
        "aws iam attach-role-policy --role-name cross-account-access "
        "--policy-arn arn:aws:iam::aws:policy/IAMReadOnlyAccess"
    ),
    # The article's assume-role as typed, with the root user's keys: AWS refuses roles to a root user.
    Step(
        f"aws sts assume-role --role-arn {CROSS} --role-session-name alice-prod-access", error="AccessDenied"
    ),
    # So alice assumes it ("In Account A" is alice's): her own keys, and a policy that lets her
    # call sts:AssumeRole, which a trust policy naming the account (not her) requires.
    Step(
        "aws iam put-user-policy --user-name alice --policy-name assume-roles --policy-document "
        '\'{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "sts:AssumeRole", '
        f'"Resource": "arn:aws:iam::{ACCOUNT}:role/*"}}]}}\''
    ),
    Step(
        "aws iam create-access-key --user-name alice",
        {"AccessKey.AccessKeyId": Prefix("AKIA"), "AccessKey.Status": "Active"},
        save={"ALICE_KEY_ID": "AccessKey.AccessKeyId", "ALICE_SECRET": "AccessKey.SecretAccessKey"},
    ),
    # Not in the articles: her keys become the profile alice (article 001 advises a profile per
    # identity), $ALICE_KEY_ID and $ALICE_SECRET being what create-access-key printed.
    Step("aws configure set aws_access_key_id $ALICE_KEY_ID --profile alice"),
    Step("aws configure set aws_secret_access_key $ALICE_SECRET --profile alice"),
    Step("aws configure set region us-east-1 --profile alice"),
    Step("aws sts get-caller-identity --profile alice", {"Arn": ALICE, "UserId": Prefix("AIDA")}),
    Step(
        f"aws sts assume-role --role-arn {CROSS} --role-session-name alice-prod-access --profile alice",
        {
            "AssumedRoleUser.Arn": f"arn:aws:sts::{ACCOUNT}:assumed-role/cross-account-access/alice-prod-access",
            "AssumedRoleUser.AssumedRoleId": Prefix("AROA"),
            "Credentials.AccessKeyId": Prefix("ASIA"),
        },
        save={
            "AWS_ACCESS_KEY_ID": "Credentials.AccessKeyId",
            "AWS_SECRET_ACCESS_KEY": "Credentials.SecretAccessKey",
            "AWS_SESSION_TOKEN": "Credentials.SessionToken",
        },
    ),
    # With the temporary credentials exported (README.md shows how): the role's session, which reads
    # IAM (IAMReadOnlyAccess) and may change nothing.
    Step(
        "aws sts get-caller-identity",
        {"Arn": f"arn:aws:sts::{ACCOUNT}:assumed-role/cross-account-access/alice-prod-access"},
        session=True,
    ),
    Step("aws iam get-role --role-name ec2-s3-read", {"Role.RoleName": "ec2-s3-read"}, session=True),
    Step("aws iam create-user --user-name mallory", error="AccessDenied", session=True),
    # "An IAM role is, by design, restricted to a given AWS service" (article 002): alice may call
    # sts:AssumeRole on every role, but ec2-s3-read trusts EC2 alone.
    Step(
        f"aws sts assume-role --role-arn arn:aws:iam::{ACCOUNT}:role/ec2-s3-read "
        "--role-session-name alice --profile alice",
        error="AccessDenied",
    ),
    # The article's SCP has no command (AWS Organizations; the demo account's organization holds it).
    # --- Permissions boundaries ---
    Step(
        "aws iam create-policy --policy-name developer-boundary --policy-document "
        '\'{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": ["s3:*", "ec2:Describe*"], '
        '"Resource": "*"}]}\'',
        {
            "Policy.Arn": f"arn:aws:iam::{ACCOUNT}:policy/developer-boundary",
            "Policy.PolicyId": Prefix("ANPA"),
        },
    ),
    Step(
        "aws iam put-user-permissions-boundary --user-name alice "
        f"--permissions-boundary arn:aws:iam::{ACCOUNT}:policy/developer-boundary"
    ),
    Step(
        "aws iam get-user --user-name alice",
        {
            "User.PermissionsBoundary.PermissionsBoundaryArn": f"arn:aws:iam::{ACCOUNT}:policy/developer-boundary",
            "User.PermissionsBoundary.PermissionsBoundaryType": "Policy",
        },
    ),
    # Not in the article, which only says so: the boundary now stops what alice's policy allowed …
    Step(
        f"aws sts assume-role --role-arn {CROSS} --role-session-name alice-prod-access --profile alice",
        error="AccessDenied",
    ),
    # … and grants nothing itself: s3:* in the boundary, s3:GetObject alone in her policies.
    Step(
        f"aws iam simulate-principal-policy --policy-source-arn {ALICE} "
        "--action-names s3:GetObject s3:PutObject --resource-arns arn:aws:s3:::my-bucket/report.csv",
        {"EvaluationResults.*.EvalDecision": ["allowed", "implicitDeny"]},
    ),
    # Access Advisor. The report is built by a task once generation commits (inline here, without a
    # broker), so the get that follows finds it; the CLI prints its Content base64-encoded.
    Step("aws iam generate-credential-report", {"State": "STARTED"}),
    Step("aws iam get-credential-report", {"ReportFormat": "text/csv"}),
    Step(
        f"aws iam list-policies-granting-service-access --arn {ALICE} --service-namespaces s3",
        {
            "PoliciesGrantingServiceAccess.0.ServiceNamespace": "s3",
            # Her inline allow-s3-read, then developers' customer managed policy of the same name.
            "PoliciesGrantingServiceAccess.0.Policies.*.PolicyName": ["allow-s3-read", "allow-s3-read"],
            "PoliciesGrantingServiceAccess.0.Policies.*.PolicyType": ["INLINE", "MANAGED"],
        },
    ),
    # --- Article 004 (AWS Memoires #2) has no command. What the tutorial made: ---
    Step(
        "aws iam list-users",
        {"Users.*.Arn": [f"arn:aws:iam::{ACCOUNT}:user/developers/Ivan", ALICE]},
    ),
    # --- Article 002's "AWS SSO": IAM Identity Center. Not in the article: the account must manage an
    # organization and enable Identity Center first (AWS's console does it with a button; here
    # create-instance from the management account), and its instance ARN replaces `ssoins-xxxxx`. ---
    Step(
        "aws organizations create-organization --feature-set ALL", {"Organization.MasterAccountId": ACCOUNT}
    ),
    Step(
        "aws sso-admin create-instance --name main", {"InstanceArn": Prefix("arn:aws:sso:::instance/ssoins-")}
    ),
    Step(
        "aws sso-admin list-instances",
        {"Instances.0.OwnerAccountId": ACCOUNT, "Instances.0.Status": "ACTIVE"},
        save={"INSTANCE": "Instances.0.InstanceArn"},
    ),
    Step("aws sso-admin list-permission-sets --instance-arn $INSTANCE", {"PermissionSets": []}),
    # The article's `--permission-set '{…}'` option does not exist: the session duration is an option
    # of create-permission-set, the AWS managed policy a call of its own.
    Step(
        "aws sso-admin create-permission-set --name DeveloperAccess --instance-arn $INSTANCE --session-duration PT8H",
        {
            "PermissionSet.Name": "DeveloperAccess",
            "PermissionSet.SessionDuration": "PT8H",
            "PermissionSet.PermissionSetArn": Prefix("arn:aws:sso:::permissionSet/ssoins-"),
        },
        save={"PERMISSION_SET": "PermissionSet.PermissionSetArn"},
    ),
    Step(
        "aws sso-admin attach-managed-policy-to-permission-set --instance-arn $INSTANCE "
        "--permission-set-arn $PERMISSION_SET --managed-policy-arn arn:aws:iam::aws:policy/ReadOnlyAccess"
    ),
    Step(
        "aws sso-admin list-managed-policies-in-permission-set --instance-arn $INSTANCE --permission-set-arn $PERMISSION_SET",
        {"AttachedManagedPolicies.*.Name": ["ReadOnlyAccess"]},
    ),
    Step(
        "aws sso-admin list-permission-sets --instance-arn $INSTANCE",
        {"PermissionSets.0": Prefix("arn:aws:sso:::permissionSet/ssoins-")},
    ),
    # Twelve hours is the most a permission set's session may last.
    Step(
        "aws sso-admin create-permission-set --name LongSessions --instance-arn $INSTANCE --session-duration PT12H1M",
        error="ValidationException",
    ),
]


SESSION_VARIABLES = ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN")


def dig(output, path):
    """The value at a dotted path (`*` maps the rest of the path over a list)."""
    head, _, rest = path.partition(".")
    if head == "*":
        return [dig(item, rest) for item in output] if rest else output
    value = output[int(head)] if isinstance(output, list) else output[head]
    return dig(value, rest) if rest else value


def mfa_codes(seed_file):
    """Two consecutive codes of the seed the CLI wrote: the previous 30 seconds' and the current one."""
    totp = pyotp.TOTP(seed_file.read_text().strip())
    return totp.at(time.time() - 30), totp.now()


@pytest.fixture
def aws_managed(transactional_db):
    """The two AWS managed policies the tutorial attaches, from the catalog's data file."""
    wanted = {"AmazonS3ReadOnlyAccess", "IAMReadOnlyAccess"}
    sync_catalog([entry for entry in read_data_file() if entry["name"] in wanted])


def test_the_articles_commands_run_in_order_against_local_mode(live_server, settings, tmp_path, aws_managed):
    settings.IAMCONSOLE_LOCAL_MODE = True
    settings.IAMCONSOLE_LOCAL_ACCOUNT = ACCOUNT
    work = tmp_path / "work"
    work.mkdir()
    for name, document in FILES.items():
        (work / name).write_text(json.dumps(document, indent=2))
    env = cli_env(tmp_path)
    env.pop("AWS_DEFAULT_REGION")  # the region comes from `aws configure set`, as by hand
    saved = {}
    for step in STEPS:
        if "$CODE1" in step.command:
            saved["CODE1"], saved["CODE2"] = mfa_codes(work / "alice-mfa.seed")
        args = shlex.split(re.sub(r"\$([A-Z_0-9]+)", lambda m: saved[m[1]], step.command))[1:]
        if args[0] != "configure":
            args += ["--endpoint-url", live_server.url, "--output", "json"]
        session = {name: saved[name] for name in SESSION_VARIABLES} if step.session else {}
        done = run_aws(args, env={**env, **session}, cwd=work)
        if step.error:
            assert done.returncode != 0, step.command
            assert f"An error occurred ({step.error})" in done.stderr, (step.command, done.stderr)
            continue
        assert done.returncode == 0, (step.command, done.stderr)
        output = json.loads(done.stdout) if done.stdout.strip() else {}
        for path, expected in step.expect.items():
            assert dig(output, path) == expected, (step.command, path, output)
        saved.update({name: dig(output, path) for name, path in step.save.items()})
        if "--bootstrap-method Base32StringSeed" in step.command:
            # The seed the CLI wrote: a Base32 secret an authenticator app (or pyotp) reads.
            assert re.fullmatch(r"[A-Z2-7]{32,}=*", (work / "alice-mfa.seed").read_text().strip())

    # Everything happened in local mode's own account, made on first use.
    account = Account.objects.get()
    assert account.id == ACCOUNT
    assert sorted(IAMUser.objects.filter(account=account).values_list("name", flat=True)) == ["Ivan", "alice"]


def readme_tutorial():
    """(the `aws …` commands, {file name: JSON document}) of README.md's tutorial section."""
    text = README.read_text()
    section = text.split("## Tutorial: the articles' commands", 1)[1].split("\n## ", 1)[0]
    blocks = re.findall(r"```sh\n(.*?)```", section, re.S)
    lines = [line for block in blocks for line in block.splitlines()]
    commands = [line for line in lines if line.startswith("aws ")]
    files = {
        name: json.loads(body) for name, body in re.findall(r"cat > (\S+) <<'EOF'\n(.*?)\nEOF", section, re.S)
    }
    return commands, files


def test_the_readme_tutorial_prints_the_tested_commands_and_files():
    commands, files = readme_tutorial()
    assert commands == [step.command for step in STEPS]
    assert files == FILES
