"""DataService (and Contact/File/WebForm/Search services) over real XML-RPC, checked against ds.tables."""

from __future__ import annotations

import base64
import xmlrpc.client
from datetime import datetime, timezone
from zoneinfo import ZoneInfo

import pytest
import requests

from keap_sandbox.xmlrpc import query as q

from .sandbox_kit import sandbox_server

NOW = datetime(2026, 11, 27, 13, 4, 5, tzinfo=timezone.utc)
NY = ZoneInfo("America/New_York")


server = sandbox_server(seed=11, scale=600, now=NOW)


@pytest.fixture(scope="module")
def api(rpc):
    """This module's name for the shared XML-RPC proxy."""
    return rpc


def query_ids(api, table, criteria, limit=1000, page=0):
    return [r["Id"] for r in api.DataService.query("k", table, limit, page, criteria, ["Id"])]


def ids_where(ds, table, predicate):
    return [r["Id"] for r in ds.tables[table] if predicate(r)]


def local(moment: datetime) -> datetime:
    return moment.astimezone(NY).replace(tzinfo=None)


# --------------------------------------------------------------------------- pure query functions


def test_split_operator_forms():
    assert q.split_operator("~>=~ 2017-01-01 00:00:00") == (">=", "2017-01-01 00:00:00")
    assert q.split_operator("~<>~123") == ("<>", "123")
    assert q.split_operator("~NULL~") == ("null", "")
    assert q.split_operator("plain") == ("=", "plain")


def test_like_regex_and_dates():
    assert q.like_regex("%son").fullmatch("JACKSON")
    assert not q.like_regex("j%").fullmatch("ajax")
    assert q.like_regex("a.b%").fullmatch("a.bc") and not q.like_regex("a.b%").fullmatch("axbc")
    assert q.parse_date("2016-01-20") == datetime(2016, 1, 20)
    assert q.parse_date("20160120T10:11:12") == datetime(2016, 1, 20, 10, 11, 12)
    assert q.parse_date("yesterday") is None
    # 12:00 UTC in July is 08:00 in New York (EDT); a Date is never shifted.
    assert q.app_local(datetime(2025, 7, 1, 12, tzinfo=timezone.utc)) == datetime(2025, 7, 1, 8)
    assert q.app_local(datetime(2025, 7, 1, tzinfo=timezone.utc), "Date") == datetime(2025, 7, 1)


# --------------------------------------------------------------------------- query syntax


def test_all_rows_paged_in_id_order(api, ds):
    pages = [query_ids(api, "Contact", {"Id": "%"}, limit=250, page=p) for p in range(4)]
    assert [len(p) for p in pages] == [250, 250, 100, 0]
    assert sum(pages, []) == sorted(r["Id"] for r in ds.tables["Contact"])


def test_percent_wildcard_anywhere_case_insensitive(api, ds):
    assert query_ids(api, "Contact", {"FirstName": "j%"}) == ids_where(
        ds, "Contact", lambda r: r.get("FirstName", "").lower().startswith("j"))
    assert query_ids(api, "Contact", {"LastName": "%SON"}) == ids_where(
        ds, "Contact", lambda r: r.get("LastName", "").lower().endswith("son"))
    assert query_ids(api, "Contact", {"Email": "%@gmail.com"}) == ids_where(
        ds, "Contact", lambda r: r.get("Email", "").endswith("@gmail.com"))


def test_exact_match_is_case_insensitive(api, ds):
    name = ds.tables["Contact"][0]["LastName"]
    expected = ids_where(ds, "Contact", lambda r: r.get("LastName", "").lower() == name.lower())
    assert query_ids(api, "Contact", {"LastName": name.upper()}) == expected and expected


def test_null_is_not_empty(api, ds):
    null = ids_where(ds, "ContactGroup", lambda r: "GroupDescription" not in r)
    empty = ids_where(ds, "ContactGroup", lambda r: r.get("GroupDescription") == "")
    assert null and empty
    assert query_ids(api, "ContactGroup", {"GroupDescription": "~null~"}) == null
    assert query_ids(api, "ContactGroup", {"GroupDescription": ""}) == empty


@pytest.mark.parametrize("op, test", [("~>~", int.__gt__), ("~>=~", int.__ge__), ("~<~", int.__lt__),
                                      ("~<=~", int.__le__), ("~<>~", int.__ne__)])
def test_comparison_operators_on_ids(api, ds, op, test):
    pivot = ds.tables["Contact"][200]["Id"]
    assert query_ids(api, "Contact", {"Id": f"{op} {pivot}"}) == ids_where(ds, "Contact", lambda r: test(r["Id"], pivot))


