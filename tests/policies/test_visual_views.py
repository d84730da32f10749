"""The visual editor's views: the editor page, the HTMX operations and the summary fragment."""

import json

import pytest
from django.urls import reverse

from policies import visual
from policies.engine import catalog

EDITOR = reverse("policies:policy_editor")
UPDATE = reverse("policies:visual_editor_update")
SUMMARY = reverse("policies:policy_summary")
HX = {"HX-Request": "true", "HX-Target": "visual-editor"}

S3_DOC = {
    "Version": "2012-10-17",
    "Statement": [
        {
            "Sid": "VisualEditor0",
            "Effect": "Allow",
            "Action": "s3:GetObject",
            "Resource": "arn:aws:s3:::my-bucket/*",
            "Condition": {"Bool": {"aws:MultiFactorAuthPresent": "true"}},
        }
    ],
}


def block_fields(i=0, **fields):
    """The form fields of block i, as the editor posts them."""
    data = {"ve-block": [str(i)], f"ve-{i}-sid": f"VisualEditor{i}", f"ve-{i}-effect": "Allow"}
    data.update({f"ve-{i}-{name.replace('_', '-')}": value for name, value in fields.items()})
    return data


def post(client, data, target="visual-editor"):
    return client.post(UPDATE, data, headers={"HX-Request": "true", "HX-Target": target})


def json_event(response):
    return json.loads(json.loads(response["HX-Trigger-After-Swap"])["visual-json"]["json"])


@pytest.mark.django_db
def test_editor_page_full(root_client):
    response = root_client.get(EDITOR)
    assert response.status_code == 200
    html = response.content.decode()
    assert "Specify permissions" in html and "Policy editor" in html
    assert 'id="visual-editor"' in html and 'id="policy-summary"' in html
    assert "Choose a service" in html
    assert "+ Add more permissions" in html


@pytest.mark.django_db
def test_editor_page_htmx_fragment(root_client):
    response = root_client.get(EDITOR, headers=HX)
    html = response.content.decode()
    assert html.lstrip().startswith('<div id="visual-editor"')
    assert "<html" not in html and "Policy summary" not in html


@pytest.mark.django_db
def test_editor_page_needs_sign_in(client):
    response = client.get(EDITOR)
    assert response.status_code == 302


@pytest.mark.django_db
def test_update_needs_sign_in(client):
    response = client.post(UPDATE, block_fields(), headers=HX)
    assert response.status_code in (302, 401, 403)


@pytest.mark.django_db
def test_editor_page_opens_a_document_in_the_visual_editor(root_client):
    response = root_client.post(EDITOR, {"policy_document": json.dumps(S3_DOC)})
    html = response.content.decode()
    assert "All S3 actions (s3:*)" in html
    assert 'value="GetObject" checked' in html
    assert "arn:aws:s3:::my-bucket/*" in html
    assert 'name="ve-0-mfa" value="1" checked' in html
    assert "BucketName | string like | my-bucket, ObjectName | string like | All" in html  # the summary


@pytest.mark.django_db
def test_editor_page_with_a_document_it_cannot_show_opens_json(root_client):
    document = {
        "Version": "2012-10-17",
        "Statement": [{"Effect": "Allow", "NotAction": "iam:*", "Resource": "*"}],
    }
    response = root_client.post(EDITOR, {"policy_document": json.dumps(document)})
    html = response.content.decode()
    assert 'data-mode="json"' in html
    assert "The visual editor can&#x27;t show this policy: statement 1 uses NotAction." in html
    assert "All services except: IAM" in html


@pytest.mark.django_db
def test_service_search_fragment(root_client):
    data = {**block_fields(), "ve-op": "service-search:0", "ve-0-service-search": "s3"}
    response = post(root_client, data, target="ve-0-services")
    html = response.content.decode()
    assert response.status_code == 200
    assert html.lstrip().startswith('<div id="ve-0-services"')
    assert 'value="service:0:s3"' in html
    assert "EC2" not in html


@pytest.mark.django_db
def test_service_search_lists_every_service_when_empty(root_client):
    response = post(root_client, {**block_fields(), "ve-op": "service-search:0"}, target="ve-0-services")
    assert response.content.decode().count('role="option"') == len(catalog.services())


@pytest.mark.django_db
def test_choose_service_renders_its_actions_by_access_level(root_client):
    response = post(root_client, {**block_fields(), "ve-op": "service:0:s3"})
    html = response.content.decode()
    assert html.lstrip().startswith('<div id="visual-editor"')
    assert "All S3 actions (s3:*)" in html
    for level in ("List", "Read", "Write", "Permissions management", "Tagging"):
        assert f"<span>{level}</span>" in html
    # Levels load their tick boxes when opened: nothing chosen yet, so none is sent.
    assert 'name="ve-0-action"' not in html
    assert '"ve-op": "level:0:Read"' in html
    # No actions yet: no statement in the JSON.
    assert json_event(response) == {"Version": "2012-10-17", "Statement": []}


