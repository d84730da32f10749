"""A lab's instructions, written in Markdown by an instructor, as HTML a student's browser may show:
no raw HTML passes (it is escaped as text), and links and images go only to http, https or a
relative address (no javascript:, data: or vbscript: URL)."""

from urllib.parse import urlsplit

from markdown_it import MarkdownIt

SAFE_SCHEMES = {"http", "https"}


def _safe_link(url):
    scheme = urlsplit(url.strip()).scheme.lower()
    # A relative address has no scheme: "/policies", "#step-2", "users?page=2".
    return scheme in SAFE_SCHEMES if scheme else not url.strip().startswith("//")


def _parser():
    md = MarkdownIt("commonmark", {"html": False, "linkify": False, "typographer": False})
    md.enable("table").enable("strikethrough")
    md.validateLink = _safe_link
    return md


_MD = _parser()


def render_markdown(text):
    """Safe HTML for Markdown `text` (raw HTML escaped, unsafe links left as plain text)."""
    return _MD.render(text or "")
