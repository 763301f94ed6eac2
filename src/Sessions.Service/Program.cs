using Microsoft.Extensions.Options;
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
catch (Exception ex) when (ex is StartupException or OptionsValidationException)
{
    IEnumerable<string> problems = ex is OptionsValidationException invalid ? invalid.Failures : [ex.Message];
    foreach (var problem in problems)
    {
        await Console.Error.WriteLineAsync($"Sessions cannot start: {problem}");
    }

    return 2;
}
