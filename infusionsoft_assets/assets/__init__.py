"""How report specs become Dagster assets: partitions, the factory, retries."""

from .factory import build_report_asset, materialize_report
from .partitions import daily_partitions, start_date_from_env

__all__ = ["build_report_asset", "materialize_report", "daily_partitions", "start_date_from_env"]
