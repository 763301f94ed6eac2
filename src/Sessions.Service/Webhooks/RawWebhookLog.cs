using System.Collections.Concurrent;
using System.Data.Common;
using System.Text.Json;
using Sessions.Service.Hosting;
using Sessions.Service.Storage;

namespace Sessions.Service.Webhooks;

/// <summary>What one event of a webhook body came to: the provider's type, the entity it touched, and the outcome word.</summary>
public sealed record EventOutcome(string Type, string? Entity, string Outcome);

/// <summary>One accepted webhook request as kept in the raw log.</summary>
public sealed record RawWebhook(
    long Id,
    string Source,
    string Kind,
    DateTimeOffset ReceivedAt,
    IReadOnlyDictionary<string, string> Headers,
    ReadOnlyMemory<byte> Body,
    IReadOnlyList<EventOutcome> Outcomes);

/// <summary>The raw webhook log: accepted bodies kept for audit and rebuild, bounded by retention.</summary>
public interface IRawWebhookLog
{
    /// <summary>Durably appends one accepted request (its <see cref="RawWebhook.Id"/> is assigned by the log).</summary>
    Task AppendAsync(RawWebhook entry, CancellationToken cancellationToken);

    /// <summary>Newest first, optionally for one source, before an id (for paging).</summary>
    Task<IReadOnlyList<RawWebhook>> ReadAsync(string? source, long? beforeId, int limit, CancellationToken cancellationToken);

    /// <summary>Removes entries received before <paramref name="cutoff"/>; returns how many.</summary>
    Task<int> PruneAsync(DateTimeOffset cutoff, CancellationToken cancellationToken);
}

/// <summary>The raw log in the service's own database (the WebhookLog table of deploy/sql), SQLite or PostgreSQL.</summary>
internal sealed class AdoNetRawWebhookLog(ServiceSettings settings) : IRawWebhookLog
{
    public async Task AppendAsync(RawWebhook entry, CancellationToken cancellationToken)
    {
        await using var connection = await SchemaMigrator.OpenAsync(settings.Mode, settings.ConnectionString, cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText =
            "INSERT INTO WebhookLog (Source, Kind, ReceivedAtMs, Headers, Body, Outcomes) VALUES (@source, @kind, @at, @headers, @body, @outcomes)";
        Add(command, "source", entry.Source);
        Add(command, "kind", entry.Kind);
        Add(command, "at", entry.ReceivedAt.ToUnixTimeMilliseconds());
        Add(command, "headers", JsonSerializer.Serialize(entry.Headers));
        Add(command, "body", entry.Body.ToArray());
        Add(command, "outcomes", JsonSerializer.Serialize(entry.Outcomes));
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    public async Task<IReadOnlyList<RawWebhook>> ReadAsync(string? source, long? beforeId, int limit, CancellationToken cancellationToken)
    {
        await using var connection = await SchemaMigrator.OpenAsync(settings.Mode, settings.ConnectionString, cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText =
            "SELECT Id, Source, Kind, ReceivedAtMs, Headers, Body, Outcomes FROM WebhookLog " +
            "WHERE (@source IS NULL OR Source = @source) AND Id < @before ORDER BY Id DESC LIMIT @limit";
        Add(command, "source", (object?)source ?? DBNull.Value);
        Add(command, "before", beforeId ?? long.MaxValue);
        Add(command, "limit", limit);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var entries = new List<RawWebhook>();
        while (await reader.ReadAsync(cancellationToken))
        {
            entries.Add(new RawWebhook(
                reader.GetInt64(0),
                reader.GetString(1),
                reader.GetString(2),
                DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(3)),
                JsonSerializer.Deserialize<Dictionary<string, string>>(reader.GetString(4)) ?? [],
                (byte[])reader.GetValue(5),
                JsonSerializer.Deserialize<List<EventOutcome>>(reader.GetString(6)) ?? []));
        }

        return entries;
    }

    public async Task<int> PruneAsync(DateTimeOffset cutoff, CancellationToken cancellationToken)
    {
        await using var connection = await SchemaMigrator.OpenAsync(settings.Mode, settings.ConnectionString, cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = "DELETE FROM WebhookLog WHERE ReceivedAtMs < @cutoff";
        Add(command, "cutoff", cutoff.ToUnixTimeMilliseconds());
        return await command.ExecuteNonQueryAsync(cancellationToken);
    }

    private static void Add(DbCommand command, string name, object value)
    {
        var parameter = command.CreateParameter();
        parameter.ParameterName = name;
        parameter.Value = value;
        command.Parameters.Add(parameter);
    }
}

/// <summary>The raw log kept in memory, for the memory storage mode used by tests.</summary>
internal sealed class InMemoryRawWebhookLog : IRawWebhookLog
{
    private readonly ConcurrentDictionary<long, RawWebhook> _entries = new();
    private long _nextId;

    public Task AppendAsync(RawWebhook entry, CancellationToken cancellationToken)
    {
        var id = Interlocked.Increment(ref _nextId);
        _entries[id] = entry with { Id = id, Body = entry.Body.ToArray() };
        return Task.CompletedTask;
    }

    public Task<IReadOnlyList<RawWebhook>> ReadAsync(string? source, long? beforeId, int limit, CancellationToken cancellationToken) =>
        Task.FromResult<IReadOnlyList<RawWebhook>>(
        [
            .. _entries.Values
                .Where(e => (source is null || e.Source == source) && e.Id < (beforeId ?? long.MaxValue))
                .OrderByDescending(e => e.Id)
                .Take(limit),
        ]);

    public Task<int> PruneAsync(DateTimeOffset cutoff, CancellationToken cancellationToken)
    {
        var removed = 0;
        foreach (var entry in _entries.Values.Where(e => e.ReceivedAt < cutoff))
        {
            removed += _entries.TryRemove(entry.Id, out _) ? 1 : 0;
        }

        return Task.FromResult(removed);
    }
}

/// <summary>Prunes the raw log to its retention at start-up and then every hour.</summary>
internal sealed partial class RawWebhookLogJanitor(
    IRawWebhookLog log,
    Microsoft.Extensions.Options.IOptions<WebhookOptions> options,
    TimeProvider time,
    ILogger<RawWebhookLogJanitor> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(TimeSpan.FromHours(1), time);
        do
        {
            try
            {
                var removed = await log.PruneAsync(time.GetUtcNow() - options.Value.RawLogRetention, stoppingToken);
                if (removed > 0)
                {
                    LogPruned(logger, removed, options.Value.RawLogRetention);
                }
            }
            catch (Exception ex) when (SchemaMigrator.IsStorageFailure(ex))
            {
                LogPruneFailed(logger, ex);
            }
        }
        while (await timer.WaitForNextTickAsync(stoppingToken));
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Raw webhook log: removed {Count} entries older than {Retention}")]
    private static partial void LogPruned(ILogger logger, int count, TimeSpan retention);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Raw webhook log: pruning failed; will try again in an hour")]
    private static partial void LogPruneFailed(ILogger logger, Exception exception);
}
