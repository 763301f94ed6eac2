using Microsoft.Extensions.Options;
using Sessions.Abstractions.Indexing;
using Sessions.Abstractions.Sessions;
using Sessions.Canonical;
using Sessions.Grains.Indexing;

namespace Sessions.Grains.Sessions;

/// <summary>
/// Silence for the session index: an <c>active</c> session silent for <see cref="SilenceOptions.SessionEndsAfter"/> is
/// refiled <c>ended</c> (<see cref="SessionSilenceRules"/>), finished for retention from the moment it turned silent;
/// the session's next event files it active again.
/// </summary>
public sealed class SessionSilence(IOptions<SilenceOptions> options) : ItemAging<SessionSnapshot>
{
    private readonly TimeSpan _endsAfter = options.Value.SessionEndsAfter;

    public override TimeSpan? SweepInterval => AgingSweep.For(_endsAfter);

    protected override SessionSnapshot Judge(SessionSnapshot item, DateTimeOffset now) => SessionSilenceRules.AsOf(item, now, _endsAfter);

    protected override IndexEntry<SessionSnapshot> Refile(IndexEntry<SessionSnapshot> entry, SessionSnapshot item)
    {
        ArgumentNullException.ThrowIfNull(entry);
        ArgumentNullException.ThrowIfNull(item);
        return entry with { Item = item, Status = StatusWords.Of(item.Status), FinishedAt = entry.FinishedAt ?? item.LastEventAt + _endsAfter };
    }
}
