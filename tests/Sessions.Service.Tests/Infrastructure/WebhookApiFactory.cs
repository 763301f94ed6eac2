using System.Net.Http.Headers;
using Microsoft.Data.Sqlite;
using Sessions.Testing;
using Sessions.Testing.Hosting;
using Sessions.Testing.Webhooks;
using Sessions.Webhooks;

namespace Sessions.Service.Tests.Infrastructure;

/// <summary>
/// The service on its own SQLite file with every source kind configured with the fixtures' test secrets (plus sources
/// with wrong secrets), and an API key; one per test class, so each class starts from empty storage.
/// </summary>
public sealed class WebhookApiFactory : IAsyncLifetime
{
    public const string ApiKey = "test-api-key-0123456789";

    private readonly TempDirectory _folder = new("webhooks");

    public WebhookApiFactory()
    {
        ConnectionString = _folder.SqliteConnectionString;
        var settings = new Dictionary<string, string?>
        {
            ["Storage:Mode"] = "sqlite",
            ["Storage:ConnectionString"] = ConnectionString,
            ["Api:Keys:0"] = ApiKey,

            // Notifications go to receivers on loopback, retried and polled fast enough for a test, and an attempt
            // outlasts any test's wait (a hanging receiver stays hung).
            ["Notifications:AllowPrivateTargets"] = "true",
            ["Notifications:RetrySchedule"] = "0.3s,0.3s,0.3s,0.3s",
            ["Notifications:PollInterval"] = "00:00:00.2",
            ["Notifications:Timeout"] = "00:02:00",
        };
        foreach (var kind in TestSources.Kinds)
        {
            SourceSettings.Add(settings, kind, TestSources.For(kind));
        }

        SourceSettings.Add(settings, "wrong-liveswitch", new WebhookSource
        {
            Kind = "liveswitch",
            Token = "not-the-token",
            ApplicationSecrets = new() { [TestSources.LiveSwitchApplication] = "not-the-secret" },
        });
        SourceSettings.Add(settings, "wrong-fastpix", new WebhookSource { Kind = "fastpix", Secret = Convert.ToBase64String("not-the-secret"u8) });
        SourceSettings.Add(settings, "wrong-eyeson", new WebhookSource { Kind = "eyeson", Secret = "not-the-api-key" });
        SourceSettings.Add(settings, "wrong-dyte", new WebhookSource { Kind = "dyte", PublicKeyPem = TestSources.TestRsa.ExportSubjectPublicKeyInfoPem() });
        SourceSettings.Add(settings, "wrong-eyeson-streamrec", new WebhookSource { Kind = "eyeson-streamrec", Token = "not-the-token" });
        SourceSettings.Add(settings, "wrong-standard", new WebhookSource { Kind = "standard", Secret = "whsec_" + Convert.ToBase64String("not-the-standard-secret-000"u8) });
        Factory = new SessionsApiFactory(settings);
    }

    public SessionsApiFactory Factory { get; }

    public string ConnectionString { get; }

    public HttpClient Client { get; private set; } = null!;

    public ValueTask InitializeAsync()
    {
        Client = Factory.CreateClient();
        return ValueTask.CompletedTask;
    }

    /// <summary>An API request with the test key.</summary>
    public static HttpRequestMessage Api(HttpMethod method, string path)
    {
        var request = new HttpRequestMessage(method, path);
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", ApiKey);
        return request;
    }

    /// <summary>A webhook POST of <paramref name="request"/>'s body and headers to <c>/webhooks/{source}</c>.</summary>
    public async Task<HttpResponseMessage> PostAsync(string source, WebhookRequest request, string contentType = "application/json")
    {
        using var message = WebhookMessage.For(source, request, contentType);
        return await Client.SendAsync(message, TestContext.Current.CancellationToken);
    }

    /// <summary>Rows in the grain-state table and the raw webhook log: what "nothing stored" is checked against.</summary>
    public async Task<(long GrainStates, long LoggedWebhooks)> CountStoredAsync()
    {
        await using var connection = new SqliteConnection(ConnectionString);
        await connection.OpenAsync(TestContext.Current.CancellationToken);
        return (await CountAsync(connection, "OrleansGrainState"), await CountAsync(connection, "WebhookLog"));
    }

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        await Factory.DisposeAsync();
        SqliteConnection.ClearAllPools();
        _folder.Dispose();
    }

    private static async Task<long> CountAsync(SqliteConnection connection, string table)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = $"SELECT count(*) FROM {table}";
        return (long)(await command.ExecuteScalarAsync(TestContext.Current.CancellationToken))!;
    }
}

