using System.Data;
using System.Data.Common;
using Microsoft.Data.Sqlite;

namespace Sessions.Service.Storage;

/// <summary>
/// The <see cref="DbDataSource"/> Microsoft.Data.Sqlite does not ship: a new connection per call (the provider pools
/// them underneath), with the database file's folder created before the first one, so a first run needs no set-up.
/// </summary>
internal sealed class SqliteDataSource : DbDataSource
{
    /// <summary>How much of the database file each connection maps (SQLite maps no more than the file's size).</summary>
    private const long MapBytes = 1L << 30;

    private readonly string _connectionString;
    private readonly string? _folder;
    private bool _folderCreated;

    public SqliteDataSource(string connectionString)
    {
        _connectionString = connectionString;
        _folder = DatabaseFile(connectionString) is { } file ? Path.GetDirectoryName(file) : null;
    }

    public override string ConnectionString => _connectionString;

    /// <summary>The full path of the database file <paramref name="connectionString"/> names; null for an in-memory database.</summary>
    public static string? DatabaseFile(string connectionString)
    {
        var builder = new SqliteConnectionStringBuilder(connectionString);
        return builder.Mode is SqliteOpenMode.Memory ? null : Path.GetFullPath(builder.DataSource);
    }

    protected override DbConnection CreateDbConnection()
    {
        if (!_folderCreated && !string.IsNullOrEmpty(_folder))
        {
            Directory.CreateDirectory(_folder);
            _folderCreated = true;
        }

        var connection = new SqliteConnection(_connectionString);
        connection.StateChange += MapOnOpen;
        return connection;
    }

    /// <summary>
    /// Reads of the database file go through a memory map rather than a <c>pread</c> per page: the group commit's
    /// inserts land all over the journal's key (a fleet's entities), and SQLite's own page cache is small and dropped
    /// whenever another connection writes, so most of them read a page first (4% of the service's CPU in the kernel's
    /// copy; BENCHMARKS.md §7). Writes still go through the WAL and its <c>fsync</c>.
    /// </summary>
    private static void MapOnOpen(object? sender, StateChangeEventArgs change)
    {
        if (change.CurrentState is ConnectionState.Open && sender is SqliteConnection connection)
        {
            using var pragma = connection.CreateCommand();
            pragma.CommandText = $"PRAGMA mmap_size = {MapBytes}";
            pragma.ExecuteNonQuery();
        }
    }
}
