-- Events whose time stamp lies outside any sane range — before 1990-01-01, or more than a day
-- past the moment this migration runs — were stored by versions that checked nothing: a Zeek
-- line with "ts":1e308 (stored as 1e302 ms), a line dated 2031 or 10000. They made every report
-- fail ("Invalid time value") or moved its default window into the future, hiding the real data.
-- Ingest now rejects such stamps with the reason time-out-of-range; this moves the ones already
-- stored out of `events` the same way: every one counted in reject_counts, the first 100 per
-- source kept in rejects (the raw line was never stored, so the sample is a readable rendering
-- of the row), the per-source coverage corrected, and the rollups of their days recounted.

CREATE TEMP TABLE m009_range AS
SELECT 631152000000 AS lo,                              -- 1990-01-01T00:00:00Z
       unixepoch('now') * 1000 + 86400000 AS hi;        -- a day past now

CREATE TEMP TABLE m009_moved AS
SELECT e.id, e.source_id, e.line, e.ts,
  coalesce(strftime('%Y-%m-%dT%H:%M:%fZ', e.ts / 1000.0, 'unixepoch'), e.ts || ' ms') || ' ' ||
  e.format || ' ' || e.action || ' ' || e.transport || ' ' ||
  e.src || coalesce(':' || e.sport, '') || ' -> ' || e.dst || coalesce(':' || e.dport, '') ||
  coalesce(' rule ' || e.rule, '') || coalesce(' host ' || e.host, '') ||
  ' (stored before time stamps were checked; line ' || e.line || ')' AS sample
FROM events_named e
WHERE e.id IN (SELECT id FROM events WHERE ts < (SELECT lo FROM m009_range) OR ts > (SELECT hi FROM m009_range));

INSERT INTO reject_counts (source_id, reason, detail, count)
SELECT source_id, 'time-out-of-range', '', count(*) FROM m009_moved WHERE true GROUP BY source_id
ON CONFLICT (source_id, reason, detail) DO UPDATE SET count = count + excluded.count;

INSERT INTO rejects (source_id, line, reason, detail, sample)
SELECT source_id, line, 'time-out-of-range', '', substr(sample, 1, 512)
FROM (SELECT *, row_number() OVER (PARTITION BY source_id ORDER BY id) AS n FROM m009_moved)
WHERE n <= 100
ORDER BY id;

UPDATE sources SET
  events = events - (SELECT count(*) FROM m009_moved m WHERE m.source_id = sources.id),
  rejects = rejects + (SELECT count(*) FROM m009_moved m WHERE m.source_id = sources.id)
WHERE id IN (SELECT source_id FROM m009_moved);

DELETE FROM events WHERE id IN (SELECT id FROM m009_moved);

-- Rollup buckets are local hours and days (any zone is within 14 hours of UTC). Outside the
-- window below only moved events can have been counted: those rows go. Inside it, the local
-- days around a moved event (its UTC day and the ones either side) are recounted from the
-- events that remain.
CREATE TEMP TABLE m009_window AS
SELECT (lo / 3600000 - 14) / 24 AS first_day, (hi / 3600000 + 14) / 24 AS last_day FROM m009_range;

INSERT INTO dirty_hour (hour, seq)
SELECT DISTINCT d.day * 24, (SELECT coalesce(max(seq), 0) + 1 FROM dirty_hour)
FROM (
  SELECT CAST(ts / 86400000 AS INTEGER) + k.k AS day
  FROM m009_moved, (SELECT -1 AS k UNION ALL SELECT 0 UNION ALL SELECT 1) k
  WHERE ts BETWEEN (SELECT lo FROM m009_range) - 3 * 86400000 AND (SELECT hi FROM m009_range) + 3 * 86400000
) d, m009_window w
WHERE d.day BETWEEN w.first_day AND w.last_day
ON CONFLICT (hour) DO UPDATE SET seq = excluded.seq;

DELETE FROM port_hour WHERE typeof(hour) <> 'integer'
  OR hour < (SELECT first_day * 24 FROM m009_window) OR hour > (SELECT last_day * 24 + 23 FROM m009_window);
DELETE FROM port_day WHERE typeof(day) <> 'integer'
  OR day < (SELECT first_day FROM m009_window) OR day > (SELECT last_day FROM m009_window);
DELETE FROM rollup_owner WHERE day < (SELECT first_day FROM m009_window) OR day > (SELECT last_day FROM m009_window);
DELETE FROM dirty_hour WHERE hour < (SELECT first_day * 24 FROM m009_window) OR hour > (SELECT last_day * 24 + 23 FROM m009_window);

DROP TABLE m009_range;
DROP TABLE m009_moved;
DROP TABLE m009_window;
