"""CRM REST v2 endpoints: each parses with the official SDK model and agrees with the dataset's tables."""

from __future__ import annotations

import base64
from datetime import datetime, timezone
from functools import partial

import keap_core_v2_client.models as models
import pytest

from . import sandbox_kit

NOW = datetime(2026, 11, 27, 13, 4, 5, tzinfo=timezone.utc)
V2 = "/crm/rest/v2"

# path -> (SDK list-response model, envelope, legacy table whose Ids the records carry)
LISTS = {
    "/tags": ("ListTagsResponse", "tags", "ContactGroup"),
    "/tags/categories": ("ListTagCategoriesResponse", "tag_categories", "ContactGroupCategory"),
    "/companies": ("ListCompaniesResponse", "companies", "Company"),
    "/users": ("ListUsersPaginatedResponse", "users", "User"),
    "/opportunities/stages": ("ListOpportunityStagesResponse", "stages", "Stage"),
    "/opportunities/stageMoves": ("ListOpportunityStageMoveResponse", "stage_moves", "StageMove"),
    "/leadSources": ("ListLeadSourcesResponse", "lead_sources", "LeadSource"),
    "/leadSourceCategories": ("ListLeadSourceCategoriesResponse", "lead_source_categories", "LeadSourceCategory"),
    "/files": ("ListFilesResponse", "files", "FileBox"),
    "/reporting/reports": ("ListReportsResponse", "reports", "SavedFilter"),
}


server = sandbox_kit.sandbox_server(seed=5, scale=500, now=NOW)
# Paths in this module are relative to REST v2.
get = partial(sandbox_kit.get, prefix=V2)
walk = partial(sandbox_kit.walk, prefix=V2)


@pytest.mark.parametrize("path", sorted(LISTS))
def test_list_parses_with_sdk_and_pages_over_every_row(http, server, ds, path):
    model, envelope, table = LISTS[path]
    page = get(http, server, path, page_size=7)
    getattr(models, model).from_dict(page)
    records = walk(http, server, path, envelope, page_size=7)
    assert sorted(int(r["id"]) for r in records) == sorted(r["Id"] for r in ds.tables[table])


def test_webforms_parse_and_match_collection(http, server, ds):
    body = get(http, server, "/webforms")
    models.ListWebformsResponse.from_dict(body)
    assert [w["name"] for w in body["webforms"]] == [f["name"] for f in ds.collections["webforms"]]
    legacy = get(http, server, "/webforms", filter="webform_type==LEGACY")["webforms"]
    assert {w["id"] for w in legacy} == {str(f["id"]) for f in ds.collections["webforms"] if f["type"] == "LEGACY"}
    form = ds.collections["webforms"][0]
    html = http.get(f"{server.base_url}{V2}/webforms/{form['id']}:data", timeout=10)
    assert html.headers["content-type"].startswith("text/html") and html.text == form["html"]


def test_tags_filters_and_order(http, server, ds):
    tags = get(http, server, "/tags", order_by="name desc")["tags"]
    assert [t["name"] for t in tags] == sorted((r["GroupName"] for r in ds.tables["ContactGroup"]),
                                               key=str.lower, reverse=True)
    by_category = get(http, server, "/tags", filter="category_id==2")["tags"]
    assert {t["id"] for t in by_category} == {str(r["Id"]) for r in ds.tables["ContactGroup"]
                                               if r.get("GroupCategoryId") == 2}
    tag = ds.tables["ContactGroup"][3]
    one = get(http, server, f"/tags/{tag['Id']}")
    models.Tag.from_dict(one)
    assert one["name"] == tag["GroupName"]


def test_tagged_contacts_follow_tag_applications(http, server, ds):
    tag = ds.tables["ContactGroup"][0]["Id"]
    body = get(http, server, f"/tags/{tag}/contacts", page_size=5)
    models.ListTaggedContactsResponse.from_dict(body)
    contacts = walk(http, server, f"/tags/{tag}/contacts", "contacts", page_size=5)
    expected = {c["id"] for c in ds.contacts if str(tag) in c["tag_ids"]}
    assert {c["id"] for c in contacts} == expected and expected
    since = "2025-01-01T00:00:00.000Z"
    recent = walk(http, server, f"/tags/{tag}/contacts", "contacts", filter=f"since_applied_time=={since}")
    cutoff = datetime(2025, 1, 1, tzinfo=timezone.utc)
    assert {c["id"] for c in recent} == {str(a["ContactId"]) for a in ds.tables["ContactGroupAssign"]
                                         if a["GroupId"] == tag and a["DateCreated"] >= cutoff}


