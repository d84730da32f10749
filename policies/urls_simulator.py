from django.urls import path

from .views import simulator

urlpatterns = [
    path("policy-simulator/", simulator.simulator_page, name="simulator"),
    path("policy-simulator/runs/<int:pk>/", simulator.simulation_run, name="simulation_run"),
    path("policy-simulator/runs/<int:pk>/csv/", simulator.simulation_run_csv, name="simulation_run_csv"),
]
