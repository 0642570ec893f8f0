-- Distinct sources of inbound scans per local hour across every port and protocol (the "all
-- ports" line of `report sources-per-hour`). port_hour cannot give it: a source that scanned
-- several ports in one hour is in several of its rows. Kept exactly like port_hour, by the
-- same writers under the same day ownership, recounted with the day. Days counted by an older
-- version have no rows here; reports count those from the events.
CREATE TABLE hour_sources (
  hour    INTEGER PRIMARY KEY,  -- local hour number in the database's zone
  events  INTEGER NOT NULL,
  sources INTEGER NOT NULL
) WITHOUT ROWID;
