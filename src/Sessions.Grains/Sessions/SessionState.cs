using Sessions.Grains.Entities;
using Sessions.Canonical;

namespace Sessions.Grains.Sessions;

/// <summary>
/// What the session machine keeps: registers for the status and the facts, a sub-register per participant and per
/// connection, and unions for links and artefacts, so that any arrival order of the same events gives the same state.
/// </summary>
[GenerateSerializer, Alias("Sessions.Grains.Sessions.SessionState")]
public sealed class SessionState
{
    /// <summary>Active or ended, time-first (ties: ended wins).</summary>
    [Id(0)] public Register<SessionStatus> Status { get; set; } = new();

    /// <summary>The earliest <c>active</c> event's time.</summary>
    [Id(1)] public DateTimeOffset? FirstActiveAt { get; set; }

    [Id(2)] public Register<string?> Title { get; set; } = new();

    [Id(3)] public Register<string?> Organizer { get; set; } = new();

    /// <summary>The reason of the newest <c>ended</c> event that gives one.</summary>
    [Id(4)] public Register<string?> EndReason { get; set; } = new();

    [Id(5)] public Dictionary<string, SessionParticipant> Participants { get; set; } = [];

    /// <summary>Derived from the participants' join/leave marks; kept so a change can be told.</summary>
    [Id(6)] public int PeakParticipants { get; set; }

    [Id(7)] public Dictionary<string, SessionConnection> Connections { get; set; } = [];

    [Id(8)] public List<string> Recordings { get; set; } = [];

    [Id(9)] public List<string> Livestreams { get; set; } = [];

    [Id(10)] public List<string> LinkedSessions { get; set; } = [];

    /// <summary>Artefacts by key (the kind, and for repeatable kinds also the URL), bounded: the oldest fall out first.</summary>
    [Id(11)] public Dictionary<string, SessionArtefact> Artefacts { get; set; } = [];
}

/// <summary>One participant: name, latest join time, and the newest join/leave marks.</summary>
[GenerateSerializer, Alias("Sessions.Grains.Sessions.SessionParticipant")]
public sealed class SessionParticipant
{
    [Id(0)] public Register<string?> Name { get; set; } = new();

    [Id(1)] public DateTimeOffset? LastJoinedAt { get; set; }

    /// <summary>
    /// The newest join (rank 0) and leave (rank 1) stamps, ascending and bounded: the highest decides presence, and
    /// all of them feed the peak sweep.
    /// </summary>
    [Id(2)] public List<EventStamp> Marks { get; set; } = [];
}

/// <summary>One media connection: its lifecycle state (rank-first) and the participant it belongs to.</summary>
[GenerateSerializer, Alias("Sessions.Grains.Sessions.SessionConnection")]
public sealed class SessionConnection
{
    [Id(0)] public Register<ConnectionStatus> State { get; set; } = new();

    [Id(1)] public Register<string?> ParticipantId { get; set; } = new();
}

/// <summary>One artefact: the newest announcement of its key wins.</summary>
[GenerateSerializer, Alias("Sessions.Grains.Sessions.SessionArtefact")]
public sealed class SessionArtefact
{
    [Id(0)] public string Kind { get; set; } = "";

    [Id(1)] public Register<string?> Url { get; set; } = new();
}
