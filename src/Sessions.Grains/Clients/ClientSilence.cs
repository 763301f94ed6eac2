using Microsoft.Extensions.Options;
using Sessions.Abstractions.Clients;
using Sessions.Abstractions.Indexing;
using Sessions.Canonical;
using Sessions.Grains.Indexing;

namespace Sessions.Grains.Clients;

/// <summary>
/// Silence for the client index: a <c>registered</c> client silent for <see cref="SilenceOptions.ClientUnregistersAfter"/>
/// is refiled <c>unregistered</c> (<see cref="ClientSilenceRules"/>), out of its application's registered count and
/// finished for retention from the moment it turned silent; the client's next event files it registered again.
/// </summary>
public sealed class ClientSilence(IOptions<SilenceOptions> options) : ItemAging<ClientSnapshot>
{
    private readonly TimeSpan _unregistersAfter = options.Value.ClientUnregistersAfter;

    public override TimeSpan? SweepInterval => AgingSweep.For(_unregistersAfter);

    protected override ClientSnapshot Judge(ClientSnapshot item, DateTimeOffset now) => ClientSilenceRules.AsOf(item, now, _unregistersAfter);

    protected override IndexEntry<ClientSnapshot> Refile(IndexEntry<ClientSnapshot> entry, ClientSnapshot item)
    {
        ArgumentNullException.ThrowIfNull(entry);
        ArgumentNullException.ThrowIfNull(item);
        return entry with
        {
            Item = item,
            Status = StatusWords.Of(item.Status),
            Facets = entry.Facets.Where(f => f.Key != ClientFacets.RegisteredApplication).ToDictionary(StringComparer.Ordinal),
            FinishedAt = entry.FinishedAt ?? item.LastEventAt + _unregistersAfter,
        };
    }
}
