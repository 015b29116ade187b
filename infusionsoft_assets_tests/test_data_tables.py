"""Domo's "Query a Data Table" over all 57 legacy tables, the XML-RPC-only reports and the archive, against
the sandbox: every table once against the dataset's rows; one corpus of queries through XML-RPC (Keap's
own evaluation) and through REST (ours), which must agree; app-zone dates at day edges; the archive job;
what happens once Keap has switched XML-RPC off."""

from __future__ import annotations

import math
from datetime import date, datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import dagster as dg
import duckdb
import pytest
import requests

from infusionsoft_assets.catalog import instance
from infusionsoft_assets.catalog.legacy import to_utc
from infusionsoft_assets.catalog.tables import TABLES, XMLRPC_ONLY
from infusionsoft_assets.dates import utc_today
from infusionsoft_assets.definitions import ARCHIVE_JOB, ARCHIVE_SUMMARY, RANGE_JOB, SNAPSHOT_JOB, build_definitions
from infusionsoft_assets.settings import Settings
from keap_sandbox import SandboxServer

from .truth import busiest_days, data_table, legacy_value

TODAY = utc_today()


@pytest.fixture(scope="module")
def server():
    with SandboxServer(seed=5, scale=800, mode="thread") as srv:
        yield srv


@pytest.fixture(scope="module")
def dagster_instance():
    with dg.instance_for_test() as inst:
        yield inst


def settings(server, tmp_path) -> Settings:
    return Settings(api_url=server.base_url, api_key=server.credentials.api_key, duckdb_path=str(tmp_path / "w.duckdb"))


def run(defs, names: list[str], dagster_instance, days: list[date] | None = None, job: str | None = None):
    days = days or [TODAY]
    result = defs.resolve_job_def(job or (RANGE_JOB if days != [TODAY] else SNAPSHOT_JOB)).execute_in_process(
        instance=dagster_instance, asset_selection=[dg.AssetKey(n) for n in names], raise_on_error=False,
        tags={"dagster/asset_partition_range_start": days[0].isoformat(),
              "dagster/asset_partition_range_end": days[-1].isoformat()})
    failures = [e.step_failure_data.error.message for e in result.all_events if e.is_step_failure]
    return result, failures


def stored(db, table: str, key: tuple[str, ...]) -> dict[tuple, dict]:
    with duckdb.connect(str(db), read_only=True) as conn:
        rows = conn.execute(f'SELECT * FROM keap."{table}"').fetchall()
        names = [d[0] for d in conn.description]
    out = {}
    for row in rows:
        values = dict(zip(names, row))
        out[tuple(values[k] for k in key)] = values
    return out


def close(expected, actual) -> bool:
    if isinstance(actual, datetime):
        actual = actual.replace(microsecond=0)
    if isinstance(expected, float) and actual is not None:
        return math.isclose(expected, float(actual), abs_tol=0.005)
    return expected == actual


def assert_matches(instance_, got: dict, expected: dict) -> None:
    assert set(got) == set(expected), (instance_.asset, sorted(set(expected) - set(got))[:5],
                                       sorted(set(got) - set(expected))[:5])
    for key, values in expected.items():
        for column, value in values.items():
            assert close(value, got[key][column]), (instance_.asset, key, column, got[key][column], value)


# ------------------------------------------------------------------------------ every table, once

def test_every_table_can_be_an_instance_and_holds_the_datasets_rows(server, dagster_instance, tmp_path):
    instances = tuple(instance("data_table", table=name, whole=True) for name in TABLES)
    defs = build_definitions(settings(server, tmp_path), instances=instances)
    result, failures = run(defs, [i.asset for i in instances], dagster_instance)
    assert not failures, failures[:3]
    checks = result.get_asset_check_evaluations()
    assert all(c.passed for c in checks), [(c.asset_key, c.check_name, c.metadata) for c in checks if not c.passed]
    for item in instances:
        table = TABLES[item.spec.table]
        expected = data_table(server.dataset, dict(item.params), [TODAY], spec=item.spec)
        assert_matches(item, stored(tmp_path / "w.duckdb", item.asset, table.key), expected)
        assert item.spec.legacy == (table.rest is None)


