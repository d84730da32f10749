from django.contrib import admin

from .models import (
    AccessKey,
    Account,
    AuditEvent,
    AuditEventResource,
    CredentialReport,
    Group,
    GroupMembership,
    IAMUser,
    LoginProfile,
    MFADevice,
    MFADeviceTag,
    PasswordHistory,
    PasswordPolicy,
    ServerCertificate,
    ServerCertificateTag,
    ServiceLastAccess,
    ServiceSpecificCredential,
    SignInFailure,
    SigningCertificate,
    SSHPublicKey,
    TemporaryCredential,
    UserTag,
)


@admin.register(Account)
class AccountAdmin(admin.ModelAdmin):
    list_display = ["id", "name", "alias", "root_email", "created_at"]
    search_fields = ["id", "name", "alias", "root_email"]
    readonly_fields = ["id", "root_password", "created_at"]


@admin.register(PasswordPolicy)
class PasswordPolicyAdmin(admin.ModelAdmin):
    list_display = [
        "account",
        "minimum_password_length",
        "max_password_age",
        "password_reuse_prevention",
        "hard_expiry",
    ]
    search_fields = ["account__id", "account__alias"]


@admin.register(PasswordHistory)
class PasswordHistoryAdmin(admin.ModelAdmin):
    list_display = ["user", "created_at"]
    search_fields = ["user__name", "user__account__id"]
    readonly_fields = ["password"]


class UserTagInline(admin.TabularInline):
    model = UserTag
    extra = 0


@admin.register(IAMUser)
class IAMUserAdmin(admin.ModelAdmin):
    list_display = ["name", "account", "path", "user_id", "created_at", "password_last_used_at"]
    list_filter = ["path"]
    search_fields = ["name", "user_id", "account__id", "account__alias"]
    readonly_fields = ["user_id", "created_at"]
    inlines = [UserTagInline]


@admin.register(UserTag)
class UserTagAdmin(admin.ModelAdmin):
    list_display = ["user", "key", "value"]
    search_fields = ["key", "value", "user__name"]


@admin.register(Group)
class GroupAdmin(admin.ModelAdmin):
    list_display = ["name", "account", "path", "group_id", "created_at"]
    search_fields = ["name", "group_id", "account__id", "account__alias"]
    readonly_fields = ["group_id", "created_at"]


@admin.register(GroupMembership)
class GroupMembershipAdmin(admin.ModelAdmin):
    list_display = ["user", "group", "added_at"]
    search_fields = ["user__name", "group__name"]


@admin.register(LoginProfile)
class LoginProfileAdmin(admin.ModelAdmin):
    list_display = ["user", "password_reset_required", "password_changed_at", "created_at"]
    search_fields = ["user__name", "user__account__id"]
    readonly_fields = ["password"]


@admin.register(AccessKey)
class AccessKeyAdmin(admin.ModelAdmin):
    list_display = ["access_key_id", "account", "user", "status", "created_at", "last_used_at"]
    list_filter = ["status"]
    search_fields = ["access_key_id", "user__name", "account__id"]
    # The secret is encrypted and never shown again, not even here.
    exclude = ["secret_encrypted"]
    readonly_fields = ["access_key_id", "created_at"]


@admin.register(MFADevice)
class MFADeviceAdmin(admin.ModelAdmin):
    list_display = ["name", "account", "user", "enabled_at", "created_at"]
    search_fields = ["name", "user__name", "account__id"]
    exclude = ["seed_encrypted"]


@admin.register(AuditEvent)
class AuditEventAdmin(admin.ModelAdmin):
    list_display = [
        "event_time",
        "event_name",
        "event_source",
        "user_name",
        "account",
        "source_ip_address",
        "error_code",
    ]
    list_filter = ["event_source", "read_only"]
    search_fields = ["event_name", "user_name", "account__id", "error_code"]
    readonly_fields = [f.name for f in AuditEvent._meta.fields]


