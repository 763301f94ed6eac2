using Microsoft.Data.Sqlite;

namespace Sessions.Service.Tests.Infrastructure;

/// <summary>Holds an exclusive lock on a SQLite database, as a stuck writer would, until disposed.</summary>
internal sealed class SqliteLock : IAsyncDisposable
{
    private readonly SqliteConnection _connection;

    private SqliteLock(SqliteConnection connection) => _connection = connection;

    public static async Task<SqliteLock> HoldAsync(string connectionString, CancellationToken cancellationToken)
    {
        // Not pooled: a pooled connection keeps its transaction (and the lock) after Dispose, or lends it to the service.
        var connection = new SqliteConnection(new SqliteConnectionStringBuilder(connectionString) { Pooling = false }.ToString());
        await connection.OpenAsync(cancellationToken);
        await using var begin = connection.CreateCommand();
        begin.CommandText = "BEGIN EXCLUSIVE";
        await begin.ExecuteNonQueryAsync(cancellationToken);
        return new SqliteLock(connection);
    }

    public async ValueTask DisposeAsync()
    {
        await using (var rollback = _connection.CreateCommand())
        {
            rollback.CommandText = "ROLLBACK";
            await rollback.ExecuteNonQueryAsync();
        }

        await _connection.DisposeAsync();
    }
}
