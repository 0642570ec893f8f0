-- The dashboard (`portledger serve`): alert triage and trust with an expiry.

-- An alert is open until someone closes it (acknowledges it) on the dashboard. The detector
-- keeps updating an episode whatever its triage state; the dashboard shows a closed alert that
-- was updated after it was closed.
ALTER TABLE alerts ADD COLUMN status TEXT NOT NULL DEFAULT 'open';  -- open | closed
ALTER TABLE alerts ADD COLUMN closed_at INTEGER;                    -- UTC epoch ms of the last close
CREATE INDEX alerts_status ON alerts (status, last);

-- Every triage action with who did it, when, and their note: the inbox's history of an alert.
CREATE TABLE alert_notes (
  id       INTEGER PRIMARY KEY,
  alert_id INTEGER NOT NULL,   -- alerts.id
  at       INTEGER NOT NULL,   -- UTC epoch ms
  action   TEXT NOT NULL,      -- close | reopen | note
  by       TEXT NOT NULL,      -- the name the person gave, else "anonymous"
  via      TEXT NOT NULL,      -- how the request was allowed: "loopback 127.0.0.1", "token 192.0.2.4"
  note     TEXT
);
CREATE INDEX alert_notes_alert ON alert_notes (alert_id, id);

-- Trust for a while ("my VPS this week"): an entry past its expiry is no longer applied to new
-- events and is removed, retroactively like `trust remove`, by the next writer that looks
-- (serve, watch, listen).
ALTER TABLE trusted ADD COLUMN expires INTEGER;  -- UTC epoch ms; NULL = until removed