@pytest.mark.parametrize("name", sorted(t.name for t in TABLES.values() if t.date_field))
def test_a_dated_table_is_partitioned_by_the_utc_day_of_its_date_field(name, server, dagster_instance, tmp_path):
    item = instance("data_table", table=name)
    ds = server.dataset
    candidates = [TODAY - timedelta(days=n) for n in range(1200, 0, -1)]
    days = busiest_days(lambda d: data_table(ds, dict(item.params), d, spec=item.spec), candidates)
    defs = build_definitions(settings(server, tmp_path), instances=(item,))
    result, failures = run(defs, [item.asset], dagster_instance, days)
    assert not failures, failures[:3]
    got = stored(tmp_path / "w.duckdb", item.asset, TABLES[name].key)
    assert_matches(item, got, data_table(ds, dict(item.params), days, spec=item.spec))
    field = TABLES[name].date_field
    for row in got.values():  # the day is the UTC day, whatever zone Keap wrote the date in
        value = row[field]
        day = value.astimezone(timezone.utc).date() if isinstance(value, datetime) else value
        assert row["_partition_date"] == day


# ------------------------------------------------------------------------------ one query corpus, two paths

CORPUS = [
    "'FirstName':'J%'", "'FirstName':'%n'", "'FirstName':'%ar%'", "'LastName':'%a%e%'", "'Email':'%@%.com'",
    "'LastName':'SMITH'", "'MiddleName':'~null~'", "'JobTitle':'~null~', 'ContactType':'Lead'",
    "'Company':'~<>~Maple Tutoring Partners'", "'Id':'~>~300'", "'Id':'~<=~50'", "'Id':'~>=~100', 'Id2':'x'",
    "'LastUpdated':'~>=~2026-11-01'", "'DateCreated':'~<~2020-01-01 00:00:00'", "'LastUpdated':'2026-11%'",
    "'DateCreated':'2019%'", "'LastUpdated':'~<=~2026-06-30 23:59:59'", "'Birthday':'~>~1990-01-01'",
    "'Id':'3,4,5,99999'", "'ContactType':'Lead', 'State':'~<>~Utah'", "'FirstName':'%'", "'Title':''",
    "'LastUpdated':'~>=~LastSuccessfulRun'", "'OwnerID':'~<>~1'",
]


def test_one_corpus_of_queries_gives_the_same_rows_over_xmlrpc_and_over_rest(server, dagster_instance, tmp_path):
    queries = [q for q in CORPUS if "Id2" not in q]
    pairs = []
    for n, query in enumerate(queries):
        for transport in ("xmlrpc", "rest"):
            pairs.append(instance("data_table", asset=f"q{n}_{transport}", table="Contact", transport=transport,
                                  whole=True, query=query))
    defs = build_definitions(settings(server, tmp_path), instances=tuple(pairs))
    result, failures = run(defs, [i.asset for i in pairs], dagster_instance)
    assert not failures, failures[:3]
    sizes = set()
    for n, query in enumerate(queries):
        over_xmlrpc = set(stored(tmp_path / "w.duckdb", f"q{n}_xmlrpc", ("Id",)))
        over_rest = set(stored(tmp_path / "w.duckdb", f"q{n}_rest", ("Id",)))
        assert over_rest == over_xmlrpc, (query, sorted(over_xmlrpc - over_rest)[:5], sorted(over_rest - over_xmlrpc)[:5])
        sizes.add(len(over_xmlrpc))
    assert len(sizes) >= 8  # the corpus tells rows apart: many different answers, not all or nothing


