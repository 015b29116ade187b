"""DuckDB storage: staging pages on disk and replacing partitions atomically."""

from .staging import PARTITION_COLUMN, StagedRows
from .warehouse import Warehouse, WarehouseError

__all__ = ["PARTITION_COLUMN", "StagedRows", "Warehouse", "WarehouseError"]
