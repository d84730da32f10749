from django.apps import AppConfig
from django.core.servers import basehttp

# The `sso` API (the CLI's SSO profiles) sends its access token in `x-amz-sso_bearer_token`, a header
# name with an underscore. Django's development and live test servers drop every such header (against
# spoofing a dashed name through the underscore's WSGI spelling); this one they keep, as gunicorn does
# with `--header-map dangerous`. It is only ever read as the bearer token of that API.
SSO_BEARER_HEADER = "x-amz-sso_bearer_token"


def _keeping_sso_bearer_token(get_environ):
    def wrapper(handler):
        token = handler.headers.get(SSO_BEARER_HEADER)
        environ = get_environ(handler)
        if token is not None:
            environ["HTTP_X_AMZ_SSO_BEARER_TOKEN"] = token
        return environ

    wrapper.keeps_sso_bearer_token = True
    return wrapper


class IamConsoleConfig(AppConfig):
    name = "iamconsole"
    verbose_name = "IAM Console"

    def ready(self):
        handler = basehttp.WSGIRequestHandler
        if not getattr(handler.get_environ, "keeps_sso_bearer_token", False):
            handler.get_environ = _keeping_sso_bearer_token(handler.get_environ)