@pytest.mark.django_db
def test_opening_an_access_level_loads_its_actions(root_client):
    data = {
        **block_fields(service="s3", patterns='["s3:GetObject"]', actions_shown="1"),
        "ve-op": "level:0:Read",
    }
    response = post(root_client, data, target="ve-block-0")
    html = response.content.decode()
    assert html.lstrip().startswith('<div class="ve-action-grid">')
    assert 'name="ve-0-level-shown" value="Read"' in html
    assert 'value="GetObject" checked' in html and 'value="GetBucketPolicy">' in html
    assert 'value="PutObject"' not in html  # a Write action: another level
    assert 'value="RunInstances"' not in html  # only the chosen service's actions


@pytest.mark.django_db
def test_level_box_of_an_unopened_level_chooses_the_whole_level(root_client):
    data = {
        **block_fields(service="s3", patterns="[]", actions_shown="1", resources="all"),
        "ve-0-level-all": "List",
    }
    statement = json_event(post(root_client, data, target="ve-block-0"))["Statement"][0]
    listed = {a.name for a in catalog.service("s3").actions.values() if a.access_level == "List"}
    assert {a.split(":")[1] for a in statement["Action"]} == listed


@pytest.mark.django_db
def test_unopened_levels_keep_what_the_patterns_chose(root_client):
    # s3:Get* chose part of Read; the page posts no Read boxes (level not opened), only a Write tick.
    data = {
        **block_fields(
            service="s3", patterns='["s3:Get*"]', actions_shown="1", resources="all", level_shown="Write"
        ),
        "ve-0-action": ["PutObject"],
    }
    statement = json_event(post(root_client, data, target="ve-block-0"))["Statement"][0]
    assert statement["Action"] == ["s3:Get*", "s3:PutObject"]


@pytest.mark.django_db
def test_ticking_an_action_syncs_json_and_resource_types(root_client):
    data = {
        **block_fields(
            service="s3", patterns="[]", actions_shown="1", resources="specific", level_shown="Read"
        ),
        "ve-0-action": ["GetObject"],
    }
    response = post(root_client, data, target="ve-block-0")
    html = response.content.decode()
    assert 'id="ve-0-resources" hx-swap-oob="true"' in html
    assert 'id="ve-0-effect-label" hx-swap-oob="true">Allow 1 action<' in html
    assert 'data-resource-type="object"' in html
    assert "ve-block-0" not in html  # the long action list is not sent back
    statement = json_event(response)["Statement"][0]
    assert statement["Action"] == "s3:GetObject"
    assert statement["Resource"] == []


@pytest.mark.django_db
def test_all_actions_checkbox(root_client):
    data = {
        **block_fields(service="s3", patterns="[]", actions_shown="1", all_actions="1"),
        "ve-op": "all-actions:0",
    }
    response = post(root_client, data)
    assert json_event(response)["Statement"][0]["Action"] == "s3:*"
    assert "ve-levels-all" in response.content.decode()


@pytest.mark.django_db
def test_arn_dialog_fields_come_from_the_arn_format(root_client, account):
    data = {
        **block_fields(service="s3", patterns='["s3:GetObject"]', actions_shown="1"),
        "ve-op": "arn-dialog:0:object",
    }
    data["ve-0-action"] = ["GetObject"]
    response = post(root_client, data, target="visual-dialog")
    html = response.content.decode()
    assert html.lstrip().startswith('<div id="visual-dialog"')
    assert "Specify ARNs" in html
    assert 'name="arn-BucketName"' in html and 'name="arn-ObjectName"' in html
    assert "Any bucket name" in html and "Any object name" in html
    assert 'name="arn-Region"' not in html  # S3 ARNs have no region or account


@pytest.mark.django_db
def test_arn_dialog_of_a_type_with_two_arn_formats_shows_both(root_client):
    data = {
        **block_fields(service="apigateway", patterns='["apigateway:GET"]', actions_shown="1"),
        "ve-op": "arn-dialog:0:Stage",
    }
    data["ve-0-action"] = ["GET"]
    html = post(root_client, data, target="visual-dialog").content.decode()
    first, second = catalog.service("apigateway").resource_types["Stage"].arns
    assert f"<code>{first}</code> or <code>{second}</code>" in html
    assert 'name="arn-ApiId"' in html  # the fields build the first format; the second is typed whole
    assert 'name="arn-text"' in html


