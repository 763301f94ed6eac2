using System.Collections.Concurrent;
using System.Data.Common;
using Npgsql;

namespace Sessions.Service.Storage;

/// <summary>
/// PostgreSQL mode's journal trims, kept out of the group commit's writer. What a trim removes lies below a stored
/// snapshot, which no replay reads, so nothing needs to wait for it: a trim is noted in memory, and every
/// <see cref="SqliteUpkeep.TrimEvery"/> the trims noted since are removed on a connection of their own,
/// <see cref="EntitiesPerCommit"/> entities a transaction. In the writer's batches the trims' deletes took a sixth of
/// PostgreSQL's statement time on the 5,000-server fleet, and every webhook in flight waited for them (BENCHMARKS.md §7).
/// A round that fails keeps its trims for the next; a graceful stop runs what waits; a trim lost with a crash leaves rows
/// below a snapshot, which the entity's next trim removes.
/// </summary>
internal sealed class PostgresTrims : IAsyncDisposable
{
    /// <summary>How many entities' trims one transaction removes.</summary>
    internal const int EntitiesPerCommit = 64;

    /// <summary>
    /// An entity's rows below a version (<c>$4</c>), from the version below which this silo last removed them (<c>$5</c>,
    /// 0 when it does not know). The rows removed before stay in the key index as dead entries until vacuum, and a trim
    /// from version 0 walked every one of them: on the hot fleet, whose servers trim every second or two, PostgreSQL's CPU
    /// per request doubled between autovacuum runs (BENCHMARKS.md §7).
    /// </summary>
    internal const string TrimJournal =
        "DELETE FROM SessionsJournal WHERE ServiceId = $1 AND GrainType = $2 AND GrainKey = $3 AND Version >= $5 AND Version < $4";

    /// <summary>How many entities' floors are remembered; past it, all are forgotten and each starts from 0 again.</summary>
    private const int FloorsKept = 100_000;

    private readonly DbDataSource _dataSource;
    private readonly StorageWriteGate _gate;
    private readonly string _serviceId;
    private readonly TimeSpan _every;

    /// <summary>The trims noted since the last round: each entity's, and the version below which it removes.</summary>
    private readonly ConcurrentDictionary<JournalEntity, long> _waiting = new();

    /// <summary>
    /// The version below which each entity's rows were removed by a committed round. Rows below a trim never come back (an
    /// append goes above the entity's stored snapshot), so a later trim starts there; another silo's floor that this
    /// silo lacks, or one forgotten, only makes a walk longer.
    /// </summary>
    private readonly Dictionary<JournalEntity, long> _trimmedBelow = [];

    /// <summary>One round at a time: rounds take the floors and put back what they could not remove.</summary>
    private readonly SemaphoreSlim _round = new(1, 1);

    private readonly CancellationTokenSource _stopping = new();
    private readonly Task _rounds;

    /// <summary>Trims removed every <paramref name="every"/>; with <see cref="TimeSpan.Zero"/>, each at once, before its task completes.</summary>
    public PostgresTrims(DbDataSource dataSource, StorageWriteGate gate, string serviceId, TimeSpan every)
    {
        (_dataSource, _gate, _serviceId, _every) = (dataSource, gate, serviceId, every);
        _rounds = every > TimeSpan.Zero ? RunRoundsAsync() : Task.CompletedTask;
    }

    /// <summary>Notes that <paramref name="entity"/>'s rows below <paramref name="beforeVersion"/> can go.</summary>
    public Task TrimAsync(JournalEntity entity, long beforeVersion)
    {
        _waiting.AddOrUpdate(entity, beforeVersion, (_, waiting) => Math.Max(waiting, beforeVersion));
        return _every > TimeSpan.Zero ? Task.CompletedTask : RemoveWaitingAsync();
    }

    /// <summary>Removes the rows of every trim noted so far; those of a transaction that fails wait for the next round.</summary>
    public async Task RemoveWaitingAsync()
    {
        await _round.WaitAsync();
        try
        {
            var round = new List<(JournalEntity Entity, long Below)>();
            foreach (var entity in _waiting.Keys)
            {
                if (_waiting.TryRemove(entity, out var below))
                {
                    round.Add((entity, below));
                }
            }

            for (var done = 0; done < round.Count; done += EntitiesPerCommit)
            {
                var chunk = round.GetRange(done, Math.Min(EntitiesPerCommit, round.Count - done));
                try
                {
                    await _gate.RunAsync(() => CommitAsync(chunk));
                }
                catch
                {
                    foreach (var (entity, below) in round.Skip(done))
                    {
                        _waiting.AddOrUpdate(entity, below, (_, waiting) => Math.Max(waiting, below));
                    }

                    throw;
                }

                Remember(chunk);
            }
        }
        finally
        {
            _round.Release();
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stopping.CancelAsync();
        await _rounds;
        try
        {
            await RemoveWaitingAsync();
        }
        catch (Exception)
        {
            // A graceful stop with the database unreachable: the rows stay below their snapshots until a later trim.
        }

        _stopping.Dispose();
        _round.Dispose();
    }

    private async Task RunRoundsAsync()
    {
        using var timer = new PeriodicTimer(_every);
        try
        {
            while (await timer.WaitForNextTickAsync(_stopping.Token))
            {
                try
                {
                    await RemoveWaitingAsync();
                }
                catch (Exception)
                {
                    // Reported to readiness by the gate; the trims wait for the next round.
                }
            }
        }
        catch (OperationCanceledException)
        {
            // Stopping: DisposeAsync runs what waits.
        }
    }

    private async Task CommitAsync(List<(JournalEntity Entity, long Below)> chunk)
    {
        await using var connection = (NpgsqlConnection)await _dataSource.OpenConnectionAsync();
        await using var transaction = await connection.BeginTransactionAsync();
        await using var batch = new NpgsqlBatch(connection, transaction);
        foreach (var (entity, below) in chunk)
        {
            var command = new NpgsqlBatchCommand(TrimJournal);
            foreach (var value in new object[] { _serviceId, entity.GrainType, entity.Key, below, _trimmedBelow.GetValueOrDefault(entity) })
            {
                command.Parameters.Add(new NpgsqlParameter { Value = value });
            }

            batch.BatchCommands.Add(command);
        }

        await batch.ExecuteNonQueryAsync();
        await transaction.CommitAsync();
    }

    /// <summary>After a commit: where each of its trims removed its entity's rows up to.</summary>
    private void Remember(List<(JournalEntity Entity, long Below)> chunk)
    {
        foreach (var (entity, below) in chunk)
        {
            if (_trimmedBelow.Count >= FloorsKept)
            {
                _trimmedBelow.Clear();
            }

            _trimmedBelow[entity] = Math.Max(_trimmedBelow.GetValueOrDefault(entity), below);
        }
    }
}
