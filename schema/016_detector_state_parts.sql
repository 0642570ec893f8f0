-- A detector's saved memory in parts. The scan detector's state is ~16 MB of JSON after the
-- 1M-line reference log; bound as one value it was copied twice outside the JS heap (the driver's
-- UTF-8 copy, then SQLite's own), ~30 MB more at the end of an ingest, the run's peak. Now
-- detector_state.state holds the first part and these rows the rest, in `part` order
-- (src/store/detector-state.ts); a state saved before this migration is one part, as it was.
CREATE TABLE detector_state_parts (
  detector TEXT NOT NULL,     -- detector_state.detector
  part     INTEGER NOT NULL,  -- 1, 2, … (part 0 is detector_state.state)
  text     TEXT NOT NULL,
  PRIMARY KEY (detector, part)
);
