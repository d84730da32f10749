"""Milliseconds for the policy summary and the visual editor's answers, on the largest AWS managed policies.

    DEBUG=1 .venv/bin/python bench/policy_summary.py

For each policy: summarize() with its caches cold (catalog loaded), the rendered summary HTML the first
time and from the per-document cache, and its size; then the visual editor's block for a few services
(the largest answer the editor sends when a service is chosen). Targets: editor answers under 50 ms;
the summary of AdministratorAccess or ReadOnlyAccess under 50 ms once cached. Prints figures; asserts
nothing.
"""

import os
import pathlib
import sys
import time

ROOT = pathlib.Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "iamconsole.settings")

import django  # noqa: E402

django.setup()

from django.template.loader import render_to_string  # noqa: E402

from policies import summary, visual  # noqa: E402
from policies.aws_managed.loader import read_data_file  # noqa: E402
from policies.engine import catalog  # noqa: E402
from policies.views import visual as views  # noqa: E402

POLICIES = (
    "AdministratorAccess",
    "PowerUserAccess",
    "ReadOnlyAccess",
    "ViewOnlyAccess",
    "AmazonS3FullAccess",
)
SERVICES = ("s3", "iam", "ec2")


def ms(start):
    return f"{(time.perf_counter() - start) * 1000:7.1f} ms"


def main():
    start = time.perf_counter()
    catalog.load()
    print(f"catalog load {ms(start)}")
    documents = {entry["name"]: entry["document"] for entry in read_data_file()}
    for name in POLICIES:
        text = documents[name]
        summary._summarize_text.cache_clear()
        start = time.perf_counter()
        summary.summarize(text)
        cold = ms(start)
        views._summary_html.cache_clear()
        start = time.perf_counter()
        html = views.summary_context(text)["summary_html"]
        first = ms(start)
        start = time.perf_counter()
        views.summary_context(text)
        cached = ms(start)
        print(f"{name:24} summarize {cold}  html first {first}  cached {cached}  {len(html) // 1024} KiB")
    for prefix in SERVICES:
        state = visual.EditorState(blocks=[visual.Block(sid="VisualEditor0", service=prefix)])
        for label, actions in (("chosen", []), ("Get*", [f"{prefix}:Get*"])):
            state.blocks[0].actions = actions
            start = time.perf_counter()
            html = render_to_string(
                f"{views.TEMPLATE}#visual-editor", views.editor_context(state, "111122223333")
            )
            print(f"editor {prefix:4} {label:7} {ms(start)}  {len(html) // 1024} KiB")


if __name__ == "__main__":
    main()
