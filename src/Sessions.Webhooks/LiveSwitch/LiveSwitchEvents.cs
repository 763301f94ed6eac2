using Sessions.Canonical;
using Sessions.Webhooks.Parsing;

namespace Sessions.Webhooks.LiveSwitch;

/// <summary>The LiveSwitch mapping table of <c>design/providers.md</c>: event type to entity and change.</summary>
internal static class LiveSwitchEvents
{
    /// <summary>What one event does: the entity it moves and, for recordings and livestreams, the session to link.</summary>
    public readonly record struct Mapping(EntityKind Kind, string EntityId, EntityChange Change, string? LinkedSession = null);

    /// <summary>
    /// Maps a lower-cased event type; null for a type the tracker does not map. What is keyed by a channel id (the
    /// session, the channel's recording and livestream) is keyed by <c>{application}:{channelId}</c> when the body
    /// names its <paramref name="application"/>, so two applications' channels of one name stay apart. No configured
    /// application id contains ':' (it separates configuration keys), so the first ':' splits such a key.
    /// </summary>
    public static Mapping? Map(string type, JsonFields evt, string? application)
    {
        var dot = type.IndexOf('.', StringComparison.Ordinal);
        if (dot > 0 && ServerRole(type.AsSpan(0, dot)) is { } role)
        {
            return Server(role, type.AsSpan(dot + 1), evt);
        }
        return type switch
        {
            "channel.activated" => Session(ChannelId(evt, application), new SessionStatusChanged(SessionStatus.Active)),
            "channel.deactivated" => Session(ChannelId(evt, application), new SessionStatusChanged(SessionStatus.Ended)),
            "channel.client.joined" => Participant(evt, application, present: true),
            "channel.client.left" => Participant(evt, application, present: false),
            "channel.client.message" or "channel.server.message" => Session(MessageChannelId(evt, application), new SessionSeen()),
            "channel.rtmp.started" => Livestream(ChannelId(evt, application), LivestreamStatus.Live, "started"),
            "channel.rtmp.stopped" => Livestream(ChannelId(evt, application), LivestreamStatus.Idle, "stopped"),
            "client.registered" => Client(evt, registered: true),
            "client.unregistered" => Client(evt, registered: false),
            "client.updated" or "client.stats" or "client.message" => Client(evt, registered: null),
            "connection.updated" or "connection.stats" =>
                Session(Scoped(application, evt.RequiredObject("connection").RequiredString("channelId")), new SessionSeen()),
            "server.message" => evt.OptionalObject("message")?.OptionalString("channelId") is { } channelId
                ? Session(Scoped(application, channelId), new SessionSeen())
                : null,
            _ when type.StartsWith("channel.recording.", StringComparison.Ordinal) => ChannelRecording(type, evt, application),
            _ when type.StartsWith("connection.recording", StringComparison.Ordinal) => ConnectionRecording(type, evt, application),
            _ when type.StartsWith("connection.", StringComparison.Ordinal) => Connection(type.AsSpan("connection.".Length), evt, application),
            _ => null,
        };
    }

    /// <summary>The server role a lower-cased type prefix names, or null.</summary>
    public static string? ServerRole(ReadOnlySpan<char> prefix) => prefix switch
    {
        "gateway" => "gateway",
        "mediaserver" => "mediaserver",
        "sipconnector" => "sipconnector",
        "recordingmonitor" => "recordingmonitor",
        "recordingmover" => "recordingmover",
        "recordingmuxer" => "recordingmuxer",
        _ => null,
    };

    private static Mapping? Server(string role, ReadOnlySpan<char> verb, JsonFields evt)
    {
        ServerStatus? state = verb switch
        {
            "started" => ServerStatus.Started,
            "registered" => ServerStatus.Registered,
            "unregistered" => ServerStatus.Unregistered,
            "stopped" => ServerStatus.Stopped,
            _ => null,
        };
        if (state is null && !verb.SequenceEqual("stats"))
        {
            return null;
        }
        // The docs show the server object under the origin's name ("gateway": {…}); the role prefix of the type
        // names the same property, so the role is tried first and the origin second.
        var server = evt.OptionalObject(role)
            ?? (evt.OptionalString("origin") is { } origin ? evt.OptionalObject(origin) : null)
            ?? evt.RequiredObject(role);
        var id = server.RequiredString("id");
        EntityChange change = state is { } known ? new ServerStateChanged(role, known, ServerInfo(server)) : new ServerSeen(role);
        return new Mapping(EntityKind.Server, id, change);
    }

