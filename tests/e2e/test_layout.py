"""Every console page, as the root user of an account with one of each entity, at 1,280 and 1,920 px:
nothing overflows its container and every form field has a label.

The pages are the URL resolver's, filled from tests/security/surface.py's account, that
iamconsole/enforcement.py registers (PAGES, and the console pages of OPEN) and that answer GET; each
detail page once per tab. Overflow: an element whose content is wider than its box
(`scrollWidth > clientWidth`) unless it, or an ancestor, is meant to scroll (overflow-x auto/scroll) or
to cut its text with an ellipsis; a list's table that needs its sideways scroll at these widths; a row of
buttons that wraps. Labels: an input, select or textarea a person can see must have a
<label>, aria-label or aria-labelledby; a placeholder vanishes once typed in. Screenshots of each page
at each width go to test-artifacts/layout/.
"""

import re

import pytest
from django.contrib.sessions.backends.db import SessionStore
from django.urls import resolve, reverse

from accounts.views.groups import GROUP_TABS
from accounts.views.users import TABS as USER_TABS
from console.http import served_methods
from console.session import SESSION_KEY
from iamconsole.enforcement import OPEN, PAGES
from policies.aws_managed.loader import read_data_file, read_history_file, sync_catalog
from policies.models import ManagedPolicy
from policies.views.policies import DETAIL_TABS as POLICY_TABS
from policies.views.roles import TABS as ROLE_TABS
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
  return {overflows, unlabelled};
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


def test_every_console_page_fits_both_widths_and_labels_its_fields(live_server, browser):
    surface = build_surface(prefix="Layout", caller_name="caller")
    read_only = _aws_managed_policy_with_history()
    session = SessionStore()
    session[SESSION_KEY] = {"account": surface.account.id, "user": None}
    session.create()
    context = browser.new_context(viewport={"width": WIDTHS[0], "height": 900})
    context.add_cookies([{"name": "sessionid", "value": session.session_key, "url": live_server.url}])
    page = context.new_page()
    page.set_default_timeout(10_000)
    folder = ARTIFACTS / "layout"
    folder.mkdir(parents=True, exist_ok=True)

    pages = console_pages(surface)
    detail = reverse("policies:policy_detail", args=[read_only.arn])
    pages.append(("policies:policy_detail-aws-managed", f"{detail}?tab=versions"))
    assert len(pages) > 80  # every registered page, each detail page once per tab
    problems, opened = [], 0
    for index, (url_name, path) in enumerate(pages):
        response = page.goto(live_server.url + path)
        if response.status >= 500:
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
            page.evaluate(CLOSE_DETAILS)
        page.set_viewport_size({"width": WIDTHS[0], "height": 900})
    context.close()

    assert opened == len(pages)
    assert not problems, f"{len(problems)} layout problems:\n" + "\n".join(sorted(set(problems)))
