from django.contrib import admin

from .models import Heartbeat


@admin.register(Heartbeat)
class HeartbeatAdmin(admin.ModelAdmin):
    list_display = ["id", "worker", "requested_at", "recorded_at"]
    search_fields = ["worker"]
    date_hierarchy = "recorded_at"
