"""Tags of instance profiles and identity providers through boto3 against the live server: set on
create, added, replaced, removed and listed, and the ResourceTag keys policies see."""

import pytest

from access.acting import Acting
from policies.models import InstanceProfile
from policies.services.instance_profiles import instance_profile_create
from tests.accounts.factories import AccountFactory

from .conftest import allow, error_of
from .test_roles import events_of, refusal

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
    assert "Tags" not in iam.get_instance_profile(InstanceProfileName="web")["InstanceProfile"]


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
