from django.contrib import admin

from .models import (
    InlinePolicy,
    InstanceProfile,
    InstanceProfileTag,
    LastAccessedJob,
    ManagedPolicy,
    OpenIDConnectProvider,
    OpenIDConnectProviderTag,
    PolicyAttachment,
    PolicyTag,
    PolicyVersion,
    Role,
    RoleTag,
    SAMLProvider,
    SAMLProviderTag,
    ServiceLinkedRoleDeletion,
    SimulationRun,
)


class PolicyVersionInline(admin.TabularInline):
    model = PolicyVersion
    extra = 0
    fields = ["number", "created_at"]
    readonly_fields = ["number", "created_at"]


@admin.register(ManagedPolicy)
class ManagedPolicyAdmin(admin.ModelAdmin):
    list_display = ["name", "account", "path", "default_version_number", "updated_at"]
    list_filter = [("account", admin.EmptyFieldListFilter), "path"]
    search_fields = ["name", "arn", "policy_id", "account__id"]
    readonly_fields = ["arn", "policy_id"]
    inlines = [PolicyVersionInline]


@admin.register(PolicyVersion)
class PolicyVersionAdmin(admin.ModelAdmin):
    list_display = ["policy", "number", "created_at"]
    search_fields = ["policy__name", "policy__arn"]


@admin.register(PolicyTag)
class PolicyTagAdmin(admin.ModelAdmin):
    list_display = ["policy", "key", "value"]
    search_fields = ["key", "value", "policy__name"]


@admin.register(Role)
class RoleAdmin(admin.ModelAdmin):
    list_display = ["name", "account", "path", "role_id", "max_session_duration", "created_at"]
    search_fields = ["name", "role_id", "account__id"]
    readonly_fields = ["role_id", "created_at"]


@admin.register(RoleTag)
class RoleTagAdmin(admin.ModelAdmin):
    list_display = ["role", "key", "value"]
    search_fields = ["key", "value", "role__name"]


@admin.register(PolicyAttachment)
class PolicyAttachmentAdmin(admin.ModelAdmin):
    list_display = ["policy", "user", "group", "role", "attached_at"]
    search_fields = ["policy__name", "user__name", "group__name", "role__name"]


@admin.register(InlinePolicy)
class InlinePolicyAdmin(admin.ModelAdmin):
    list_display = ["name", "user", "group", "role", "updated_at"]
    search_fields = ["name", "user__name", "group__name", "role__name"]


@admin.register(InstanceProfile)
class InstanceProfileAdmin(admin.ModelAdmin):
    list_display = ["name", "account", "path", "role", "created_at"]
    search_fields = ["name", "instance_profile_id", "account__id"]


@admin.register(InstanceProfileTag)
class InstanceProfileTagAdmin(admin.ModelAdmin):
    list_display = ["profile", "key", "value"]
    search_fields = ["key", "value", "profile__name"]


@admin.register(OpenIDConnectProvider)
class OpenIDConnectProviderAdmin(admin.ModelAdmin):
    list_display = ["url", "account", "created_at"]
    search_fields = ["url", "account__id"]


@admin.register(OpenIDConnectProviderTag)
class OpenIDConnectProviderTagAdmin(admin.ModelAdmin):
    list_display = ["provider", "key", "value"]
    search_fields = ["key", "value"]


@admin.register(SAMLProvider)
class SAMLProviderAdmin(admin.ModelAdmin):
    list_display = ["name", "account", "created_at"]
    search_fields = ["name", "account__id"]


@admin.register(SAMLProviderTag)
class SAMLProviderTagAdmin(admin.ModelAdmin):
    list_display = ["provider", "key", "value"]
    search_fields = ["key", "value"]


@admin.register(ServiceLinkedRoleDeletion)
class ServiceLinkedRoleDeletionAdmin(admin.ModelAdmin):
    list_display = ["role_name", "account", "status", "created_at", "updated_at"]
    list_filter = ["status"]
    search_fields = ["role_name", "task_id", "account__id"]
    readonly_fields = ["task_id", "created_at", "updated_at"]


@admin.register(SimulationRun)
class SimulationRunAdmin(admin.ModelAdmin):
    list_display = ["pk", "account", "started_by", "status", "done", "total", "created_at", "finished_at"]
    list_filter = ["status"]
    search_fields = ["account__id", "started_by"]
    readonly_fields = ["created_at", "finished_at"]


@admin.register(LastAccessedJob)
class LastAccessedJobAdmin(admin.ModelAdmin):
    list_display = ["job_id", "account", "created_by", "entity_arn", "granularity", "status", "created_at"]
    list_filter = ["status", "granularity"]
    search_fields = ["account__id", "created_by", "entity_arn"]
    readonly_fields = ["job_id", "created_at", "completed_at"]
