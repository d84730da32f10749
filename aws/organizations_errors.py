"""AWS Organizations' typed errors, named and worded as the Organizations API returns them.

They follow aws/errors.py: the console shows `message`; an API would render `code` and `status`.
"""

from aws.errors import AWSError


class OrganizationsError(AWSError):
    status = 400
    sender_fault = True


MANAGEMENT_ONLY = (
    "You don't have permissions to access this resource. "
    "This operation can be called only from the organization's management account."
)


class AccessDeniedException(OrganizationsError):
    code = "AccessDeniedException"
    status = 403


class AWSOrganizationsNotInUseException(OrganizationsError):
    code = "AWSOrganizationsNotInUseException"

    def __init__(self, message="Your account is not a member of an organization."):
        super().__init__(message)


class AlreadyInOrganizationException(OrganizationsError):
    code = "AlreadyInOrganizationException"

    def __init__(self, message="The provided account is already a member of an organization."):
        super().__init__(message)


class OrganizationNotEmptyException(OrganizationsError):
    code = "OrganizationNotEmptyException"

    def __init__(
        self,
        message="To delete an organization you must first remove all member accounts (except the management account).",
    ):
        super().__init__(message)


class ConstraintViolationException(OrganizationsError):
    """`reason` is AWS's ConstraintViolationException.Reason (OU_DEPTH_LIMIT_EXCEEDED, …)."""

    code = "ConstraintViolationException"

    def __init__(self, message, *, reason):
        super().__init__(message)
        self.reason = reason


class InvalidInputException(OrganizationsError):
    code = "InvalidInputException"

    def __init__(self, message, *, reason="INVALID_INPUT"):
        super().__init__(message)
        self.reason = reason


class DuplicateOrganizationalUnitException(OrganizationsError):
    code = "DuplicateOrganizationalUnitException"

    def __init__(self, message="An OU with the same name already exists."):
        super().__init__(message)


class OrganizationalUnitNotEmptyException(OrganizationsError):
    code = "OrganizationalUnitNotEmptyException"

    def __init__(
        self,
        message=(
            "The specified OU is not empty. Move all accounts to another root or OU and delete all "
            "child OUs, then try the operation again."
        ),
    ):
        super().__init__(message)


class OrganizationalUnitNotFoundException(OrganizationsError):
    code = "OrganizationalUnitNotFoundException"

    def __init__(self, message="You specified an organizational unit that doesn't exist."):
        super().__init__(message)


class ParentNotFoundException(OrganizationsError):
    code = "ParentNotFoundException"

    def __init__(self, message="You specified parent that doesn't exist."):
        super().__init__(message)


class DestinationParentNotFoundException(OrganizationsError):
    code = "DestinationParentNotFoundException"

    def __init__(self, message="You specified a destination parent that doesn't exist."):
        super().__init__(message)


class AccountNotFoundException(OrganizationsError):
    code = "AccountNotFoundException"

    def __init__(self, message="You specified an account that doesn't exist."):
        super().__init__(message)


class DuplicateAccountException(OrganizationsError):
    code = "DuplicateAccountException"

    def __init__(self, message="That account is already present in the specified destination."):
        super().__init__(message)


class MasterCannotLeaveOrganizationException(OrganizationsError):
    code = "MasterCannotLeaveOrganizationException"

    def __init__(
        self,
        message=(
            "You can't remove a management account from an organization. If you want the management "
            "account to become a member account in another organization, you must first delete the "
            "current organization."
        ),
    ):
        super().__init__(message)


class TargetNotFoundException(OrganizationsError):
    code = "TargetNotFoundException"

    def __init__(self, message="You specified a target that doesn't exist."):
        super().__init__(message)


class PolicyNotFoundException(OrganizationsError):
    code = "PolicyNotFoundException"

    # The API reference's words, which UpdatePolicy, DeletePolicy, AttachPolicy and DetachPolicy answer;
    # DescribePolicy and ListTargetsForPolicy say MISSING_POLICY (iamconsole/aws_api/organizations).
    def __init__(self, message="We can't find a policy with the PolicyId that you specified."):
        super().__init__(message)


