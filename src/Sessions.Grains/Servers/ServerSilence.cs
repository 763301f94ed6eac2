using Microsoft.Extensions.Options;
using Sessions.Abstractions.Indexing;
using Sessions.Abstractions.Servers;
using Sessions.Canonical;
using Sessions.Grains.Indexing;

namespace Sessions.Grains.Servers;

/// <summary>
/// Silence for the server index: an entry whose server should be up and has been silent for
/// <see cref="FleetOptions.SilentAfter"/> is refiled as <c>down</c> (<c>silent</c>), in its item and its <c>health</c>
/// facet, so lists, filters and fleet counts agree; the server's next event files it healthy again. The shards sweep
/// as <see cref="AgingSweep"/> says, so a server is reported silent at most that late.
/// </summary>
public sealed class ServerSilence(IOptions<FleetOptions> options) : ItemAging<ServerSnapshot>
{
    private readonly TimeSpan _silentAfter = options.Value.SilentAfter;

    public override TimeSpan? SweepInterval => AgingSweep.For(_silentAfter);

    protected override ServerSnapshot Judge(ServerSnapshot item, DateTimeOffset now) => ServerHealthRules.AsOf(item, now, _silentAfter);

    protected override IndexEntry<ServerSnapshot> Refile(IndexEntry<ServerSnapshot> entry, ServerSnapshot item)
    {
        ArgumentNullException.ThrowIfNull(entry);
        ArgumentNullException.ThrowIfNull(item);
        var facets = new Dictionary<string, string>(entry.Facets, StringComparer.Ordinal) { [ServerStateMachine.HealthFacet] = StatusWords.Of(item.Health) };
        if (item.HealthReason is { } reason)
        {
            facets[ServerStateMachine.HealthReasonFacet] = reason;
        }
        else
        {
            facets.Remove(ServerStateMachine.HealthReasonFacet);
        }

        return entry with { Item = item, Facets = facets };
    }
}
