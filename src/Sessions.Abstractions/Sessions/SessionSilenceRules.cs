using Sessions.Canonical;

namespace Sessions.Abstractions.Sessions;

/// <summary>
/// Sessions whose provider never sends their end (a LiveSwitch server that crashed with its channels): an
/// <c>active</c> session not heard from for <c>Silence:SessionEndsAfter</c> is shown <c>ended</c>, with
/// <c>endedAt</c> its last event time and <c>endReason</c> <see cref="Silent"/>; its next event makes it active again.
/// The index shards, the entity GET and retention apply this same rule with the tracker's clock.
/// </summary>
public static class SessionSilenceRules
{
    /// <summary>The <c>endReason</c> of a session ended by the tracker's clock, not by its provider.</summary>
    public const string Silent = "silent";

    /// <summary>Whether a session in <paramref name="status"/>, last heard from at <paramref name="lastEventAt"/>, is judged ended at <paramref name="now"/>.</summary>
    public static bool IsSilent(SessionStatus status, DateTimeOffset lastEventAt, DateTimeOffset now, TimeSpan endsAfter) =>
        status == SessionStatus.Active && now - lastEventAt >= endsAfter;

    /// <summary>The session as it stands at <paramref name="now"/>; the same instance when the rule changes nothing.</summary>
    public static SessionSnapshot AsOf(SessionSnapshot session, DateTimeOffset now, TimeSpan endsAfter)
    {
        ArgumentNullException.ThrowIfNull(session);
        return IsSilent(session.Status, session.LastEventAt, now, endsAfter)
            ? session with { Status = SessionStatus.Ended, EndedAt = session.LastEventAt, EndReason = Silent }
            : session;
    }
}
