"""A lab's instructions are an instructor's Markdown shown in a student's browser: no HTML of theirs
passes, and links go only to http, https or relative addresses."""

import pytest

from classrooms.checks import render_markdown


def test_markdown_renders_as_the_instructions_need_it():
    html = render_markdown(
        '1. Create **alice**.\n\n```json\n{"Effect": "Allow"}\n```\n\n| a | b |\n|---|---|\n| 1 | 2 |\n'
    )
    assert "<ol>" in html and "<strong>alice</strong>" in html
    assert '<code class="language-json">{&quot;Effect&quot;: &quot;Allow&quot;}' in html
    assert "<table>" in html and "<td>1</td>" in html


@pytest.mark.parametrize(
    "text",
    [
        "<script>alert(1)</script>",
        "<img src=x onerror=alert(1)>",
        "Hello <b onclick=alert(1)>you</b>",
        "<iframe src=https://evil.example></iframe>",
        "<a href='javascript:alert(1)'>x</a>",
    ],
)
def test_raw_html_is_shown_as_text(text):
    html = render_markdown(text)
    assert "<script" not in html and "<img" not in html and "<b " not in html and "<iframe" not in html
    assert "<a " not in html
    assert "&lt;" in html


@pytest.mark.parametrize(
    "link",
    [
        "javascript:alert(1)",
        "JaVaScRiPt:alert(1)",
        "vbscript:msgbox(1)",
        "data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==",
        "//evil.example/phish",
        "file:///etc/passwd",
    ],
)
def test_unsafe_links_and_images_stay_plain_text(link):
    html = render_markdown(f"[click]({link}) and ![pic]({link})")
    assert "<a " not in html and "<img" not in html
    assert "href" not in html and "src" not in html


@pytest.mark.parametrize(
    ("link", "href"),
    [
        ("https://docs.aws.amazon.com/IAM/", "https://docs.aws.amazon.com/IAM/"),
        ("http://127.0.0.1:8000/users", "http://127.0.0.1:8000/users"),
        ("/policies", "/policies"),
        ("#step-2", "#step-2"),
    ],
)
def test_http_https_and_relative_links_are_kept(link, href):
    assert f'<a href="{href}">docs</a>' in render_markdown(f"[docs]({link})")


def test_nothing_renders_as_nothing():
    assert render_markdown("") == ""
    assert render_markdown(None) == ""
