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
public sealed class ClientSilence(IOptions<SilenceOptions> options) : IEntryAging<ClientSnapshot>
{
    private readonly TimeSpan _unregistersAfter = options.Value.ClientUnregistersAfter;

    public TimeSpan? SweepInterval => AgingSweep.For(_unregistersAfter);

    public IndexEntry<ClientSnapshot> AsOf(IndexEntry<ClientSnapshot> entry, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(entry);
        var item = ClientSilenceRules.AsOf(entry.Item, now, _unregistersAfter);
        if (ReferenceEquals(item, entry.Item))
        {
            return entry;
        }

        var facets = entry.Facets.Where(f => f.Key != ClientFacets.RegisteredApplication).ToDictionary(StringComparer.Ordinal);
        return entry with
        {
            Item = item,
            Status = StatusWords.Of(item.Status),
            Facets = facets,
            FinishedAt = entry.FinishedAt ?? item.LastEventAt + _unregistersAfter,
        };
    }
}
