"""The tag editor every Tags tab and wizard shares: its rows as posted, its Remove buttons, and a Tags
tab's Edit / Add tag / Remove / Save."""

from django.contrib import messages
from django.shortcuts import redirect

from aws.errors import AWSError
from aws.names import validate_tags
from aws.params import ascii_int


def remove_tag_row(tags, action):
    """The tag editor's "Remove" of row N (action remove_tag_N); any other N removes nothing."""
    index = ascii_int(action.removeprefix("remove_tag_"))
    if index is not None and index < len(tags):
        del tags[index]


def parse_tags(data):
    """The tag editor's rows (tag_key / tag_value lists) as (key, value) pairs and the first error."""
    keys = data.getlist("tag_key")
    values = data.getlist("tag_value")
    tags = [
        (key.strip(), value)
        for key, value in zip(keys, values + [""] * (len(keys) - len(values)), strict=False)
    ]
    filled = [(key, value) for key, value in tags if key or value]
    try:
        validate_tags(filled)
    except AWSError as exc:
        return tags, exc.message
    return tags, ""


def tags_editor_post(request, *, render_tab, replace, saved_url):
    """A Tags tab's editor, posted: Edit, Add tag and Remove (row N) redraw it (`render_tab(**extra)`);
    Save hands the filled rows to `replace(tags)` (the entity's tag-set flow), shows AWS's refusal in
    the editor, or says "Tags saved." and shows the tab again (`saved_url` for a plain form)."""
    tags, error = parse_tags(request.POST)
    action = request.POST.get("action", "save")
    if action == "edit":
        return render_tab(editing=True)
    if action == "add_tag":
        tags.append(("", ""))
        return render_tab(editing=True, draft_tags=tags)
    if action.startswith("remove_tag_"):
        remove_tag_row(tags, action)
        return render_tab(editing=True, draft_tags=tags)
    if not error:
        try:
            replace([(key, value) for key, value in tags if key or value])
        except AWSError as exc:
            error = exc.message
    if error:
        return render_tab(status=422, editing=True, draft_tags=tags, error=error)
    messages.success(request, "Tags saved.")
    if request.htmx:
        return render_tab()
    return redirect(saved_url)
