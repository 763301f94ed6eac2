-- Notification retention (README "Notifications:DeliveryRetention"): the janitor removes finished deliveries with the
-- rows that record which outbox rows they carried, looked up by delivery. Applied idempotently at start-up.
CREATE INDEX IF NOT EXISTS IX_SessionsDeliveredEvent_Delivery ON SessionsDeliveredEvent (ServiceId, DeliveryId);
