from django.contrib import admin

from .models import Classroom, Lab, Seat, Template


@admin.register(Classroom)
class ClassroomAdmin(admin.ModelAdmin):
    list_display = ["name", "instructor", "status", "seat_limit", "created_at"]
    list_filter = ["status"]
    search_fields = ["name", "instructor__email"]


@admin.register(Seat)
class SeatAdmin(admin.ModelAdmin):
    list_display = ["account", "classroom", "student", "status", "created_at"]
    list_filter = ["status"]
    raw_id_fields = ["account", "student", "classroom"]


@admin.register(Template)
class TemplateAdmin(admin.ModelAdmin):
    list_display = ["name", "owner", "entity_count", "created_at"]
    exclude = ["snapshot"]


@admin.register(Lab)
class LabAdmin(admin.ModelAdmin):
    list_display = ["title", "slug", "owner", "pass_percentage"]
    search_fields = ["title", "slug"]
