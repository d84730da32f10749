import json

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.core.management.base import BaseCommand
from django.db import transaction

from access.acting import Acting
from accounts.models import Account, Group, GroupMembership, IAMUser
from accounts.services.groups import group_add_user, group_create
from accounts.services.users import user_create
from organizations import flows as organizations_flows
from organizations import services
from organizations.models import SCP, Membership, Organization, OrganizationalUnit, Policy
from policies.models import InstanceProfile, ManagedPolicy, Role
from policies.services.instance_profiles import instance_profile_add_role, instance_profile_create
from policies.services.permissions import inline_policy_put, permissions_boundary_put, policy_attach
from policies.services.policies import policy_create, policy_version_create
from policies.services.roles import role_create

DEMO_ADMIN_USERNAME = "admin"
DEMO_ADMIN_PASSWORD = "iam-console-demo"

# The demo "AWS account" whose root user signs in to the console (stated in the README).
DEMO_ROOT_EMAIL = "demo@example.com"
DEMO_ROOT_PASSWORD = "Demo-Console-2024!"
DEMO_ACCOUNT_NAME = "IAM Console demo"
DEMO_USERS = [("Ivan", "/developers/"), ("alice", "/")]
DEMO_GROUPS = ["SuperStars", "developers"]
DEMO_MEMBERSHIPS = [("alice", "developers")]
# The demo organization: the demo account manages it; a member account sits in the Sandbox OU, whose
# SCP is the seeds' guardrail.
DEMO_OUS = ["Production", "Sandbox"]
DEMO_MEMBER_NAME = "Demo sandbox"
DEMO_MEMBER_EMAIL = "demo-sandbox@example.com"
DEMO_SCP_NAME = "DenyPublicAccessBlockAndUserChanges"
DEMO_SCP = {
    "Version": "2012-10-17",
    "Statement": [
        {
            "Effect": "Deny",
            "Action": ["s3:PutBucketPublicAccessBlock", "iam:CreateUser", "iam:DeleteUser"],
            "Resource": "*",
        }
    ],
}


