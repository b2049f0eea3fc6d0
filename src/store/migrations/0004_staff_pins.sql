-- When the first wrong PIN of a count came: a count older than the lockout
-- starts afresh.
ALTER TABLE logins ADD COLUMN since_ms INTEGER;

-- PINs staff chose themselves (argon2 hashes), overriding hall.toml's.
CREATE TABLE staff_pins (
    staff         TEXT    PRIMARY KEY,
    pin_hash      TEXT    NOT NULL,
    changed_at_ms INTEGER NOT NULL
);
