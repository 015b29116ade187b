"""Dagster's PostgreSQL event log with the run's partitions planned as one subset, failures still shown.

``dagster-postgres`` already stores a batch of materializations in one insert (with
``DAGSTER_EVENT_BATCH_SIZE`` set), but writes a planned event per partition unless Dagster's
``DAGSTER_EMIT_PARTITION_SUBSET_IN_PLANNED_EVENTS`` is set, which then hides a failed run's partitions.
This class plans by subset and reads the subset events back (:class:`.event_log.PlannedSubsets`), so a
failed run's days show as failed. Needs the ``postgres`` extra; named in ``dagster.yaml`` (README:
"Deploying beyond one machine")::

    event_log_storage:
      module: infusionsoft_assets.event_log_postgres
      class: PostgresEventLogStorage
      config:
        postgres_db: {...}
"""

from __future__ import annotations

from dagster_postgres.event_log import PostgresEventLogStorage as _DagsterPostgresEventLogStorage
from dagster_postgres.utils import get_token_provider_from_config, pg_url_from_config

from .event_log import PlannedSubsets


class PostgresEventLogStorage(PlannedSubsets, _DagsterPostgresEventLogStorage):
    @classmethod
    def from_config_value(cls, inst_data, config_value) -> PostgresEventLogStorage:
        # as dagster-postgres builds its own, which names its class here
        return cls(inst_data=inst_data, postgres_url=pg_url_from_config(config_value),
                   should_autocreate_tables=config_value.get("should_autocreate_tables", True),
                   token_provider=get_token_provider_from_config(config_value))