@pytest.mark.django_db
def test_arn_dialog_for_a_regional_resource_offers_region_and_account(root_client, account):
    data = {
        **block_fields(service="ec2", patterns='["ec2:StartInstances"]', actions_shown="1"),
        "ve-op": "arn-dialog:0:instance",
    }
    data["ve-0-action"] = ["StartInstances"]
    html = post(root_client, data, target="visual-dialog").content.decode()
    assert 'name="arn-Region"' in html and 'name="arn-InstanceId"' in html
    assert f'This account <span class="muted">({account.id})</span>' in html


@pytest.mark.django_db
def test_add_arn_from_the_dialog(root_client):
    data = {
        **block_fields(service="s3", patterns='["s3:GetObject"]', actions_shown="1", resources="specific"),
        "ve-0-action": ["GetObject"],
        "ve-op": "add-arn:0:object",
        "arn-BucketName": "my-bucket",
        "arn-ObjectName-any": "1",
    }
    response = post(root_client, data)
    assert json_event(response)["Statement"][0]["Resource"] == "arn:aws:s3:::my-bucket/*"
    assert 'name="ve-0-arn" value="arn:aws:s3:::my-bucket/*"' in response.content.decode()


@pytest.mark.django_db
def test_any_in_this_account(root_client, account):
    data = {
        **block_fields(
            service="ec2", patterns='["ec2:StartInstances"]', actions_shown="1", resources="specific"
        ),
        "ve-0-action": ["StartInstances"],
        "ve-0-any-instance": "1",
        "ve-op": "any-arn:0:instance",
    }
    response = post(root_client, data)
    assert json_event(response)["Statement"][0]["Resource"] == f"arn:aws:ec2:*:{account.id}:instance/*"


@pytest.mark.django_db
def test_mfa_source_ip_and_another_condition(root_client):
    data = {
        **block_fields(service="s3", patterns='["s3:ListBucket"]', actions_shown="1", resources="all"),
        "ve-0-action": ["ListBucket"],
        "ve-0-mfa": "1",
        "ve-0-source-ip": "203.0.113.0/24, 198.51.100.7",
        "ve-op": "add-condition:0",
        "cond-key": "s3:prefix",
        "cond-qualifier": "",
        "cond-operator": "StringLike",
        "cond-value": "home/*",
    }
    response = post(root_client, data)
    assert json_event(response)["Statement"][0]["Condition"] == {
        "Bool": {"aws:MultiFactorAuthPresent": "true"},
        "IpAddress": {"aws:SourceIp": ["203.0.113.0/24", "198.51.100.7"]},
        "StringLike": {"s3:prefix": "home/*"},
    }


@pytest.mark.django_db
def test_condition_dialog_offers_the_actions_keys_and_global_keys(root_client):
    data = {
        **block_fields(service="s3", patterns='["s3:ListBucket"]', actions_shown="1"),
        "ve-op": "condition-dialog:0",
    }
    data["ve-0-action"] = ["ListBucket"]
    html = post(root_client, data, target="visual-dialog").content.decode()
    assert '<option value="s3:prefix">' in html
    assert '<option value="aws:SourceIp">' in html
    assert "<option>StringLike</option>" in html


@pytest.mark.django_db
def test_add_and_remove_blocks(root_client):
    response = post(
        root_client, {**block_fields(service="s3", patterns='["s3:GetObject"]'), "ve-op": "add-block"}
    )
    html = response.content.decode()
    assert 'id="ve-block-1"' in html and 'name="ve-1-sid" value="VisualEditor1"' in html
    data = {
        **block_fields(0, service="s3", patterns='["s3:GetObject"]', resources="all"),
        "ve-op": "remove-block:0",
    }
    data["ve-block"] = ["0", "1"]
    data["ve-1-sid"] = "VisualEditor1"
    response = post(root_client, data)
    assert 'id="ve-block-1"' not in response.content.decode()
    assert json_event(response)["Statement"] == []


@pytest.mark.django_db
def test_duplicate_and_change_service(root_client):
    fields = block_fields(service="s3", patterns='["s3:GetObject"]', resources="all")
    response = post(root_client, {**fields, "ve-op": "duplicate-block:0"})
    statements = json_event(response)["Statement"]
    assert [s["Sid"] for s in statements] == ["VisualEditor0", "VisualEditor1"]
    assert statements[0]["Action"] == statements[1]["Action"] == "s3:GetObject"
    response = post(root_client, {**fields, "ve-op": "change-service:0"})
    assert "Choose a service" in response.content.decode()
    assert json_event(response)["Statement"] == []


