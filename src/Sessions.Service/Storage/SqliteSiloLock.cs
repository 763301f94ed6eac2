using Microsoft.Extensions.Options;
using Sessions.Service.Hosting;

namespace Sessions.Service.Storage;

/// <summary>
/// One silo per SQLite file. SQLite mode's journal is fenced by its writer's memory (<see cref="SqliteJournalHeads"/>),
/// not by the database, so a second silo on the same file would append beside the first unseen, two versions of one
/// entity's history interleaved. The silo holds an exclusive lock on a file beside the database (<c>{file}.silo-lock</c>)
/// from start until the container disposes it, released by the system when the process dies; a second silo stops at
/// start and says why.
/// Front-ends take no lock: they store only raw log rows. Registered before the schema migration.
/// </summary>
internal sealed class SqliteSiloLock(IOptions<HostingOptions> options) : IHostedService, IDisposable
{
    private FileStream? _lock;

    public Task StartAsync(CancellationToken cancellationToken)
    {
        if (SqliteDataSource.DatabaseFile(options.Value.Storage.EffectiveConnectionString) is not { } database)
        {
            return Task.CompletedTask;
        }

        var path = database + ".silo-lock";
        Directory.CreateDirectory(Path.GetDirectoryName(path) ?? ".");
        try
        {
            _lock = new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
        }
        catch (IOException ex)
        {
            throw new StartupException(
                $"another Sessions silo is running on the SQLite file {database} (it holds {path}). SQLite mode runs " +
                "one silo per file; stop the other, give this one its own Storage:ConnectionString, or run several silos in " +
                "Storage:Mode 'postgres'.", ex);
        }

        return Task.CompletedTask;
    }

    /// <summary>
    /// Keeps the lock: the group commit's last upkeep runs after the hosted services stop, when the container disposes
    /// it, which is before this (created first, disposed last).
    /// </summary>
    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public void Dispose()
    {
        _lock?.Dispose();
        _lock = null;
    }
}
