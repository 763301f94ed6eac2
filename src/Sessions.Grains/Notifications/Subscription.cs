using System.Text.Json.Serialization;

namespace Sessions.Grains.Notifications;

/// <summary>
/// Where and what to notify, as the LiveSwitch console sets up a webhook: a name (not unique), a URL, a category and
/// the events of its lifecycle (none: all of them), the providers (null: all), batch and disabled.
/// </summary>
public sealed record Subscription(
    string Id,
    string Name,
    string Url,
    string Category,
    IReadOnlyList<string> Events,
    IReadOnlyList<string>? Providers,
    bool Batch,
    bool Disabled,
    string? DisabledReason,
    string Secret,
    string? PreviousSecret,
    DateTimeOffset? PreviousSecretUntil,
    DateTimeOffset CreatedAt)
{
    /// <summary>How long a rotated-out secret keeps signing beside the new one.</summary>
    public static readonly TimeSpan RotationOverlap = TimeSpan.FromHours(24);

    /// <summary>When a delivery last succeeded (kept by the store beside the settings, not in them).</summary>
    [JsonIgnore]
    public DateTimeOffset? LastSuccessAt { get; init; }

    /// <summary>When deliveries started failing with no success since; null while the last one succeeded.</summary>
    [JsonIgnore]
    public DateTimeOffset? FailingSince { get; init; }

    /// <summary>Whether this subscription wants <paramref name="entry"/>: its category, one of its events, one of its providers.</summary>
    public bool Matches(OutboxEntry entry)
    {
        ArgumentNullException.ThrowIfNull(entry);
        return EventTypes.CategoryOf(entry.Type) == Category
            && (Events.Count == 0 || Events.Contains(entry.Type, StringComparer.Ordinal))
            && (Providers is null || Providers.Contains(entry.Provider, StringComparer.OrdinalIgnoreCase));
    }

    /// <summary>The secrets a delivery sent at <paramref name="now"/> is signed with: the current one, and the previous one during the overlap.</summary>
    public IReadOnlyList<string> SigningSecrets(DateTimeOffset now) =>
        PreviousSecret is { } previous && PreviousSecretUntil > now ? [Secret, previous] : [Secret];
}