class Command(BaseCommand):
    help = "Create the demo content (idempotent): the admin-site superuser and the demo account stated in the README."

    @transaction.atomic
    def handle(self, *args, **options):
        self._admin()
        self._demo_account()

    def _admin(self):
        User = get_user_model()
        admin, created = User.objects.get_or_create(
            username=DEMO_ADMIN_USERNAME,
            defaults={"email": "admin@example.com", "is_staff": True, "is_superuser": True},
        )
        if created:
            admin.set_password(DEMO_ADMIN_PASSWORD)
            admin.save(update_fields=["password"])
            self.stdout.write(f"Created the admin-site superuser {DEMO_ADMIN_USERNAME!r}.")
        else:
            self.stdout.write(f"The admin-site superuser {DEMO_ADMIN_USERNAME!r} already exists; left as is.")

    def _demo_account(self):

        account = Account.objects.filter(root_email__iexact=DEMO_ROOT_EMAIL).first()
        if account is None:
            account = Account.objects.create(
                name=DEMO_ACCOUNT_NAME,
                root_email=DEMO_ROOT_EMAIL,
                root_password=make_password(DEMO_ROOT_PASSWORD),
            )
            self.stdout.write(f"Created the demo account {account.id} (root user {DEMO_ROOT_EMAIL}).")
        else:
            self.stdout.write(f"The demo account {account.id} already exists; adding what it lacks.")
        # The seeds go through the services, as a trainee's clicks would, and leave audit events.
        acting = Acting(account=account, user_agent="load_demo")
        for name, path in DEMO_USERS:
            if not IAMUser.objects.filter(account=account, name__iexact=name).exists():
                user_create(account=account, name=name, path=path, acting=acting)
        for name in DEMO_GROUPS:
            if not Group.objects.filter(account=account, name__iexact=name).exists():
                group_create(account=account, name=name, acting=acting)
        for user_name, group_name in DEMO_MEMBERSHIPS:
            user = IAMUser.objects.get(account=account, name=user_name)
            group = Group.objects.get(account=account, name=group_name)
            if not GroupMembership.objects.filter(user=user, group=group).exists():
                group_add_user(group=group, user=user, acting=acting)
        self._demo_policies(account, acting)
        self._demo_permissions(account, acting)
        self._demo_organization(account, acting)

    def _demo_policies(self, account, acting):
        """The seeds' customer managed policy allow-s3-read, with a second (not default) version."""

        def document(statements):
            return json.dumps({"Version": "2012-10-17", "Statement": statements}, indent=4)

        get_object = {"Effect": "Allow", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::my-bucket/*"}
        list_bucket = {"Effect": "Allow", "Action": "s3:ListBucket", "Resource": "arn:aws:s3:::my-bucket"}
        policy = ManagedPolicy.objects.filter(account=account, name__iexact="allow-s3-read").first()
        if policy is None:
            policy = policy_create(
                account=account,
                name="allow-s3-read",
                description="Read the objects of my-bucket",
                document=document([get_object]),
                acting=acting,
            )
        if policy.next_version_number == 2:  # never had a second version: add one, v1 stays the default
            policy_version_create(policy=policy, document=document([get_object, list_bucket]), acting=acting)

    def _demo_permissions(self, account, acting):
        """The seeds' policies: an inline policy, a group's policy, an EC2 role, a boundary (idempotent)."""

        def document(actions, resource="*"):
            statement = {"Effect": "Allow", "Action": actions, "Resource": resource}
            return json.dumps({"Version": "2012-10-17", "Statement": [statement]}, indent=4)

        def customer_policy(name, text):
            policy = ManagedPolicy.objects.filter(account=account, name__iexact=name).first()
            return policy or policy_create(account=account, name=name, document=text, acting=acting)

        ivan = IAMUser.objects.get(account=account, name="Ivan")
        if not ivan.inline_policies.filter(name="InlineIsBad").exists():
            inline_policy_put(
                name="InlineIsBad", document=document("s3:CreateBucket"), user=ivan, acting=acting
            )
        # allow-s3-read normally comes from the managed policies' seeds above; made here if they are absent.
        allow_s3_read = customer_policy("allow-s3-read", document("s3:GetObject", "arn:aws:s3:::my-bucket/*"))
        developers = Group.objects.get(account=account, name="developers")
        if not developers.attachments.filter(policy=allow_s3_read).exists():
            policy_attach(policy=allow_s3_read, group=developers, acting=acting)

        role = Role.objects.filter(account=account, name__iexact="ec2-s3-read").first()
        if role is None:
            trust = {
                "Version": "2012-10-17",
                "Statement": [
                    {
                        "Effect": "Allow",
                        "Principal": {"Service": "ec2.amazonaws.com"},
                        "Action": "sts:AssumeRole",
                    }
                ],
            }
            role = role_create(
                account=account, name="ec2-s3-read", trust_policy=json.dumps(trust, indent=4), acting=acting
            )
        s3_read_only = ManagedPolicy.objects.filter(
            arn="arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess"
        ).first()
        if s3_read_only is None:
            self.stdout.write(
                "The AWS managed policies are not loaded: ec2-s3-read gets AmazonS3ReadOnlyAccess later."
            )
        elif not role.attachments.filter(policy=s3_read_only).exists():
            policy_attach(policy=s3_read_only, role=role, acting=acting)
        profile = InstanceProfile.objects.filter(account=account, name__iexact="my-ec2-role").first()
        if profile is None:
            profile = instance_profile_create(account=account, name="my-ec2-role", acting=acting)
        if profile.role_id is None:
            instance_profile_add_role(profile=profile, role=role, acting=acting)

        boundary = customer_policy("developer-boundary", document(["s3:*", "ec2:Describe*"]))
        alice = IAMUser.objects.get(account=account, name="alice")
        if alice.permissions_boundary_arn != boundary.arn:
            permissions_boundary_put(policy_arn=boundary.arn, user=alice, acting=acting)

    def _demo_organization(self, account, acting):
        """The seeds' SCP in a small organization: two OUs, a member account in Sandbox (idempotent)."""

        organization = Organization.objects.filter(management_account=account).first()
        if organization is None:
            if Membership.objects.filter(account=account).exists():
                self.stdout.write(
                    "The demo account is a member of another organization: no demo organization."
                )
                return
            organization = services.organization_create(acting=acting)
        if not organization.scp_enabled:
            organization = services.policy_type_enable(
                organization=organization, policy_type=SCP, acting=acting
            )
        units = {}
        for name in DEMO_OUS:
            units[name] = OrganizationalUnit.objects.filter(
                organization=organization, parent=None, name=name
            ).first() or services.ou_create(
                organization=organization, parent_id=organization.root_id, name=name, acting=acting
            )
        member = (
            Membership.objects.select_related("account", "organization")
            .filter(organization=organization, account__root_email__iexact=DEMO_MEMBER_EMAIL)
            .first()
        )
        if member is None:
            member = organizations_flows.account_create_with_access_role(
                organization=organization, name=DEMO_MEMBER_NAME, email=DEMO_MEMBER_EMAIL, acting=acting
            )
            services.account_move(membership=member, destination_id=units["Sandbox"].id, acting=acting)
            self.stdout.write(f"Created the demo member account {member.account_id} ({DEMO_MEMBER_EMAIL}).")
        policy = Policy.objects.filter(organization=organization, type=SCP, name=DEMO_SCP_NAME).first()
        if policy is None:
            policy = services.policy_create(
                organization=organization,
                policy_type=SCP,
                name=DEMO_SCP_NAME,
                description="Deny disabling S3 public access blocks, and creating or deleting IAM users",
                content=json.dumps(DEMO_SCP, separators=(",", ":")),
                acting=acting,
            )
        if not policy.attachments.filter(target_id=units["Sandbox"].id).exists():
            services.policy_attach(
                organization=organization, policy=policy, target_id=units["Sandbox"].id, acting=acting
            )