def test_companies_name_wildcard(http, server, ds):
    prefix = ds.tables["Company"][0]["Company"][:3]
    found = walk(http, server, "/companies", "companies", filter=f"name=={prefix}*")
    assert {c["id"] for c in found} == {str(r["Id"]) for r in ds.tables["Company"]
                                        if r["Company"].lower().startswith(prefix.lower())}


def test_files_metadata_and_data(http, server, ds):
    row = ds.tables["FileBox"][2]
    meta = get(http, server, f"/files/{row['Id']}")
    models.FileMetadata.from_dict(meta)
    assert meta["file_name"] == row["FileName"] and meta["file_size"] == row["FileSize"]
    data = get(http, server, f"/files/{row['Id']}:data")
    assert base64.b64decode(data) == ds.collections["file_data"][row["Id"]]


def test_report_model(http, server, ds):
    saved = ds.tables["SavedFilter"][0]["Id"]
    body = get(http, server, f"/reporting/reports/{saved}/model")
    models.ReportModel.from_dict(body)
    assert {f["name"]: f["label"] for f in body["fields"]} == ds.collections["saved_searches"][saved]["columns"]


def test_contact_by_id_and_model(http, server, ds):
    contact = ds.contacts[17]
    body = get(http, server, f"/contacts/{contact['id']}", fields="given_name,tag_ids,custom_fields")
    models.Contact.from_dict(body)
    assert body == {"id": contact["id"], "given_name": contact["given_name"], "tag_ids": contact["tag_ids"],
                    "custom_fields": contact["custom_fields"]}
    model = get(http, server, "/contacts/model")
    models.ObjectModel.from_dict(model)
    ids = {f["id"] for f in model["custom_fields"]}
    assert ids == {cf["id"] for cf in contact["custom_fields"]}
    assert {r["Id"] for r in ds.tables["DataFormField"] if r["FormId"] == -1} == {int(i) for i in ids}


def test_unknown_ids_are_404(http, server):
    for path in ("/tags/1", "/files/1", "/contacts/1", "/tags/1/contacts"):
        response = http.get(server.base_url + V2 + path, timeout=10)
        assert response.status_code == 404, path
        assert response.json()["code"] == 404


# path -> (SDK list-response model, envelope, expected legacy Ids)
ACTIVITY = {
    "/opportunities": ("ListOpportunitiesResponse", "opportunities", lambda ds: [r["Id"] for r in ds.tables["Lead"]]),
    "/tasks": ("ListTasksResponse", "tasks", lambda ds: [r["Id"] for r in ds.tables["ContactAction"]
                                                        if r["ObjectType"] == "Task"]),
    "/notes": ("ListNotesResponse", "notes", lambda ds: [r["Id"] for r in ds.tables["ContactAction"]
                                                        if r["ObjectType"] == "Note"]),
    "/taskAppointments": ("ListTaskAppointmentsResponse", "taskAppointments",
                          lambda ds: [r["Id"] for r in ds.tables["ContactAction"] if r["ObjectType"] == "Appointment"]),
    "/campaigns": ("ListCampaignsResponse", "campaigns", lambda ds: [r["Id"] for r in ds.tables["Campaign"]]),
    "/leadSources/-/expenses": ("ListLeadSourceExpensesResponse", "lead_source_expenses",
                                lambda ds: [r["Id"] for r in ds.tables["LeadSourceExpense"]]),
    "/leadSources/-/recurringExpenses": ("ListLeadSourceRecurringExpensesResponse", "lead_source_recurring_expenses",
                                         lambda ds: [r["Id"] for r in ds.tables["LeadSourceRecurringExpense"]]),
}


@pytest.mark.parametrize("path", sorted(ACTIVITY))
def test_activity_lists_parse_with_sdk_and_cover_their_table(http, server, ds, path):
    model, envelope, expected = ACTIVITY[path]
    page = get(http, server, path, page_size=5)
    parsed = getattr(models, model).from_dict(page)
    assert parsed.to_dict()  # strict SDK types (e.g. Task.priority enum) accepted every record
    records = walk(http, server, path, envelope, page_size=40)
    assert sorted(int(r["id"]) for r in records) == sorted(expected(ds))


