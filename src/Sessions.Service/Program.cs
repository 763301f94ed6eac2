using Sessions.Service.Hosting;
using Sessions.Service.Storage;

try
{
    var builder = WebApplication.CreateBuilder(args);
    if (args is ["migrate", ..])
    {
        var applied = await SchemaMigrator.MigrateAsync(builder.Configuration, CancellationToken.None);
        Console.WriteLine($"Sessions: storage schema is up to date ({applied} script(s) applied now).");
        return 0;
    }

    builder.AddSessions();
    var app = builder.Build();
    app.MapSessions();
    await app.RunAsync();
    return 0;
}
catch (StartupException ex)
{
    await Console.Error.WriteLineAsync($"Sessions cannot start: {ex.Message}");
    return 2;
}
