using System.Globalization;
using System.Text.Json;
using Sessions.Simulator.Traffic;

namespace Sessions.Simulator.LiveSwitch;

/// <summary>
/// LiveSwitch scenarios: servers of the deployment (unsigned, by token) that start, register, unregister, stop and
/// restart; and channels of one application whose clients register, join, connect (a batched initializing+connecting,
/// then connected, or failing and failed) and leave, with the channel's mixed recording ready after it deactivates.
/// Shapes as in <c>shared/fixtures/liveswitch</c>; times are epoch milliseconds.
/// </summary>
internal sealed class LiveSwitchTraffic(TrafficOptions options, Random random)
{
    private const string Version = "1.17.4.26271";
    private const string Gateway = "gateway";
    private const string MediaServer = "mediaserver";
    private const string SipConnector = "sipconnector";
    private const string RecordingMuxer = "recordingmuxer";

    private static readonly string[] Regions = ["us-east", "us-west", "eu-central", "ap-southeast"];
    private static readonly string[] Roles = [MediaServer, MediaServer, MediaServer, Gateway, SipConnector, RecordingMuxer];
    private static readonly string[] Names = ["Alice", "Bob", "Carol", "Dan", "Erin", "Frank", "Grace", "Heidi", "Ivan", "Judy", "Mallory", "Oscar", "Peggy", "Trent"];

    private readonly string _applicationId = options.Secrets.LiveSwitchApplicationId;
    private int _servers;
    private int _channels;
    private int _clients;
    private int _events;

    /// <summary>The deployment's first servers, then one new server for every six channels.</summary>
    public Script Next() => _servers < 3 + (_channels / 6) ? ServerLife() : Channel();

    private Script ServerLife()
    {
        // The fleet starts with a gateway, a media server and a recording muxer; later servers scale out.
        var role = _servers switch { 0 => Gateway, 1 => MediaServer, 2 => RecordingMuxer, _ => Ids.Pick(random, Roles) };
        var server = new Server(
            options.IdPrefix + Ids.Uuid(random),
            role,
            string.Create(CultureInfo.InvariantCulture, $"LS-{MachineCode(role)}-{++_servers:00}"),
            Ids.Pick(random, [4, 8, 16, 32]),
            Ids.Pick(random, Regions));
        var registers = role is MediaServer or SipConnector;
        var script = new Script(Providers.LiveSwitch);
        var incarnations = 1 + random.Next(3);
        var tick = 0;
        for (var life = 0; life < incarnations; life++)
        {
            script.At(tick, clock => ServerEvent(server, "started", clock.Next()));
            if (registers)
            {
                tick += 1 + random.Next(3);
                script.At(tick, clock => ServerEvent(server, "registered", clock.Next()));
            }

            if (life == incarnations - 1 && random.NextDouble() < 0.5)
            {
                break; // still running when its scenario ends
            }

            tick += 40 + random.Next(160);
            // One in ten goes down hard, without unregistering first.
            if (registers && random.NextDouble() < 0.9)
            {
                script.At(tick, clock => ServerEvent(server, "unregistered", clock.Next()));
                tick += 1 + random.Next(3);
            }

            script.At(tick, clock => ServerEvent(server, "stopped", clock.Next()));
            tick += 15 + random.Next(60);
        }

        return script;
    }

    private static string MachineCode(string role) => role switch
    {
        Gateway => "GW",
        MediaServer => "MS",
        SipConnector => "SIP",
        _ => "MUX",
    };

    private Script Channel()
    {
        var channelId = string.Create(CultureInfo.InvariantCulture, $"{options.IdPrefix}room-{++_channels:0000}");
        var recording = random.NextDouble() < 0.5;
        var script = new Script(Providers.LiveSwitch);
        script.At(0, clock => ChannelEvent("channel.activated", channelId, clock.Next(), "active"));
        var end = 1;
        var participants = 2 + random.Next(5);
        for (var i = 0; i < participants; i++)
        {
            var client = NewClient(host: i == 0);
            var connection = new Connection(Ids.Hex(random, 16), channelId, client, Ids.Hex(random, 4), recording);
            var joined = 1 + random.Next(20);
            script.At(joined, clock => ClientEvent("client.registered", client, clock.Next()));
            script.At(joined + 1, clock => ChannelClientEvent("channel.client.joined", channelId, client, clock.Next()));
            script.At(joined + 2, clock => ConnectionBatch(connection, clock));
            int left;
            if (random.NextDouble() < 0.1)
            {
                // ICE never completes: the connection fails and the client gives up.
                script.At(joined + 4, clock => ConnectionEvent(connection, "failing", clock.Next()));
                script.At(joined + 6, clock => ConnectionEvent(connection, "failed", clock.Next()));
                left = joined + 7;
            }
            else
            {
                var closing = joined + 10 + random.Next(50);
                script.At(joined + 3, clock => ConnectionEvent(connection, "connected", clock.Next()));
                script.At(closing, clock => ConnectionEvent(connection, "closing", clock.Next()));
                script.At(closing + 1, clock => ConnectionEvent(connection, "closed", clock.Next()));
                left = closing + 2;
            }

            script.At(left, clock => ChannelClientEvent("channel.client.left", channelId, client, clock.Next()));
            script.At(left + 1, clock => ClientEvent("client.unregistered", client, clock.Next()));
            end = Math.Max(end, left + 2);
        }

        script.At(end, clock => ChannelEvent("channel.deactivated", channelId, clock.Next(), "ended"));
        if (recording)
        {
            script.At(end + 3 + random.Next(10), clock => RecordingReady(channelId, clock.Next()));
        }

        return script;
    }

