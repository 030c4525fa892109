"""Bulk matching of whole catalogs: read a file, match every row, write a file.

    from bulk import BulkSettings, run_bulk
    summary = run_bulk(Path("catalog.xlsx"), Path("matched.csv"), BulkSettings(scheme="CPMS"), write_snapshot)

Stages, one module each: `readers` (format and encoding), `columns` (headers to fields),
`chunk_matcher` (a chunk of rows to output rows: the only work an executor runs), `executors`
(this process, a local process pool) and `dask_executor` (the `cpms[dask]` extra), `engine` (the
setting made an executor), `journal` (durable progress, for `resume`), `writers` (CSV, XLSX, JSONL,
Parquet) and `run` (the pipeline). Pure Python: nothing here talks to Neo4j.
"""

from bulk.run import Progress, Summary, run_bulk
from bulk.settings import BulkSettings
from bulk.types import Status

__all__ = ["BulkSettings", "Progress", "Status", "Summary", "run_bulk"]
