using Sessions.Abstractions.Clients;
using Sessions.Abstractions.Livestreams;
using Sessions.Abstractions.Recordings;
using Sessions.Abstractions.Servers;
using Sessions.Abstractions.Sessions;

namespace Sessions.Abstractions.Entities;

/// <summary>One media server process. Key: <c>{provider}/{serverId}</c>.</summary>
[Alias("Sessions.Abstractions.Entities.IServerGrain")]
public interface IServerGrain : IEntityGrain<ServerSnapshot>;

/// <summary>One session (channel, meeting, room). Key: <c>{provider}/{sessionId}</c>.</summary>
[Alias("Sessions.Abstractions.Entities.ISessionGrain")]
public interface ISessionGrain : IEntityGrain<SessionSnapshot>;

/// <summary>One recording. Key: <c>{provider}/{recordingId}</c>.</summary>
[Alias("Sessions.Abstractions.Entities.IRecordingGrain")]
public interface IRecordingGrain : IEntityGrain<RecordingSnapshot>;

/// <summary>One livestream. Key: <c>{provider}/{streamId}</c>.</summary>
[Alias("Sessions.Abstractions.Entities.ILivestreamGrain")]
public interface ILivestreamGrain : IEntityGrain<LivestreamSnapshot>;

/// <summary>One client of a provider application (presence). Key: <c>{provider}/{clientId}</c>.</summary>
[Alias("Sessions.Abstractions.Entities.IClientGrain")]
public interface IClientGrain : IEntityGrain<ClientSnapshot>;
