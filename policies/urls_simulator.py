from django.urls import path

from .views import simulator

urlpatterns = [
    path("policy-simulator/", simulator.simulator_page, name="simulator"),
]
