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
public sealed class SessionSilence(IOptions<SilenceOptions> options) : IEntryAging<SessionSnapshot>
{
    private readonly TimeSpan _endsAfter = options.Value.SessionEndsAfter;

    public TimeSpan? SweepInterval => AgingSweep.For(_endsAfter);

    public IndexEntry<SessionSnapshot> AsOf(IndexEntry<SessionSnapshot> entry, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(entry);
        var item = SessionSilenceRules.AsOf(entry.Item, now, _endsAfter);
        return ReferenceEquals(item, entry.Item)
            ? entry
            : entry with { Item = item, Status = StatusWords.Of(item.Status), FinishedAt = entry.FinishedAt ?? item.LastEventAt + _endsAfter };
    }
}
