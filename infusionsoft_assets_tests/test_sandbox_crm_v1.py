"""CRM REST v1: every response validates against the v1 spec's schema; paging, windows and ids agree
with the dataset (and with v2 and XML-RPC for the same record)."""

from __future__ import annotations

from datetime import datetime, timezone
from functools import partial
from pathlib import Path

import pytest
import yaml

from . import sandbox_kit

NOW = datetime(2026, 11, 27, 13, 4, 5, tzinfo=timezone.utc)
V1 = "/crm/rest/v1"
SPEC = Path("/work/shared/keap-openapi/keap-v1-openapi.yaml")
_TYPES = {"string": str, "boolean": bool, "object": dict, "array": list, "number": (int, float), "integer": int}


@pytest.fixture(scope="module")
def spec():
    if not SPEC.exists():
        pytest.skip("v1 spec not available")
    return yaml.safe_load(SPEC.read_text())


server = sandbox_kit.sandbox_server(seed=7, scale=400, now=NOW)
# Paths in this module are relative to REST v1.
get = partial(sandbox_kit.get, prefix=V1)


def validate(value, schema, where="$"):
    """The spec's schema, structurally: types, enums, required keys (null allowed — Keap sends nulls
    everywhere though the spec marks nothing nullable; jsonschema is not installed here)."""
    if value is None:
        return
    kind = schema.get("type")
    if kind == "object" and "properties" not in schema:
        return  # the spec's `content: object` is any JSON value
    if kind:
        expected = _TYPES[kind]
        assert isinstance(value, expected) and not (kind in ("integer", "number") and isinstance(value, bool)), \
            f"{where}: {value!r} is not {kind}"
    if "enum" in schema and kind == "string":
        assert value in schema["enum"], f"{where}: {value!r} not in {schema['enum']}"
    if kind == "array":
        for i, item in enumerate(value):
            validate(item, schema["items"], f"{where}[{i}]")
    if kind == "object" and "properties" in schema:
        for key in schema.get("required", ()):
            assert key in value, f"{where}: missing {key}"
        for key, sub in schema["properties"].items():
            if key in value:
                validate(value[key], sub, f"{where}.{key}")
    if kind == "string" and schema.get("format") == "date-time":
        datetime.strptime(value, "%Y-%m-%dT%H:%M:%S.%f%z")


def schema_of(spec, path):
    return spec["paths"][f"/v1{path}"]["get"]["responses"]["200"]["content"]["application/json"]["schema"]


# spec path -> (request path, envelope, legacy table (and row filter) whose Ids the items carry)
LISTS = {
    "/contacts": ("/contacts", "contacts", "Contact", None),
    "/tags": ("/tags", "tags", "ContactGroup", None),
    "/companies": ("/companies", "companies", "Company", None),
    "/opportunities": ("/opportunities", "opportunities", "Lead", None),
    "/tasks": ("/tasks", "tasks", "ContactAction", "Task"),
    "/notes": ("/notes", "notes", "ContactAction", "Note"),
    "/appointments": ("/appointments", "appointments", "ContactAction", "Appointment"),
    "/files": ("/files", "files", "FileBox", None),
    "/users": ("/users", "users", "User", None),
    "/campaigns": ("/campaigns", "campaigns", "Campaign", None),
}


def walk(http, server, path, envelope, limit, **params):
    rows, offset = [], 0
    while True:
        body = get(http, server, path, limit=limit, offset=offset, **params)
        assert body["next"].startswith(server.base_url + V1 + path + "/?")  # absolute, trailing slash
        rows.extend(body[envelope])
        offset += limit
        if offset >= body["count"]:
            assert f"offset={offset}" in body["next"]  # `next` is present on the last page too
            return rows, body["count"]