def test_a_query_naming_a_field_twice_or_a_field_the_table_lacks_is_refused():
    from infusionsoft_assets.catalog import InstancesError
    from infusionsoft_assets.catalog.instances import InstanceConfig, build_instance
    from infusionsoft_assets.catalog import REPORTS_BY_NAME

    for query, says in (("'Id2':'x'", "'Id2' is not a field of the table"),
                        ("'Id':'1', 'Id':'2'", "appears twice"),
                        ("'Id' 1", "expected 'Field':'value'"),
                        ("'DateCreated':'~>=~yesterday'", "is not a date"),
                        ("'FirstName':'~>=~LastSuccessfulRun'", "LastSuccessfulRun compares dates")):
        with pytest.raises(InstancesError, match=says):
            build_instance(InstanceConfig(report="data_table", params={"table": "Contact", "query": query}),
                           REPORTS_BY_NAME)
    with pytest.raises(InstancesError, match="params.fields: CreditCard.CardNumber cannot be read"):
        build_instance(InstanceConfig(report="data_table", params={"table": "CreditCard", "fields": ["CardNumber"]}),
                       REPORTS_BY_NAME)
    with pytest.raises(InstancesError, match="params.table: 'Contacts' is not one of Keap's tables"):
        build_instance(InstanceConfig(report="data_table", params={"table": "Contacts"}), REPORTS_BY_NAME)
    with pytest.raises(InstancesError, match="params.fields: Affiliate.Password is a password"):
        build_instance(InstanceConfig(report="data_table", params={"table": "Affiliate", "fields": ["Password"]}),
                       REPORTS_BY_NAME)


def test_passwords_are_never_read_and_joined_contact_fields_are_the_tagged_contacts(server, dagster_instance,
                                                                                      tmp_path):
    """Contact.Password is readable over XML-RPC and is never asked for; ContactGroupAssign's ``Contact.X``
    fields (a key with a dot, not a path) hold the tagged contact's values."""
    contacts = instance("data_table", asset="contacts_legacy", table="Contact", transport="xmlrpc", whole=True)
    assigns = instance("data_table", asset="assigns_legacy", table="ContactGroupAssign", transport="xmlrpc",
                       whole=True, fields=["GroupId", "ContactId", "Contact.Email", "Contact.FirstName"])
    assert not any(c.name == "Password" for c in contacts.spec.columns)
    defs = build_definitions(settings(server, tmp_path), instances=(contacts, assigns))
    _, failures = run(defs, [contacts.asset, assigns.asset], dagster_instance)
    assert not failures, failures[:3]
    got = stored(tmp_path / "w.duckdb", assigns.asset, ("GroupId", "ContactId"))
    expected = data_table(server.dataset, dict(assigns.params), [TODAY], spec=assigns.spec)
    assert any(v["Contact.Email"] for v in expected.values())
    assert_matches(assigns, got, expected)
    with duckdb.connect(str(tmp_path / "w.duckdb"), read_only=True) as conn:
        names = [r[0] for r in conn.execute("SELECT column_name FROM information_schema.columns "
                                            "WHERE table_name = 'contacts_legacy'").fetchall()]
    assert "FirstName" in names and not any("password" in n.lower() for n in names)


def test_since_the_last_successful_run_adds_what_changed_and_keeps_the_rest(server, dagster_instance, tmp_path):
    item = instance("data_table", asset="changed_js", table="Contact", transport="xmlrpc", whole=True,
                    query="'FirstName':'J%', 'LastUpdated':'~>=~LastSuccessfulRun'")
    defs = build_definitions(settings(server, tmp_path), instances=(item,))
    first, failures = run(defs, [item.asset], dagster_instance)
    assert not failures
    everyone = set(stored(tmp_path / "w.duckdb", item.asset, ("Id",)))
    js = {(r["Id"],) for r in server.dataset.tables["Contact"] if (r.get("FirstName") or "").lower().startswith("j")}
    assert everyone == js and js  # the first run: everything (no run before it)
    again, failures = run(defs, [item.asset], dagster_instance)
    assert not failures
    assert again.get_asset_materialization_events()[0].materialization.metadata["rows_written"].value == len(js)
    assert set(stored(tmp_path / "w.duckdb", item.asset, ("Id",))) == js  # nothing changed since: nothing lost


# ------------------------------------------------------------------------------ the app's zone

@pytest.mark.parametrize("local, expected", [
    (datetime(2026, 11, 30, 19, 30), datetime(2026, 12, 1, 0, 30, tzinfo=timezone.utc)),   # EST evening: next UTC day
    (datetime(2026, 7, 1, 20, 0), datetime(2026, 7, 2, 0, 0, tzinfo=timezone.utc)),        # EDT: UTC-4
    (datetime(2026, 3, 8, 1, 59, 59), datetime(2026, 3, 8, 6, 59, 59, tzinfo=timezone.utc)),  # before spring-forward
    (datetime(2026, 3, 8, 3, 0), datetime(2026, 3, 8, 7, 0, tzinfo=timezone.utc)),         # after it
    (datetime(2026, 11, 1, 0, 30), datetime(2026, 11, 1, 4, 30, tzinfo=timezone.utc)),     # before fall-back
    (datetime(2026, 11, 1, 3, 0), datetime(2026, 11, 1, 8, 0, tzinfo=timezone.utc)),       # after it
])
def test_xmlrpc_dates_are_the_apps_local_time_turned_into_utc(local, expected):
    assert to_utc(local, "DateTime", ZoneInfo("America/New_York")) == expected
    assert to_utc(local, "Date", ZoneInfo("America/New_York")) == local.date()  # a birthday stays its day


