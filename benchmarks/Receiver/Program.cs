using System.Security.Cryptography;
using System.Text;
using Npgsql;

// The hand-written alternative to Sessions for LiveSwitch server events: check the source token, keep the body under
// its SHA-256 digest, answer 200 once PostgreSQL has committed it. One autocommitted INSERT per request, nothing else.
var builder = WebApplication.CreateBuilder(args);
var connectionString = builder.Configuration["Receiver:ConnectionString"]
    ?? throw new InvalidOperationException("Set Receiver:ConnectionString to a PostgreSQL connection string.");
var token = Encoding.UTF8.GetBytes(builder.Configuration["Receiver:Token"]
    ?? throw new InvalidOperationException("Set Receiver:Token to the token LiveSwitch sends as ?token=."));

await using var dataSource = NpgsqlDataSource.Create(connectionString);
await using (var create = dataSource.CreateCommand(
    "CREATE TABLE IF NOT EXISTS received (digest bytea PRIMARY KEY, body bytea NOT NULL, received_at timestamptz NOT NULL)"))
{
    await create.ExecuteNonQueryAsync();
}

var app = builder.Build();
app.MapGet("/health/ready", () => Results.Ok());
app.MapPost("/webhooks/liveswitch", async (HttpRequest request, CancellationToken cancellationToken) =>
{
    if (!CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(request.Query["token"].ToString()), token))
    {
        return Results.Unauthorized();
    }

    using var buffer = new MemoryStream();
    await request.Body.CopyToAsync(buffer, cancellationToken);
    var body = buffer.ToArray();
    await using var insert = dataSource.CreateCommand(
        "INSERT INTO received (digest, body, received_at) VALUES ($1, $2, $3) ON CONFLICT (digest) DO NOTHING");
    insert.Parameters.Add(new NpgsqlParameter<byte[]> { TypedValue = SHA256.HashData(body) });
    insert.Parameters.Add(new NpgsqlParameter<byte[]> { TypedValue = body });
    insert.Parameters.Add(new NpgsqlParameter<DateTime> { TypedValue = DateTime.UtcNow });
    await insert.ExecuteNonQueryAsync(cancellationToken);
    return Results.Ok();
});
await app.RunAsync();