@pytest.mark.parametrize("spec_path", sorted(LISTS))
def test_list_validates_and_pages_over_every_row(spec, http, server, ds, spec_path):
    path, envelope, table, kind = LISTS[spec_path]
    first = get(http, server, path, limit=3)
    validate(first, schema_of(spec, spec_path))
    rows, count = walk(http, server, path, envelope, limit=max(3, len(ds.tables[table]) // 4 or 1))
    expected = [r["Id"] for r in ds.tables[table] if kind is None or r["ObjectType"] == kind]
    assert count == len(rows) == len(expected)
    if envelope == "campaigns" or envelope == "tasks" or "id" in rows[0]:
        assert sorted(r["id"] for r in rows) == sorted(expected)


def test_contacts_since_until_window_on_last_updated(http, server, ds, spec):
    updated = sorted(c["LastUpdated"] for c in ds.tables["Contact"])
    since, until = updated[len(updated) // 3], updated[2 * len(updated) // 3]
    body = get(http, server, "/contacts", since=since.isoformat(), until=until.isoformat(), limit=1000,
               order="last_updated")
    validate(body, schema_of(spec, "/contacts"))
    expected = [c["Id"] for c in sorted(ds.tables["Contact"], key=lambda c: (c["LastUpdated"], c["Id"]))
                if since <= c["LastUpdated"] <= until]
    assert [c["id"] for c in body["contacts"]] == expected and body["count"] == len(expected)
    assert all(c["last_updated"].endswith("+0000") for c in body["contacts"])
    get(http, server, "/contacts", status=400, since="2025-01-01T00:00:00")  # a zone is required


def test_contacts_filters_order_and_custom_fields(http, server, ds, spec):
    row = ds.tables["Contact"][5]
    by_email = get(http, server, "/contacts", email=row["Email"].upper())["contacts"]
    assert [c["id"] for c in by_email] == [c["Id"] for c in ds.tables["Contact"]
                                           if c.get("Email", "").lower() == row["Email"].lower()]
    assert "custom_fields" not in by_email[0]
    with_custom = get(http, server, "/contacts", email=row["Email"], optional_properties="custom_fields")
    assert {cf["id"] for cf in with_custom["contacts"][0]["custom_fields"]} == {
        f["Id"] for f in ds.tables["DataFormField"] if f["FormId"] == -1}
    desc = get(http, server, "/contacts", order="email", order_direction="DESCENDING", limit=5)["contacts"]
    emails = sorted((c.get("Email", "").lower() for c in ds.tables["Contact"]), reverse=True)[:5]
    assert [c["email_addresses"][0]["email"].lower() if c["email_addresses"] else "" for c in desc] == emails
    get(http, server, "/contacts", status=400, order="bogus")
    model = get(http, server, "/contacts/model")
    validate(model, schema_of(spec, "/contacts/model"))


def test_contact_by_id_is_full_and_matches_v2_and_xmlrpc(http, server, ds, spec):
    contact = ds.contacts[11]
    one = get(http, server, f"/contacts/{contact['id']}")
    validate(one, spec["paths"]["/v1/contacts/{id}"]["get"]["responses"]["200"]["content"]["application/json"]["schema"])
    assert one["id"] == int(contact["id"]) and one["tag_ids"] == [int(t) for t in contact["tag_ids"]]
    v2 = http.get(f"{server.base_url}/crm/rest/v2/contacts/{contact['id']}", timeout=10).json()
    assert v2["id"] == str(one["id"]) and v2["given_name"] == one["given_name"]
    proxy = sandbox_kit.xmlrpc_proxy(server)
    legacy = proxy.DataService.load("key", "Contact", one["id"], ["Id", "FirstName"])
    assert legacy["Id"] == one["id"] and legacy.get("FirstName") == one["given_name"]
    get(http, server, "/contacts/999999999", status=404)


def test_tag_applications_both_ways(http, server, ds, spec):
    tag = max(ds.collections["tag_applications"], key=lambda t: len(ds.collections["tag_applications"][t]))
    body = get(http, server, f"/tags/{tag}/contacts", limit=1000)
    validate(body, schema_of(spec, "/tags/{tagId}/contacts"))
    applied = ds.collections["tag_applications"][tag]
    assert [(c["contact"]["id"], c["date_applied"][:19]) for c in body["contacts"]] == [
        (a["ContactId"], a["DateCreated"].strftime("%Y-%m-%dT%H:%M:%S")) for a in applied]
    contact = applied[0]["ContactId"]
    tags = get(http, server, f"/contacts/{contact}/tags")
    validate(tags, schema_of(spec, "/contacts/{contactId}/tags"))
    assert {t["tag"]["id"] for t in tags["tags"]} == {a["GroupId"] for a in ds.tables["ContactGroupAssign"]
                                                      if a["ContactId"] == contact}


def test_tasks_and_appointments_windows(http, server, ds):
    actions = ds.tables["ContactAction"]
    tasks = sorted((a for a in actions if a["ObjectType"] == "Task"), key=lambda a: a["LastUpdated"])
    since, until = tasks[len(tasks) // 4]["LastUpdated"], tasks[3 * len(tasks) // 4]["LastUpdated"]
    body = get(http, server, "/tasks", since=since.isoformat().replace("+00:00", "Z"),
               until=until.isoformat().replace("+00:00", "Z"))
    assert sorted(t["id"] for t in body["tasks"]) == sorted(a["Id"] for a in tasks
                                                            if since <= a["LastUpdated"] <= until)
    done = get(http, server, "/tasks", completed="true")
    assert done["count"] == sum(1 for a in tasks if "CompletionDate" in a)
    appointments = [a for a in actions if a["ObjectType"] == "Appointment"]
    cut = sorted(a["ActionDate"] for a in appointments)[len(appointments) // 2]
    later = get(http, server, "/appointments", since=cut.isoformat())
    assert sorted(a["id"] for a in later["appointments"]) == sorted(a["Id"] for a in appointments
                                                                    if a["ActionDate"] >= cut)


def test_opportunities_match_v2_and_stage_pipeline(http, server, ds, spec):
    body = get(http, server, "/opportunities", order="opportunity_name", limit=1000)
    assert [o["opportunity_title"].lower() for o in body["opportunities"]] == sorted(
        lead["OpportunityTitle"].lower() for lead in ds.tables["Lead"])
    lead = ds.tables["Lead"][0]
    mine = [o for o in body["opportunities"] if o["id"] == lead["Id"]][0]
    assert mine["stage"]["id"] == lead["StageID"] and mine["user"]["id"] == lead["UserID"]
    assert mine["custom_fields"] == [{"id": 20, "content": lead.get("_dealsource")}]
    v2 = http.get(f"{server.base_url}/crm/rest/v2/opportunities/{lead['Id']}", timeout=10).json()
    assert v2["opportunity_title"] == mine["opportunity_title"] and v2["stage"]["id"] == str(mine["stage"]["id"])
    by_stage = get(http, server, "/opportunities", stage_id=lead["StageID"])
    assert by_stage["count"] == sum(1 for x in ds.tables["Lead"] if x["StageID"] == lead["StageID"])
    pipeline = get(http, server, "/opportunity/stage_pipeline")
    validate(pipeline, schema_of(spec, "/opportunity/stage_pipeline"))
    assert [s["stage_id"] for s in pipeline] == [s["Id"] for s in ds.tables["Stage"]]
    assert sum(s["stage_count"] for s in pipeline) == len(ds.tables["Lead"])


def test_file_with_data(http, server, ds, spec):
    import base64
    row = ds.tables["FileBox"][1]
    body = get(http, server, f"/files/{row['Id']}", optional_properties="file_data")
    validate(body, spec["paths"]["/v1/files/{fileId}"]["get"]["responses"]["200"]["content"]["application/json"]["schema"])
    assert base64.b64decode(body["file_data"]) == ds.collections["file_data"][row["Id"]]
    assert "file_data" not in get(http, server, f"/files/{row['Id']}")
    public = get(http, server, "/files", viewable="PUBLIC")
    assert public["count"] == sum(1 for r in ds.tables["FileBox"] if r["Public"])
