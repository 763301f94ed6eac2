-- The raw webhook log: every accepted request body with its source, the headers that matter (signatures
-- redacted), receive time and per-event outcomes, so state can be audited or rebuilt. Pruned by retention.
-- Applied idempotently at start-up.
CREATE TABLE IF NOT EXISTS WebhookLog
(
    Id           INTEGER PRIMARY KEY AUTOINCREMENT,
    Source       TEXT    NOT NULL,
    Kind         TEXT    NOT NULL,
    ReceivedAtMs INTEGER NOT NULL,
    Headers      TEXT    NOT NULL,
    Body         BLOB    NOT NULL,
    Outcomes     TEXT    NOT NULL
);

CREATE INDEX IF NOT EXISTS IX_WebhookLog_ReceivedAtMs ON WebhookLog (ReceivedAtMs);
CREATE INDEX IF NOT EXISTS IX_WebhookLog_Source_Id ON WebhookLog (Source, Id);
