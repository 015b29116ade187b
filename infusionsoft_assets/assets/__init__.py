"""How report specs become Dagster assets: partitions, the factory, retries."""

from .factory import build_report_asset, materialize_report
from .partitions import daily_partitions

__all__ = ["build_report_asset", "materialize_report", "daily_partitions"]