def test_opportunity_fields_filters_and_custom_fields(http, server, ds):
    lead = next(r for r in ds.tables["Lead"] if "_dealsource" in r)
    plain = get(http, server, f"/opportunities/{lead['Id']}")
    assert "custom_fields" not in plain and "status_id" not in plain
    full = get(http, server, f"/opportunities/{lead['Id']}", fields="custom_fields,status_id")
    models.RestV2Opportunity.from_dict(full)
    assert full["custom_fields"] == [{"id": "20", "content": lead["_dealsource"]}]
    assert full["status_id"] == str(lead["StatusID"]) and full["stage"]["id"] == str(lead["StageID"])
    by_source = walk(http, server, "/opportunities", "opportunities", filter=f"dealsource=={lead['_dealsource']}")
    assert {o["id"] for o in by_source} == {str(r["Id"]) for r in ds.tables["Lead"]
                                            if r.get("_dealsource") == lead["_dealsource"]}
    above = walk(http, server, "/opportunities", "opportunities", filter="opportunity_id>10")
    assert {int(o["id"]) for o in above} == {r["Id"] for r in ds.tables["Lead"] if r["Id"] > 10}
    many = ",".join(str(i) for i in range(1, 102))
    assert http.get(f"{server.base_url}{V2}/opportunities", params={"filter": f"ids=={many}"}).status_code == 400
    assert http.get(f"{server.base_url}{V2}/opportunities",
                    params={"filter": "ids==1;opportunity_id==1"}).status_code == 400


