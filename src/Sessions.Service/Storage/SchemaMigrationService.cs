namespace Sessions.Service.Storage;

/// <summary>Applies the SQL at start-up, before the silo starts, so a first run needs no manual step.</summary>
/// <remarks>Registered ahead of Orleans: hosted services start in registration order, and the ADO.NET providers read their queries while the silo starts.</remarks>
internal sealed class SchemaMigrationService(SchemaMigrator migrator) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken) => migrator.MigrateAsync(cancellationToken);

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