def test_not_equal_never_matches_null(api, ds):
    expected = ids_where(ds, "Contact", lambda r: r.get("State") not in (None, "Texas"))
    assert query_ids(api, "Contact", {"State": "~<>~Texas"}) == expected


def test_array_is_in_on_id_fields_only(api, ds):
    wanted = [r["Id"] for r in ds.tables["Contact"][10:15]]
    assert query_ids(api, "Contact", {"Id": wanted}) == wanted
    with pytest.raises(xmlrpc.client.Fault) as err:
        api.DataService.query("k", "Contact", 10, 0, {"FirstName": ["Mary", "John"]}, ["Id"])
    assert err.value.faultCode == 12 and err.value.faultString.startswith("[InvalidParameter]")


def test_and_of_fields(api, ds):
    expected = ids_where(ds, "Contact", lambda r: r.get("State") == "Texas" and "Phone1" in r)
    assert query_ids(api, "Contact", {"State": "texas", "Phone1": "%"}) == expected and expected


def test_dates_are_app_local_both_ways(api, ds):
    row = ds.tables["Contact"][42]
    loaded = api.DataService.load("k", "Contact", row["Id"], ["DateCreated", "LastUpdated"])
    assert loaded["DateCreated"] == local(row["DateCreated"]).replace(microsecond=0)
    day = local(row["DateCreated"]).strftime("%Y-%m-%d")
    assert query_ids(api, "Contact", {"DateCreated": day + "%"}) == ids_where(
        ds, "Contact", lambda r: local(r["DateCreated"]).strftime("%Y-%m-%d") == day)
    bound = "2026-11-20 00:00:00"
    bound_utc = datetime(2026, 11, 20, tzinfo=NY).astimezone(timezone.utc)
    assert query_ids(api, "Contact", {"LastUpdated": f"~>=~ {bound}"}) == ids_where(
        ds, "Contact", lambda r: r["LastUpdated"] >= bound_utc)


def test_month_wildcard_on_date_field(api, ds):
    expected = ids_where(ds, "Lead", lambda r: local(r["DateCreated"]).strftime("%Y-%m") == "2025-03")
    assert query_ids(api, "Lead", {"DateCreated": "2025-03-%"}) == expected


def test_order_by_and_direction(api, ds):
    rows = api.DataService.query("k", "Contact", 1000, 0, {"Id": "%"}, ["Id", "LastName"], "LastName", False)
    by_id = sorted(ds.tables["Contact"], key=lambda r: r["Id"])
    expected = sorted(by_id, key=lambda r: (r.get("LastName") is not None, (r.get("LastName") or "").lower()),
                      reverse=True)
    assert [r["Id"] for r in rows] == [r["Id"] for r in expected]


def test_custom_fields_with_underscore(api, ds):
    expected = ids_where(ds, "Contact", lambda r: r.get("_age", 0) > 40)
    rows = api.DataService.query("k", "Contact", 1000, 0, {"_age": "~>~40"}, ["Id", "_age"])
    assert [r["Id"] for r in rows] == expected and all(r["_age"] > 40 for r in rows)


def test_joined_contact_columns_on_tag_assignments(api, ds):
    tag = ds.tables["ContactGroup"][0]["Id"]
    rows = api.DataService.query("k", "ContactGroupAssign", 1000, 0, {"GroupId": tag},
                                 ["ContactId", "Contact.FirstName"])
    contacts = {r["Id"]: r for r in ds.tables["Contact"]}
    assert rows and [r["ContactId"] for r in rows] == [
        a["ContactId"] for a in ds.tables["ContactGroupAssign"] if a["GroupId"] == tag]
    assert all(r["Contact.FirstName"] == contacts[r["ContactId"]]["FirstName"] for r in rows)


def test_tag_assignments_match_v2_tag_ids(ds):
    pairs = {(a["ContactId"], a["GroupId"]) for a in ds.tables["ContactGroupAssign"]}
    assert pairs == {(int(c["id"]), int(t)) for c in ds.contacts for t in c["tag_ids"]}


# --------------------------------------------------------------------------- other DataService methods


def test_count_find_by_field_and_load(api, ds):
    expected = ids_where(ds, "Contact", lambda r: r.get("FirstName", "").lower().startswith("m"))
    assert api.DataService.count("k", "Contact", {"FirstName": "m%"}) == len(expected)
    found = api.DataService.findByField("k", "Contact", 1000, 0, "FirstName", "m%", ["Id"])
    assert [r["Id"] for r in found] == expected
    lead = ds.tables["Lead"][3]
    assert api.DataService.load("k", "Lead", lead["Id"], ["Id", "OpportunityTitle", "StageID"]) == {
        "Id": lead["Id"], "OpportunityTitle": lead["OpportunityTitle"], "StageID": lead["StageID"]}


