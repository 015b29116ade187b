"""Asset checks per report, evaluated on what the run wrote: keys, and totals Keap states beside the rows.

* ``primary_key`` (every report): the key is unique and not null within each written partition.
* ``keap_totals`` (where Keap states a total or a count for the same request): the rows add up to it —
  no silent truncation.
* ``reconciles_with_<report>`` (a report of totals): its totals equal the sum of another report's rows
  over the same days (the affiliate summary against the commissions), where both hold those days.
"""

from __future__ import annotations

import dagster as dg

from ..catalog import ReportInstance
from ..catalog.fetch import FetchNotes
from ..catalog.params import ALL
from ..catalog.sources import XmlRpcQuery

PRIMARY_KEY = "primary_key"
KEAP_TOTALS = "keap_totals"


def _keap_states_totals(spec) -> bool:
    """Keap states a total or count for the same requests: page totals, a count endpoint, DataService.count."""
    return bool(spec.page_totals or spec.count_endpoint or isinstance(spec.source, XmlRpcQuery))


def _reconcile_name(instance: ReportInstance) -> str:
    return f"reconciles_with_{instance.spec.reconcile.report}"  # type: ignore[union-attr]


def check_specs(instance: ReportInstance) -> list[dg.AssetCheckSpec]:
    spec = instance.spec
    specs = [dg.AssetCheckSpec(PRIMARY_KEY, asset=instance.asset,
                               description=f"({', '.join(spec.primary_key)}) is unique and not null in each "
                                           "written partition")]
    if _keap_states_totals(spec):
        specs.append(dg.AssetCheckSpec(KEAP_TOTALS, asset=instance.asset,
                                       description="the rows add up to the totals and counts Keap states for "
                                                   "the same requests (no silent truncation)"))
    if spec.reconcile:
        specs.append(dg.AssetCheckSpec(_reconcile_name(instance), asset=instance.asset,
                                       description=f"{spec.reconcile.value} equals the sum of "
                                                   f"{spec.reconcile.report}.{spec.reconcile.other_value} over "
                                                   "the same keys, on days both assets hold"))
    return specs


def check_results(instance: ReportInstance, context: dg.AssetExecutionContext, store, replaced,
                  notes: FetchNotes, peers: tuple[ReportInstance, ...]) -> list[dg.AssetCheckResult]:
    spec = instance.spec
    written = [d for d in replaced.rows_by_day if d not in replaced.superseded]
    duplicates, nulls = store.primary_key_problems(instance.asset, spec.primary_key, written)
    results = [dg.AssetCheckResult(
        check_name=PRIMARY_KEY, passed=not duplicates and not nulls,
        metadata={"duplicate_keys": duplicates, "null_keys": nulls, "days_checked": len(written)})]
    if _keap_states_totals(spec):
        results.append(dg.AssetCheckResult(
            check_name=KEAP_TOTALS, passed=not notes.totals_mismatched,
            metadata={"totals_checked": notes.totals_checked, "mismatches": len(notes.totals_mismatched),
                      **({"first_mismatches": dg.MetadataValue.text("\n".join(notes.totals_mismatched[:5]))}
                         if notes.totals_mismatched else {})}))
    if spec.reconcile:
        results.append(_reconcile(instance, context, store, written, peers))
    return results


def _reconcile(instance: ReportInstance, context: dg.AssetExecutionContext, store, written,
               peers: tuple[ReportInstance, ...]) -> dg.AssetCheckResult:
    rule = instance.spec.reconcile
    assert rule is not None
    name = _reconcile_name(instance)
    other = next((p for p in peers if p.spec.name == rule.report
                  and all(v == ALL for v in p.params.values())), None)
    if other is None:
        return dg.AssetCheckResult(check_name=name, passed=True, metadata={
            "skipped": f"no {rule.report} instance covering every target to reconcile with"})
    held = context.instance.get_materialized_partitions(dg.AssetKey(other.asset))
    days = [d for d in written if d.isoformat() in held]
    mismatches = store.reconcile(instance.asset, rule.value, other.asset, rule.other_value, rule.keys, days) \
        if days else []
    return dg.AssetCheckResult(check_name=name, passed=not mismatches, metadata={
        "against": f"keap.{other.asset}", "days_compared": len(days), "mismatches": len(mismatches),
        **({"first_mismatches": dg.MetadataValue.text("\n".join(mismatches[:5]))} if mismatches else {})})
