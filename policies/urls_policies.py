from django.urls import path

from .views import policies

# As the console's addresses (#/policies/details/ARN), a policy is named by its ARN, last in the URL
# because ARNs hold slashes.
urlpatterns = [
    path("policies/", policies.policy_list, name="policy_list"),
    path("policies/create/", policies.policy_create, name="policy_create"),
    path("policies/create/cancel/", policies.policy_create_cancel, name="policy_create_cancel"),
    path("policies/validate/", policies.policy_validate, name="policy_validate"),
    path("policies/details/<path:arn>", policies.policy_detail, name="policy_detail"),
    path("policies/edit/<path:arn>", policies.policy_edit, name="policy_edit"),
    path("policies/versions/<path:arn>", policies.policy_versions, name="policy_versions"),
    path("policies/compare/<path:arn>", policies.policy_compare, name="policy_compare"),
    path("policies/tags/<path:arn>", policies.policy_tags, name="policy_tags"),
    path("policies/delete/<path:arn>", policies.policy_delete, name="policy_delete"),
]
