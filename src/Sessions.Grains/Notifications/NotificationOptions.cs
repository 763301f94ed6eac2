using System.Globalization;

namespace Sessions.Grains.Notifications;

/// <summary>How notifications are delivered (section <c>Notifications</c>; checked at start-up).</summary>
public sealed class NotificationOptions
{
    public const string SectionName = "Notifications";

    /// <summary>The waits before each retry, comma-separated (<c>5s</c>, <c>5m</c>, <c>2h</c>, <c>1d</c>); after the last the delivery is failed.</summary>
    public string RetrySchedule { get; set; } = "5s,5m,30m,2h,5h,10h,10h";

    /// <summary>A subscription whose deliveries have all failed for this long is disabled, with the reason.</summary>
    public TimeSpan DisableAfter { get; set; } = TimeSpan.FromDays(5);

    /// <summary>The most events one batch delivery carries.</summary>
    public int MaxBatch { get; set; } = 100;

    /// <summary>How long one attempt may take, connection included.</summary>
    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(15);

    /// <summary>Whether URLs on loopback, private, link-local or multicast addresses are allowed (development and tests).</summary>
    public bool AllowPrivateTargets { get; set; }

    /// <summary>How often each dispatcher looks for new changes and due retries (commits and API calls also wake it).</summary>
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>
    /// How long finished (succeeded or failed) deliveries stay listed, counted from their creation, and how long outbox
    /// rows every subscription has read stay for replays; pending deliveries stay until they finish.
    /// </summary>
    public TimeSpan DeliveryRetention { get; set; } = TimeSpan.FromDays(7);

    /// <summary>How many deliveries (of different entities) one dispatcher sends at once.</summary>
    public int MaxConcurrentSends { get; set; } = 8;

    /// <summary>The parsed <see cref="RetrySchedule"/>; false when an entry is not a positive number with a unit of s, m, h or d.</summary>
    public static bool TryParseSchedule(string? schedule, out IReadOnlyList<TimeSpan> delays)
    {
        var parsed = new List<TimeSpan>();
        delays = parsed;
        foreach (var part in (schedule ?? "").Split(',', StringSplitOptions.TrimEntries))
        {
            if (part.Length < 2 || !double.TryParse(part[..^1], NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var value) || value <= 0)
            {
                return false;
            }

            switch (part[^1])
            {
                case 's': parsed.Add(TimeSpan.FromSeconds(value)); break;
                case 'm': parsed.Add(TimeSpan.FromMinutes(value)); break;
                case 'h': parsed.Add(TimeSpan.FromHours(value)); break;
                case 'd': parsed.Add(TimeSpan.FromDays(value)); break;
                default: return false;
            }
        }

        return parsed.Count > 0;
    }

    /// <summary>
    /// When to try again after <paramref name="attempts"/> failed attempts: the receiver's <c>Retry-After</c> when it
    /// sent one, else the schedule's next wait with ±20% jitter (so receivers coming back are not hit all at once); null
    /// when the schedule is spent.
    /// </summary>
    public TimeSpan? NextRetry(int attempts, TimeSpan? retryAfter, Random random)
    {
        ArgumentNullException.ThrowIfNull(random);
        if (!TryParseSchedule(RetrySchedule, out var delays) || attempts > delays.Count)
        {
            return null;
        }

        return retryAfter ?? delays[attempts - 1] * (0.8 + (0.4 * random.NextDouble()));
    }
}
