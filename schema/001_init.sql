-- portledger database, version 1.
-- Times are UTC epoch milliseconds unless a column says otherwise. Rollup buckets are local
-- hours in the database's report zone (config key `tz`): hour = floor((utc_ms + offset_ms) / 3600000),
-- day = floor(hour / 24), so a day is a local calendar day even across DST changes.

-- Settings that later commands and live modes reuse (home networks, WAN interfaces, zone, …).
CREATE TABLE config (
  key   TEXT PRIMARY KEY,
  value TEXT NOT NULL
) WITHOUT ROWID;

-- Every input ever read, identified by a fingerprint of its first bytes so that a rotated copy,
-- its .gz or the same text on stdin is recognized and only what is new gets ingested.
CREATE TABLE sources (
  id         INTEGER PRIMARY KEY,
  name       TEXT NOT NULL,              -- last path it was read from, or "-" for stdin
  fp_hash    TEXT NOT NULL,              -- sha256 of the first fp_len bytes (decompressed)
  fp_len     INTEGER NOT NULL,
  offset     INTEGER NOT NULL DEFAULT 0, -- bytes of (decompressed) text consumed, always a line end
  tail_hash  TEXT,                       -- sha256 of the up-to-256 bytes before offset
  lines      INTEGER NOT NULL DEFAULT 0, -- lines consumed
  dev        INTEGER,                    -- file identity for live following
  ino        INTEGER,
  events     INTEGER NOT NULL DEFAULT 0, -- parse coverage of this source
  skips      INTEGER NOT NULL DEFAULT 0,
  rejects    INTEGER NOT NULL DEFAULT 0,
  first_seen INTEGER NOT NULL,
  last_seen  INTEGER NOT NULL
);
CREATE INDEX sources_fp ON sources (fp_len, fp_hash);

-- Names of the small fixed vocabularies stored as integers in events (which keeps inserts fast:
-- one text parameter costs more than the whole integer). The view `events_named` below joins
-- them back; query that one by hand.
CREATE TABLE codes (
  field TEXT NOT NULL,      -- the events column: format, action, direction, class, reason, transport
  code  INTEGER NOT NULL,
  name  TEXT NOT NULL,
  PRIMARY KEY (field, code),
  UNIQUE (field, name)
) WITHOUT ROWID;
INSERT INTO codes (field, code, name) VALUES
  ('action', 0, 'unknown'), ('action', 1, 'deny'), ('action', 2, 'allow'),
  ('direction', 0, 'unknown'), ('direction', 1, 'inbound'), ('direction', 2, 'outbound'),
  ('direction', 3, 'internal'), ('direction', 4, 'external'),
  ('class', 1, 'scan'), ('class', 2, 'late'), ('class', 3, 'outbound'), ('class', 4, 'internal'),
  ('class', 5, 'external'), ('class', 6, 'trusted');
-- format, reason and transport codes are added as new values appear.

-- Normalized firewall events. Column names follow the ECS field in the comment.
CREATE TABLE events (
  id        INTEGER PRIMARY KEY,
  ts        INTEGER NOT NULL,   -- @timestamp
  source_id INTEGER NOT NULL,   -- sources.id
  line      INTEGER NOT NULL,   -- line number in that source (1-based)
  format    INTEGER NOT NULL,   -- codes: parser id
  action    INTEGER NOT NULL,   -- codes: event.action deny | allow | unknown
  direction INTEGER NOT NULL,   -- codes: network.direction inbound | outbound | internal | external | unknown
  class     INTEGER NOT NULL,   -- codes: scan | late | outbound | internal | external | trusted
  reason    INTEGER NOT NULL,   -- codes: why that class (tcp-syn, udp, icmp-echo, tcp-ack, …)
  transport INTEGER NOT NULL,   -- codes: network.transport
  src       TEXT NOT NULL,      -- source.ip
  sport     INTEGER,            -- source.port
  dst       TEXT NOT NULL,      -- destination.ip
  dport     INTEGER,            -- destination.port
  tcp_flags TEXT,               -- SYN, ACK PSH, … ('' = no flags set; NULL = not logged)
  icmp_type INTEGER,
  icmp_code INTEGER,
  in_if     TEXT,               -- observer.ingress.interface.name
  out_if    TEXT,               -- observer.egress.interface.name
  host      TEXT,               -- observer.hostname
  rule      TEXT,               -- rule.name (log prefix)
  length    INTEGER,
  ttl       INTEGER,
  count     INTEGER NOT NULL DEFAULT 1  -- packets this record stands for (flow logs)
);
-- The one secondary index: time ranges for recounts and per-day queries. Appends at the end
-- of the b-tree on time-ordered input, so it costs little at ingest.
CREATE INDEX events_ts ON events (ts);

