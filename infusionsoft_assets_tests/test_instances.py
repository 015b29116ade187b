"""The reports file: instances validated when definitions load, naming the instance and the key; their
schedules evaluated with Dagster's schedule context."""

from __future__ import annotations

from datetime import datetime, timezone

import dagster as dg
import pytest

from infusionsoft_assets.catalog import DEFAULT_FILE, REPORTS_BY_NAME, InstancesError, load_instances
from infusionsoft_assets.definitions import build_definitions
from infusionsoft_assets.settings import Settings


def write(tmp_path, text: str):
    path = tmp_path / "reports.yaml"
    path.write_text(text)
    return path


@pytest.mark.parametrize("text, says", [
    ("reports:\n  - report: no_such_report\n", "reports[0] (no_such_report): report: 'no_such_report' is not a report"),
    ("reports:\n  - report: affiliate_commissions\n    params: {affiliate_id: 3}\n",
     "params.affiliate_id: affiliate_commissions takes no such parameter (it takes: affiliate_ids)"),
    ("reports:\n  - report: affiliate_commissions\n    params: {affiliate_ids: [3, x]}\n",
     "params.affiliate_ids: 'x' is not a Keap id"),
    ("reports:\n  - report: contacts_by_email\n", "params.emails: required"),
    ("reports:\n  - report: contacts_by_email\n    params: {emails: [not-an-email]}\n",
     "params.emails: 'not-an-email' is not an email address"),
    ("reports:\n  - report: contacts_by_id\n    params: {contact_ids: all}\n",
     "params.contact_ids: 'all' is not possible here"),
    ("reports:\n  - report: saved_search_new\n    params: {saved_searches: [1]}\n", "params.fields: required"),
    ("reports:\n  - report: contacts\n    asset: Contacts\n", "asset: 'Contacts' must be snake_case"),
    ("reports:\n  - report: contacts\n  - report: contacts\n", "reports[1] (contacts): asset: 'contacts' is already"),
    ("reports:\n  - report: contacts\n    schedule: {cron: '61 * * * *'}\n", "schedule.cron"),
    ("reports:\n  - report: affiliate_programs\n    schedule: {cron: '0 5 * * *', days_back: 3}\n",
     "schedule.days_back: affiliate_programs is a snapshot report"),
    ("reports:\n  - report: contacts\n    paramz: {}\n", "reports[0] (contacts): paramz: is not a known key"),
    ("reports: [\n", "is not valid YAML"),
])
def test_a_bad_instance_is_refused_naming_the_instance_and_key(tmp_path, text, says):
    with pytest.raises(InstancesError) as info:
        load_instances(write(tmp_path, text), REPORTS_BY_NAME)
    assert says in str(info.value), str(info.value)


def test_nothing_loads_half_and_every_problem_is_listed(tmp_path):
    path = write(tmp_path, "reports:\n  - report: contacts\n  - report: nope\n  - report: contacts_by_id\n")
    with pytest.raises(InstancesError) as info:
        build_definitions(Settings(reports_file=str(path)))
    lines = str(info.value).splitlines()
    assert len(lines) == 2 and "reports[1] (nope)" in lines[0] and "reports[2] (contacts_by_id)" in lines[1]


def test_the_same_report_twice_with_other_parameters_is_two_assets(tmp_path):
    path = write(tmp_path, "reports:\n"
                           "  - report: affiliate_commissions\n"
                           "  - report: affiliate_commissions\n    asset: commissions_of_3\n"
                           "    params: {affiliate_ids: [3, '5']}\n")
    instances = load_instances(path, REPORTS_BY_NAME)
    assert [(i.asset, dict(i.params)) for i in instances] == [
        ("affiliate_commissions", {"affiliate_ids": "all"}), ("commissions_of_3", {"affiliate_ids": [3, 5]})]
    defs = build_definitions(Settings(reports_file=str(path)))
    keys = {k.to_user_string() for k in defs.resolve_asset_graph().get_all_asset_keys()}
    assert {k for k in keys if not k.startswith("xmlrpc_archive_")} == {"affiliate_commissions", "commissions_of_3"}
    assert "affiliate_ids=3, 5" in defs.resolve_assets_def("commissions_of_3").metadata_by_key[
        dg.AssetKey("commissions_of_3")]["parameters"]


def test_the_shipped_default_holds_every_report_that_needs_no_id():
    instances = load_instances(DEFAULT_FILE, REPORTS_BY_NAME)
    shipped = {i.spec.name for i in instances}
    needs_no_id = {name for name, spec in REPORTS_BY_NAME.items()
                   if not (spec.fan_out and not spec.fan_out.default_all) and not any(o.required for o in spec.options)}
    assert shipped == needs_no_id
    assert all(v == "all" for i in instances for v in i.params.values())


def evaluate(defs, name: str, tick: datetime):
    schedule = defs.resolve_schedule_def(name)
    return schedule.evaluate_tick(dg.build_schedule_context(scheduled_execution_time=tick,
                                                            repository_def=defs.get_repository_def()))


def test_instances_with_their_own_schedule_and_the_default_schedules(tmp_path, monkeypatch):
    path = write(tmp_path, "reports:\n"
                           "  - report: contacts\n"
                           "  - report: affiliate_commissions\n    schedule: {cron: '30 7 * * *', days_back: 10}\n"
                           "  - report: affiliate_programs\n"
                           "  - report: webforms\n    schedule: {cron: '0 12 * * 1'}\n")
    monkeypatch.setenv("INFUSIONSOFT_LOOKBACK_DAYS", "4")
    monkeypatch.setenv("INFUSIONSOFT_REPORTS_FILE", str(path))
    defs = build_definitions()
    tick = datetime(2026, 11, 28, 7, 30, tzinfo=timezone.utc)

    own = evaluate(defs, "affiliate_commissions_schedule", tick).run_requests[0]
    assert own.tags["dagster/asset_partition_range_start"] == "2026-11-18"
    assert own.tags["dagster/asset_partition_range_end"] == "2026-11-27"
    assert own.asset_selection == [dg.AssetKey("affiliate_commissions")]
    assert defs.resolve_schedule_def("affiliate_commissions_schedule").cron_schedule == "30 7 * * *"

    lookback = evaluate(defs, "range_reports_lookback", tick).run_requests[0]
    assert lookback.asset_selection == [dg.AssetKey("contacts")]  # the scheduled instance is not re-pulled
    assert (lookback.tags["dagster/asset_partition_range_start"],
            lookback.tags["dagster/asset_partition_range_end"]) == ("2026-11-24", "2026-11-27")

    snapshots = evaluate(defs, "snapshot_reports_daily", tick).run_requests[0]
    assert snapshots.partition_key == "2026-11-28" and snapshots.asset_selection == [dg.AssetKey("affiliate_programs")]
    weekly = evaluate(defs, "webforms_schedule", tick).run_requests[0]
    assert weekly.partition_key == "2026-11-28" and weekly.asset_selection == [dg.AssetKey("webforms")]


def test_snapshot_partitions_start_at_their_own_date(monkeypatch):
    monkeypatch.setenv("INFUSIONSOFT_SNAPSHOT_START_DATE", "2026-11-20")
    defs = build_definitions()
    assert defs.resolve_assets_def("affiliate_programs").partitions_def.start.date().isoformat() == "2026-11-20"
    assert defs.resolve_assets_def("contacts").partitions_def.start.date().isoformat() == "2015-01-01"
