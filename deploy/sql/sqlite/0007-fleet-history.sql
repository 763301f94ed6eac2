-- Fleet-health history for GET /api/fleet/history: one row per service and sample time (milliseconds since the
-- epoch, a multiple of Dashboard:FleetSampleInterval), so every silo may sample and the first row of a time stands
-- (the others' inserts are no-ops). Trimmed past Dashboard:FleetHistory. Applied idempotently at start-up.
CREATE TABLE IF NOT EXISTS FleetHistory
(
    ServiceId TEXT    NOT NULL,
    AtMs      INTEGER NOT NULL,
    Healthy   INTEGER NOT NULL,
    Degraded  INTEGER NOT NULL,
    Down      INTEGER NOT NULL,
    Offline   INTEGER NOT NULL,
    PRIMARY KEY (ServiceId, AtMs)
);
