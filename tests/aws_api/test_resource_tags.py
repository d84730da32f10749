"""Tags of instance profiles and identity providers through boto3 against the live server: set on
create, added, replaced, removed and listed, and the ResourceTag keys policies see."""

import dataclasses

import pytest

from access.acting import Acting
from accounts.services.access_keys import access_key_create
from policies.models import InstanceProfile, OpenIDConnectProvider, SAMLProvider
from policies.services.instance_profiles import instance_profile_create
from tests.accounts.factories import AccountFactory

from .conftest import allow, client, error_of
from .test_roles import THUMBPRINT, events_of, refusal, saml_metadata

pytestmark = pytest.mark.django_db(transaction=True)

TEAM_BLUE = [{"Key": "team", "Value": "blue"}]


# Instance profiles


def test_instance_profile_tags_on_create_get_tag_untag_and_list(iam):
    created = iam.create_instance_profile(InstanceProfileName="web", Tags=TEAM_BLUE)["InstanceProfile"]
    assert created["Tags"] == TEAM_BLUE
    assert iam.get_instance_profile(InstanceProfileName="web")["InstanceProfile"]["Tags"] == TEAM_BLUE
    # Listing leaves tags out, as IAM does.
    assert "Tags" not in iam.list_instance_profiles()["InstanceProfiles"][0]

    iam.tag_instance_profile(
        InstanceProfileName="WEB", Tags=[{"Key": "Team", "Value": "red"}, {"Key": "env", "Value": ""}]
    )
    assert iam.list_instance_profile_tags(InstanceProfileName="web")["Tags"] == [
        {"Key": "Team", "Value": "red"},
        {"Key": "env", "Value": ""},
    ]
    first = iam.list_instance_profile_tags(InstanceProfileName="web", MaxItems=1)
    assert (first["Tags"], first["IsTruncated"]) == ([{"Key": "Team", "Value": "red"}], True)
    rest = iam.list_instance_profile_tags(InstanceProfileName="web", Marker=first["Marker"])
    assert (rest["Tags"], rest["IsTruncated"]) == ([{"Key": "env", "Value": ""}], False)

    iam.untag_instance_profile(InstanceProfileName="web", TagKeys=["TEAM", "unknown"])
    assert iam.list_instance_profile_tags(InstanceProfileName="web")["Tags"] == [{"Key": "env", "Value": ""}]
    iam.untag_instance_profile(InstanceProfileName="web", TagKeys=["env"])
    # GetInstanceProfile shows the empty list (CreateInstanceProfile and the lists leave it out).
    assert iam.get_instance_profile(InstanceProfileName="web")["InstanceProfile"]["Tags"] == []


def test_instance_profile_tags_keep_to_aws_limits(iam, iam_unvalidated):
    iam.create_instance_profile(
        InstanceProfileName="full", Tags=[{"Key": f"k{i}", "Value": ""} for i in range(50)]
    )
    error, status = error_of(
        iam.tag_instance_profile, InstanceProfileName="full", Tags=[{"Key": "one-more", "Value": ""}]
    )
    assert (error["Code"], status) == ("ValidationError", 400)
    assert "Member must have length less than or equal to 50" in error["Message"]
    error, status = error_of(
        iam_unvalidated.create_instance_profile,
        InstanceProfileName="dup",
        Tags=[{"Key": "a", "Value": "1"}, {"Key": "A", "Value": "2"}],
    )
    assert (error["Code"], error["Message"], status) == (
        "InvalidInput",
        "Duplicate tag keys found. Please note that Tag keys are case insensitive.",
        400,
    )
    assert not InstanceProfile.objects.filter(name="dup").exists()
    assert InstanceProfile.objects.get(name="full").tags.count() == 50


def test_another_accounts_instance_profile_cannot_be_tagged_or_listed(iam):
    other = AccountFactory()
    instance_profile_create(account=other, name="theirs", tags=[("team", "x")], acting=Acting(account=other))
    for call, more in (
        (iam.tag_instance_profile, {"Tags": TEAM_BLUE}),
        (iam.untag_instance_profile, {"TagKeys": ["team"]}),
        (iam.list_instance_profile_tags, {}),
    ):
        error, status = error_of(call, InstanceProfileName="theirs", **more)
        assert (error["Code"], error["Message"], status) == (
            "NoSuchEntity",
            "Instance Profile theirs cannot be found.",
            404,
        )
    assert list(InstanceProfile.objects.get(name="theirs").tags.values_list("key", "value")) == [
        ("team", "x")
    ]