-- The events as a person reads them: names instead of codes, time as ISO-8601 UTC.
CREATE VIEW events_named AS
SELECT e.id, strftime('%Y-%m-%dT%H:%M:%fZ', e.ts / 1000.0, 'unixepoch') AS time_utc, e.ts, e.source_id, e.line,
  f.name AS format, a.name AS action, d.name AS direction, c.name AS class, r.name AS reason, t.name AS transport,
  e.src, e.sport, e.dst, e.dport, e.tcp_flags, e.icmp_type, e.icmp_code, e.in_if, e.out_if, e.host, e.rule,
  e.length, e.ttl, e.count
FROM events e
JOIN codes f ON f.field = 'format' AND f.code = e.format
JOIN codes a ON a.field = 'action' AND a.code = e.action
JOIN codes d ON d.field = 'direction' AND d.code = e.direction
JOIN codes c ON c.field = 'class' AND c.code = e.class
JOIN codes r ON r.field = 'reason' AND r.code = e.reason
JOIN codes t ON t.field = 'transport' AND t.code = e.transport;

-- Lines that looked like firewall traffic but could not be read. Every one is counted in
-- reject_counts; the text of the first ones per source and reason is kept here.
CREATE TABLE rejects (
  id        INTEGER PRIMARY KEY,
  source_id INTEGER NOT NULL,
  line      INTEGER NOT NULL,
  reason    TEXT NOT NULL,
  sample    TEXT NOT NULL       -- the line, cut to 512 characters
);
CREATE TABLE reject_counts (
  source_id INTEGER NOT NULL,
  reason    TEXT NOT NULL,
  count     INTEGER NOT NULL,
  PRIMARY KEY (source_id, reason)
) WITHOUT ROWID;

-- Non-firewall lines (dhcp, sshd, …), counted per reason.
CREATE TABLE skip_counts (
  source_id INTEGER NOT NULL,
  reason    TEXT NOT NULL,
  count     INTEGER NOT NULL,
  PRIMARY KEY (source_id, reason)
) WITHOUT ROWID;

-- Sources the user trusts (monitoring services, their own VPS, …).
CREATE TABLE trusted (
  cidr  TEXT PRIMARY KEY,       -- canonical a.b.c.d/n or v6/n
  note  TEXT,
  added INTEGER NOT NULL
) WITHOUT ROWID;

-- Alerts: one row per host and episode, updated while the episode lasts.
CREATE TABLE alerts (
  id           INTEGER PRIMARY KEY,
  kind         TEXT NOT NULL,    -- worm, …
  host         TEXT NOT NULL,    -- the inside host
  port         INTEGER NOT NULL,
  proto        TEXT NOT NULL,
  first        INTEGER NOT NULL, -- first event of the episode
  last         INTEGER NOT NULL, -- last event of the episode
  destinations INTEGER NOT NULL, -- distinct outside destinations in the episode
  events       INTEGER NOT NULL,
  peak         INTEGER NOT NULL, -- most distinct destinations within one window
  threshold    INTEGER NOT NULL,
  window_s     INTEGER NOT NULL,
  evidence     TEXT NOT NULL,    -- JSON: first and last raw lines, sample destinations
  updated      INTEGER NOT NULL
);
CREATE INDEX alerts_host ON alerts (kind, host, last);

-- Report-ready rollups of inbound scans (trusted sources left out). Ingest counts a bucket in
-- memory and writes it while it holds every event of it; a bucket that already had data, or
-- that a trust change touches, is marked dirty and recounted from the events (by time range).
-- Portless protocols use port 0; ICMP uses its type.
CREATE TABLE port_hour (
  hour    INTEGER NOT NULL,
  port    INTEGER NOT NULL,
  proto   TEXT NOT NULL,
  events  INTEGER NOT NULL,
  sources INTEGER NOT NULL,
  PRIMARY KEY (hour, port, proto)
) WITHOUT ROWID;

CREATE TABLE port_day (
  day     INTEGER NOT NULL,
  port    INTEGER NOT NULL,
  proto   TEXT NOT NULL,
  events  INTEGER NOT NULL,
  sources INTEGER NOT NULL,
  targets INTEGER NOT NULL,
  PRIMARY KEY (day, port, proto)
) WITHOUT ROWID;

-- Local hours (and the days they fall in) waiting to be recounted from the events; written in
-- the same transaction as the events, so a crash leaves work to finish, never a wrong count.
CREATE TABLE dirty_hour (
  hour INTEGER PRIMARY KEY
);
