-- TCP / UDP scans whose destination port the device did not log (Netgear's DoS lines, FortiOS 3
-- records without ports) were counted in the rollups under port 0, beside genuine probes of port
-- 0 and the portless protocols (GRE, ESP). They now count under port -1, which reports show as
-- "not logged" (JSON "port": null). The rollups cannot tell the two apart, so every local hour
-- holding a port-0 row of a protocol with ports is marked for recount from the events, which
-- settle (at the end of the next ingest, within seconds under watch / listen) and the reports
-- (days still dirty are counted from the events) do with the new rule. Hours before the
-- retention cutoff have no events left: settle keeps their rollups as they were.
INSERT INTO dirty_hour (hour, seq)
  SELECT DISTINCT hour, (SELECT coalesce(max(seq), 0) + 1 FROM dirty_hour)
  FROM port_hour WHERE port = 0 AND proto IN ('tcp', 'udp', 'sctp', 'dccp', 'udplite')
  ON CONFLICT (hour) DO UPDATE SET seq = excluded.seq;

-- Sessions a source has open: formats that log a connection at its start and at its end (SRX,
-- PAN-OS, FortiGate) count it once, on the first record read (src/pipeline/sessions.ts). The
-- sessions whose end has not been read yet are kept here, committed with each batch, so that a
-- restarted ingest or watch does not count an end record a second time. Bounded per source
-- (50,000, oldest forgotten) and by time (a day after the first record; sources not read for a
-- day are forgotten).
CREATE TABLE session_keys (
  source_id INTEGER NOT NULL,  -- sources.id
  key       TEXT NOT NULL,     -- format, device, session id and 5-tuple
  ts        INTEGER NOT NULL,  -- the first record's time ...
  line      INTEGER NOT NULL,  -- ... and line: with source_id they find its events row
  action    TEXT NOT NULL,     -- the action stored for it (an end record's deny updates the row)
  PRIMARY KEY (source_id, key)
) WITHOUT ROWID;
