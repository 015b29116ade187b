"""What each report is, as data (:class:`ReportSpec`), the instances users configure, and how pages are fetched."""

from .fetch import FetchPlan, plan, v2_time
from .instances import DEFAULT_FILE, InstancesError, ReportInstance, load as load_instances
from .reports import REPORTS
from .spec import Column, Dates, RecordError, ReportSpec

REPORTS_BY_NAME = {spec.name: spec for spec in REPORTS}
assert len(REPORTS_BY_NAME) == len(REPORTS), "two reports share a name"


def instance(report: str, asset: str | None = None, **params) -> ReportInstance:
    """One instance of ``report`` built and validated as the reports file would (scripts, tests)."""
    from .instances import InstanceConfig, build_instance

    return build_instance(InstanceConfig(report=report, asset=asset, params=params), REPORTS_BY_NAME)

__all__ = ["REPORTS", "REPORTS_BY_NAME", "instance", "Column", "Dates", "DEFAULT_FILE", "FetchPlan", "InstancesError",
           "RecordError", "ReportInstance", "ReportSpec", "load_instances", "plan", "v2_time"]
