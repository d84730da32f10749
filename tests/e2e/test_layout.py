"""Every console page, as the root user of an account with one of each entity, at 1,280 and 1,920 px:
nothing overflows its container and every form field has a label.

The pages are the URL resolver's, filled from tests/security/surface.py's account, that
iamconsole/enforcement.py registers (PAGES, and the console pages of OPEN) and that answer GET; each
detail page once per tab; each must answer 200 (a page that needs a query or a state the surface lacks
gets them: two versions to compare, a deletion task, a classroom seat for the Labs page). Overflow: an element whose content is wider than its box
(`scrollWidth > clientWidth`) unless it, or an ancestor, is meant to scroll (overflow-x auto/scroll) or
to cut its text with an ellipsis; a list's table that needs its sideways scroll at these widths; a row of
buttons that wraps. Labels: an input, select or textarea a person can see must have a
<label>, aria-label or aria-labelledby; a placeholder vanishes once typed in. A search box's icon
must not sit under its text. A list's bulk action (Delete, Remove, Detach, Attach …) must be disabled
while none of its rows is ticked. Screenshots of each page at each width go to test-artifacts/layout/
(emptied first; CI leaves the folder in the checkout).
"""

import re
import shutil
from urllib.parse import urlencode

import pytest
from django.contrib.sessions.backends.db import SessionStore
from django.urls import resolve, reverse

from access.acting import Acting
from accounts.views.groups import GROUP_TABS
from accounts.views.users import TABS as USER_TABS
from classrooms.checks import read_lab_file, shipped_lab_paths, stored_fields
from classrooms.models import ClassroomLab, Lab
from console.http import served_methods
from console.session import SESSION_KEY
from iamconsole.enforcement import OPEN, PAGES
from policies.aws_managed.loader import read_data_file, read_history_file, sync_catalog
from policies.models import ManagedPolicy
from policies.services.roles import service_linked_role_create, service_linked_role_delete
from policies.views.policies import DETAIL_TABS as POLICY_TABS
from policies.views.roles import TABS as ROLE_TABS
from tests.classrooms.factories import SeatFactory
from tests.security.surface import build_surface, url_cases

from .conftest import ARTIFACTS

pytestmark = pytest.mark.django_db(transaction=True)

WIDTHS = (1280, 1920)

# OPEN's pages that are not the root user's console pages: the signed-out flows, a sign-out, the
# health check, an IAM user's own password page, and the helpers that answer fragments.
NOT_CONSOLE_PAGES = {
    "healthz",
    "accounts:signup",
    "accounts:signin",
    "accounts:signin_root_password",
    "accounts:signin_mfa",
    "accounts:signin_new_password",
    "accounts:forgot_password",
    "accounts:reset_password",
    "accounts:signin_account",
    "accounts:signout",
    "accounts:change_password",
    "accounts:switch_back",
    "accounts:switch_role_recent",
    "accounts:access_key_retrieve",
    "accounts:login_profile_password",
    "accounts:user_create_cancel",
    "policies:policy_create_cancel",
    "policies:role_create_cancel",
    "policies:policy_validate",
    "policies:policy_editor",
    "policies:visual_editor_update",
    "policies:policy_summary",
    "policies:policy_picker",
}
DOWNLOADS = re.compile(r"_download$|_csv$")
TABS = {
    "accounts:user_detail": USER_TABS,
    "accounts:group_detail": GROUP_TABS,
    "policies:role_detail": ROLE_TABS,
    "policies:policy_detail": POLICY_TABS,
}