def test_rows_near_midnight_utc_land_on_their_utc_day_over_xmlrpc(server, dagster_instance, tmp_path):
    ds = server.dataset
    late = [r for r in ds.tables["Contact"] if r["LastUpdated"].hour < 5]  # an earlier day in US Eastern
    assert late, "the dataset has contacts updated between 00:00 and 05:00 UTC"
    day = max(r["LastUpdated"].date() for r in late)
    item = instance("data_table", asset="contact_xmlrpc", table="Contact", transport="xmlrpc")
    defs = build_definitions(settings(server, tmp_path), instances=(item,))
    _, failures = run(defs, [item.asset], dagster_instance, [day - timedelta(days=1), day])
    assert not failures
    got = stored(tmp_path / "w.duckdb", item.asset, ("Id",))
    for row in ds.tables["Contact"]:
        if row["LastUpdated"].date() in (day - timedelta(days=1), day):
            assert got[(row["Id"],)]["_partition_date"] == row["LastUpdated"].date()


# ------------------------------------------------------------------------------ the archive and the sunset

def test_the_archive_takes_everything_only_xmlrpc_serves_and_can_run_again(server, dagster_instance, tmp_path):
    defs = build_definitions(settings(server, tmp_path), instances=())
    for _ in range(2):
        job = defs.resolve_job_def(ARCHIVE_JOB)
        result = job.execute_in_process(instance=dagster_instance, partition_key=TODAY.isoformat(),
                                        raise_on_error=False)
        assert result.success
        summary = next(e for e in result.get_asset_materialization_events()
                       if e.asset_key == dg.AssetKey(ARCHIVE_SUMMARY)).materialization.metadata
        homeless = [t for t in TABLES if TABLES[t].rest is None]
        assert set(XMLRPC_ONLY) <= set(homeless)  # Keap's XML-RPC-only tables at least
        expected = sum(len(server.dataset.tables.get(t, [])) for t in homeless)
        shipping = len(server.dataset.collections["shipping_options"]) + sum(
            len(o.get("ranges", ())) for o in server.dataset.collections["shipping_options"])
        assert summary["rows"].value == expected + shipping  # the same after a second run: replaced, not added
        assert summary["tables"].value == len(homeless) + 7
    with duckdb.connect(str(tmp_path / "w.duckdb"), read_only=True) as conn:
        ups = conn.execute('SELECT * FROM keap."xmlrpc_archive_shipping_ups"').fetchall()
    assert ups and "sandbox-secret" not in repr(ups) and "SANDBOXLICENSE" not in repr(ups)  # never stored


def test_after_the_sunset_an_xmlrpc_report_fails_at_once_naming_it_and_the_archive(server, dagster_instance,
                                                                                   tmp_path):
    defs = build_definitions(settings(server, tmp_path), instances=(instance("data_table", table="Ticket",
                                                                             whole=True),))
    archived = defs.resolve_job_def(ARCHIVE_JOB).execute_in_process(instance=dagster_instance,
                                                                  partition_key=TODAY.isoformat())
    assert archived.success
    requests.post(server.base_url + "/sandbox/admin/xmlrpc", json={"shut_down": True}, timeout=10)
    try:
        result, failures = run(defs, ["table_ticket"], dagster_instance)
    finally:
        requests.post(server.base_url + "/sandbox/admin/xmlrpc", json={"shut_down": False}, timeout=10)
    assert len(failures) == 1
    assert "switched XML-RPC off on 2026-12-31" in failures[0] and "keap.xmlrpc_archive_ticket (" in failures[0]
    assert not any(e.event_type_value == "STEP_UP_FOR_RETRY" for e in result.all_events)