def test_null_fields_are_omitted_on_the_wire(server, ds):
    row = next(r for r in ds.tables["Contact"] if "Email" not in r)
    body = xmlrpc.client.dumps(("k", "Contact", row["Id"], ["Id", "Email", "FirstName"]), "DataService.load")
    response = requests.post(server.base_url + "/crm/xmlrpc/v1", data=body,
                             headers={"X-Keap-API-Key": server.credentials.api_key}, timeout=10)
    (result,), _ = xmlrpc.client.loads(response.content)
    assert result == {"Id": row["Id"], "FirstName": row["FirstName"]}
    assert b"<nil" not in response.content


@pytest.mark.parametrize("call, code, text", [
    (("Nope", 10, 0, {}, ["Id"]), 9, "[NoTableFound]No table found: Nope"),
    (("Contact", 10, 0, {}, ["Nope"]), 10, "[NoFieldFound]No field found: Contact.Nope"),
    (("Contact", 10, 0, {"Nope": "x"}, ["Id"]), 10, "[NoFieldFound]No field found: Contact.Nope"),
    (("CreditCard", 10, 0, {}, ["CardNumber"]), 8, "[NoFieldAccess]No field access: CreditCard.CardNumber"),
    (("Contact", 10, 0, {}, []), 11, "[NoFields]"),
    (("Contact", 10, 0, {}, ["Id"], "Id", "ASC"), 0, "No method matching arguments: java.lang.String, "
     "java.lang.String, java.lang.Integer, java.lang.Integer, java.util.HashMap, java.lang.Object[], "
     "java.lang.String, java.lang.String"),
])
def test_query_faults(api, call, code, text):
    with pytest.raises(xmlrpc.client.Fault) as err:
        api.DataService.query("k", *call)
    assert err.value.faultCode == code and err.value.faultString.startswith(text)


def test_load_missing_record(api, ds):
    with pytest.raises(xmlrpc.client.Fault) as err:
        api.DataService.load("k", "Contact", 1, ["Id"])  # ids start at 2 in the dataset
    assert err.value.faultCode == 5 and err.value.faultString.startswith("[RecordNotFound]")


def test_app_setting(api):
    assert api.DataService.getAppSetting("k", "Contact", "optiontypes") == \
        "Prospect,Customer,Partner,Personal Contact,Vendor"


# --------------------------------------------------------------------------- other services


def test_contact_service(api, ds):
    row = next(r for r in ds.tables["Contact"] if "EmailAddress2" in r)
    found = api.ContactService.findByEmail("k", row["EmailAddress2"].upper(), ["Id", "Email"])
    assert found == [{"Id": row["Id"], "Email": row["Email"]}]
    assert api.ContactService.load("k", row["Id"], ["FirstName"]) == {"FirstName": row["FirstName"]}


def test_file_service(api, ds):
    file_id = ds.tables["FileBox"][0]["Id"]
    assert base64.b64decode(api.FileService.getFile("k", file_id)) == ds.collections["file_data"][file_id]
    assert str(file_id) in api.FileService.getDownloadUrl("k", file_id)


def test_webform_service(api, ds):
    legacy = {str(f["id"]): f["name"] for f in ds.collections["webforms"] if f["type"] == "LEGACY"}
    assert api.WebFormService.getMap("k") == legacy
    form = ds.collections["webforms"][0]
    assert api.WebFormService.getHTML("k", form["id"]) == form["html"]


def test_search_service(api, ds):
    saved = ds.tables["SavedFilter"][1]
    user = int(saved["UserId"].split(",")[0])
    assert api.SearchService.getAllReportColumns("k", saved["Id"], user) == \
        ds.collections["saved_searches"][saved["Id"]]["columns"]
    rows = api.SearchService.getSavedSearchResultsAllFields("k", saved["Id"], user, 0)
    assert [int(r["ContactId"]) for r in rows] == ds.collections["saved_searches"][saved["Id"]]["contact_ids"]
    assert all(isinstance(v, str) for r in rows for v in r.values())
    assert api.SearchService.getSavedSearchResultsAllFields("k", saved["Id"], user, 1) == []
    thin = api.SearchService.getSavedSearchResults("k", saved["Id"], user, 0, ["ContactId"])
    assert thin == [{"ContactId": r["ContactId"]} for r in rows]