def test_instance_profile_tags_allowed_and_refused_through_a_users_own_keys(iam, iam_as, api_account):
    arn = iam.create_instance_profile(InstanceProfileName="p", Tags=TEAM_BLUE)["InstanceProfile"]["Arn"]
    tagger, user = iam_as(
        [
            allow("iam:ListInstanceProfileTags", "iam:CreateInstanceProfile"),
            {
                "Effect": "Allow",
                "Action": "iam:TagInstanceProfile",
                "Resource": "*",
                "Condition": {"StringEquals": {"aws:ResourceTag/team": "blue"}},
            },
        ],
        name="profile-tagger",
    )
    tagger.tag_instance_profile(InstanceProfileName="p", Tags=[{"Key": "env", "Value": "dev"}])
    assert tagger.list_instance_profile_tags(InstanceProfileName="p")["Tags"] == [
        {"Key": "env", "Value": "dev"},
        *TEAM_BLUE,
    ]
    error, status = error_of(tagger.untag_instance_profile, InstanceProfileName="p", TagKeys=["team"])
    assert (error["Code"], status) == ("AccessDenied", 403)
    assert error["Message"] == refusal(user, "iam:UntagInstanceProfile", arn)
    # Creating with tags needs iam:TagInstanceProfile too, and the new profile has no team tag yet.
    error, _ = error_of(tagger.create_instance_profile, InstanceProfileName="q", Tags=TEAM_BLUE)
    assert error["Message"] == refusal(
        user, "iam:TagInstanceProfile", f"arn:aws:iam::{api_account.id}:instance-profile/q"
    )
    assert not InstanceProfile.objects.filter(name="q").exists()
    assert events_of(
        api_account, "TagInstanceProfile", "UntagInstanceProfile", "ListInstanceProfileTags"
    ) == {
        ("TagInstanceProfile", "", user.arn),
        ("ListInstanceProfileTags", "", user.arn),
        ("UntagInstanceProfile", "AccessDenied", user.arn),
    }


# Identity providers: the same calls for OIDC and SAML, each naming its provider by ARN.


@dataclasses.dataclass
class Kind:
    member: str  # the request member naming the provider
    create: object  # (client, tags or None) -> the create call's response
    arn_key: str
    tag: str
    untag: str
    list_tags: str
    get: str
    not_found: str  # the NoSuchEntity message, {arn} filled in
    action: str  # the IAM action suffix (Tag…, Untag…)


def _create_oidc(client, **more):
    return client.create_open_id_connect_provider(
        Url="https://token.example.com", ClientIDList=["app"], ThumbprintList=[THUMBPRINT], **more
    )


def _create_saml(client, **more):
    return client.create_saml_provider(Name="corp", SAMLMetadataDocument=saml_metadata(), **more)


OIDC = Kind(
    "OpenIDConnectProviderArn",
    _create_oidc,
    "OpenIDConnectProviderArn",
    "tag_open_id_connect_provider",
    "untag_open_id_connect_provider",
    "list_open_id_connect_provider_tags",
    "get_open_id_connect_provider",
    "OpenIDConnect Provider not found for arn {arn}",
    "OpenIDConnectProvider",
)
SAML = Kind(
    "SAMLProviderArn",
    _create_saml,
    "SAMLProviderArn",
    "tag_saml_provider",
    "untag_saml_provider",
    "list_saml_provider_tags",
    "get_saml_provider",
    "Manifest not found for arn {arn}",
    "SAMLProvider",
)
KINDS = pytest.mark.parametrize("kind", [OIDC, SAML], ids=["oidc", "saml"])


