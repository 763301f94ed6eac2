using System.Collections.Frozen;
using Sessions.Canonical;

namespace Sessions.Grains.Notifications;

/// <summary>
/// The notification event types, per category: <c>{kind}.{status}</c> for each status an entity can move to (the API's
/// status words), the extra events of a kind, and <c>ping</c> (sent by the test endpoint, to every subscription).
/// </summary>
public static class EventTypes
{
    public const string Ping = "ping";

    public const string ServerHealth = "server.health";

    public const string ParticipantJoined = "session.participantJoined";

    public const string ParticipantLeft = "session.participantLeft";

    public const string SimulcastTarget = "livestream.simulcastTarget";

    /// <summary>Every category (an entity kind's word) with its event types, in lifecycle order.</summary>
    public static FrozenDictionary<string, IReadOnlyList<string>> ByCategory { get; } = new Dictionary<string, IReadOnlyList<string>>
    {
        [StatusWords.Of(EntityKind.Server)] = [.. Lifecycle<ServerStatus>(EntityKind.Server), ServerHealth],
        [StatusWords.Of(EntityKind.Session)] = [.. Lifecycle<SessionStatus>(EntityKind.Session), ParticipantJoined, ParticipantLeft],
        [StatusWords.Of(EntityKind.Recording)] = [.. Lifecycle<RecordingStatus>(EntityKind.Recording)],
        [StatusWords.Of(EntityKind.Livestream)] = [.. Lifecycle<LivestreamStatus>(EntityKind.Livestream), SimulcastTarget],
        [StatusWords.Of(EntityKind.Client)] = [.. Lifecycle<ClientStatus>(EntityKind.Client)],
    }.ToFrozenDictionary(StringComparer.Ordinal);

    /// <summary>The event type of an entity of <paramref name="kind"/> reaching <paramref name="status"/>.</summary>
    public static string StatusChange(EntityKind kind, string status) => $"{StatusWords.Of(kind)}.{status}";

    /// <summary>The category an event type belongs to (the part before the dot).</summary>
    public static string CategoryOf(string type) => type.Split('.')[0];

    private static IEnumerable<string> Lifecycle<TStatus>(EntityKind kind)
        where TStatus : struct, Enum =>
        StatusWords.All<TStatus>().Select(status => StatusChange(kind, status));
}
