from django.apps import AppConfig


class IdentityCenterConfig(AppConfig):
    name = "identitycenter"
    verbose_name = "IAM Identity Center"
