-- Several writers at once (a `watch` service, a `listen`, an `ingest` of yesterday's rotated
-- log) must leave every rollup exact. A writer counts a local day's scans in memory (exact
-- distinct sets) only while it owns that day here; any other writer touching the day marks its
-- hours dirty instead, which makes the owner give the day up, and the day is recounted from the
-- events. Ownership is granted in the writer's own transaction, only for a day nobody counted
-- (no rollup rows, no dirty hours) or one the writer has just re-read from the events.
CREATE TABLE rollup_owner (
  day     INTEGER PRIMARY KEY,  -- local day number in the database's zone
  writer  TEXT NOT NULL,        -- random id of the writing session
  claimed INTEGER NOT NULL      -- UTC epoch ms
) WITHOUT ROWID;

-- Each dirty mark gets a number higher than any mark present, so a recount that read the events
-- outside the write lock can tell, before it writes, whether the day was touched meanwhile.
ALTER TABLE dirty_hour ADD COLUMN seq INTEGER NOT NULL DEFAULT 0;