    private static ServerInfo ServerInfo(JsonFields server) => new(
        MachineName: server.OptionalString("machineName"),
        Version: server.OptionalString("version"),
        CoreCount: (int?)server.OptionalWhole("coreCount", 1, JsonFields.MaxCores),
        OperatingSystem: server.OptionalString("operatingSystem"),
        OperatingSystemVersion: server.OptionalString("operatingSystemVersion"),
        Region: server.OptionalString("region"),
        DeploymentId: server.OptionalString("deploymentId"),
        Addresses: server.OptionalStrings("addresses"));

    private static Mapping Session(string channelId, EntityChange change) => new(EntityKind.Session, channelId, change);

    /// <summary>A channel's key: <c>{application}:{channelId}</c>, or the channel id alone when no application is named.</summary>
    private static string Scoped(string? application, string channelId) => application is null ? channelId : $"{application}:{channelId}";

    private static string ChannelId(JsonFields evt, string? application) => Scoped(application, evt.RequiredObject("channel").RequiredString("id"));

    private static string MessageChannelId(JsonFields evt, string? application) =>
        (evt.OptionalObject("channel")?.OptionalString("id") ?? evt.OptionalObject("message")?.OptionalString("channelId")) is { } channelId
            ? Scoped(application, channelId)
            : ChannelId(evt, application);

    private static Mapping Participant(JsonFields evt, string? application, bool present)
    {
        var channelId = ChannelId(evt, application);
        var client = evt.RequiredObject("client");
        var name = client.OptionalString("userAlias") ?? client.OptionalString("userId");
        return Session(channelId, new ParticipantChanged(client.RequiredString("id"), present, name));
    }

    /// <summary>A client event: keyed by the client id alone, which LiveSwitch makes unique across applications.</summary>
    private static Mapping Client(JsonFields evt, bool? registered)
    {
        var client = evt.RequiredObject("client");
        var applicationId = client.RequiredString("applicationId");
        var info = new ClientInfo(
            client.OptionalString("userId"),
            client.OptionalString("userAlias"),
            client.OptionalString("deviceId"),
            client.OptionalString("deviceAlias"),
            client.OptionalString("tag"),
            client.OptionalString("region"),
            client.OptionalStrings("roles"),
            client.OptionalString("protocol"),
            client.OptionalString("version"),
            client.OptionalString("operatingSystem"));
        EntityChange change = registered is { } value
            ? new ClientRegistrationChanged(applicationId, value, info)
            : new ClientActive(applicationId, info);
        return new Mapping(EntityKind.Client, client.RequiredString("id"), change);
    }

    private static Mapping? Connection(ReadOnlySpan<char> state, JsonFields evt, string? application)
    {
        ConnectionStatus? known = state switch
        {
            "initializing" => ConnectionStatus.Initializing,
            "connecting" => ConnectionStatus.Connecting,
            "connected" => ConnectionStatus.Connected,
            "failing" => ConnectionStatus.Failing,
            "closing" => ConnectionStatus.Closing,
            "failed" => ConnectionStatus.Failed,
            "closed" => ConnectionStatus.Closed,
            _ => null,
        };
        if (known is not { } value)
        {
            return null;
        }
        var connection = evt.RequiredObject("connection");
        var channelId = Scoped(application, connection.RequiredString("channelId"));
        return Session(channelId, new ConnectionChanged(connection.RequiredString("id"), value, connection.OptionalString("clientId")));
    }

    private static RecordingStatus? RecordingOutcome(string type) =>
        type.EndsWith(".ready", StringComparison.Ordinal) ? RecordingStatus.Ready
        : type.EndsWith(".failed", StringComparison.Ordinal) ? RecordingStatus.Failed
        : type == "channel.recording.expired" ? RecordingStatus.Expired
        : null;

    /// <summary>The channel's mixed recording, keyed by the channel id and linked to the channel's session.</summary>
    private static Mapping? ChannelRecording(string type, JsonFields evt, string? application)
    {
        if (RecordingOutcome(type) is not { } status)
        {
            return null;
        }
        var channelId = ChannelId(evt, application);
        return new Mapping(EntityKind.Recording, channelId, new RecordingStatusChanged(status, type, channelId), channelId);
    }

    /// <summary>A connection's own recording, keyed by the connection id and linked to its channel's session.</summary>
    private static Mapping? ConnectionRecording(string type, JsonFields evt, string? application)
    {
        if (RecordingOutcome(type) is not { } status)
        {
            return null;
        }
        var connection = evt.RequiredObject("connection");
        var channelId = connection.OptionalString("channelId") is { } id ? Scoped(application, id) : null;
        return new Mapping(EntityKind.Recording, connection.RequiredString("id"), new RecordingStatusChanged(status, type, channelId), channelId);
    }

    private static Mapping Livestream(string channelId, LivestreamStatus status, string word) =>
        new(EntityKind.Livestream, channelId, new LivestreamStatusChanged(status, word, channelId), channelId);
}
