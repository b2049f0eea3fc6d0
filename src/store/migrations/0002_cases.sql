-- Cases, ratings and the rectification of bad reviews.

ALTER TABLE tickets ADD COLUMN case_number TEXT;
ALTER TABLE tickets ADD COLUMN rated INTEGER NOT NULL DEFAULT 0;

-- A case as its last event left it; the columns beside the JSON are for
-- queries and reports.
CREATE TABLE cases (
    number      TEXT PRIMARY KEY,
    state       TEXT NOT NULL,
    department  TEXT NOT NULL,
    service     TEXT NOT NULL,
    accepted_on TEXT,
    finished_on TEXT,
    data        TEXT NOT NULL
);
CREATE INDEX cases_open ON cases (finished_on);

CREATE TABLE ratings (
    id         INTEGER PRIMARY KEY,
    ticket     TEXT,
    case_number TEXT,
    score      INTEGER NOT NULL,
    comment    TEXT,
    at_ms      INTEGER NOT NULL,
    counter    INTEGER,
    staff      TEXT,
    service    TEXT,
    department TEXT
);

CREATE TABLE rectifications (
    id        INTEGER PRIMARY KEY,
    rating    INTEGER NOT NULL,
    closed    INTEGER NOT NULL,
    data      TEXT NOT NULL
);
