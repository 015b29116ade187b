"""CRM REST v2 endpoints: each parses with the official SDK model and agrees with the dataset's tables."""

from __future__ import annotations

import base64
from datetime import datetime, timezone

import keap_core_v2_client.models as models
import pytest
import requests

from infusionsoft_assets.sandbox import SandboxServer

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


@pytest.fixture(scope="module")
def server():
    with SandboxServer(seed=5, scale=500, now=NOW) as srv:
        yield srv


@pytest.fixture(scope="module")
def ds(server):
    return server.dataset


@pytest.fixture(scope="module")
def http(server):
    with requests.Session() as session:
        session.headers["X-Keap-API-Key"] = server.credentials.api_key
        yield session


def get(http, server, path, **params):
    response = http.get(server.base_url + V2 + path, params=params, timeout=10)
    assert response.status_code == 200, response.text
    return response.json()


def walk(http, server, path, envelope, **params):
    records, token = [], None
    while True:
        body = get(http, server, path, **params, **({"page_token": token} if token else {}))
        records.extend(body[envelope])
        token = body["next_page_token"]
        if not token:
            return records


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
