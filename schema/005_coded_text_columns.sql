-- tcp_flags, in_if, out_if, host and rule become codes as well, like format or class: each text
-- parameter bound per row cost more than all the row's integers together (measured with 500,000
-- rows: 2.2 µs per row with these five as text, 1.7 µs as integers), and the file gets smaller.
-- Their values are few on any network (flag sets, interfaces, devices, rule names). Query them
-- by name through the view `events_named`. NULL stays NULL (not logged).

CREATE TABLE events_v5 (
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
  tcp_flags INTEGER,            -- codes: SYN, ACK PSH, … ('' = no flags set; NULL = not logged)
  icmp_type INTEGER,
  icmp_code INTEGER,
  in_if     INTEGER,            -- codes: observer.ingress.interface.name
  out_if    INTEGER,            -- codes: observer.egress.interface.name
  host      INTEGER,            -- codes: observer.hostname
  rule      INTEGER,            -- codes: rule.name (log prefix)
  length    INTEGER,
  ttl       INTEGER,
  count     INTEGER NOT NULL DEFAULT 1  -- packets this record stands for (flow logs)
);

INSERT INTO codes (field, code, name)
SELECT field, row_number() OVER (PARTITION BY field ORDER BY name), name FROM (
  SELECT DISTINCT 'tcp_flags' AS field, tcp_flags AS name FROM events WHERE tcp_flags IS NOT NULL
  UNION SELECT DISTINCT 'in_if', in_if FROM events WHERE in_if IS NOT NULL
  UNION SELECT DISTINCT 'out_if', out_if FROM events WHERE out_if IS NOT NULL
  UNION SELECT DISTINCT 'host', host FROM events WHERE host IS NOT NULL
  UNION SELECT DISTINCT 'rule', rule FROM events WHERE rule IS NOT NULL
);

INSERT INTO events_v5
SELECT e.id, e.ts, e.source_id, e.line, e.format, e.action, e.direction, e.class, e.reason, e.transport, e.src, e.sport,
  e.dst, e.dport, fl.code, e.icmp_type, e.icmp_code, ii.code, oi.code, h.code, r.code, e.length, e.ttl, e.count
FROM events e
LEFT JOIN codes fl ON fl.field = 'tcp_flags' AND fl.name = e.tcp_flags
LEFT JOIN codes ii ON ii.field = 'in_if' AND ii.name = e.in_if
LEFT JOIN codes oi ON oi.field = 'out_if' AND oi.name = e.out_if
LEFT JOIN codes h ON h.field = 'host' AND h.name = e.host
LEFT JOIN codes r ON r.field = 'rule' AND r.name = e.rule;

DROP VIEW events_named;
DROP TABLE events;
ALTER TABLE events_v5 RENAME TO events;
-- The one secondary index: time ranges for recounts and per-day queries. Appends at the end
-- of the b-tree on time-ordered input, so it costs little at ingest.
CREATE INDEX events_ts ON events (ts);

-- Events with every code replaced by its name: the table to query by hand.
CREATE VIEW events_named AS
SELECT e.id, strftime('%Y-%m-%dT%H:%M:%fZ', e.ts / 1000.0, 'unixepoch') AS time_utc, e.ts, e.source_id, e.line,
  f.name AS format, a.name AS action, d.name AS direction, c.name AS class, r.name AS reason, t.name AS transport,
  e.src, e.sport, e.dst, e.dport, fl.name AS tcp_flags, e.icmp_type, e.icmp_code, ii.name AS in_if, oi.name AS out_if,
  h.name AS host, ru.name AS rule, e.length, e.ttl, e.count
FROM events e
JOIN codes f ON f.field = 'format' AND f.code = e.format
JOIN codes a ON a.field = 'action' AND a.code = e.action
JOIN codes d ON d.field = 'direction' AND d.code = e.direction
JOIN codes c ON c.field = 'class' AND c.code = e.class
JOIN codes r ON r.field = 'reason' AND r.code = e.reason
JOIN codes t ON t.field = 'transport' AND t.code = e.transport
LEFT JOIN codes fl ON fl.field = 'tcp_flags' AND fl.code = e.tcp_flags
LEFT JOIN codes ii ON ii.field = 'in_if' AND ii.code = e.in_if
LEFT JOIN codes oi ON oi.field = 'out_if' AND oi.code = e.out_if
LEFT JOIN codes h ON h.field = 'host' AND h.code = e.host
LEFT JOIN codes ru ON ru.field = 'rule' AND ru.code = e.rule;
