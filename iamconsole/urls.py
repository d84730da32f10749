from django.contrib import admin
from django.urls import include, path

from . import views

admin.site.site_header = "IAM Console administration"
admin.site.site_title = "IAM Console admin"
admin.site.index_title = "Site administration"

urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("healthz", views.healthz, name="healthz"),
    path("search/", views.search, name="search"),
    path("admin/", admin.site.urls),
    path("", include("accounts.urls")),
    path("", include("policies.urls")),
    path("", include("organizations.urls")),
    path("", include("classrooms.urls")),
    path("", include("classrooms.console_urls")),
    path("start/", include("identitycenter.portal_urls")),
    path("", include("identitycenter.console_urls")),
]
