using System.Globalization;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Orleans.Configuration;
using Orleans.Storage;
using Sessions.Canonical;
using Sessions.Grains.Servers;
using Sessions.Service.Hosting;
using Sessions.Testing;
using Sessions.Testing.Hosting;
using ServerRecord = Sessions.Grains.Entities.EntityRecord<Sessions.Grains.Servers.ServerState>;

namespace Sessions.Service.Tests;

/// <summary>Grain state goes to the database in Orleans' binary form; rows written as JSON by earlier versions still read.</summary>
public sealed class GrainStateSerializerTests
{
    [Fact]
    public async Task StateIsStoredBinaryAndSmallerThanJsonAndJsonWrittenBeforeStillReads()
    {
        using var folder = new TempDirectory("serializer");
        await using var service = new SessionsApiFactory(new Dictionary<string, string?>
        {
            ["Storage:Mode"] = "sqlite",
            ["Storage:ConnectionString"] = folder.SqliteConnectionString,
        });
        var configured = service.Services.GetRequiredService<IOptionsMonitor<AdoNetGrainStorageOptions>>().Get(OrleansHosting.AdoNetStorageName).GrainStorageSerializer;
        var orleansDefault = service.Services.GetRequiredService<IGrainStorageSerializer>();
        var at = DateTimeOffset.Parse("2024-06-10T06:13:20Z", CultureInfo.InvariantCulture);
        var record = new ServerRecord { FirstEventAt = at, LastEventAt = at, SeenKeys = ["liveswitch:ms-1:registered"], Version = 1 };
        ServerStateMachine.Apply(record.State, new CanonicalEvent
        {
            Type = "mediaserver.registered",
            Provider = "liveswitch",
            Kind = EntityKind.Server,
            EntityId = "ms-1",
            OccurredAt = at,
            DedupeKey = "liveswitch:ms-1:registered",
            Change = new ServerStateChanged("mediaserver", Sessions.Canonical.ServerStatus.Registered),
        });
        var asJson = orleansDefault.Serialize(record);

        var stored = configured.Serialize(record);
        var fromBinary = configured.Deserialize<ServerRecord>(stored);
        var fromJson = configured.Deserialize<ServerRecord>(asJson);

        Assert.Equal(0, stored.ToMemory().Span[0]);
        Assert.True(stored.ToMemory().Length < asJson.ToMemory().Length / 2, $"binary {stored.ToMemory().Length} B, JSON {asJson.ToMemory().Length} B");
        Assert.Equal(asJson.ToString(), orleansDefault.Serialize(fromBinary).ToString());
        Assert.Equal(asJson.ToString(), orleansDefault.Serialize(fromJson).ToString());
    }
}
