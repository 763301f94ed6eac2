using System.Globalization;
using System.Net.Http.Headers;
using System.Net.Sockets;
using System.Text;
using Microsoft.Data.Sqlite;
using Sessions.Testing;
using Sessions.Testing.Hosting;
using Sessions.Testing.Webhooks;
using Sessions.Webhooks;

namespace Sessions.Service.Tests.Infrastructure;

/// <summary>
/// The service on real Kestrel at a loopback port over its own SQLite file, every source kind configured with the
/// fixtures' test secrets: for the tests where the HTTP framing matters, which TestServer does not reproduce.
/// Subclasses add settings.
/// </summary>
public class KestrelApi : IAsyncLifetime
{
    public const string ApiKey = "kestrel-test-key-0123456789";

    private readonly TempDirectory _folder = new("kestrel");
    private SessionsApiFactory? _factory;

    /// <summary>Where the service listens: <c>http://127.0.0.1:{port}/</c>.</summary>
    public Uri Address { get; private set; } = null!;

    /// <summary>A client of the real socket.</summary>
    public HttpClient Client { get; private set; } = null!;

    public string ConnectionString => _folder.SqliteConnectionString;

    /// <summary>The service's container, to look at its state.</summary>
    public IServiceProvider Services => _factory!.Services;

    /// <summary>The SQLite file the service stores in.</summary>
    public string DatabaseFile => Path.Combine(_folder.Path, "sessions.db");

    public ValueTask InitializeAsync()
    {
        var settings = new Dictionary<string, string?>
        {
            ["Storage:Mode"] = "sqlite",
            ["Storage:ConnectionString"] = ConnectionString,
            ["Api:Keys:0"] = ApiKey,
            ["Logging:LogLevel:Default"] = "Warning",
            ["shutdownTimeoutSeconds"] = "2",
        };
        foreach (var kind in TestSources.Kinds)
        {
            SourceSettings.Add(settings, kind, TestSources.For(kind));
        }

        Configure(settings);
        var port = FreePort.Next();
        _factory = new SessionsApiFactory(settings);
        _factory.UseKestrel(port);
        _factory.StartServer();
        Address = new Uri(string.Create(CultureInfo.InvariantCulture, $"http://127.0.0.1:{port}/"));
        Client = new HttpClient { BaseAddress = Address };
        return ValueTask.CompletedTask;
    }

    /// <summary>Settings a subclass adds or overrides.</summary>
    protected virtual void Configure(Dictionary<string, string?> settings)
    {
    }

    /// <summary>An API request with the test key.</summary>
    public static HttpRequestMessage Api(HttpMethod method, string path)
    {
        var request = new HttpRequestMessage(method, path);
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", ApiKey);
        return request;
    }

    /// <summary>A webhook POST the way its provider would send it.</summary>
    public async Task<HttpResponseMessage> PostAsync(string source, WebhookRequest request)
    {
        using var message = WebhookMessage.For(source, request);
        return await Client.SendAsync(message, TestContext.Current.CancellationToken);
    }

    /// <summary>
    /// Sends <paramref name="head"/> (request line and headers, without the blank line) and then <paramref name="body"/>
    /// over a raw socket, byte for byte, and reads the whole answer; the server may answer before the body is all sent.
    /// </summary>
    public async Task<RawAnswer> SendRawAsync(string head, byte[] body)
    {
        var cancellation = TestContext.Current.CancellationToken;
        using var socket = new TcpClient();
        await socket.ConnectAsync(Address.Host, Address.Port, cancellation);
        var stream = socket.GetStream();
        var bytes = Encoding.ASCII.GetBytes(head.TrimEnd() + "\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n");
        var sending = Task.Run(async () =>
        {
            try
            {
                await stream.WriteAsync(bytes, cancellation);
                await stream.WriteAsync(body, cancellation);
                await stream.FlushAsync(cancellation);
            }
            catch (IOException)
            {
                // The server answered and closed before the whole body was sent (a 413 may do that): its answer counts.
            }
        }, cancellation);

        using var answer = new MemoryStream();
        try
        {
            await stream.CopyToAsync(answer, cancellation);
        }
        catch (IOException)
        {
            // A reset after the answer was read: what arrived is the answer.
        }

        await sending;
        return RawAnswer.Parse(answer.ToArray());
    }

