-- Applicants' personal values, apart from the log and from the cases' rows,
-- which hold only their salted commitments: one row per case, deleted when
-- the values are erased (`yimen erase`).
CREATE TABLE personal (
    case_number  TEXT PRIMARY KEY,
    -- The 16 random bytes every value of the case is committed under.
    salt         BLOB NOT NULL,
    name         TEXT NOT NULL,
    id_number    TEXT NOT NULL,
    phone        TEXT NOT NULL,
    address      TEXT,
    collected_by TEXT
);
