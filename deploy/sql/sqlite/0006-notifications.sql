-- Outbound notifications (README "Notifications"). SessionsOutbox holds every notification event, inserted in the same
-- commit as the journal entry of the change it tells of, and only if that entry was stored; dispatcher grains (one per
-- subscription and outbox shard) read it after their cursor (SQLite has one writer, so rows commit in order).
-- SessionsDeliveredEvent records which outbox rows have a delivery for
-- a subscription, so a re-scan never delivers a row twice (a batch delivery carries several rows).
-- Applied idempotently at start-up.
CREATE TABLE IF NOT EXISTS SessionsOutbox
(
    Seq          INTEGER PRIMARY KEY AUTOINCREMENT,
    ServiceId    TEXT    NOT NULL,
    Shard        INTEGER NOT NULL,
    EntityKey    TEXT    NOT NULL,
    Type         TEXT    NOT NULL,
    Provider     TEXT    NOT NULL,
    OccurredAtMs INTEGER  NOT NULL,
    RecordedAtMs INTEGER  NOT NULL,
    Payload      BLOB   NOT NULL
);

CREATE INDEX IF NOT EXISTS IX_SessionsOutbox_Shard ON SessionsOutbox (ServiceId, Shard, Seq);
CREATE INDEX IF NOT EXISTS IX_SessionsOutbox_Recorded ON SessionsOutbox (ServiceId, Shard, RecordedAtMs);
CREATE INDEX IF NOT EXISTS IX_SessionsOutbox_Occurred ON SessionsOutbox (ServiceId, OccurredAtMs);

-- Settings as JSON (secrets included: never logged or listed); health beside them, written by dispatchers.
CREATE TABLE IF NOT EXISTS SessionsSubscription
(
    ServiceId       TEXT   NOT NULL,
    Id              TEXT   NOT NULL,
    CreatedAtMs     INTEGER NOT NULL,
    Settings        TEXT   NOT NULL,
    LastSuccessAtMs INTEGER NULL,
    FailingSinceMs  INTEGER NULL,
    PRIMARY KEY (ServiceId, Id)
);

CREATE TABLE IF NOT EXISTS SessionsDispatchCursor
(
    ServiceId      TEXT    NOT NULL,
    SubscriptionId TEXT    NOT NULL,
    Shard          INTEGER NOT NULL,
    Seq            INTEGER  NOT NULL,
    PRIMARY KEY (ServiceId, SubscriptionId, Shard)
);

CREATE TABLE IF NOT EXISTS SessionsDelivery
(
    Seq             INTEGER PRIMARY KEY AUTOINCREMENT,
    ServiceId       TEXT    NOT NULL,
    Id              TEXT    NOT NULL UNIQUE,
    SubscriptionId  TEXT    NOT NULL,
    Shard           INTEGER NOT NULL,
    EntityKey       TEXT    NOT NULL,
    Status          TEXT    NOT NULL,
    CreatedAtMs     INTEGER  NOT NULL,
    NextAttemptAtMs INTEGER  NULL,
    EventIds        TEXT    NOT NULL,
    Attempts        TEXT    NOT NULL,
    Body            BLOB   NOT NULL
);

CREATE INDEX IF NOT EXISTS IX_SessionsDelivery_Subscription ON SessionsDelivery (ServiceId, SubscriptionId, Seq);
CREATE INDEX IF NOT EXISTS IX_SessionsDelivery_Pending ON SessionsDelivery (ServiceId, SubscriptionId, Shard, Seq) WHERE Status = 'pending';

CREATE TABLE IF NOT EXISTS SessionsDeliveredEvent
(
    ServiceId      TEXT   NOT NULL,
    SubscriptionId TEXT   NOT NULL,
    OutboxSeq      INTEGER NOT NULL,
    DeliveryId     TEXT   NOT NULL,
    PRIMARY KEY (ServiceId, SubscriptionId, OutboxSeq)
);
