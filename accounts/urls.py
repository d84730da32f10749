# The accounts app's URLs are split by area so that sign-in and identity pages grow independently.
from . import urls_events, urls_identities, urls_signin

app_name = "accounts"

urlpatterns = urls_signin.urlpatterns + urls_identities.urlpatterns + urls_events.urlpatterns
