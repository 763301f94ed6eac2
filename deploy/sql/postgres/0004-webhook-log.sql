-- The raw webhook log: every accepted request body with its source, the headers that matter (signatures
-- redacted), receive time and per-event outcomes, so state can be audited or rebuilt. Pruned by retention.
-- Applied idempotently at start-up.
CREATE TABLE IF NOT EXISTS WebhookLog
(
    Id           bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    Source       text   NOT NULL,
    Kind         text   NOT NULL,
    ReceivedAtMs bigint NOT NULL,
    Headers      text   NOT NULL,
    Body         bytea  NOT NULL,
    Outcomes     text   NOT NULL
);

CREATE INDEX IF NOT EXISTS IX_WebhookLog_ReceivedAtMs ON WebhookLog (ReceivedAtMs);
CREATE INDEX IF NOT EXISTS IX_WebhookLog_Source_Id ON WebhookLog (Source, Id);
