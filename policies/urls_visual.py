from django.urls import path

from .views import visual

urlpatterns = [
    path("policies/editor/", visual.policy_editor, name="policy_editor"),
    path("policies/editor/visual/", visual.visual_editor_update, name="visual_editor_update"),
    path("policies/editor/summary/", visual.policy_summary_view, name="policy_summary"),
]