    /// <summary>A chunked body: <paramref name="body"/> in chunks of <paramref name="chunkSize"/> bytes, then the last chunk.</summary>
    public static byte[] Chunked(byte[] body, int chunkSize)
    {
        using var framed = new MemoryStream();
        for (var at = 0; at < body.Length; at += chunkSize)
        {
            var length = Math.Min(chunkSize, body.Length - at);
            framed.Write(Encoding.ASCII.GetBytes(length.ToString("x", CultureInfo.InvariantCulture) + "\r\n"));
            framed.Write(body, at, length);
            framed.Write("\r\n"u8);
        }

        framed.Write("0\r\n\r\n"u8);
        return framed.ToArray();
    }

    /// <summary>Rows in the grain-state table and the raw webhook log: what "nothing stored" is checked against.</summary>
    public async Task<(long GrainStates, long LoggedWebhooks)> CountStoredAsync()
    {
        await using var connection = new SqliteConnection(ConnectionString);
        await connection.OpenAsync(TestContext.Current.CancellationToken);
        return (await CountAsync(connection, "OrleansGrainState"), await CountAsync(connection, "WebhookLog"));
    }

    /// <summary>The status of <c>/health/ready</c>.</summary>
    public async Task<int> ReadyStatusAsync()
    {
        using var response = await Client.GetAsync("/health/ready", TestContext.Current.CancellationToken);
        return (int)response.StatusCode;
    }

    public virtual async ValueTask DisposeAsync()
    {
        Client?.Dispose();
        if (_factory is not null)
        {
            await _factory.DisposeAsync();
        }

        SqliteConnection.ClearAllPools();
        _folder.Dispose();
        GC.SuppressFinalize(this);
    }

    private static async Task<long> CountAsync(SqliteConnection connection, string table)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = $"SELECT count(*) FROM {table}";
        return (long)(await command.ExecuteScalarAsync(TestContext.Current.CancellationToken))!;
    }
}

/// <summary>An HTTP/1.1 answer as read off the socket: status, headers (lower-cased names) and the decoded body.</summary>
public sealed record RawAnswer(int Status, IReadOnlyDictionary<string, string> Headers, string Body)
{
    public static RawAnswer Parse(byte[] bytes)
    {
        var text = Encoding.UTF8.GetString(bytes);
        var end = text.IndexOf("\r\n\r\n", StringComparison.Ordinal);
        Assert.True(end > 0, $"no complete HTTP answer: '{text}'");
        var lines = text[..end].Split("\r\n");
        var status = int.Parse(lines[0].Split(' ')[1], CultureInfo.InvariantCulture);
        var headers = lines.Skip(1).Select(l => l.Split(':', 2))
            .ToDictionary(p => p[0].Trim().ToLowerInvariant(), p => p[1].Trim(), StringComparer.Ordinal);
        var body = text[(end + 4)..];
        if (headers.TryGetValue("transfer-encoding", out var encoding) && encoding.Contains("chunked", StringComparison.OrdinalIgnoreCase))
        {
            var decoded = new StringBuilder();
            var at = 0;
            while (true)
            {
                var line = body.IndexOf("\r\n", at, StringComparison.Ordinal);
                var size = int.Parse(body[at..line], NumberStyles.HexNumber, CultureInfo.InvariantCulture);
                if (size == 0)
                {
                    break;
                }

                decoded.Append(body, line + 2, size);
                at = line + 2 + size + 2;
            }

            body = decoded.ToString();
        }

        return new RawAnswer(status, headers, body);
    }
}
