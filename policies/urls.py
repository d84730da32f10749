# The policies app's URLs are split by area (managed policies, roles, permissions, the visual editor)
# so that each grows independently.
from . import urls_permissions, urls_policies, urls_roles, urls_simulator, urls_visual

app_name = "policies"

urlpatterns = (
    urls_policies.urlpatterns
    + urls_roles.urlpatterns
    + urls_permissions.urlpatterns
    + urls_visual.urlpatterns
    + urls_simulator.urlpatterns
)
