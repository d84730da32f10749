"""Every console page that lists rows carries a query guard (STYLE habit 10): the tables of each app's
test_queries.py name them, and every other page served by GET says here why it lists nothing that
grows."""

from django.urls import URLPattern, URLResolver, get_resolver

from console.http import served_methods
from tests.accounts.test_queries import PAGES as ACCOUNTS
from tests.identitycenter.test_queries import PAGES as IDENTITY_CENTER
from tests.organizations.test_queries import PAGES as ORGANIZATIONS
from tests.policies.test_queries import PAGES as POLICIES

# Pages served by GET that list nothing that grows with the account, and why.
NOT_LISTS = {
    "dashboard": "counts and aggregates; its queries are compared at 50 and 5,000 users in test_dashboard.py",
    "search": "at most five of each kind; its queries are compared at 50 and 5,000 users in test_search.py",
    "healthz": "shows no account data",
    "accounts:signup": "a form",
    "accounts:signin": "a form",
    "accounts:signin_account": "a form",
    "accounts:signin_root_password": "a form",
    "accounts:signin_mfa": "a form",
    "accounts:signin_new_password": "a form",
    "accounts:forgot_password": "a form",
    "accounts:reset_password": "a form",
    "accounts:change_password": "a form",
    "accounts:account_settings": "the password policy and the alias: one of each",
    "accounts:credential_report": "one report's times; the CSV's queries are compared at 5 and 50 users in "
    "tests/accounts/test_credential_report.py",
    "accounts:password_policy_edit": "a form",
    "accounts:account_alias_edit": "a form (an account has one alias)",
    "accounts:root_mfa_assign": "a form",
    "accounts:root_mfa_resync": "a form for one device",
    "accounts:switch_role": "a form; the recent roles come from the session (five at most)",
    "accounts:user_create_cancel": "a redirect",
    "accounts:user_delete": "counts of the user's keys and groups",
    "accounts:login_profile_manage": "one login profile",
    "accounts:login_profile_password": "one password, shown once",
    "accounts:access_key_create": "a form",
    "accounts:access_key_retrieve": "one secret, shown once",
    "accounts:root_access_key_create": "a form",
    "accounts:user_mfa_assign": "a form",
    "policies:policy_create": "the editor",
    "policies:policy_create_cancel": "a redirect",
    "policies:policy_edit": "the editor of one document",
    "policies:policy_editor": "the editor of one document",
    "policies:role_create_cancel": "a redirect",
    "policies:role_deletion_status": "one task's status",
    "policies:role_edit": "a form",
    "policies:role_trust_edit": "the editor of one document",
    "policies:role_delete": "counts of the role's policies and instance profiles",
    "policies:instance_profile_create": "a form (with at most the one role it is created from)",
    "policies:instance_profile_delete": "a confirmation",
    "policies:identity_provider_create": "a form",
    "policies:identity_provider_delete": "a confirmation",
    "policies:user_permissions_inline": "the editor of one inline policy",
    "policies:group_permissions_inline": "the editor of one inline policy",
    "policies:role_permissions_inline": "the editor of one inline policy",
    "organizations:policies": "the two policy types",
    "organizations:ou_create": "a form",
    "organizations:account_create": "a form",
    "organizations:account_invite": "a form",
    "organizations:policy_create": "the editor",
    "organizations:policy_edit": "the editor of one policy",
    "identitycenter:dashboard": "the instance and three counts",
    "identitycenter:settings": "one instance",
    "identitycenter:permission_set_create": "the wizard; its AWS managed policy table shows at most 25 rows",
    "identitycenter:permission_set_edit": "a form",
    # The classroom portal: its lists are guarded in tests/classrooms/test_portal_queries.py (and the
    # class matrix in test_portal_instructor.py, at 3 and 30 students).
    "classrooms:labs": "guarded in tests/classrooms/test_portal_queries.py",
    "portal:home": "guarded in tests/classrooms/test_portal_queries.py",
    "portal:lab_list": "guarded in tests/classrooms/test_portal_queries.py",
    "portal:classroom_detail": "guarded in tests/classrooms/test_portal_queries.py",
    "portal:classroom_create": "guarded in tests/classrooms/test_portal_queries.py (its labs)",
    "portal:classroom_edit": "guarded in tests/classrooms/test_portal_queries.py (its labs)",
    "portal:classroom_matrix": "guarded in tests/classrooms/test_portal_instructor.py at 3 and 30 students",
    "portal:classroom_matrix_csv": "the matrix's selector, guarded with it",
    "portal:seat_events": "50 events a page, one query for the page and one for its count",
    "portal:job_progress": "one job's results, the classroom's seats read once",
    "portal:template_create": "a form; the linked accounts in one query",
    "portal:signup": "a form",
    "portal:signin": "a form",
    "portal:forgot_password": "a form",
    "portal:reset_password": "a form",
    "portal:join_code": "a form",
    "portal:join_link": "one classroom",
    "portal:account_link": "a form",
    "portal:classroom_close": "a confirmation",
    "portal:lab_create": "a form",
    "portal:lab_detail": "one lab",
    "portal:lab_edit": "a form for one lab",
    # The AWS access portal: its accounts and MFA devices are guarded in tests/identitycenter.
    "sso_portal:start": "guarded in tests/identitycenter/test_portal_accounts.py",
    "sso_portal:mfa_devices": "guarded in tests/identitycenter/test_portal_mfa.py",
    "sso_portal:signin": "a form",
    "sso_portal:signin_password": "a form",
    "sso_portal:signin_mfa": "a form",
    "sso_portal:signin_register_mfa": "a form",
    "sso_portal:signin_new_password": "a form",
    "sso_portal:password_setup": "a form",
    "sso_portal:device": "a form, then one device authorization",
}


def _served_by_get(resolver=None, namespace=None):
    for pattern in (resolver or get_resolver()).url_patterns:
        if isinstance(pattern, URLResolver):
            if pattern.namespace != "admin":  # the admin site's own pages
                yield from _served_by_get(pattern, pattern.namespace or namespace)
        elif (
            isinstance(pattern, URLPattern)
            and pattern.name
            and "GET" in (served_methods(pattern.callback) or ())
        ):
            yield f"{namespace}:{pattern.name}" if namespace else pattern.name


def test_every_page_served_by_get_is_guarded_or_lists_nothing_that_grows():
    served = set(_served_by_get())
    guarded = {page.name for page in ACCOUNTS + POLICIES + ORGANIZATIONS + IDENTITY_CENTER}

    assert sorted(served - guarded - set(NOT_LISTS)) == []
    assert sorted(guarded & set(NOT_LISTS)) == []
    assert sorted((guarded | set(NOT_LISTS)) - served) == []  # nothing stale