    private Client NewClient(bool host)
    {
        var name = Ids.Pick(random, Names);
        var number = ++_clients;
        // Clients belong to the one application of every run, so their ids carry the run's prefix too.
        return new Client(
            options.IdPrefix + Ids.Hex(random, 12),
            string.Create(CultureInfo.InvariantCulture, $"{name.ToLowerInvariant()}{number}"),
            name,
            Ids.Uuid(random),
            string.Create(CultureInfo.InvariantCulture, $"{name.ToLowerInvariant()}-{Ids.Pick(random, ["laptop", "phone", "desktop"])}"),
            Ids.Pick(random, Regions),
            host ? "host" : "guest");
    }

    private static Payload ServerEvent(Server server, string verb, DateTimeOffset at)
    {
        var type = $"{server.Role}.{verb}";
        var body = Json.Write(w =>
        {
            w.WriteStartObject();
            w.WriteNumber("timestamp", at.ToUnixTimeMilliseconds());
            w.WriteString("origin", server.Role);
            w.WriteString("type", type);
            w.WriteStartObject(server.Role);
            w.WriteString("id", server.Id);
            w.WriteString("version", Version);
            w.WriteString("machineName", server.MachineName);
            w.WriteNumber("coreCount", server.CoreCount);
            w.WriteString("operatingSystem", "linux");
            w.WriteString("operatingSystemVersion", "Ubuntu 22.04");
            w.WriteString("region", server.Region);
            w.WriteEndObject();
            w.WriteEndObject();
        });
        return new Payload(type, body, [new EntityFact(EntityKinds.Server, Providers.LiveSwitch, server.Id, verb, at, type)], Unsigned: true);
    }

    private Payload ChannelEvent(string type, string channelId, DateTimeOffset at, string status) =>
        new(type, Event(type, "gateway", at, w => WriteChannel(w, channelId, recording: false)),
            [new EntityFact(EntityKinds.Session, Providers.LiveSwitch, ChannelKey(channelId), status, at, type)]);

    private Payload ChannelClientEvent(string type, string channelId, Client client, DateTimeOffset at) =>
        new(type, Event(type, "gateway", at, w =>
        {
            WriteChannel(w, channelId, recording: false);
            WriteClient(w, client);
        }), [new EntityFact(EntityKinds.Session, Providers.LiveSwitch, ChannelKey(channelId), null, at, type)]);

    private Payload ClientEvent(string type, Client client, DateTimeOffset at) =>
        new(type, Event(type, "gateway", at, w => WriteClient(w, client)),
            [new EntityFact(EntityKinds.Client, Providers.LiveSwitch, client.Id, type["client.".Length..], at, type)]);

    private Payload ConnectionEvent(Connection connection, string state, DateTimeOffset at)
    {
        var type = $"connection.{state}";
        return new(type, Json.Write(w => WriteConnectionElement(w, connection, state, at)),
            [new EntityFact(EntityKinds.Session, Providers.LiveSwitch, ChannelKey(connection.ChannelId), null, at, type)]);
    }

    /// <summary>The two set-up states in one batched body, as LiveSwitch's Batch option sends them.</summary>
    private Payload ConnectionBatch(Connection connection, EventClock clock)
    {
        var initializing = clock.Next();
        var connecting = clock.Next();
        var body = Json.Write(w =>
        {
            w.WriteStartArray();
            WriteConnectionElement(w, connection, "initializing", initializing);
            WriteConnectionElement(w, connection, "connecting", connecting);
            w.WriteEndArray();
        });
        return new Payload("connection.initializing+connection.connecting", body,
        [
            new EntityFact(EntityKinds.Session, Providers.LiveSwitch, ChannelKey(connection.ChannelId), null, initializing, "connection.initializing"),
            new EntityFact(EntityKinds.Session, Providers.LiveSwitch, ChannelKey(connection.ChannelId), null, connecting, "connection.connecting"),
        ]);
    }

