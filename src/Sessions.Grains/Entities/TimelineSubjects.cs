using Sessions.Abstractions.Entities;
using Sessions.Canonical;

namespace Sessions.Grains.Entities;

/// <summary>Which part of an entity, or which other entity, an event concerns, for its timeline entry.</summary>
internal static class TimelineSubjects
{
    /// <summary>The subject of <paramref name="change"/>; null when it concerns the entity as a whole.</summary>
    public static TimelineSubject? Of(EntityChange change) => change switch
    {
        ParticipantChanged p => new("participant", p.ParticipantId, p.Name),
        ConnectionChanged c => new("connection", c.ConnectionId, c.ParticipantId),
        SessionLinked l => new(StatusWords.Of(l.LinkedKind), l.LinkedId),
        SimulcastTargetChanged t => new("simulcastTarget", t.TargetId),
        LivestreamAssetCreated a => new("asset", a.AssetId),
        LivestreamStatusChanged { StartedRecordingId: { } recording } => new("recording", recording),
        _ => null,
    };
}
