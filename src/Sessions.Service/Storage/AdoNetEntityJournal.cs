using System.Data.Common;
using Microsoft.Extensions.Options;
using Sessions.Abstractions.Webhooks;
using Sessions.Canonical;
using Sessions.Grains.Notifications;
using Sessions.Grains.Storage;
using Sessions.Service.Hosting;

namespace Sessions.Service.Storage;

/// <summary>
/// The entity journal in the service's own database (the SessionsJournal table of deploy/sql): appends and trims go
/// through the <see cref="GroupCommit"/>, reads straight to the table, on PostgreSQL by its (entity, version) key, on
/// SQLite back from the entity's head (<see cref="SqliteJournalHeads"/>). It also tells index shards which entities
/// changed since a moment: the latest entry of every entity is never trimmed.
/// </summary>
internal sealed class AdoNetEntityJournal(DbDataSource dataSource, GroupCommit commits, IOptions<HostingOptions> options)
    : IEntityJournal, IEntityChangeLog
{
    /// <summary>
    /// Which entities of a kind changed since a moment: an index shard's repair after a crash, on PostgreSQL (SQLite mode
    /// reads its heads' times, <see cref="SqliteJournalHeads.SavedSince"/>).
    /// </summary>
    internal const string ChangedSince =
        "SELECT DISTINCT GrainKey FROM SessionsJournal WHERE ServiceId = @service AND GrainType = @type AND RecordedAtMs >= @since";

    /// <summary>Each kind's name, made once rather than twice per append.</summary>
    private static readonly Dictionary<EntityKind, string> GrainTypes =
        Enum.GetValues<EntityKind>().ToDictionary(kind => kind, kind => kind.ToString().ToLowerInvariant());

    public async Task<IReadOnlyList<JournalEntry>> ReadAsync(EntityKind kind, string key, long afterVersion, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        if (commits.Heads is { } heads)
        {
            command.CommandText = SqliteJournalHeads.ReadEntity;
            command.AddParameter("head", heads.UnsavedRow(GrainType(kind), key) is { } head ? head : DBNull.Value);
        }
        else
        {
            command.CommandText =
                "SELECT Version, RecordedAtMs, Payload FROM SessionsJournal " +
                "WHERE ServiceId = @service AND GrainType = @type AND GrainKey = @key AND Version > @after ORDER BY Version";
        }

        command.AddParameter("service", options.Value.ServiceId);
        command.AddParameter("type", GrainType(kind));
        command.AddParameter("key", key);
        command.AddParameter("after", afterVersion);
        var entries = new List<JournalEntry>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            var payload = (byte[])reader.GetValue(2);
            entries.Add(new JournalEntry(
                reader.GetInt64(0),
                DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(1)),
                payload.Length == 0 ? null : CanonicalJson.Deserialize(payload)));
        }

        return entries;
    }

    public Task AppendAsync(EntityKind kind, string key, JournalEntry entry, RawWebhook? request, IReadOnlyList<OutboxEntry>? notifications = null)
    {
        ArgumentNullException.ThrowIfNull(entry);
        var payload = entry.Event is { } evt ? CanonicalJson.Serialize(evt) : [];
        return commits.AppendAsync(GrainType(kind), key, entry.Version, entry.RecordedAt.ToUnixTimeMilliseconds(), payload, request, notifications ?? []);
    }

    public Task TrimAsync(EntityKind kind, string key, long beforeVersion) => commits.TrimAsync(GrainType(kind), key, beforeVersion);

    public async Task<IReadOnlyList<string>> KeysChangedSinceAsync(EntityKind kind, DateTimeOffset since, CancellationToken cancellationToken)
    {
        var sinceMs = Math.Max(0, since.ToUnixTimeMilliseconds());
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = commits.Heads is null ? ChangedSince : SqliteJournalHeads.SavedSince;
        command.AddParameter("service", options.Value.ServiceId);
        command.AddParameter("type", GrainType(kind));
        command.AddParameter("since", sinceMs);
        var keys = new HashSet<string>(StringComparer.Ordinal);
        await using (var reader = await command.ExecuteReaderAsync(cancellationToken))
        {
            while (await reader.ReadAsync(cancellationToken))
            {
                keys.Add(reader.GetString(0));
            }
        }

        // SQLite mode: the heads saved since the last save are in the writer's memory (an entity whose saved head is
        // older may have moved on since).
        keys.UnionWith(commits.Heads?.UnsavedSince(GrainType(kind), sinceMs) ?? []);
        return [.. keys];
    }

    /// <summary>The journal names an entity's kind as Orleans names its grain type (<c>server</c>, <c>session</c>, …).</summary>
    private static string GrainType(EntityKind kind) => GrainTypes[kind];
}
