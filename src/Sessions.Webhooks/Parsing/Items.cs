using Sessions.Canonical;

namespace Sessions.Webhooks.Parsing;

/// <summary>Builds the items an adapter emits, including the extra event that tells a session about a linked entity.</summary>
internal static class Items
{
    /// <summary>Suffix of a link event's dedupe key, so it never equals its primary's.</summary>
    private const string LinkSuffix = "#link";

    public static CanonicalEvent Event(
        string type, string provider, EntityKind kind, string entityId, DateTimeOffset occurredAt, string dedupeKey, EntityChange change) =>
        new()
        {
            Type = type,
            Provider = provider,
            Kind = kind,
            EntityId = entityId,
            OccurredAt = occurredAt,
            DedupeKey = dedupeKey,
            Change = change,
        };

    public static UnmappedEvent Unmapped(string type, string? entityHint) => new() { Type = type, EntityHint = entityHint };

    /// <summary>Adds <paramref name="primary"/> and, when a session is named, a <see cref="SessionLinked"/> event for that session.</summary>
    public static void AddLinked(List<WebhookItem> items, CanonicalEvent primary, string? sessionId)
    {
        items.Add(primary);
        if (sessionId is not null)
        {
            items.Add(primary with
            {
                Kind = EntityKind.Session,
                EntityId = sessionId,
                DedupeKey = primary.DedupeKey + LinkSuffix,
                Change = new SessionLinked(primary.Kind, primary.EntityId),
            });
        }
    }
}
