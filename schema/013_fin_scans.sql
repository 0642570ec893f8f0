-- TCP stealth probes become scans. Until now every inbound TCP packet with FIN and without SYN
-- was filed late (reason tcp-fin), as the tail of a session; but a FIN without ACK is no
-- session's: it is a FIN scan (nmap -sF), and FIN PSH FIN-without-ACK mixes are --scanflags
-- probes. Classification now files inbound TCP by its flags as follows (src/classify/classifier.ts):
--   SYN without ACK              scan  tcp-syn
--   SYN ACK                      late  tcp-synack
--   any RST (without SYN)        late  tcp-rst
--   ACK with FIN                 late  tcp-finack  (also a FIN from AWS flow logs, which cannot show ACK)
--   ACK without FIN              late  tcp-ack
--   FIN alone                    scan  tcp-fin     (nmap -sF)
--   FIN PSH URG                  scan  tcp-xmas    (nmap -sX)
--   no flag                      scan  tcp-null    (nmap -sN)
--   any other mix                scan  tcp-other   (nmap --scanflags)
-- ECN bits (CWR, ECE) do not change the kind. The stored rows whose kind changed are those
-- filed tcp-fin (ACK FIN or FIN alone alike) and tcp-xmas (an XMAS with RST is now a RST): they
-- are refiled from their stored flags, trusted ones keep their class and take the new reason,
-- and the days whose scans changed are marked for a recount of their rollups, as a trust change
-- does. (Alerts are not raised for past probes: the detectors see events as they are ingested.)

-- The refiled kind of every stored row that may change, from its flag words.
CREATE TEMP TABLE m013_flags AS
SELECT code, name AS flags,
  ' ' || name || ' ' AS padded,
  -- the flags without the ECN bits, which lead in canonical order
  trim(CASE WHEN name LIKE 'CWR ECE%' THEN substr(name, 8) WHEN name LIKE 'CWR%' OR name LIKE 'ECE%' THEN substr(name, 4) ELSE name END) AS core
FROM codes WHERE field = 'tcp_flags';

CREATE TEMP TABLE m013_changed AS
SELECT e.id, e.ts, e.class AS old_class,
  CASE
    WHEN instr(f.padded, ' SYN ') > 0 THEN CASE WHEN instr(f.padded, ' ACK ') > 0 THEN 'tcp-synack' ELSE 'tcp-syn' END
    WHEN instr(f.padded, ' RST ') > 0 THEN 'tcp-rst'
    WHEN instr(f.padded, ' ACK ') > 0 OR fm.name = 'aws-vpc-flow' THEN CASE WHEN instr(f.padded, ' FIN ') > 0 THEN 'tcp-finack' ELSE 'tcp-ack' END
    WHEN f.core = 'FIN' THEN 'tcp-fin'
    WHEN f.core = 'URG PSH FIN' THEN 'tcp-xmas'
    WHEN f.core = '' THEN 'tcp-null'
    ELSE 'tcp-other'
  END AS reason_name
FROM events e
JOIN m013_flags f ON f.code = e.tcp_flags
JOIN codes fm ON fm.field = 'format' AND fm.code = e.format
WHERE e.class IN (1, 2, 6)  -- scan, late, trusted: the inbound classes
  AND e.reason IN (SELECT code FROM codes WHERE field = 'reason' AND name IN ('tcp-fin', 'tcp-xmas'));

-- Codes for the reasons no stored row had yet.
INSERT INTO codes (field, code, name)
SELECT 'reason', (SELECT coalesce(max(code), 0) + 1 FROM codes WHERE field = 'reason') + row_number() OVER (ORDER BY reason_name) - 1, reason_name
FROM (SELECT DISTINCT reason_name FROM m013_changed)
WHERE reason_name NOT IN (SELECT name FROM codes WHERE field = 'reason');

UPDATE events SET
  reason = (SELECT c.code FROM m013_changed m JOIN codes c ON c.field = 'reason' AND c.name = m.reason_name WHERE m.id = events.id),
  class = CASE
    WHEN class = 6 THEN 6
    WHEN (SELECT reason_name FROM m013_changed m WHERE m.id = events.id) IN ('tcp-synack', 'tcp-rst', 'tcp-finack', 'tcp-ack') THEN 2
    ELSE 1
  END
WHERE id IN (SELECT id FROM m013_changed);

-- Rollups count scans: the local days of rows that moved between late and scan are recounted.
-- Buckets are local days in the database's zone, within 14 hours of UTC: the event's local day
-- is one of the UTC days of ts − 14 h, ts and ts + 14 h (recounting one too many costs nothing).
INSERT INTO dirty_hour (hour, seq)
SELECT DISTINCT d.day * 24, (SELECT coalesce(max(seq), 0) + 1 FROM dirty_hour)
FROM (
  SELECT CAST((m.ts + k.shift) / 86400000 AS INTEGER) AS day
  FROM m013_changed m JOIN events e ON e.id = m.id,
    (SELECT -50400000 AS shift UNION ALL SELECT 0 UNION ALL SELECT 50400000) k
  WHERE e.class <> m.old_class
) d
WHERE true
ON CONFLICT (hour) DO UPDATE SET seq = excluded.seq;

DROP TABLE m013_flags;
DROP TABLE m013_changed;