@KINDS
def test_provider_tags_on_create_get_tag_untag_and_list(iam, kind):
    created = kind.create(iam, Tags=TEAM_BLUE)
    arn = created[kind.arn_key]
    assert created["Tags"] == TEAM_BLUE
    named = {kind.member: arn}
    assert getattr(iam, kind.get)(**named)["Tags"] == TEAM_BLUE

    getattr(iam, kind.tag)(**named, Tags=[{"Key": "Team", "Value": "red"}, {"Key": "env", "Value": "dev"}])
    first = getattr(iam, kind.list_tags)(**named, MaxItems=1)
    assert (first["Tags"], first["IsTruncated"]) == ([{"Key": "Team", "Value": "red"}], True)
    rest = getattr(iam, kind.list_tags)(**named, Marker=first["Marker"])
    assert (rest["Tags"], rest["IsTruncated"]) == ([{"Key": "env", "Value": "dev"}], False)

    getattr(iam, kind.untag)(**named, TagKeys=["TEAM", "env", "unknown"])
    emptied = getattr(iam, kind.list_tags)(**named)
    assert (emptied["Tags"], emptied["IsTruncated"]) == ([], False)
    # The Get operations show the empty list, as IAM does.
    assert getattr(iam, kind.get)(**named)["Tags"] == []


@KINDS
def test_provider_created_without_tags_shows_none(iam, kind):
    created = kind.create(iam)
    assert "Tags" not in created
    assert getattr(iam, kind.get)(**{kind.member: created[kind.arn_key]})["Tags"] == []


@KINDS
def test_another_accounts_provider_cannot_be_tagged_or_listed(iam, kind, live_server):
    other = AccountFactory()
    key, secret = access_key_create(account=other, user=None, acting=Acting(account=other))
    theirs = kind.create(client(live_server, key.access_key_id, secret), Tags=TEAM_BLUE)[kind.arn_key]
    for call, more in (
        (kind.tag, {"Tags": TEAM_BLUE}),
        (kind.untag, {"TagKeys": ["team"]}),
        (kind.list_tags, {}),
    ):
        error, status = error_of(getattr(iam, call), **{kind.member: theirs}, **more)
        assert (error["Code"], error["Message"], status) == (
            "NoSuchEntity",
            kind.not_found.format(arn=theirs),
            404,
        )
    model = OpenIDConnectProvider if kind is OIDC else SAMLProvider
    assert list(model.objects.get(account=other).tags.values_list("key", "value")) == [("team", "blue")]


@KINDS
def test_provider_tags_allowed_and_refused_through_a_users_own_keys(iam, iam_as, api_account, kind):
    arn = kind.create(iam, Tags=TEAM_BLUE)[kind.arn_key]
    tagger, user = iam_as(
        [allow(f"iam:Tag{kind.action}", f"iam:List{kind.action}Tags", f"iam:Create{kind.action}")],
        name="provider-tagger",
    )
    getattr(tagger, kind.tag)(**{kind.member: arn}, Tags=[{"Key": "env", "Value": "dev"}])
    assert getattr(tagger, kind.list_tags)(**{kind.member: arn})["Tags"] == [
        {"Key": "env", "Value": "dev"},
        *TEAM_BLUE,
    ]
    error, status = error_of(getattr(tagger, kind.untag), **{kind.member: arn}, TagKeys=["team"])
    assert (error["Code"], status) == ("AccessDenied", 403)
    assert error["Message"] == refusal(user, f"iam:Untag{kind.action}", arn)
    names = (f"Tag{kind.action}", f"Untag{kind.action}", f"List{kind.action}Tags")
    assert events_of(api_account, *names) == {
        (names[0], "", user.arn),
        (names[2], "", user.arn),
        (names[1], "AccessDenied", user.arn),
    }


@KINDS
def test_creating_a_provider_with_tags_needs_the_tag_action(iam, iam_as, kind):
    creator, user = iam_as([allow(f"iam:Create{kind.action}")], name="provider-creator")
    error, status = error_of(kind.create, creator, Tags=TEAM_BLUE)
    assert (error["Code"], status) == ("AccessDenied", 403)
    assert error["Message"].startswith(f"User: {user.arn} is not authorized to perform: iam:Tag{kind.action}")
    assert kind.create(creator)[kind.arn_key].startswith("arn:aws:iam::")
