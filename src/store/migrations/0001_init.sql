-- The audit log: every change, hash-chained to the one before.
CREATE TABLE events (
    seq       INTEGER PRIMARY KEY,
    at_ms     INTEGER NOT NULL,
    actor     TEXT    NOT NULL,
    kind      TEXT    NOT NULL,
    payload   TEXT    NOT NULL,
    prev_hash BLOB    NOT NULL,
    hash      BLOB    NOT NULL
);

CREATE TABLE tickets (
    id             TEXT    PRIMARY KEY,
    day            TEXT    NOT NULL,
    -- The queue that issued the number, and the number's sequence: a number
    -- is never issued twice in a day.
    origin_queue   TEXT    NOT NULL,
    seq            INTEGER NOT NULL,
    width          INTEGER NOT NULL,
    queue          TEXT    NOT NULL,
    service        TEXT,
    priority       INTEGER NOT NULL,
    issued_at_ms   INTEGER NOT NULL,
    order_key      INTEGER NOT NULL,
    target_counter INTEGER,
    state          TEXT    NOT NULL,
    recalls        INTEGER NOT NULL,
    counter        INTEGER,
    staff          TEXT,
    called_at_ms   INTEGER,
    started_at_ms  INTEGER,
    finished_at_ms INTEGER,
    no_show_at_ms  INTEGER,
    UNIQUE (day, origin_queue, seq)
);

CREATE TABLE counters (
    number          INTEGER PRIMARY KEY,
    paused_reason   TEXT,
    paused_since_ms INTEGER,
    priority_streak INTEGER NOT NULL
);

CREATE TABLE sessions (
    id            TEXT    PRIMARY KEY,
    staff         TEXT    NOT NULL,
    counter       INTEGER,
    opened_at_ms  INTEGER NOT NULL,
    expires_at_ms INTEGER NOT NULL,
    closed_at_ms  INTEGER
);

CREATE TABLE logins (
    staff           TEXT    PRIMARY KEY,
    failures        INTEGER NOT NULL,
    locked_until_ms INTEGER
);

-- Small facts about the hall: `day` is the business day the hall is on.
CREATE TABLE meta (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
);