@pytest.mark.django_db
def test_from_json_builds_the_blocks(root_client):
    data = {"ve-op": "from-json", "policy_document": json.dumps(S3_DOC)}
    response = post(root_client, data)
    html = response.content.decode()
    assert 'value="GetObject" checked' in html
    assert '<div id="visual-note" hx-swap-oob="true"></div>' in html
    assert json.loads(response["HX-Trigger-After-Swap"]) == {"visual-mode": {"mode": "visual"}}


@pytest.mark.django_db
def test_from_json_that_the_editor_cannot_show_stays_on_json(root_client):
    document = {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}]}
    response = post(root_client, {"ve-op": "from-json", "policy_document": json.dumps(document)})
    assert response["HX-Retarget"] == "#visual-note"
    assert json.loads(response["HX-Trigger-After-Swap"]) == {"visual-mode": {"mode": "json"}}
    assert "statement 1 names more than one service" in response.content.decode()


@pytest.mark.django_db
def test_visual_round_trip_through_the_form(root_client):
    """JSON -> editor page -> posted fields -> JSON gives back the document."""
    state, _ = visual.state_from_document(S3_DOC)
    data = {
        **block_fields(
            service="s3",
            patterns=json.dumps(state.blocks[0].actions),
            actions_shown="1",
            resources="specific",
            mfa="1",
            level_shown="Read",
        ),
        "ve-0-action": ["GetObject"],
        "ve-0-arn": ["arn:aws:s3:::my-bucket/*"],
    }
    response = post(root_client, data, target="ve-block-0")
    assert json_event(response) == S3_DOC


@pytest.mark.django_db
def test_unknown_operation_and_block(root_client):
    assert post(root_client, {**block_fields(), "ve-op": "explode:0"}).status_code == 400
    assert post(root_client, {**block_fields(), "ve-op": "service:7:s3"}).status_code == 400


@pytest.mark.django_db
def test_summary_fragment(root_client):
    response = root_client.post(
        SUMMARY,
        {"policy_document": json.dumps(S3_DOC)},
        headers={"HX-Request": "true", "HX-Target": "policy-summary"},
    )
    html = response.content.decode()
    assert html.lstrip().startswith('<div id="policy-summary"')
    assert f"Allow (1 of {len(catalog.services())} services)" in html
    assert "Limited: Read" in html
    assert "aws:MultiFactorAuthPresent | bool | true" in html


@pytest.mark.django_db
def test_summary_fragment_of_a_trust_policy(root_client):
    trust = {
        "Version": "2012-10-17",
        "Statement": [
            {"Effect": "Allow", "Principal": {"Service": "ec2.amazonaws.com"}, "Action": "sts:AssumeRole"}
        ],
    }
    html = root_client.post(SUMMARY, {"policy_document": json.dumps(trust)}).content.decode()
    assert "A summary for this policy cannot be generated." in html


@pytest.mark.django_db
def test_summary_of_administrator_access_loads_actions_when_a_row_opens(root_client):
    admin = json.dumps(
        {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}]}
    )
    html = root_client.post(SUMMARY, {"policy_document": admin}).content.decode()
    every = len(catalog.services())
    assert f"Allow ({every} of {every} services)" in html
    assert html.count("data-lazy") == every and "All Read actions" not in html
    assert 'id="policy-summary-document"' in html
    response = root_client.post(
        SUMMARY,
        {"summary_document": admin, "service": "s3", "effect": "Allow"},
        headers={"HX-Request": "true", "HX-Target": "summary-Allow-s3"},
    )
    actions = response.content.decode()
    assert actions.lstrip().startswith('<dl class="summary-actions" id="summary-Allow-s3">')
    assert "All Read actions" in actions and "All Tagging actions" in actions
    bad = {"summary_document": admin, "service": "nope", "effect": "Allow"}
    assert root_client.post(SUMMARY, bad).status_code == 400


@pytest.mark.django_db
def test_small_summary_lists_actions_inline(root_client):
    html = root_client.post(SUMMARY, {"policy_document": json.dumps(S3_DOC)}).content.decode()
    assert "data-lazy" not in html
    assert '<dl class="summary-actions" id="summary-Allow-s3">' in html
    assert "GetObject" in html


@pytest.mark.django_db
def test_charlie_gets_his_own_account_in_arns(charlie_client, charlie_account):
    data = {
        **block_fields(
            service="ec2", patterns='["ec2:StartInstances"]', actions_shown="1", resources="specific"
        ),
        "ve-0-action": ["StartInstances"],
        "ve-0-any-instance": "1",
        "ve-op": "any-arn:0:instance",
    }
    response = post(charlie_client, data)
    assert (
        json_event(response)["Statement"][0]["Resource"] == f"arn:aws:ec2:*:{charlie_account.id}:instance/*"
    )