class DuplicatePolicyException(OrganizationsError):
    code = "DuplicatePolicyException"

    def __init__(self, message="A policy with the same name already exists."):
        super().__init__(message)


class DuplicatePolicyAttachmentException(OrganizationsError):
    code = "DuplicatePolicyAttachmentException"

    def __init__(self, message="The selected policy is already attached to the specified target."):
        super().__init__(message)


class PolicyNotAttachedException(OrganizationsError):
    code = "PolicyNotAttachedException"

    def __init__(self, message="The policy isn't attached to the specified target in the specified root."):
        super().__init__(message)


class PolicyInUseException(OrganizationsError):
    code = "PolicyInUseException"

    def __init__(
        self,
        message=(
            "The policy is attached to one or more entities. You must detach it from all roots, OUs, "
            "and accounts before performing this operation."
        ),
    ):
        super().__init__(message)


class PolicyTypeNotEnabledException(OrganizationsError):
    code = "PolicyTypeNotEnabledException"

    def __init__(self, message="This operation can be performed only for enabled policy types."):
        super().__init__(message)


class PolicyTypeAlreadyEnabledException(OrganizationsError):
    code = "PolicyTypeAlreadyEnabledException"

    def __init__(self, message="The specified policy type is already enabled."):
        super().__init__(message)


class MalformedPolicyDocumentException(OrganizationsError):
    code = "MalformedPolicyDocumentException"


class HandshakeNotFoundException(OrganizationsError):
    code = "HandshakeNotFoundException"

    def __init__(self, message="You specified a handshake that doesn't exist."):
        super().__init__(message)


class HandshakeConstraintViolationException(OrganizationsError):
    code = "HandshakeConstraintViolationException"

    def __init__(self, message, *, reason):
        super().__init__(message)
        self.reason = reason


class DuplicateHandshakeException(OrganizationsError):
    code = "DuplicateHandshakeException"

    def __init__(self, message="A handshake with the same action and target already exists."):
        super().__init__(message)


class InvalidHandshakeTransitionException(OrganizationsError):
    code = "InvalidHandshakeTransitionException"

    def __init__(self, message="You can't perform the operation on the handshake in its current state."):
        super().__init__(message)


class AccountAlreadyRegisteredException(OrganizationsError):
    code = "AccountAlreadyRegisteredException"

    def __init__(
        self,
        message="The provided account is already a delegated administrator for your organization.",
    ):
        super().__init__(message)


class AccountNotRegisteredException(OrganizationsError):
    code = "AccountNotRegisteredException"

    def __init__(
        self,
        message="The provided account is not a registered delegated administrator for your organization.",
    ):
        super().__init__(message)


# The messages below follow the errors above ("You specified … that doesn't exist."); AWS's exact words
# for these are unconfirmed.
class ChildNotFoundException(OrganizationsError):
    code = "ChildNotFoundException"

    def __init__(self, message="You specified a child that doesn't exist."):
        super().__init__(message)


class RootNotFoundException(OrganizationsError):
    code = "RootNotFoundException"

    def __init__(self, message="You specified a root that doesn't exist."):
        super().__init__(message)


class SourceParentNotFoundException(OrganizationsError):
    code = "SourceParentNotFoundException"

    def __init__(self, message="You specified a source parent that doesn't exist."):
        super().__init__(message)


class CreateAccountStatusNotFoundException(OrganizationsError):
    code = "CreateAccountStatusNotFoundException"

    def __init__(self, message="You specified an account creation request that doesn't exist."):
        super().__init__(message)


class EffectivePolicyNotFoundException(OrganizationsError):
    code = "EffectivePolicyNotFoundException"

    def __init__(self, message="No effective policy of this type exists for this account."):
        super().__init__(message)


class AccountAlreadyClosedException(OrganizationsError):
    code = "AccountAlreadyClosedException"

    def __init__(self, message="The provided account is already closed."):
        super().__init__(message)


class ResourcePolicyNotFoundException(OrganizationsError):
    code = "ResourcePolicyNotFoundException"

    def __init__(
        self, message="We can't find a resource policy request with the parameter that you specified."
    ):
        super().__init__(message)