# What overflows, and which fields have no label, in the page as the browser laid it out.
CHECK = r"""() => {
  const scrolls = (el) => ['auto', 'scroll'].includes(getComputedStyle(el).overflowX);
  // A closed <details> keeps boxes for its content but shows none of it (its open state is checked
  // after the page's own, with every <details> opened).
  const shown = (el) => el.getClientRects().length > 0 && getComputedStyle(el).visibility !== 'hidden'
    && !el.closest('details:not([open]) > :not(summary)');
  const name = (el) => el.tagName.toLowerCase() + (el.id ? '#' + el.id : '')
    + (el.classList.length ? '.' + [...el.classList].join('.') : '')
    + (el.getAttribute('name') ? `[name=${el.getAttribute('name')}]` : '');
  const overflows = [];
  const root = document.documentElement;
  if (root.scrollWidth > root.clientWidth + 1) {
    overflows.push(`the page scrolls sideways (${root.scrollWidth} > ${root.clientWidth})`);
  }
  for (const el of document.querySelectorAll('body *')) {
    // clientWidth 1: a visually-hidden label, there for screen readers.
    if (!shown(el) || el.clientWidth <= 1 || el.scrollWidth <= el.clientWidth + 1) continue;
    const style = getComputedStyle(el);
    if (style.display === 'inline' || style.textOverflow === 'ellipsis') continue;
    if (['PRE', 'TEXTAREA', 'CODE', 'SELECT', 'INPUT'].includes(el.tagName)) continue;
    if (el.ownerSVGElement) continue;  // an SVG's shapes and text are drawn, not laid out in boxes
    let meant = false;
    for (let node = el; node && node !== document.body; node = node.parentElement) {
      if (scrolls(node)) { meant = true; break; }
    }
    if (!meant) overflows.push(`${name(el)} (${el.scrollWidth} > ${el.clientWidth}): `
      + (el.innerText || '').trim().slice(0, 60).replace(/\s+/g, ' '));
  }
  // A table wider than the console's content at these widths hides its last columns behind a scroll.
  for (const wrap of document.querySelectorAll('.table-wrap')) {
    if (shown(wrap) && wrap.scrollWidth > wrap.clientWidth + 1) {
      overflows.push(`${name(wrap)} (${wrap.scrollWidth} > ${wrap.clientWidth}): a table scrolls sideways`);
    }
  }
  // A row of buttons that wraps onto a second line.
  for (const row of document.querySelectorAll('.panel-actions, .form-actions, .wizard-actions')) {
    const boxes = [...row.children].filter(shown).map((child) => child.getBoundingClientRect());
    // Buttons of different heights sit side by side; a wrapped one starts below another's bottom.
    if (shown(row) && boxes.length > 1
        && Math.max(...boxes.map((box) => box.top)) >= Math.min(...boxes.map((box) => box.bottom))) {
      overflows.push(`${name(row)}: its buttons wrap onto a second line: `
        + (row.innerText || '').trim().replace(/\s+/g, ' ').slice(0, 80));
    }
  }
  const unlabelled = [];
  for (const el of document.querySelectorAll('input, select, textarea')) {
    if (['hidden', 'submit', 'button', 'reset', 'image'].includes(el.type) || !shown(el)) continue;
    const labelled = [...(el.labels || [])].some((label) => label.innerText.trim())
      || (el.getAttribute('aria-label') || '').trim()
      || (el.getAttribute('aria-labelledby') || '').split(/\s+/).some(
        (id) => id && document.getElementById(id) && document.getElementById(id).innerText.trim())
      || (el.getAttribute('title') || '').trim();
    if (!labelled) unlabelled.push(name(el) + (el.placeholder ? ` (placeholder "${el.placeholder}")` : ''));
  }
  // A search box's magnifier icon (its background image) needs room left of the text typed in.
  for (const el of document.querySelectorAll('input')) {
    const style = getComputedStyle(el);
    if (shown(el) && style.backgroundImage !== 'none' && parseFloat(style.paddingLeft) < 26) {
      overflows.push(`${name(el)}: its icon overlaps its text (padding-left ${style.paddingLeft})`);
    }
  }
  // A bulk action (Delete, Remove, Detach, Attach …) of a list whose rows have check boxes acts on
  // the ticked rows: it waits, disabled, while none is ticked.
  const idle = [];
  const bulk = /^(Delete|Remove|Detach|Attach|Add users?\b|Compare|Set as default)/;
  for (const form of document.querySelectorAll('form')) {
    const rows = [...form.querySelectorAll('tbody input[type=checkbox], .checklist input[type=checkbox]')]
      .filter((box) => !box.disabled);
    const chosen = rows.some((box) => box.checked) || form.querySelector('input[type=hidden][data-selected]');
    if (!rows.length || chosen) continue;
    for (const button of form.elements) {
      if (button.type !== 'submit' || button.disabled || !shown(button)) continue;
      if (bulk.test((button.innerText || button.value || '').trim())) idle.push(name(button) + ' ' + button.innerText.trim());
    }
  }
  return {overflows, unlabelled, idle};
}"""


# Opens the page's closed <details> (confirmations, expandable rows) and says how many it opened.
OPEN_DETAILS = """() => {
  const closed = [...document.querySelectorAll('details:not([open])')];
  closed.forEach((details) => { details.dataset.layoutOpened = '1'; details.open = true; });
  return closed.length;
}"""
CLOSE_DETAILS = """() => document.querySelectorAll('details[data-layout-opened]').forEach((details) => {
  details.open = false; delete details.dataset.layoutOpened;
})"""


def console_pages(surface):
    """(name for the artifacts, path) of every console page the root user of the surface opens."""
    pages = []
    for url_name, path in url_cases(surface):
        if url_name not in PAGES and (url_name not in OPEN or url_name in NOT_CONSOLE_PAGES):
            continue
        if DOWNLOADS.search(url_name) or "GET" not in (served_methods(resolve(path).func) or ()):
            continue
        for tab, _label in TABS.get(url_name, [(None, None)]):
            pages.append((url_name, f"{path}?tab={tab}" if tab else path))
    return pages


