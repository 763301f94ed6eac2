using Sessions.Canonical;

namespace Sessions.Grains.Livestreams;

/// <summary>
/// When the recordings a stream started end, for providers that never say (FastPix): a recording started at S ends at
/// the first status event after S that ends the broadcast: <c>idle</c>, <c>disabled</c> or <c>deleted</c> at that
/// event's time, or <c>disconnected</c> at D when the stream did not come back (preparing, connected or live) within its
/// reconnect window W and an event later than D + W shows the window is over. A recording whose end is not known yet
/// hears its stream's newest word (<see cref="Open"/>), so that when no event ever follows a disconnect the tracker's
/// clock can stop it at D once D + W has passed (<c>RecordingStreamRules</c>). Pure: a function of the events seen.
/// </summary>
public static class StreamRecordings
{
    /// <summary>The event type of a recording's end told by its stream is this prefix and the stream word that ended it.</summary>
    public const string EndedTypePrefix = "livestream.";

    /// <summary>The event type of a stream's word told to a recording still running is this prefix and the word.</summary>
    public const string StreamTypePrefix = "stream.";

    /// <summary>How many status events a livestream keeps to decide its recordings' ends; the oldest fall out first.</summary>
    public const int MaxMarks = 256;

    /// <summary>Files a status event (when the stream has recordings to end, or this event starts one).</summary>
    public static void Mark(LivestreamState state, StatusMark mark)
    {
        ArgumentNullException.ThrowIfNull(state);
        ArgumentNullException.ThrowIfNull(mark);
        var index = state.Marks.BinarySearch(mark, Order.Instance);
        if (index >= 0)
        {
            return;
        }

        state.Marks.Insert(~index, mark);
        if (state.Marks.Count > MaxMarks)
        {
            state.Marks.RemoveAt(0);
        }
    }

    /// <summary>Every recording of the stream whose end is known: its id, when it ended and the stream word that ended it.</summary>
    public static IEnumerable<(string RecordingId, DateTimeOffset EndedAt, string EndedBy)> Ends(LivestreamState state)
    {
        ArgumentNullException.ThrowIfNull(state);
        var window = state.ReconnectWindowSeconds.Value is { } seconds ? TimeSpan.FromSeconds(seconds) : (TimeSpan?)null;
        foreach (var (id, startedAt) in state.RecordingStarts.OrderBy(r => r.Value).ThenBy(r => r.Key, StringComparer.Ordinal))
        {
            if (EndAfter(state.Marks, startedAt, window) is { } end)
            {
                yield return (id, end.At, end.ProviderStatus);
            }
        }
    }

    /// <summary>
    /// Every recording of the stream whose end is not known yet, with the stream's newest status event after its start
    /// and, when that is a disconnect and the window is known, when the window closes.
    /// </summary>
    public static IEnumerable<(string RecordingId, StatusMark Latest, DateTimeOffset? ReconnectBy)> Open(LivestreamState state)
    {
        ArgumentNullException.ThrowIfNull(state);
        var window = state.ReconnectWindowSeconds.Value is { } seconds ? TimeSpan.FromSeconds(seconds) : (TimeSpan?)null;
        foreach (var (id, startedAt) in state.RecordingStarts.OrderBy(r => r.Value).ThenBy(r => r.Key, StringComparer.Ordinal))
        {
            if (EndAfter(state.Marks, startedAt, window) is null && state.Marks.LastOrDefault(m => m.At > startedAt) is { } latest)
            {
                yield return (id, latest, latest.Status is LivestreamStatus.Disconnected ? latest.At + window : null);
            }
        }
    }

    private static StatusMark? EndAfter(List<StatusMark> marks, DateTimeOffset startedAt, TimeSpan? window)
    {
        for (var i = 0; i < marks.Count; i++)
        {
            var mark = marks[i];
            if (mark.At <= startedAt)
            {
                continue;
            }

            if (mark.Status is LivestreamStatus.Idle or LivestreamStatus.Disabled or LivestreamStatus.Deleted)
            {
                return mark;
            }

            if (mark.Status is LivestreamStatus.Disconnected && window is { } w && StayedAway(marks, i, w))
            {
                return mark;
            }
        }

        return null;
    }

    /// <summary>True when no event after the disconnect at <paramref name="at"/> brought the stream back within the window, and one later than the window closes it.</summary>
    private static bool StayedAway(List<StatusMark> marks, int at, TimeSpan window)
    {
        var closes = marks[at].At + window;
        for (var i = at + 1; i < marks.Count; i++)
        {
            if (marks[i].At > closes)
            {
                return true;
            }

            if (marks[i].Status is LivestreamStatus.Preparing or LivestreamStatus.Connected or LivestreamStatus.Live)
            {
                return false;
            }
        }

        return false;
    }

    private sealed class Order : IComparer<StatusMark>
    {
        public static readonly Order Instance = new();

        public int Compare(StatusMark? x, StatusMark? y)
        {
            ArgumentNullException.ThrowIfNull(x);
            ArgumentNullException.ThrowIfNull(y);
            var order = x.At.CompareTo(y.At);
            if (order == 0)
            {
                order = x.Status.CompareTo(y.Status);
            }

            return order != 0 ? order : string.CompareOrdinal(x.Key, y.Key);
        }
    }
}
