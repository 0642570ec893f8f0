-- Live detectors. Scan alerts carry a danger level (1–5, psad's scale); detectors that remember
-- slow activity over hours keep their state here so it survives a restart.
ALTER TABLE alerts ADD COLUMN level INTEGER;

CREATE TABLE detector_state (
  detector TEXT PRIMARY KEY,  -- e.g. "scan"
  state    TEXT NOT NULL,     -- JSON, the detector's own format (versioned inside)
  saved    INTEGER NOT NULL   -- UTC epoch ms
) WITHOUT ROWID;