def _aws_managed_policy_with_history():
    """ReadOnlyAccess with its recorded versions (the versions tab's longest table), without loading
    the whole catalog."""
    entries = [entry for entry in read_data_file() if entry["name"] == "ReadOnlyAccess"]
    sync_catalog(entries, {"ReadOnlyAccess": read_history_file()["ReadOnlyAccess"]})
    return ManagedPolicy.objects.get(name="ReadOnlyAccess", account=None)


def _slug(url_name, path):
    tab = path.split("?tab=", 1)[1] if "?tab=" in path else ""
    return re.sub(r"[^A-Za-z0-9]+", "-", f"{url_name}-{tab}").strip("-")


def _signed_in(context, live_server, account):
    """The browser context signed in as the account's root user (its one session cookie replaced)."""
    session = SessionStore()
    session[SESSION_KEY] = {"account": account.id, "user": None}
    session.create()
    context.add_cookies([{"name": "sessionid", "value": session.session_key, "url": live_server.url}])


def _query_pages(surface):
    """The pages that show something only for a query or a state the surface lacks: two versions
    compared, a service-linked role's deletion task (run inline here), and a classroom seat's Labs page
    (opened as the seat's account)."""
    acting = Acting(account=surface.account, source_ip="198.51.100.20", user_agent="layout")
    role = service_linked_role_create(
        account=surface.account, aws_service_name="autoscaling.amazonaws.com", acting=acting
    )
    deletion = service_linked_role_delete(role=role, acting=acting)
    compare = reverse("policies:policy_compare", args=[surface.policy.arn])
    status = reverse("policies:role_deletion_status")
    lab = Lab.objects.create(owner=None, **stored_fields(read_lab_file(shipped_lab_paths()[0])))
    seat = SeatFactory()
    ClassroomLab.objects.create(classroom=seat.classroom, lab=lab, position=0)
    return {
        "policies:policy_compare": (None, f"{compare}?left=v1&right=v2"),
        "policies:role_deletion_status": (None, f"{status}?{urlencode({'task': deletion.task_id})}"),
        "classrooms:labs": (seat.account, reverse("classrooms:labs")),
    }


def test_every_console_page_fits_both_widths_and_labels_its_fields(live_server, browser):
    surface = build_surface(prefix="Layout", caller_name="caller")
    read_only = _aws_managed_policy_with_history()
    context = browser.new_context(viewport={"width": WIDTHS[0], "height": 900})
    page = context.new_page()
    page.set_default_timeout(10_000)
    folder = ARTIFACTS / "layout"
    shutil.rmtree(folder, ignore_errors=True)  # this run's screenshots only, numbered as opened
    folder.mkdir(parents=True)

    queried = _query_pages(surface)
    pages = [(url_name, surface.account, path) for url_name, path in console_pages(surface)]
    # Those pages answer 404 without their query: opened with it instead (a seat's as the seat).
    pages = [(url_name, *queried.get(url_name, (account, path))) for url_name, account, path in pages]
    pages = [(url_name, account or surface.account, path) for url_name, account, path in pages]
    detail = reverse("policies:policy_detail", args=[read_only.arn])
    pages.append(("policies:policy_detail-aws-managed", surface.account, f"{detail}?tab=versions"))
    assert len(pages) > 80  # every registered page, each detail page once per tab
    assert set(queried) <= {url_name for url_name, _, _ in pages}
    problems, opened, signed_in = [], 0, None
    # The surface's pages first, then the seat's.
    for index, (url_name, account, path) in enumerate(sorted(pages, key=lambda p: p[1] != surface.account)):
        if account != signed_in:
            _signed_in(context, live_server, account)
            signed_in = account
        response = page.goto(live_server.url + path)
        if response.status != 200:
            problems.append(f"{path}: HTTP {response.status}")
            continue
        opened += 1
        for width in WIDTHS:
            page.set_viewport_size({"width": width, "height": 900})
            name = f"{index:03d}-{_slug(url_name, path)}-{width}"
            page.screenshot(path=str(folder / f"{name}.png"), full_page=True)
            for opened_details in (False, True):
                if opened_details and not page.evaluate(OPEN_DETAILS):
                    break
                found = page.evaluate(CHECK)
                where = f"{path} at {width} px{' with its <details> open' if opened_details else ''}"
                problems += [f"{where}: overflows {item}" for item in found["overflows"]]
                problems += [f"{where}: no label for {item}" for item in found["unlabelled"]]
                problems += [f"{where}: enabled with nothing selected: {item}" for item in found["idle"]]
            page.evaluate(CLOSE_DETAILS)
        page.set_viewport_size({"width": WIDTHS[0], "height": 900})
    context.close()

    assert not problems, f"{len(problems)} layout problems:\n" + "\n".join(sorted(set(problems)))
    assert opened == len(pages)
