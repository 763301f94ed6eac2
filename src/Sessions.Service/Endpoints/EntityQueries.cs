using Microsoft.AspNetCore.Http.HttpResults;
using Sessions.Abstractions.Entities;
using Sessions.Abstractions.Indexing;
using Sessions.Canonical;
using Sessions.Service.Queries;

namespace Sessions.Service.Endpoints;

/// <summary>What the endpoints of every kind share: a list page with its query checked, one entity or 404, and facet counts.</summary>
public static class EntityQueries
{
    private const int DefaultLimit = 50;

    /// <summary>The largest page any list answers; more is a 400.</summary>
    public const int MaxLimit = 500;

    /// <summary>
    /// One page of <typeparamref name="TItem"/> filtered by status, provider, facets, search text and last-event window;
    /// 400 naming what is wrong with the query.
    /// </summary>
    public static async Task<Results<Ok<Page<TItem>>, ProblemHttpResult>> ListAsync<TItem, TStatus>(
        IndexReader index, string? status, string? provider, IReadOnlyDictionary<string, string>? facets, ListSearch search, int? limit, string? cursor)
        where TStatus : struct, Enum
    {
        ArgumentNullException.ThrowIfNull(index);
        ArgumentNullException.ThrowIfNull(search);
        TStatus? wanted = null;
        if (status is not null)
        {
            if (!StatusWords.TryParse<TStatus>(status, out var parsed))
            {
                return BadRequest($"status '{status}' is not one of: {string.Join(", ", StatusWords.All<TStatus>())}.");
            }

            wanted = parsed;
        }

        if (limit is < 1 or > MaxLimit)
        {
            return BadRequest($"limit must be between 1 and {MaxLimit}.");
        }

        if (search.Since > search.Until)
        {
            return BadRequest($"since ({search.Since:O}) is after until ({search.Until:O}).");
        }

        try
        {
            IndexReader.DecodeCursor(cursor);
        }
        catch (FormatException ex)
        {
            return BadRequest(ex.Message);
        }

        var page = await index.ListAsync<TItem>(wanted is { } word ? StatusWords.Of(word) : null, provider, facets, cursor, limit ?? DefaultLimit, search);
        return TypedResults.Ok(page);
    }

    /// <summary>The entity <paramref name="provider"/>/<paramref name="id"/> with its timeline, or 404 when it was never seen.</summary>
    /// <remarks>
    /// <paramref name="asOf"/> judges it at the tracker's clock with the rule the index shards apply to the lists (a silent
    /// server is down, a silent session ended), so the entity and the lists agree; null for kinds only events move.
    /// </remarks>
    public static async Task<Results<Ok<TSnapshot>, ProblemHttpResult>> GetAsync<TGrain, TSnapshot>(
        IGrainFactory grains, string provider, string id, Func<TSnapshot, TSnapshot>? asOf = null)
        where TGrain : IEntityGrain<TSnapshot>
        where TSnapshot : class
    {
        ArgumentNullException.ThrowIfNull(grains);
        var snapshot = await grains.GetGrain<TGrain>(EntityKey.Of(provider, id)).GetAsync();
        return snapshot is null
            ? NotFound($"No {StatusWords.Of(SnapshotKinds.Of<TSnapshot>())} '{id}' from provider '{provider}' has been seen.")
            : TypedResults.Ok(asOf is null ? snapshot : asOf(snapshot));
    }

    /// <summary>The facet filters a list request sets; parameters left out filter nothing.</summary>
    public static Dictionary<string, string> Facets(params (string Name, string? Value)[] filters)
    {
        var facets = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (name, value) in filters)
        {
            if (!string.IsNullOrEmpty(value))
            {
                facets[name] = value;
            }
        }

        return facets;
    }

    /// <summary>The counts by one facet's values; empty when no entry has the facet.</summary>
    public static IReadOnlyDictionary<string, int> Facet(IndexCounts counts, string facet)
    {
        ArgumentNullException.ThrowIfNull(counts);
        return counts.ByFacet.TryGetValue(facet, out var values) ? values : new Dictionary<string, int>();
    }

    /// <summary>404 as a problem whose detail says what was not found.</summary>
    public static ProblemHttpResult NotFound(string detail) =>
        TypedResults.Problem(title: "Not found", detail: detail, statusCode: StatusCodes.Status404NotFound);

    /// <summary>400 as a problem whose detail names the parameter and what it may be.</summary>
    public static ProblemHttpResult BadRequest(string detail) =>
        TypedResults.Problem(title: "Invalid query", detail: detail, statusCode: StatusCodes.Status400BadRequest);
}
