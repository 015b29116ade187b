"""Dagster's SQLite event log, made to scale with a run's partitions (issue 10).

A single run over N daily partitions writes N planned events and N materialization events. On the
stock SQLite event log each event opens a connection and commits twice (its run's shard, then the
cross-run index): ~10 ms per event on disk, so a 4,000-day history spent most of its time there.
Two changes, both inside Dagster's public extension points (a ``ConfigurableClass`` event log named
in ``dagster.yaml``):

* **Batches in one transaction.** With ``DAGSTER_EVENT_BATCH_SIZE`` set, Dagster hands a run's
  per-partition asset events to ``store_event_batch`` together; the stock storage loops over
  ``store_event``. Here a batch of asset events is one insert into the run's shard and one
  transaction on the index shard (per-row inserts there, for the ids the asset tables point to).
  The asset's "latest materialization" row is updated once per batch, from the batch's last event.
* **One planned event per run.** ``supports_partition_subset_in_asset_materialization_planned_events``
  makes Dagster write one planned event holding the run's partition subset instead of one per
  partition. Dagster's own flag for this warns that a failed run's partitions then no longer show as
  failed: the status cache finds "planned but not materialized" partitions by the planned events'
  ``partition`` column, which a subset event leaves empty. This storage also reads the subset
  events, so failed and in-progress partitions show as they do with per-partition events.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from dagster._core.definitions.events import AssetKey
from dagster._core.events import ASSET_EVENTS, DagsterEventType
from dagster._core.events.log import EventLogEntry
from dagster._core.storage.event_log import SqliteEventLogStorage
from dagster._core.storage.event_log.schema import SqlEventLogStorageTable
from dagster._core.storage.sqlalchemy_compat import db_fetch_mappings, db_select
from dagster._serdes import deserialize_value

import sqlalchemy as db

PLANNED = DagsterEventType.ASSET_MATERIALIZATION_PLANNED.value
MATERIALIZED = DagsterEventType.ASSET_MATERIALIZATION.value
#: What the CLI exports before it runs anything, unless the environment already says otherwise.
EVENT_BATCH_SIZE = "1000"


class PlannedSubsets:
    """Failed and in-progress partitions from planned events that hold a partition subset.

    Mixed into a ``SqlEventLogStorage``; it answers the one query the partition status cache asks.
    """

    @property
    def supports_partition_subset_in_asset_materialization_planned_events(self) -> bool:
        return True

    def get_latest_asset_partition_materialization_attempts_without_materializations(
        self, asset_key: AssetKey, after_storage_id: int | None = None
    ) -> Mapping[str, tuple[str, int]]:
        found = dict(super().get_latest_asset_partition_materialization_attempts_without_materializations(
            asset_key, after_storage_id=after_storage_id))
        planned = self._latest_subset_planned(asset_key, after_storage_id)
        if not planned:
            return found
        earliest = min(event_id for _run, event_id in planned.values())
        materialized = self._latest_materialization_ids(asset_key, earliest)
        for partition, (run_id, event_id) in planned.items():
            if materialized.get(partition, -1) > event_id:
                continue  # materialized after it was planned
            if partition in found and found[partition][1] > event_id:
                continue  # planned again, one partition at a time, later
            found[partition] = (run_id, event_id)
        return found

    def _latest_subset_planned(self, asset_key: AssetKey, after: int | None) -> dict[str, tuple[str, int]]:
        """partition -> (run id, event id) of the latest subset planned event that names it."""
        table = SqlEventLogStorageTable
        query = db_select([table.c.id, table.c.run_id, table.c.event]).where(
            db.and_(table.c.asset_key == asset_key.to_string(), table.c.partition == None,  # noqa: E711
                    table.c.dagster_event_type == PLANNED))
        if after is not None:
            query = query.where(table.c.id > after)
        query = self._add_assets_wipe_filter_to_query(query, self._get_assets_details([asset_key]), [asset_key])
        with self.index_connection() as conn:
            rows = db_fetch_mappings(conn, query.order_by(table.c.id.asc()))
        latest: dict[str, tuple[str, int]] = {}
        for row in rows:
            entry = deserialize_value(row["event"], EventLogEntry)
            data = entry.dagster_event.asset_materialization_planned_data if entry.dagster_event else None
            subset = data.partitions_subset if data else None
            if subset is None:
                continue  # an unpartitioned run's planned event
            for partition in subset.get_partition_keys():
                latest[partition] = (row["run_id"], row["id"])
        return latest

    def _latest_materialization_ids(self, asset_key: AssetKey, after: int) -> dict[str, int]:
        table = SqlEventLogStorageTable
        query = (db_select([table.c.partition, db.func.max(table.c.id).label("id")])
                 .where(db.and_(table.c.asset_key == asset_key.to_string(), table.c.partition != None,  # noqa: E711
                                table.c.dagster_event_type == MATERIALIZED, table.c.id > after))
                 .group_by(table.c.partition))
        with self.index_connection() as conn:
            return {row["partition"]: row["id"] for row in db_fetch_mappings(conn, query)}


class BatchedSqliteEventLogStorage(PlannedSubsets, SqliteEventLogStorage):
    """SQLite event log (one shard per run plus a cross-run index, as Dagster's) that stores a batch
    of asset events in one transaction per shard.

    In ``dagster.yaml``::

        event_log_storage:
          module: infusionsoft_assets.event_log
          class: BatchedSqliteEventLogStorage
          config:
            base_dir: /abs/path/to/DAGSTER_HOME/history/runs
    """

    @classmethod
    def from_config_value(cls, inst_data, config_value) -> BatchedSqliteEventLogStorage:
        return cls(inst_data=inst_data, **config_value)  # Dagster's names its own class here

    def store_event_batch(self, events: Sequence[EventLogEntry]) -> None:
        if not events or len({e.run_id for e in events}) != 1 or not all(
                e.is_dagster_event and e.dagster_event_type in ASSET_EVENTS and e.dagster_event.asset_key
                for e in events):
            super().store_event_batch(events)  # what Dagster does: one event at a time
            return
        rows = [self._event_to_row(event) for event in events]
        with self.run_connection(events[0].run_id) as conn:  # a transaction, committed on exit
            conn.execute(SqlEventLogStorageTable.insert(), rows)
        with self.index_transaction() as conn:
            insert = SqlEventLogStorageTable.insert()
            ids = [conn.execute(insert, row).inserted_primary_key[0] for row in rows]
            self._store_asset_event_tags(conn, events, ids)
            last: dict[tuple[str, str], tuple[EventLogEntry, int]] = {}
            for event, event_id in zip(events, ids):  # the asset row keeps the latest of each kind
                last[(event.dagster_event.asset_key.to_string(), event.dagster_event_type)] = (event, event_id)
            for event, event_id in sorted(last.values(), key=lambda pair: pair[1]):
                self._store_asset_event(conn, event, event_id)
