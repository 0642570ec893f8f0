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

-- Normalized firewall events. Column names follow the ECS field in the comment.
CREATE TABLE events (
  id        INTEGER PRIMARY KEY,
  ts        INTEGER NOT NULL,   -- @timestamp
  source_id INTEGER NOT NULL,   -- sources.id
  line      INTEGER NOT NULL,   -- line number in that source (1-based)
  format    TEXT NOT NULL,      -- parser id
  action    TEXT NOT NULL,      -- event.action: deny | allow | unknown
  direction TEXT NOT NULL,      -- network.direction: inbound | outbound | internal | external | unknown
  class     TEXT NOT NULL,      -- scan | late | outbound | internal | external | trusted
  reason    TEXT NOT NULL,      -- why that class (tcp-syn, udp, icmp-echo, tcp-ack, …)
  transport TEXT NOT NULL,      -- network.transport
  src       TEXT NOT NULL,      -- source.ip
  sport     INTEGER,            -- source.port
  dst       TEXT NOT NULL,      -- destination.ip
  dport     INTEGER,            -- destination.port
  tcp_flags TEXT,
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

-- Addresses seen in events that a trusted entry covers; scan rollups leave them out.
CREATE TABLE trusted_hit (
  src TEXT PRIMARY KEY
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

-- Scan rollup at the finest grain: inbound scans per port, protocol, local hour, source and
-- target. Written once per distinct tuple per batch, so it grows with distinct tuples, not
-- with events. Portless protocols use port 0; ICMP uses its type.
CREATE TABLE scan_hour (
  port   INTEGER NOT NULL,
  proto  TEXT NOT NULL,
  hour   INTEGER NOT NULL,
  src    TEXT NOT NULL,
  dst    TEXT NOT NULL,
  events INTEGER NOT NULL,
  PRIMARY KEY (port, proto, hour, src, dst)
) WITHOUT ROWID;

-- Report-ready rollups, recounted from scan_hour for every bucket a batch or a trust change
-- touches, trusted sources left out.
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

-- Buckets written but not yet recounted; committed with the events, so a crash between the
-- two leaves work to finish, never a wrong count.
CREATE TABLE dirty_hour (
  port  INTEGER NOT NULL,
  proto TEXT NOT NULL,
  hour  INTEGER NOT NULL,
  PRIMARY KEY (port, proto, hour)
) WITHOUT ROWID;