    /// <summary>The channel's mixed recording, keyed by the channel id; the service links it to the channel's session.</summary>
    private Payload RecordingReady(string channelId, DateTimeOffset at)
    {
        const string Type = "channel.recording.ready";
        return new Payload(Type, Event(Type, RecordingMuxer, at, w => WriteChannel(w, channelId, recording: true)),
        [
            new EntityFact(EntityKinds.Recording, Providers.LiveSwitch, ChannelKey(channelId), "ready", at, Type),
            new EntityFact(EntityKinds.Session, Providers.LiveSwitch, ChannelKey(channelId), null, at, Type),
        ]);
    }

    /// <summary>How the service keys what a channel id names (session, channel recording): by application and channel.</summary>
    private string ChannelKey(string channelId) => $"{_applicationId}:{channelId}";

    private byte[] Event(string type, string origin, DateTimeOffset at, Action<Utf8JsonWriter> entities) => Json.Write(w =>
    {
        WriteHead(w, type, origin, at);
        entities(w);
        w.WriteEndObject();
    });

    private void WriteHead(Utf8JsonWriter w, string type, string origin, DateTimeOffset at)
    {
        w.WriteStartObject();
        w.WriteString("id", string.Create(CultureInfo.InvariantCulture, $"{options.IdPrefix}evt-{++_events:000000}"));
        w.WriteNumber("timestamp", at.ToUnixTimeMilliseconds());
        w.WriteString("origin", origin);
        w.WriteString("type", type);
    }

    private void WriteChannel(Utf8JsonWriter w, string channelId, bool recording)
    {
        w.WriteStartObject("channel");
        w.WriteString("id", channelId);
        w.WriteString("applicationId", _applicationId);
        if (recording)
        {
            w.WriteBoolean("recording", true);
        }

        w.WriteEndObject();
    }

    private void WriteClient(Utf8JsonWriter w, Client client)
    {
        w.WriteStartObject("client");
        w.WriteString("id", client.Id);
        w.WriteString("applicationId", _applicationId);
        w.WriteString("userId", client.UserId);
        w.WriteString("userAlias", client.Alias);
        w.WriteString("deviceId", client.DeviceId);
        w.WriteString("deviceAlias", client.DeviceAlias);
        w.WriteString("tag", client.Role == "host" ? "presenter" : "attendee");
        w.WriteString("region", client.Region);
        w.WriteStartArray("roles");
        w.WriteStringValue(client.Role);
        w.WriteEndArray();
        w.WriteString("protocol", "websocket");
        w.WriteString("version", Version);
        w.WriteString("operatingSystem", client.DeviceAlias.EndsWith("phone", StringComparison.Ordinal) ? "android" : "windows");
        w.WriteString("architecture", "x64");
        w.WriteEndObject();
    }

    private void WriteConnectionElement(Utf8JsonWriter w, Connection connection, string state, DateTimeOffset at)
    {
        WriteHead(w, $"connection.{state}", "client", at);
        var client = connection.Client;
        w.WriteStartObject("connection");
        w.WriteString("id", connection.Id);
        w.WriteString("applicationId", _applicationId);
        w.WriteString("channelId", connection.ChannelId);
        w.WriteString("userId", client.UserId);
        w.WriteString("deviceId", client.DeviceId);
        w.WriteString("clientId", client.Id);
        w.WriteStartArray("clientRoles");
        w.WriteStringValue(client.Role);
        w.WriteEndArray();
        w.WriteString("tag", "camera");
        w.WriteString("type", "sfu");
        w.WriteString("mediaId", connection.MediaId);
        w.WriteString("audioDirection", "sendrecv");
        w.WriteString("videoDirection", client.Role == "host" ? "sendrecv" : "recvonly");
        w.WriteBoolean("localAudioMuted", false);
        w.WriteBoolean("localVideoMuted", false);
        w.WriteString("state", state);
        if (state is "failing" or "failed")
        {
            w.WriteStartObject("error");
            w.WriteNumber("code", -1);
            w.WriteString("message", "ICE connectivity lost");
            w.WriteEndObject();
        }
        else if (connection.Recording && state is "connected" or "closing" or "closed")
        {
            w.WriteBoolean("recording", true);
            w.WriteString("recordingTag", "main");
        }

        w.WriteEndObject();
        w.WriteEndObject();
    }

    private sealed record Server(string Id, string Role, string MachineName, int CoreCount, string Region);

    private sealed record Client(string Id, string UserId, string Alias, string DeviceId, string DeviceAlias, string Region, string Role);

    private sealed record Connection(string Id, string ChannelId, Client Client, string MediaId, bool Recording);
}
