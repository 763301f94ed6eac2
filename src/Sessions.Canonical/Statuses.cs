namespace Sessions.Canonical;

/// <summary>Lifecycle of a media server process.</summary>
public enum ServerStatus
{
    Started = 0,
    Registered = 1,
    Unregistered = 2,
    Stopped = 3,
}

/// <summary>Lifecycle of a session (channel, meeting, room).</summary>
public enum SessionStatus
{
    Active = 0,
    Ended = 1,
}

/// <summary>Lifecycle of a recording.</summary>
public enum RecordingStatus
{
    Pending = 0,
    Recording = 1,
    Stopped = 2,
    Uploading = 3,
    Ready = 4,
    Failed = 5,
    Expired = 6,
}

/// <summary>Lifecycle of a livestream.</summary>
public enum LivestreamStatus
{
    Idle = 0,
    Preparing = 1,
    Connected = 2,
    Live = 3,
    Disconnected = 4,
    Disabled = 5,
    Deleted = 6,
}

/// <summary>
/// How usable a server is, judged from its role and lifecycle status and, where the tracker's clock is known, from how
/// long it has been silent (<see cref="Down"/> with the reason <c>silent</c>).
/// </summary>
public enum ServerHealth
{
    /// <summary>Serving: a gateway started or registered, or any other role registered, and heard from recently.</summary>
    Healthy = 0,

    /// <summary>Up but not serving yet: a media server (or other non-gateway role) started and not registered.</summary>
    Degraded = 1,

    /// <summary>Should be up and is not: silent past <c>Fleet:SilentAfter</c>, or unregistered without stopping.</summary>
    Down = 2,

    /// <summary>Stopped cleanly: a planned stop, not an outage.</summary>
    Offline = 3,
}

/// <summary>Presence of a client in its application.</summary>
public enum ClientStatus
{
    Registered = 0,
    Unregistered = 1,
}

/// <summary>State of one media connection inside a session (LiveSwitch).</summary>
public enum ConnectionStatus
{
    Initializing = 0,
    Connecting = 1,
    Connected = 2,
    Failing = 3,
    Closing = 4,
    Failed = 5,
    Closed = 6,
}

/// <summary>State of one simulcast target of a livestream (FastPix).</summary>
public enum SimulcastTargetStatus
{
    Idle = 0,
    Starting = 1,
    Broadcasting = 2,
    Errored = 3,
    Deleted = 4,
}
