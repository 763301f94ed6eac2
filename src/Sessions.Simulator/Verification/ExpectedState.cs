using Sessions.Simulator.Traffic;

namespace Sessions.Simulator.Verification;

/// <summary>
/// The run's own model of each entity's final status, folded from the facts of acknowledged deliveries with the
/// service's rules: the latest event time wins (equal times: the higher state rank); recordings go by rank first, so
/// no late event moves one back; a deleted livestream stays deleted. An entity named only by facts without a status
/// (a participant, a link) is in its kind's first status. Duplicates change nothing.
/// </summary>
public sealed class ExpectedState
{
    private static readonly Dictionary<string, string[]> StatusesByKind = new(StringComparer.Ordinal)
    {
        [EntityKinds.Server] = ["started", "registered", "unregistered", "stopped"],
        [EntityKinds.Session] = ["active", "ended"],
        [EntityKinds.Recording] = ["pending", "recording", "stopped", "uploading", "ready", "failed", "expired"],
        [EntityKinds.Livestream] = ["idle", "preparing", "connected", "live", "disconnected", "disabled", "deleted"],
    };

    private readonly Dictionary<(string Kind, string Provider, string Id), (int Tier, DateTimeOffset At, int Rank, string Status)?> _entities = [];

    /// <summary>The status words of a listed kind, in the order the summary shows them.</summary>
    public static IReadOnlyList<string> Statuses(string kind) => StatusesByKind[kind];

    /// <summary>Folds in the facts of one acknowledged delivery.</summary>
    public void Apply(IEnumerable<EntityFact> facts)
    {
        ArgumentNullException.ThrowIfNull(facts);
        foreach (var fact in facts.Where(f => StatusesByKind.ContainsKey(f.Kind)))
        {
            var key = (fact.Kind, fact.Provider, fact.Id);
            _entities.TryGetValue(key, out var held);
            if (fact.Status is { } status)
            {
                var stamp = Stamp(fact.Kind, status, fact.At);
                if (held is not { } current || Compare(stamp, current) > 0)
                {
                    held = stamp;
                }
            }

            _entities[key] = held;
        }
    }

    /// <summary>How many entities end in each (kind, provider, status).</summary>
    public IReadOnlyDictionary<(string Kind, string Provider, string Status), int> Counts() =>
        _entities
            .GroupBy(e => (e.Key.Kind, e.Key.Provider, e.Value?.Status ?? StatusesByKind[e.Key.Kind][0]))
            .ToDictionary(g => g.Key, g => g.Count());

    private static (int Tier, DateTimeOffset At, int Rank, string Status) Stamp(string kind, string status, DateTimeOffset at)
    {
        var rank = kind == EntityKinds.Livestream ? LivestreamRank(status) : Array.IndexOf(StatusesByKind[kind], status);
        var tier = kind switch
        {
            EntityKinds.Recording => rank,
            EntityKinds.Livestream when status == "deleted" => 1,
            _ => 0,
        };
        return (tier, at, rank, status);
    }

    /// <summary>The tie rank between livestream events of one time: the end of a broadcast (idle) outranks its steps.</summary>
    private static int LivestreamRank(string status) => status switch
    {
        "preparing" => 1,
        "connected" => 2,
        "live" => 3,
        "disconnected" => 4,
        "idle" => 5,
        "disabled" => 6,
        _ => 7,
    };

    private static int Compare((int Tier, DateTimeOffset At, int Rank, string Status) a, (int Tier, DateTimeOffset At, int Rank, string Status) b)
    {
        var order = a.Tier.CompareTo(b.Tier);
        order = order != 0 ? order : a.At.CompareTo(b.At);
        return order != 0 ? order : a.Rank.CompareTo(b.Rank);
    }
}
