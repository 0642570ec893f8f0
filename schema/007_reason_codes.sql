-- Skip and reject reasons become codes of one closed catalog (parsers/lib/reasons.ts), with the
-- detail some of them carry (the syslog program of a non-firewall line, a zone name) in a column
-- of its own. Until now each parser wrote its own free text, so one cause was counted under
-- several names ("truncated: no SRC/DST", "truncated: no src/dst", "no src/dst", "truncated: no
-- addresses" …) and the coverage users see was split. Stored names are mapped onto the codes
-- here, and counts that collapse onto one code and detail are added up. Text no version wrote as
-- a parse reason ("dropped: oversize" from the syslog receiver) is left as it is.

CREATE TEMP TABLE reason_map (old TEXT PRIMARY KEY, code TEXT NOT NULL, detail TEXT NOT NULL DEFAULT '');

INSERT INTO reason_map (old, code) VALUES
  -- rejects
  ('truncated', 'truncated'), ('damaged: no IN=', 'truncated'), ('truncated filter log', 'truncated'),
  ('truncated: no pf header', 'truncated'), ('truncated: no in:', 'truncated'), ('truncated: no out:', 'truncated'),
  ('truncated: no decode', 'truncated'), ('split record', 'truncated'),
  ('truncated: no SRC/DST', 'no-addresses'), ('truncated: no src/dst', 'no-addresses'), ('no src/dst', 'no-addresses'),
  ('truncated: no addresses', 'no-addresses'), ('truncated: no source', 'no-addresses'),
  ('truncated: no saddr/daddr', 'no-addresses'), ('no destination address', 'no-addresses'),
  ('bad address', 'bad-address'), ('placeholder address', 'placeholder-address'),
  ('host name instead of address', 'hostname-address'),
  ('no protocol', 'no-protocol'), ('truncated: no PROTO', 'no-protocol'), ('truncated: no protocol', 'no-protocol'),
  ('truncated: no proto', 'no-protocol'),
  ('bad protocol', 'bad-protocol'), ('unknown protocol', 'bad-protocol'), ('unknown transport', 'bad-protocol'),
  ('truncated: no ports', 'no-ports'), ('bad port', 'bad-port'),
  ('truncated: no ICMP type', 'no-icmp-type'), ('bad ICMP type', 'bad-icmp-type'),
  ('truncated: no TCP flags', 'no-tcp-flags'), ('bad TCP flags', 'bad-tcp-flags'),
  ('no timestamp', 'no-timestamp'), ('bad time', 'bad-timestamp'), ('bad date', 'bad-timestamp'),
  ('bad timestamp', 'bad-timestamp'), ('inconsistent start/end', 'bad-timestamp'),
  ('unknown time zone', 'unknown-time-zone'),
  ('bad CSV', 'bad-csv'), ('bad csv', 'bad-csv'), ('bad JSON', 'bad-json'),
  ('columns do not match header', 'columns-mismatch'), ('columns do not match #Fields', 'columns-mismatch'),
  ('columns do not match #fields', 'columns-mismatch'),
  ('unknown field layout', 'unknown-layout'), ('unknown column layout', 'unknown-layout'),
  ('too many fields', 'unknown-layout'), ('not nine tab-separated fields', 'unknown-layout'),
  ('unrecognized asa message', 'unrecognized-message'), ('unrecognized ios acl log', 'unrecognized-message'),
  ('bad message id', 'unrecognized-message'), ('bad header', 'unrecognized-message'),
  ('bad pf header', 'unrecognized-message'), ('not a pf rule line', 'unrecognized-message'),
  ('not a pfirewall record', 'unrecognized-message'), ('no key:value pairs', 'unrecognized-message'),
  ('no log type', 'unrecognized-message'),
  ('aggregated optimized drop', 'aggregated-record'), ('line too long', 'line-too-long'), ('binary data', 'binary-data'),
  ('unreadable asa message', 'parser-error'), ('unreadable ios acl log', 'parser-error'),
  ('unreadable fortigate log', 'parser-error'), ('unreadable paloalto log', 'parser-error'),
  ('unreadable srx log', 'parser-error'),
  -- skips
  ('empty line', 'empty-line'), ('not firewall traffic', 'not-firewall'), ('not an asa message', 'not-firewall'),
  ('not an ios acl log', 'not-firewall'),
  ('zeek header', 'log-header'), ('w3c header', 'log-header'), ('flow log header', 'log-header'),
  ('fortigate session start', 'session-start'), ('paloalto session start', 'session-start'),
  ('srx session create', 'session-start'), ('ftd connection start', 'session-start'),
  ('asa connection teardown', 'session-end'), ('connection close', 'session-end'),
  ('checkpoint log update', 'session-update'), ('srx apptrack message', 'session-update'),
  ('asa nat translation', 'nat-mapping'), ('sonicwall nat mapping', 'nat-mapping'),
  ('nft trace verdict', 'trace-verdict'), ('pf continuation line', 'continuation-line'),
  ('flow log no data', 'no-flow-data'), ('flow log skipped data', 'device-lost-records'),
  ('info-events-lost', 'device-lost-records'), ('ios acl rate-limit notice', 'device-lost-records'),
  ('asa vpn message', 'vpn-message'), ('checkpoint vpn log', 'vpn-message'), ('sonicwall vpn message', 'vpn-message'),
  ('zyxel vpn log', 'vpn-message'),
  ('asa login message', 'admin-message'), ('asa config message', 'admin-message'),
  ('asa device access message', 'admin-message'), ('netgear admin login', 'admin-message'),
  ('netgear access control', 'admin-message'), ('sonicwall admin message', 'admin-message'),
  ('zyxel user log', 'admin-message'), ('zyxel admin log', 'admin-message'), ('paloalto config log', 'admin-message'),
  ('asa ids message', 'security-alert'), ('asa botnet filter message', 'security-alert'),
  ('asa threat detection message', 'security-alert'), ('ftd intrusion or file event', 'security-alert'),
  ('checkpoint threat prevention log', 'security-alert'), ('fortigate utm log', 'security-alert'),
  ('fortigate anomaly log', 'security-alert'), ('paloalto threat log', 'security-alert'),
  ('sonicwall attack alert', 'security-alert'), ('zyxel security service log', 'security-alert'),
  ('netgear arp attack', 'security-alert'), ('srx screen message', 'security-alert'),
  ('asa url filter message', 'content-filter'), ('netgear content filter', 'content-filter'),
  ('zyxel content filter', 'content-filter'),
  ('netgear dhcp', 'dhcp-message'), ('zyxel dhcp', 'dhcp-message'),
  ('asa system message', 'system-message'), ('checkpoint system log', 'system-message'),
  ('fortigate event log', 'system-message'), ('fortigate non-traffic log', 'system-message'),
  ('paloalto system log', 'system-message'), ('paloalto non-traffic log', 'system-message'),
  ('netgear system message', 'system-message'), ('netgear wan status', 'system-message'),
  ('netgear ntp sync', 'system-message'), ('netgear log email', 'system-message'), ('netgear upnp', 'system-message'),
  ('netgear wifi', 'system-message'), ('sonicwall system message', 'system-message'),
  ('zyxel system log', 'system-message'), ('zyxel non-traffic log', 'system-message'),
  ('srx flow message', 'system-message'), ('srx system message', 'system-message'),
  ('older than the retention period', 'before-retention');

-- Names with a detail in them: every one stored, read apart.
CREATE TEMP TABLE reason_seen AS
  SELECT reason FROM rejects UNION SELECT reason FROM reject_counts UNION SELECT reason FROM skip_counts;

INSERT OR IGNORE INTO reason_map (old, code, detail)
  SELECT reason, 'not-firewall', substr(reason, 23, length(reason) - 23)
  FROM reason_seen WHERE reason GLOB 'not firewall traffic (*)';
INSERT OR IGNORE INTO reason_map (old, code, detail)
  SELECT reason, 'not-forced-format', substr(reason, 7, length(reason) - 11)
  FROM reason_seen WHERE reason GLOB 'not a * line';
INSERT OR IGNORE INTO reason_map (old, code, detail)
  SELECT reason,
    CASE substr(reason, 10, length(reason) - 17)
      WHEN 'dhcp' THEN 'dhcp-message'
      WHEN 'ipsec' THEN 'vpn-message' WHEN 'ovpn' THEN 'vpn-message' WHEN 'l2tp' THEN 'vpn-message'
      WHEN 'pptp' THEN 'vpn-message' WHEN 'sstp' THEN 'vpn-message' WHEN 'wireguard' THEN 'vpn-message'
      WHEN 'zerotier' THEN 'vpn-message'
      WHEN 'account' THEN 'admin-message' WHEN 'manager' THEN 'admin-message' WHEN 'ssh' THEN 'admin-message'
      WHEN 'web-proxy' THEN 'content-filter'
      ELSE 'system-message'
    END,
    substr(reason, 10, length(reason) - 17)
  FROM reason_seen WHERE reason GLOB 'mikrotik * message';
-- AWS VPC Flow Logs named the column whose value did not fit (`bad action`, `bad srcaddr` …).
INSERT OR IGNORE INTO reason_map (old, code, detail)
  SELECT reason, 'bad-field', substr(reason, 5) FROM reason_seen WHERE reason GLOB 'bad [a-z]*';

ALTER TABLE rejects ADD COLUMN detail TEXT NOT NULL DEFAULT '';  -- beside the code in `reason`
UPDATE rejects SET (reason, detail) = (SELECT code, detail FROM reason_map WHERE old = rejects.reason)
  WHERE reason IN (SELECT old FROM reason_map);

-- Counted per source, reason code and detail ('' when there is none).
CREATE TABLE reject_counts_v7 (
  source_id INTEGER NOT NULL,
  reason    TEXT NOT NULL,
  detail    TEXT NOT NULL DEFAULT '',
  count     INTEGER NOT NULL,
  PRIMARY KEY (source_id, reason, detail)
) WITHOUT ROWID;
INSERT INTO reject_counts_v7 (source_id, reason, detail, count)
  SELECT c.source_id, coalesce(m.code, c.reason), coalesce(m.detail, ''), sum(c.count)
  FROM reject_counts c LEFT JOIN reason_map m ON m.old = c.reason
  GROUP BY 1, 2, 3;
DROP TABLE reject_counts;
ALTER TABLE reject_counts_v7 RENAME TO reject_counts;

CREATE TABLE skip_counts_v7 (
  source_id INTEGER NOT NULL,
  reason    TEXT NOT NULL,
  detail    TEXT NOT NULL DEFAULT '',
  count     INTEGER NOT NULL,
  PRIMARY KEY (source_id, reason, detail)
) WITHOUT ROWID;
INSERT INTO skip_counts_v7 (source_id, reason, detail, count)
  SELECT c.source_id, coalesce(m.code, c.reason), coalesce(m.detail, ''), sum(c.count)
  FROM skip_counts c LEFT JOIN reason_map m ON m.old = c.reason
  GROUP BY 1, 2, 3;
DROP TABLE skip_counts;
ALTER TABLE skip_counts_v7 RENAME TO skip_counts;

DROP TABLE reason_seen;
DROP TABLE reason_map;
