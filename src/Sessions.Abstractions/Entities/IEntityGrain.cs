using Sessions.Webhooks.Events;

namespace Sessions.Abstractions.Entities;

/// <summary>A grain that owns one tracked entity. Key: <c>{provider}/{id}</c> (see <see cref="EntityKey"/>).</summary>
public interface IEntityGrain : IGrainWithStringKey
{
    /// <summary>Dedupes, folds and durably stores one event; returns only once it is stored.</summary>
    [Alias("ApplyAsync")]
    Task<TransitionOutcome> ApplyAsync(CanonicalEvent evt);

    /// <summary>The entity as known now, or null when no event ever reached it.</summary>
    [Alias("GetAsync")]
    Task<EntitySnapshot?> GetAsync();
}

/// <summary>One media server process. Key: <c>{provider}/{serverId}</c>.</summary>
[Alias("Sessions.Abstractions.Entities.IServerGrain")]
public interface IServerGrain : IEntityGrain;

/// <summary>One session (channel, meeting, room). Key: <c>{provider}/{sessionId}</c>.</summary>
[Alias("Sessions.Abstractions.Entities.ISessionGrain")]
public interface ISessionGrain : IEntityGrain;

/// <summary>One recording. Key: <c>{provider}/{recordingId}</c>.</summary>
[Alias("Sessions.Abstractions.Entities.IRecordingGrain")]
public interface IRecordingGrain : IEntityGrain;

/// <summary>One livestream. Key: <c>{provider}/{streamId}</c>.</summary>
[Alias("Sessions.Abstractions.Entities.ILivestreamGrain")]
public interface ILivestreamGrain : IEntityGrain;

/// <summary>One provider application (client presence). Key: <c>{provider}/{applicationId}</c>.</summary>
[Alias("Sessions.Abstractions.Entities.IApplicationGrain")]
public interface IApplicationGrain : IEntityGrain;