@admin.register(CredentialReport)
class CredentialReportAdmin(admin.ModelAdmin):
    # GenerateCredentialReport writes it; deleting one lets the next request generate a new report.
    list_display = ["account", "state", "started_at", "generated_at"]
    list_filter = ["state"]
    search_fields = ["account__id"]
    readonly_fields = [f.name for f in CredentialReport._meta.fields]


@admin.register(AuditEventResource)
class AuditEventResourceAdmin(admin.ModelAdmin):
    # Written with their event (Event history's "Resource name" index); read here, never edited.
    list_display = ["name", "event"]
    search_fields = ["name"]
    list_select_related = ["event"]
    readonly_fields = ["name", "event"]


@admin.register(ServiceLastAccess)
class ServiceLastAccessAdmin(admin.ModelAdmin):
    # Written with each event (Access Advisor's rollup); read here, never edited.
    list_display = ["principal_id", "event_source", "event_name", "aws_region", "last_accessed", "account"]
    list_filter = ["event_source"]
    search_fields = ["principal_id", "event_name", "account__id"]
    readonly_fields = [f.name for f in ServiceLastAccess._meta.fields]


@admin.register(SignInFailure)
class SignInFailureAdmin(admin.ModelAdmin):
    # Deleting rows here lifts a sign-in pause early.
    list_display = ["identity", "source_ip", "created_at"]
    search_fields = ["identity", "source_ip"]
    readonly_fields = ["identity", "source_ip", "created_at"]


@admin.register(TemporaryCredential)
class TemporaryCredentialAdmin(admin.ModelAdmin):
    list_display = [
        "access_key_id",
        "account",
        "user",
        "role",
        "role_session_name",
        "issued_at",
        "expiration",
    ]
    list_filter = ["mfa_authenticated", "chained"]
    search_fields = ["access_key_id", "account__id", "user__name", "role__name", "role_session_name"]
    readonly_fields = ["access_key_id", "secret_encrypted", "session_token_hash", "issued_at", "created_at"]


@admin.register(SSHPublicKey)
class SSHPublicKeyAdmin(admin.ModelAdmin):
    list_display = ["key_id", "account", "user", "status", "uploaded_at"]
    list_filter = ["status"]
    search_fields = ["key_id", "user__name", "account__id", "fingerprint"]
    readonly_fields = ["key_id", "fingerprint", "uploaded_at"]


@admin.register(SigningCertificate)
class SigningCertificateAdmin(admin.ModelAdmin):
    list_display = ["certificate_id", "account", "user", "status", "uploaded_at"]
    list_filter = ["status"]
    search_fields = ["certificate_id", "user__name", "account__id"]
    readonly_fields = ["certificate_id", "fingerprint", "uploaded_at"]


@admin.register(ServerCertificate)
class ServerCertificateAdmin(admin.ModelAdmin):
    list_display = ["name", "account", "path", "server_certificate_id", "expires_at", "uploaded_at"]
    search_fields = ["name", "server_certificate_id", "account__id"]
    # The private key never leaves the service, not even to the admin site.
    exclude = ["private_key"]
    readonly_fields = ["server_certificate_id", "body", "chain", "expires_at", "uploaded_at"]


@admin.register(MFADeviceTag)
class MFADeviceTagAdmin(admin.ModelAdmin):
    list_display = ["device", "key", "value"]
    search_fields = ["key", "value", "device__name"]


@admin.register(ServerCertificateTag)
class ServerCertificateTagAdmin(admin.ModelAdmin):
    list_display = ["certificate", "key", "value"]
    search_fields = ["key", "value", "certificate__name"]


@admin.register(ServiceSpecificCredential)
class ServiceSpecificCredentialAdmin(admin.ModelAdmin):
    list_display = ["credential_id", "account", "user", "service_name", "status", "created_at"]
    list_filter = ["status", "service_name"]
    search_fields = ["credential_id", "service_user_name", "user__name", "account__id"]
    # The password is hashed and was shown once; the admin does not show even the hash.
    exclude = ["password"]
    readonly_fields = ["credential_id", "service_user_name", "created_at"]
