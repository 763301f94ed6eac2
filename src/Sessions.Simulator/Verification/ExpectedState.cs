using Sessions.Simulator.Traffic;

namespace Sessions.Simulator.Verification;

/// <summary>One entity as the run expects to read it back: its final status and the distinct acknowledged events that name it.</summary>
/// <param name="Kind">The entity kind (<see cref="EntityKinds"/>).</param>
/// <param name="Provider">The provider kind.</param>
/// <param name="Id">The provider's id of the entity.</param>
/// <param name="Status">The status word the API should answer.</param>
/// <param name="Events">Each acknowledged event that names the entity, once however often it was delivered, oldest first.</param>
public sealed record ExpectedEntity(string Kind, string Provider, string Id, string Status, IReadOnlyList<EntityFact> Events);

/// <summary>
/// The run's own model of each entity's final status, folded from the facts of acknowledged deliveries with the
/// service's rules: the latest event time wins (equal times: the higher state rank); recordings go by rank first, so
/// no late event moves one back; a deleted livestream stays deleted. An entity named only by facts without a status
/// (a participant, a link) is in its kind's first status. Duplicates change nothing. A FastPix recording, which
/// FastPix never ends, is stopped once its stream's broadcast ended after it started (an acknowledged idle, disabled or
/// deleted of the stream), as the service ends it.
/// </summary>
public sealed class ExpectedState
{
    private static readonly Dictionary<string, string[]> StatusesByKind = new(StringComparer.Ordinal)
    {
        [EntityKinds.Server] = ["started", "registered", "unregistered", "stopped"],
        [EntityKinds.Session] = ["active", "ended"],
        [EntityKinds.Recording] = ["pending", "recording", "stopped", "uploading", "ready", "failed", "expired"],
        [EntityKinds.Livestream] = ["idle", "preparing", "connected", "live", "disconnected", "disabled", "deleted"],
        [EntityKinds.Client] = ["registered", "unregistered"],
    };

    private readonly Dictionary<(string Kind, string Provider, string Id), Entity> _entities = [];

    /// <summary>The status words of a listed kind, in the order the summary shows them.</summary>
    public static IReadOnlyList<string> Statuses(string kind) => StatusesByKind[kind];

    /// <summary>Folds in the facts of one acknowledged delivery.</summary>
    public void Apply(IEnumerable<EntityFact> facts)
    {
        ArgumentNullException.ThrowIfNull(facts);
        foreach (var fact in facts.Where(f => StatusesByKind.ContainsKey(f.Kind)))
        {
            var key = (fact.Kind, fact.Provider, fact.Id);
            if (!_entities.TryGetValue(key, out var entity))
            {
                entity = new Entity();
                _entities[key] = entity;
            }

            // A duplicate delivery states the very same fact again: it is one event, and it moves nothing.
            if (entity.Events.Add(fact) && fact.Status is { } status)
            {
                var stamp = Stamp(fact.Kind, status, fact.At);
                if (entity.Stamp is not { } current || Compare(stamp, current) > 0)
                {
                    entity.Stamp = stamp;
                }
            }
        }
    }

    /// <summary>How many entities end in each (kind, provider, status).</summary>
    public IReadOnlyDictionary<(string Kind, string Provider, string Status), int> Counts() =>
        Entities()
            .GroupBy(e => (e.Kind, e.Provider, e.Status))
            .ToDictionary(g => g.Key, g => g.Count());

    /// <summary>Every listed entity the acknowledged facts name, with its expected status and events.</summary>
    public IReadOnlyList<ExpectedEntity> Entities() =>
    [
        .. _entities.Select(e => new ExpectedEntity(
            e.Key.Kind,
            e.Key.Provider,
            e.Key.Id,
            StreamEnded(e.Key, e.Value) ? "stopped" : e.Value.Stamp?.Status ?? StatusesByKind[e.Key.Kind][0],
            [.. e.Value.Events.OrderBy(f => f.At)])),
    ];

    /// <summary>
    /// Whether <paramref name="entity"/> is a FastPix recording (keyed <c>{streamId}-{start}</c>) below stopped whose
    /// stream's broadcast ended after it started.
    /// </summary>
    private bool StreamEnded((string Kind, string Provider, string Id) key, Entity entity)
    {
        var dash = key.Id.LastIndexOf('-');
        if (key.Kind != EntityKinds.Recording || key.Provider != Providers.FastPix || dash <= 0
            || (entity.Stamp is { } stamp && stamp.Rank >= Array.IndexOf(StatusesByKind[EntityKinds.Recording], "stopped"))
            || !_entities.TryGetValue((EntityKinds.Livestream, Providers.FastPix, key.Id[..dash]), out var stream))
        {
            return false;
        }

        var starts = entity.Events.Where(f => f.Status == "recording").Select(f => f.At).ToList();
        return starts.Count > 0 && stream.Events.Any(f => f.At > starts.Min() && f.Status is "idle" or "disabled" or "deleted");
    }

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

    /// <summary>What is known of one entity: the winning status stamp (null while no fact set one) and its distinct facts.</summary>
    private sealed class Entity
    {
        public (int Tier, DateTimeOffset At, int Rank, string Status)? Stamp { get; set; }

        public HashSet<EntityFact> Events { get; } = [];
    }
}
