-- What `portledger export dshield` has already written, so that no event is submitted twice.
--
-- One row per export run, not one per event: a row says "every inbound scan with ts in
-- [ts_from, ts_to) and id in [id_from, id_to] has been exported". Event ids grow with ingest,
-- so a later run over the same day only has to write the scans whose id is above the earlier
-- watermark (a late file, a restart). Size: ~60 bytes per run — a daily export is ~20 KB a
-- year — where a table of exported event ids would hold one row per event (~10–15 bytes each
-- with its b-tree, tens of MB a year at a million scans a day) and grow with the traffic.
-- Trust changes after an export neither re-send nor un-send: trust is about what was sent
-- from then on.
CREATE TABLE dshield_export (
  id          INTEGER PRIMARY KEY,
  ts_from     INTEGER NOT NULL,   -- UTC epoch ms, inclusive (local midnight of the day)
  ts_to       INTEGER NOT NULL,   -- UTC epoch ms, exclusive (next local midnight)
  id_from     INTEGER NOT NULL,   -- lowest event id written by this run
  id_to       INTEGER NOT NULL,   -- max(events.id) when the run started: the watermark
  day         TEXT NOT NULL,      -- the local day as asked for (YYYY-MM-DD), for people
  tz          TEXT NOT NULL,      -- the zone that day was taken in
  events      INTEGER NOT NULL,   -- lines written
  again       INTEGER NOT NULL DEFAULT 0,  -- 1 when --again re-exported deliberately
  exported_at INTEGER NOT NULL    -- UTC epoch ms
);
CREATE INDEX dshield_export_range ON dshield_export (ts_from, ts_to);
