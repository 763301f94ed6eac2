using Sessions.Abstractions.Clients;
using Sessions.Abstractions.Livestreams;
using Sessions.Abstractions.Recordings;
using Sessions.Abstractions.Servers;
using Sessions.Abstractions.Sessions;
using Sessions.Canonical;

namespace Sessions.Abstractions.Indexing;

/// <summary>Which entity kind each snapshot type (and so each index) belongs to.</summary>
public static class SnapshotKinds
{
    /// <summary>The kind whose snapshots are <typeparamref name="TSnapshot"/>.</summary>
    public static EntityKind Of<TSnapshot>() => typeof(TSnapshot) switch
    {
        var t when t == typeof(ServerSnapshot) => EntityKind.Server,
        var t when t == typeof(SessionSnapshot) => EntityKind.Session,
        var t when t == typeof(RecordingSnapshot) => EntityKind.Recording,
        var t when t == typeof(LivestreamSnapshot) => EntityKind.Livestream,
        var t when t == typeof(ClientSnapshot) => EntityKind.Client,
        var t => throw new ArgumentOutOfRangeException(nameof(TSnapshot), t, "not an entity snapshot type"),
    };
}
