from django.contrib import admin

from .models import (
    CreateAccountStatus,
    DelegatedAdministrator,
    Handshake,
    Membership,
    Organization,
    OrganizationalUnit,
    Policy,
    PolicyAttachment,
    ResourceTag,
)


@admin.register(Organization)
class OrganizationAdmin(admin.ModelAdmin):
    list_display = ["id", "root_id", "management_account", "scp_enabled", "rcp_enabled", "created_at"]
    search_fields = ["id", "management_account__id", "management_account__name"]


@admin.register(OrganizationalUnit)
class OrganizationalUnitAdmin(admin.ModelAdmin):
    list_display = ["id", "name", "organization", "parent"]
    search_fields = ["id", "name"]


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin):
    list_display = ["account", "organization", "parent", "joined_method", "joined_at"]
    search_fields = ["account__id", "account__name"]


@admin.register(Policy)
class PolicyAdmin(admin.ModelAdmin):
    list_display = ["id", "name", "type", "organization"]
    list_filter = ["type"]
    search_fields = ["id", "name"]


@admin.register(PolicyAttachment)
class PolicyAttachmentAdmin(admin.ModelAdmin):
    list_display = ["policy", "target_id", "organization", "attached_at"]


@admin.register(Handshake)
class HandshakeAdmin(admin.ModelAdmin):
    list_display = ["id", "organization", "account", "state", "requested_at", "expires_at"]
    list_filter = ["state"]


@admin.register(ResourceTag)
class ResourceTagAdmin(admin.ModelAdmin):
    list_display = ["resource_id", "key", "value", "organization"]
    search_fields = ["resource_id", "key"]


@admin.register(CreateAccountStatus)
class CreateAccountStatusAdmin(admin.ModelAdmin):
    list_display = ["id", "account_name", "state", "account", "failure_reason", "requested_at"]
    list_filter = ["state"]


@admin.register(DelegatedAdministrator)
class DelegatedAdministratorAdmin(admin.ModelAdmin):
    list_display = ["account", "service_principal", "organization", "delegated_at"]
    search_fields = ["account__id", "service_principal"]
