-- Outbound notifications (README "Notifications"). SessionsOutbox holds every notification event, inserted in the same
-- commit as the journal entry of the change it tells of, and only if that entry was stored; dispatcher grains (one per
-- subscription and outbox shard) read it after their cursor, plus a trailing window, since sequence numbers taken by
-- concurrent transactions can commit out of order. SessionsDeliveredEvent records which outbox rows have a delivery for
-- a subscription, so a re-scan never delivers a row twice (a batch delivery carries several rows).
-- Applied idempotently at start-up.
CREATE TABLE IF NOT EXISTS SessionsOutbox
(
    Seq          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    ServiceId    text    NOT NULL,
    Shard        integer NOT NULL,
    EntityKey    text    NOT NULL,
    Type         text    NOT NULL,
    Provider     text    NOT NULL,
    OccurredAtMs bigint  NOT NULL,
    RecordedAtMs bigint  NOT NULL,
    Payload      bytea   NOT NULL
);

CREATE INDEX IF NOT EXISTS IX_SessionsOutbox_Shard ON SessionsOutbox (ServiceId, Shard, Seq);
CREATE INDEX IF NOT EXISTS IX_SessionsOutbox_Recorded ON SessionsOutbox (ServiceId, Shard, RecordedAtMs);
CREATE INDEX IF NOT EXISTS IX_SessionsOutbox_Occurred ON SessionsOutbox (ServiceId, OccurredAtMs);

-- Settings as JSON (secrets included: never logged or listed); health beside them, written by dispatchers.
CREATE TABLE IF NOT EXISTS SessionsSubscription
(
    ServiceId       text   NOT NULL,
    Id              text   NOT NULL,
    CreatedAtMs     bigint NOT NULL,
    Settings        text   NOT NULL,
    LastSuccessAtMs bigint NULL,
    FailingSinceMs  bigint NULL,
    PRIMARY KEY (ServiceId, Id)
);

CREATE TABLE IF NOT EXISTS SessionsDispatchCursor
(
    ServiceId      text    NOT NULL,
    SubscriptionId text    NOT NULL,
    Shard          integer NOT NULL,
    Seq            bigint  NOT NULL,
    PRIMARY KEY (ServiceId, SubscriptionId, Shard)
);

CREATE TABLE IF NOT EXISTS SessionsDelivery
(
    Seq             bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    ServiceId       text    NOT NULL,
    Id              text    NOT NULL UNIQUE,
    SubscriptionId  text    NOT NULL,
    Shard           integer NOT NULL,
    EntityKey       text    NOT NULL,
    Status          text    NOT NULL,
    CreatedAtMs     bigint  NOT NULL,
    NextAttemptAtMs bigint  NULL,
    EventIds        text    NOT NULL,
    Attempts        text    NOT NULL,
    Body            bytea   NOT NULL
);

CREATE INDEX IF NOT EXISTS IX_SessionsDelivery_Subscription ON SessionsDelivery (ServiceId, SubscriptionId, Seq);
CREATE INDEX IF NOT EXISTS IX_SessionsDelivery_Pending ON SessionsDelivery (ServiceId, SubscriptionId, Shard, Seq) WHERE Status = 'pending';

CREATE TABLE IF NOT EXISTS SessionsDeliveredEvent
(
    ServiceId      text   NOT NULL,
    SubscriptionId text   NOT NULL,
    OutboxSeq      bigint NOT NULL,
    DeliveryId     text   NOT NULL,
    PRIMARY KEY (ServiceId, SubscriptionId, OutboxSeq)
);
