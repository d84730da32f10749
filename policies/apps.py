from django.apps import AppConfig
from django.db.models.signals import post_delete


class PoliciesConfig(AppConfig):
    name = "policies"
    verbose_name = "Policies"

    def ready(self):
        # A deleted user or role leaves its unique ID in the trust policies that named it, as in IAM.
        # Imported here: models may be imported only once the app registry is ready.
        from accounts.models import IAMUser
        from policies.models import Role
        from policies.services.roles import principal_deleted

        post_delete.connect(principal_deleted, sender=IAMUser, dispatch_uid="policies.user_principal_deleted")
        post_delete.connect(principal_deleted, sender=Role, dispatch_uid="policies.role_principal_deleted")
