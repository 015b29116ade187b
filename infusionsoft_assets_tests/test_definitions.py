"""The shape of the code location: keys, jobs, schedules, pools — so a refactor cannot drop a report."""

from __future__ import annotations

from datetime import datetime, timezone

import dagster as dg

from infusionsoft_assets.catalog import DEFAULT_FILE, REPORTS_BY_NAME, load_instances
from infusionsoft_assets.definitions import ARCHIVE_SUMMARY, archive_instances, build_definitions
from infusionsoft_assets.keap.account import credential_pool
from infusionsoft_assets.resources import keap_resource
from infusionsoft_assets.settings import Settings


def report_assets(defs) -> list[dg.AssetsDefinition]:
    """The assets made from report instances (not the archive's summary, which calls no API)."""
    return [a for a in defs.assets if "report" in a.metadata_by_key[a.key]]


def test_every_spec_is_an_asset_and_the_location_loads():
    defs = build_definitions()
    dg.Definitions.validate_loadable(defs)
    keys = {k.to_user_string() for k in defs.resolve_asset_graph().get_all_asset_keys()}
    archive = {i.asset for i in archive_instances()} | {ARCHIVE_SUMMARY}
    assert keys == {i.asset for i in load_instances(DEFAULT_FILE, REPORTS_BY_NAME)} | archive
    assert {"contacts", "affiliate_programs", "affiliate_commissions", "invoice_payments"} <= keys
    assert {j for j in ("range_reports_job", "snapshot_reports_job") if defs.resolve_job_def(j)}
    contacts = defs.resolve_assets_def("contacts")
    assert contacts.backfill_policy == dg.BackfillPolicy.single_run()
    assert defs.resolve_assets_def("affiliate_programs").backfill_policy is None
    partitions = contacts.partitions_def
    assert partitions.timezone == "UTC" and partitions.end_offset == 1
    assert partitions.start.date().isoformat() == "2015-01-01"


def test_start_date_comes_from_the_environment(monkeypatch):
    monkeypatch.setenv("INFUSIONSOFT_START_DATE", "2024-03-01")
    defs = build_definitions()
    assert defs.resolve_assets_def("contacts").partitions_def.start.date().isoformat() == "2024-03-01"


def test_pool_is_per_credential_and_hides_the_key(monkeypatch):
    assert credential_pool("client-a", None) != credential_pool("client-b", None)
    assert credential_pool(None, "secret-key") != credential_pool(None, "other-key")
    assert "secret-key" not in credential_pool(None, "secret-key")
    monkeypatch.setenv("INFUSIONSOFT_CLIENT_ID", "client-a")
    defs = build_definitions()
    assert {a.op.pool for a in report_assets(defs)} == {credential_pool("client-a", None)}


def test_secrets_reach_the_resource_as_env_var_names(monkeypatch):
    monkeypatch.setenv("INFUSIONSOFT_CLIENT_SECRET", "s3cr3t")
    resource = keap_resource(Settings.from_env())
    assert "s3cr3t" not in repr(resource._get_non_default_public_field_values())  # EnvVar, not the value


def test_lookback_schedule_asks_for_the_last_complete_days_in_one_run(monkeypatch):
    monkeypatch.setenv("INFUSIONSOFT_LOOKBACK_DAYS", "4")
    defs = build_definitions()
    schedule = defs.resolve_schedule_def("range_reports_lookback")
    tick = datetime(2026, 11, 28, 6, 0, tzinfo=timezone.utc)
    request = schedule.evaluate_tick(dg.build_schedule_context(scheduled_execution_time=tick, repository_def=defs.get_repository_def())).run_requests[0]
    assert request.tags["dagster/asset_partition_range_start"] == "2026-11-24"
    assert request.tags["dagster/asset_partition_range_end"] == "2026-11-27"
    snapshot = defs.resolve_schedule_def("snapshot_reports_daily")
    (req,) = snapshot.evaluate_tick(dg.build_schedule_context(scheduled_execution_time=tick, repository_def=defs.get_repository_def())).run_requests
    assert req.partition_key == "2026-11-28"


def test_only_sandbox_runs_are_tagged_sandbox(monkeypatch):
    def tags():
        defs = build_definitions()
        asset_tags = defs.resolve_assets_def("contacts").tags_by_key[dg.AssetKey("contacts")]
        job_tags = defs.resolve_job_def("range_reports_job").tags
        assert asset_tags.get("infusionsoft/sandbox") == job_tags.get("infusionsoft/sandbox")
        return job_tags

    assert "infusionsoft/sandbox" not in tags()  # the default: Keap itself
    for real in ("https://api.infusionsoft.com", "https://api.keap.com/crm"):
        monkeypatch.setenv("INFUSIONSOFT_API_URL", real)
        assert "infusionsoft/sandbox" not in tags()
    monkeypatch.setenv("INFUSIONSOFT_API_URL", "http://127.0.0.1:8765")
    assert tags()["infusionsoft/sandbox"] == "true"


def test_lookback_stops_at_the_start_date_and_skips_before_it(monkeypatch):
    monkeypatch.setenv("INFUSIONSOFT_START_DATE", "2026-11-26")
    defs = build_definitions()
    schedule = defs.resolve_schedule_def("range_reports_lookback")

    def evaluate(tick):
        ctx = dg.build_schedule_context(scheduled_execution_time=tick, repository_def=defs.get_repository_def())
        return schedule.evaluate_tick(ctx)

    data = evaluate(datetime(2026, 11, 28, 6, tzinfo=timezone.utc))
    assert data.run_requests[0].tags["dagster/asset_partition_range_start"] == "2026-11-26"
    assert evaluate(datetime(2026, 11, 26, 6, tzinfo=timezone.utc)).run_requests == []


def test_every_report_asset_carries_the_retry_policy_for_unexpected_errors():
    defs = build_definitions()
    for asset in report_assets(defs):
        policy = asset.op.retry_policy
        assert policy is not None and policy.max_retries >= 1 and policy.jitter is not None
        assert "retry_policy" in asset.metadata_by_key[asset.key]  # said on the asset in the UI


def test_operations_definitions_are_present_and_on_by_default():
    defs = build_definitions()
    assert defs.resolve_sensor_def("keap_stuck_runs").default_status is dg.DefaultSensorStatus.RUNNING
    keepalive = defs.resolve_schedule_def("keap_token_keepalive_daily")
    assert keepalive.default_status is dg.DefaultScheduleStatus.RUNNING
    assert defs.resolve_job_def("keap_token_keepalive")


def test_a_bad_lookback_fails_the_schedule_naming_the_variable_not_the_location(monkeypatch):
    import pytest

    monkeypatch.setenv("INFUSIONSOFT_LOOKBACK_DAYS", "three")
    defs = build_definitions()  # the code location still loads
    schedule = defs.resolve_schedule_def("range_reports_lookback")
    ctx = dg.build_schedule_context(scheduled_execution_time=datetime(2026, 11, 28, 6, tzinfo=timezone.utc),
                                    repository_def=defs.get_repository_def())
    with pytest.raises(Exception) as raised:
        schedule.evaluate_tick(ctx)
    said = f"{raised.value} {raised.value.__cause__}"  # what the tick's error shows
    assert "INFUSIONSOFT_LOOKBACK_DAYS: 'three'" in said