def test_task_and_note_windows_and_filters(http, server, ds):
    tasks = [r for r in ds.tables["ContactAction"] if r["ObjectType"] == "Task"]
    cut = sorted(r["LastUpdated"] for r in tasks)[len(tasks) // 2]
    since = cut.strftime("%Y-%m-%dT%H:%M:%S.000Z")
    recent = walk(http, server, "/tasks", "tasks", filter=f"since_time=={since}", order_by="update_time desc")
    assert [int(t["id"]) for t in recent] == [r["Id"] for r in sorted(
        (r for r in tasks if r["LastUpdated"] >= cut), key=lambda r: (r["LastUpdated"], -r["Id"]), reverse=True)]
    done = walk(http, server, "/tasks", "tasks", filter="is_completed==true")
    assert {int(t["id"]) for t in done} == {r["Id"] for r in tasks if "CompletionDate" in r}
    note = next(r for r in ds.tables["ContactAction"] if r["ObjectType"] == "Note")
    mine = get(http, server, f"/contacts/{note['ContactId']}/notes")
    models.ListNotesResponse.from_dict(mine)
    assert {n["id"] for n in mine["notes"]} == {str(r["Id"]) for r in ds.tables["ContactAction"]
                                                if r["ObjectType"] == "Note" and r["ContactId"] == note["ContactId"]}
    word = note["ActionDescription"].split()[-1]
    titled = walk(http, server, "/notes", "notes", filter=f"title=={word}")  # bare value: contains
    assert {n["id"] for n in titled} == {str(r["Id"]) for r in ds.tables["ContactAction"] if r["ObjectType"] == "Note"
                                         and word.lower() in r["ActionDescription"].lower()}


def test_appointment_time_comparisons(http, server, ds):
    rows = [r for r in ds.tables["ContactAction"] if r["ObjectType"] == "Appointment"]
    cut = sorted(r["ActionDate"] for r in rows)[len(rows) // 2]
    iso = cut.strftime("%Y-%m-%dT%H:%M:%SZ")
    found = walk(http, server, "/taskAppointments", "taskAppointments", filter=f"start_time<{iso}")
    assert {int(a["id"]) for a in found} == {r["Id"] for r in rows if r["ActionDate"] < cut}
    bad = http.get(f"{server.base_url}{V2}/taskAppointments", params={"filter": "start_time>2025-01-01"})
    assert bad.status_code == 400


def test_users_page_size_is_1_to_100(http, server):
    for size in ("0", "101"):
        response = http.get(f"{server.base_url}{V2}/users", params={"page_size": size}, timeout=10)
        assert response.status_code == 400 and response.json()["details"][0]["domain"] == "page_size"
    assert len(get(http, server, "/users", page_size=100)["users"]) <= 100


def test_tag_applications_across_tags_and_contacts(http, server, ds):
    applications = ds.tables["ContactGroupAssign"]
    tags = sorted({a["GroupId"] for a in applications})[:3]
    body = get(http, server, "/tags/-/contacts", filter=f"tag_ids=={','.join(map(str, tags))}", page_size=5)
    models.ListTagContactAssociationsResponse.from_dict(body)
    found = walk(http, server, "/tags/-/contacts", "contacts", filter=f"tag_ids=={','.join(map(str, tags))}")
    assert sorted((int(a["contact_id"]), int(a["tag_id"])) for a in found) == sorted(
        (a["ContactId"], a["GroupId"]) for a in applications if a["GroupId"] in tags)
    contacts = sorted({a["ContactId"] for a in applications})[:4]
    by_contact = walk(http, server, "/contacts/-/tags", "tags", filter=f"contact_ids=={','.join(map(str, contacts))}")
    models.ListContactTagAssociationsResponse.from_dict({"tags": by_contact})
    assert sorted((int(a["contact_id"]), int(a["tag_id"])) for a in by_contact) == sorted(
        (a["ContactId"], a["GroupId"]) for a in applications if a["ContactId"] in contacts)
    for path in ("/tags/-/contacts", "/contacts/-/tags"):  # no filter at all: one is required
        assert http.get(f"{server.base_url}{V2}{path}", timeout=10).status_code == 400
    one = get(http, server, f"/contacts/{contacts[0]}/tags")
    models.ListContactTagsResponse.from_dict(one)
    assert {t["tag"]["id"] for t in one["tags"]} == {str(a["GroupId"]) for a in applications
                                                     if a["ContactId"] == contacts[0]}


def test_run_report_pages_saved_search_results(http, server, ds):
    import json as _json
    saved = ds.tables["SavedFilter"][0]["Id"]
    expected = ds.collections["saved_searches"][saved]["contact_ids"]
    url = f"{server.base_url}{V2}/reporting/reports/{saved}:run"
    seen, token = [], ""
    while True:
        request = {"page_size": 7, **({"page_token": token} if token else {})}
        response = http.post(url, params={"runReportRequest": _json.dumps(request)}, timeout=10)  # as SDK 2.0.26
        assert response.status_code == 200, response.text
        body = response.json()
        models.ReportExecutionResult.from_dict(body)
        for row in body["results"]:
            values = {c["field_name"]: c["value"] for c in row["columns"]}
            assert all(isinstance(v, str) for v in values.values())
            seen.append(int(values["ContactId"]))
        token = body["page_token"]
        if not token:
            break
    assert seen == expected
    assert http.get(url, timeout=10).status_code == 405  # the route is POST-only
    assert http.post(f"{server.base_url}{V2}/tags", timeout=10).status_code == 405


def test_tag_applications_by_time_window_alone(http, server, ds):
    """SDK 2.0.26: "at least one is required" of the id list, since_applied_time, until_applied_time."""
    since, until = datetime(2025, 6, 1, tzinfo=timezone.utc), datetime(2026, 1, 1, tzinfo=timezone.utc)
    window = f"since_applied_time==2025-06-01T00:00:00.000Z;until_applied_time==2026-01-01T00:00:00.000Z"
    expected = sorted((a["ContactId"], a["GroupId"]) for a in ds.tables["ContactGroupAssign"]
                      if since <= a["DateCreated"] < until)
    for path, envelope in (("/tags/-/contacts", "contacts"), ("/contacts/-/tags", "tags")):
        found = walk(http, server, path, envelope, filter=window)
        assert expected and sorted((int(a["contact_id"]), int(a["tag_id"])) for a in found) == expected
        times = [a["applied_at"] for a in walk(http, server, path, envelope, filter=window, order_by="applied_time desc")]
        assert times == sorted(times, reverse=True)
    late = walk(http, server, "/tags/-/contacts", "contacts", filter="since_applied_time==2026-01-01T00:00:00.000Z")
    assert len(late) == sum(a["DateCreated"] >= until for a in ds.tables["ContactGroupAssign"])


def test_tag_contact_count_follows_the_list_filters(http, server, ds):
    tag = ds.tables["ContactGroup"][0]["Id"]
    applications = [a for a in ds.tables["ContactGroupAssign"] if a["GroupId"] == tag]
    body = get(http, server, f"/tags/{tag}/contacts/count")
    models.TagContactCount.from_dict(body)
    assert body == {"count": len(applications)} and applications
    cutoff = datetime(2025, 1, 1, tzinfo=timezone.utc)
    recent = get(http, server, f"/tags/{tag}/contacts/count", filter="since_applied_time==2025-01-01T00:00:00.000Z")
    assert recent["count"] == sum(a["DateCreated"] >= cutoff for a in applications)
    assert http.get(f"{server.base_url}{V2}/tags/999999/contacts/count", timeout=10).status_code == 404


def test_users_carry_email_addresses_and_filter_on_them(http, server, ds):
    user = ds.tables["User"][1]
    one = get(http, server, f"/users/{user['Id']}")
    models.User.from_dict(one)
    assert one["email_addresses"] == [{"email": user["Email"], "field": "EMAIL1"}] and "email_address" not in one
    found = walk(http, server, "/users", "users", filter=f"email=={user['Email'].upper()}", page_size=100)
    assert [u["id"] for u in found] == [str(r["Id"]) for r in ds.tables["User"] if r["Email"].lower() == user["Email"].lower()]
    ordered = walk(http, server, "/users", "users", order_by="email asc", page_size=100)
    assert [u["email_addresses"][0]["email"].lower() for u in ordered] == sorted(r["Email"].lower() for r in ds.tables["User"])


def test_companies_declared_filters_order_and_default_fields(http, server, ds):
    rows = ds.tables["Company"]
    row = next(r for r in rows if r.get("Email") and r.get("City") and r.get("State"))
    by_email = walk(http, server, "/companies", "companies", filter=f"email=={row['Email']}")
    assert {c["id"] for c in by_email} == {str(r["Id"]) for r in rows if (r.get("Email") or "").lower() == row["Email"].lower()}
    city = walk(http, server, "/companies", "companies", filter=f"city=={row['City'][:3]}*;state=={row['State']}")
    assert {c["id"] for c in city} == {str(r["Id"]) for r in rows if (r.get("City") or "").lower().startswith(
        row["City"][:3].lower()) and (r.get("State") or "").lower() == row["State"].lower()}
    ids = sorted(r["Id"] for r in rows)
    above = walk(http, server, "/companies", "companies", filter=f"company_id>={ids[-3]}")
    assert sorted(int(c["id"]) for c in above) == ids[-3:]
    assert http.get(f"{server.base_url}{V2}/companies", params={"filter": "company_id!=1"}, timeout=10).status_code == 400
    ordered = walk(http, server, "/companies", "companies", order_by="email desc", fields="email_address")
    emails = [c["email_address"]["email"].lower() for c in ordered if c["email_address"]]
    assert emails == sorted((r["Email"].lower() for r in rows if r.get("Email")), reverse=True)
    # Not included by default (the spec's list): the times, address, channels, notes, custom fields.
    plain = get(http, server, "/companies", page_size=3)["companies"][0]
    assert not {"update_time", "create_time", "address", "email_address", "notes", "custom_fields"} & set(plain)
    timed = get(http, server, "/companies", page_size=3, fields="update_time,create_time")["companies"][0]
    assert {"update_time", "create_time"} <= set(timed) and "address" not in timed
    one = get(http, server, f"/companies/{row['Id']}")
    assert "create_time" in one and "address" not in one
    assert get(http, server, f"/companies/{row['Id']}", fields="address")["address"]["locality"] == row["City"]


def test_opportunity_model_lists_the_opportunity_custom_fields(http, server, ds):
    body = get(http, server, "/opportunities/model")
    models.ObjectModel.from_dict(body)
    fields = [f for f in ds.tables["DataFormField"] if f["FormId"] == -4]
    assert [(f["id"], f["field_name"], f["record_type"]) for f in body["custom_fields"]] == [
        (str(f["Id"]), f["Name"], "OPPORTUNITY") for f in fields]
    assert [o["label"] for o in body["custom_fields"][0]["options"]] == fields[0]["Values"].split("\n")
    assert "custom_fields" in body["optional_properties"]


def test_stage_and_lead_source_filters_the_spec_declares(http, server, ds):
    stages = ds.tables["Stage"]
    by_order = get(http, server, "/opportunities/stages", order_by="stage_order desc")["stages"]
    assert [s["order"] for s in by_order] == sorted((r["StageOrder"] for r in stages), reverse=True)
    named = get(http, server, "/opportunities/stages", filter=f"opportunity_stage_name=={stages[0]['StageName'][:2]}*")
    assert {s["id"] for s in named["stages"]} == {str(r["Id"]) for r in stages if r["StageName"].lower().startswith(
        stages[0]["StageName"][:2].lower())}
    moves = ds.tables["StageMove"]
    mine = walk(http, server, "/opportunities/stageMoves", "stage_moves", filter=f"user_id=={moves[0]['UserId']}")
    assert sorted(int(m["id"]) for m in mine) == sorted(m["Id"] for m in moves if m["UserId"] == moves[0]["UserId"])
    sources = ds.tables["LeadSource"]
    above = walk(http, server, "/leadSources", "lead_sources", filter=f"id>{sources[0]['Id']}")
    assert sorted(int(s["id"]) for s in above) == sorted(r["Id"] for r in sources if r["Id"] > sources[0]["Id"])
