using System.Data.Common;
using Microsoft.Extensions.Options;
using Npgsql;
using NpgsqlTypes;
using Sessions.Grains.Storage;
using Sessions.Service.Hosting;

namespace Sessions.Service.Storage;

/// <summary>
/// Index shards in the service's own database (SessionsIndexEntry and SessionsIndexShard of deploy/sql), SQLite or
/// PostgreSQL, under this service's id. PostgreSQL takes a write's upserts and removals as arrays, one statement each;
/// SQLite runs in this process, so a prepared statement per row costs no round trip.
/// </summary>
internal sealed class AdoNetIndexStore(DbDataSource dataSource, IOptions<HostingOptions> options, StorageWriteGate gate) : IIndexStore
{
    private const string Upsert =
        "INSERT INTO SessionsIndexEntry (ServiceId, Shard, EntryKey, Payload) VALUES (@service, @shard, @key, @payload) " +
        "ON CONFLICT (ServiceId, Shard, EntryKey) DO UPDATE SET Payload = excluded.Payload";

    private const string UpsertMany =
        "INSERT INTO SessionsIndexEntry (ServiceId, Shard, EntryKey, Payload) " +
        "SELECT @service, @shard, entry.key, entry.payload FROM unnest(@keys, @payloads) AS entry(key, payload) " +
        "ON CONFLICT (ServiceId, Shard, EntryKey) DO UPDATE SET Payload = excluded.Payload";

    private const string Remove = "DELETE FROM SessionsIndexEntry WHERE ServiceId = @service AND Shard = @shard AND EntryKey = @key";

    private const string RemoveMany = "DELETE FROM SessionsIndexEntry WHERE ServiceId = @service AND Shard = @shard AND EntryKey = ANY(@keys)";

    private const string Saved =
        "INSERT INTO SessionsIndexShard (ServiceId, Shard, SavedAtMs) VALUES (@service, @shard, @saved) " +
        "ON CONFLICT (ServiceId, Shard) DO UPDATE SET SavedAtMs = excluded.SavedAtMs";

    public async Task<StoredShard> ReadAsync(string shard, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var command = Command(connection, null, shard,
            "SELECT Payload FROM SessionsIndexEntry WHERE ServiceId = @service AND Shard = @shard");
        var entries = new List<byte[]>();
        await using (var reader = await command.ExecuteReaderAsync(cancellationToken))
        {
            while (await reader.ReadAsync(cancellationToken))
            {
                entries.Add((byte[])reader.GetValue(0));
            }
        }

        command.CommandText = "SELECT SavedAtMs FROM SessionsIndexShard WHERE ServiceId = @service AND Shard = @shard";
        var saved = await command.ExecuteScalarAsync(cancellationToken);
        return new StoredShard(entries, saved is long ms ? DateTimeOffset.FromUnixTimeMilliseconds(ms) : null);
    }

    public Task WriteAsync(
        string shard,
        IReadOnlyList<KeyValuePair<string, byte[]>> upserts,
        IReadOnlyCollection<string> removals,
        DateTimeOffset savedAt,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(upserts);
        ArgumentNullException.ThrowIfNull(removals);
        return gate.RunAsync(() => WriteInTransactionAsync(shard, upserts, removals, savedAt, cancellationToken));
    }

    private async Task WriteInTransactionAsync(
        string shard,
        IReadOnlyList<KeyValuePair<string, byte[]>> upserts,
        IReadOnlyCollection<string> removals,
        DateTimeOffset savedAt,
        CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        if (connection is NpgsqlConnection)
        {
            await WriteManyAsync(connection, transaction, shard, upserts, removals, cancellationToken);
        }
        else
        {
            await WriteEachAsync(connection, transaction, shard, upserts, removals, cancellationToken);
        }

        await using (var command = Command(connection, transaction, shard, Saved))
        {
            command.AddParameter("saved", savedAt.ToUnixTimeMilliseconds());
            await command.ExecuteNonQueryAsync(cancellationToken);
        }

        await transaction.CommitAsync(cancellationToken);
    }

    private async Task WriteManyAsync(
        DbConnection connection,
        DbTransaction transaction,
        string shard,
        IReadOnlyList<KeyValuePair<string, byte[]>> upserts,
        IReadOnlyCollection<string> removals,
        CancellationToken cancellationToken)
    {
        if (upserts.Count > 0)
        {
            await using var command = Command(connection, transaction, shard, UpsertMany);
            command.Parameters.Add(new NpgsqlParameter("keys", NpgsqlDbType.Array | NpgsqlDbType.Text) { Value = upserts.Select(u => u.Key).ToArray() });
            command.Parameters.Add(new NpgsqlParameter("payloads", NpgsqlDbType.Array | NpgsqlDbType.Bytea) { Value = upserts.Select(u => u.Value).ToArray() });
            await command.ExecuteNonQueryAsync(cancellationToken);
        }

        if (removals.Count > 0)
        {
            await using var command = Command(connection, transaction, shard, RemoveMany);
            command.Parameters.Add(new NpgsqlParameter("keys", NpgsqlDbType.Array | NpgsqlDbType.Text) { Value = removals.ToArray() });
            await command.ExecuteNonQueryAsync(cancellationToken);
        }
    }

    private async Task WriteEachAsync(
        DbConnection connection,
        DbTransaction transaction,
        string shard,
        IReadOnlyList<KeyValuePair<string, byte[]>> upserts,
        IReadOnlyCollection<string> removals,
        CancellationToken cancellationToken)
    {
        await using (var command = Command(connection, transaction, shard, Upsert))
        {
            var (key, payload) = (command.AddParameter("key", ""), command.AddParameter("payload", Array.Empty<byte>()));
            foreach (var upsert in upserts)
            {
                (key.Value, payload.Value) = (upsert.Key, upsert.Value);
                await command.ExecuteNonQueryAsync(cancellationToken);
            }
        }

        await using (var command = Command(connection, transaction, shard, Remove))
        {
            var key = command.AddParameter("key", "");
            foreach (var removal in removals)
            {
                key.Value = removal;
                await command.ExecuteNonQueryAsync(cancellationToken);
            }
        }
    }

    private DbCommand Command(DbConnection connection, DbTransaction? transaction, string shard, string sql)
    {
        var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = sql;
        command.AddParameter("service", options.Value.ServiceId);
        command.AddParameter("shard", shard);
        return command;
    }
}
