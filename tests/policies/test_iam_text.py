"""The filters that tell a narrow column where IAM's long names may wrap."""

import pytest

from policies.templatetags.iam_text import path_breaks, word_breaks


@pytest.mark.parametrize(
    "name, shown",
    [
        ("GetObject", "Get<wbr>Object"),
        (
            "PutAccessPointConfigurationForObjectLambda",
            "Put<wbr>Access<wbr>Point<wbr>Configuration<wbr>For<wbr>Object<wbr>Lambda",
        ),
        ("GetS3AccessPoint", "Get<wbr>S3<wbr>Access<wbr>Point"),
        ("ListMFADevices", "List<wbr>MFADevices"),  # a run of capitals stays one word
        ("<b>", "&lt;b&gt;"),
    ],
)
def test_action_names_break_only_between_words(name, shown):
    assert word_breaks(name) == shown


@pytest.mark.parametrize(
    "path, shown",
    [("/", "/"), ("/engineering/ci/", "/<wbr>engineering/<wbr>ci/"), ("/a&b/", "/<wbr>a&amp;b/")],
)
def test_paths_break_after_their_slashes(path, shown):
    assert path_breaks(path) == shown
