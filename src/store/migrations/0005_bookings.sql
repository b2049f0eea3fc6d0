-- Appointments (预约取号): one row per booking, its personal values apart.
CREATE TABLE bookings (
    code    TEXT PRIMARY KEY,
    service TEXT NOT NULL,
    day     TEXT NOT NULL,
    state   TEXT NOT NULL,
    data    TEXT NOT NULL
);
CREATE INDEX bookings_day ON bookings (day);

CREATE TABLE booking_personal (
    code      TEXT PRIMARY KEY,
    salt      BLOB NOT NULL,
    name      TEXT NOT NULL,
    id_number TEXT NOT NULL,
    phone     TEXT NOT NULL
);

-- The booking an appointment ticket was issued for, and its booked time.
ALTER TABLE tickets ADD COLUMN appointment_code TEXT;
ALTER TABLE tickets ADD COLUMN appointment_at_ms INTEGER;
