-- One row per run that read new lines from a source: what share of them became events. A drop
-- from one run to the next (a firmware update that changed the log format) shows here and in
-- `portledger sources`.
CREATE TABLE ingest_runs (
  id        INTEGER PRIMARY KEY,
  source_id INTEGER NOT NULL,   -- sources.id
  started   INTEGER NOT NULL,   -- UTC epoch ms
  finished  INTEGER NOT NULL,
  lines     INTEGER NOT NULL,   -- new lines read in this run
  events    INTEGER NOT NULL,
  skips     INTEGER NOT NULL,
  rejects   INTEGER NOT NULL,
  formats   TEXT NOT NULL       -- JSON: {"netfilter": {"events": 10, "rejects": 1}, …}
);
CREATE INDEX ingest_runs_source ON ingest_runs (source_id, started);
