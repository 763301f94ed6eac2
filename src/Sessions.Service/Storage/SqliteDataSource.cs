using System.Data.Common;
using Microsoft.Data.Sqlite;

namespace Sessions.Service.Storage;

/// <summary>
/// The <see cref="DbDataSource"/> Microsoft.Data.Sqlite does not ship: a new connection per call (the provider pools
/// them underneath), with the database file's folder created before the first one, so a first run needs no set-up.
/// </summary>
internal sealed class SqliteDataSource : DbDataSource
{
    private readonly string _connectionString;
    private readonly string? _folder;
    private bool _folderCreated;

    public SqliteDataSource(string connectionString)
    {
        _connectionString = connectionString;
        var builder = new SqliteConnectionStringBuilder(connectionString);
        _folder = builder.Mode is SqliteOpenMode.Memory ? null : Path.GetDirectoryName(Path.GetFullPath(builder.DataSource));
    }

    public override string ConnectionString => _connectionString;

    protected override DbConnection CreateDbConnection()
    {
        if (!_folderCreated && !string.IsNullOrEmpty(_folder))
        {
            Directory.CreateDirectory(_folder);
            _folderCreated = true;
        }

        return new SqliteConnection(_connectionString);
    }
}
