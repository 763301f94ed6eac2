using System.Data.Common;
using Npgsql;
using Sessions.Service.Hosting;

namespace Sessions.Service.Storage;

/// <summary>The service's own database as a <see cref="DbDataSource"/>: Npgsql's for PostgreSQL, <see cref="SqliteDataSource"/> for SQLite.</summary>
internal static class StorageDataSource
{
    /// <summary>The data source of <paramref name="mode"/> over <paramref name="connectionString"/> (which the options validator has checked).</summary>
    public static DbDataSource Create(StorageMode mode, string connectionString) => mode switch
    {
        StorageMode.Postgres => NpgsqlDataSource.Create(new NpgsqlConnectionStringBuilder(connectionString)
        {
            // The group commit learns which append's version was taken from the statement that failed (GroupCommit.CommitPostgres),
            // whatever the connection string says: without it a taken version would fail the whole batch, every time it ran.
            IncludeFailedBatchedCommand = true,
        }),
        StorageMode.Sqlite => new SqliteDataSource(connectionString),
        _ => throw new ArgumentOutOfRangeException(nameof(mode), mode, "no database in this mode"),
    };

    /// <summary>Whether <paramref name="dataSource"/> speaks PostgreSQL's dialect (else SQLite's).</summary>
    public static bool IsPostgres(this DbDataSource dataSource) => dataSource is NpgsqlDataSource;
}
