using Microsoft.Extensions.Logging;
using Orleans.Placement;
using Sessions.Abstractions.Entities;
using Sessions.Grains.Storage;
using Sessions.Webhooks.Events;

namespace Sessions.Grains.Entities;

// Grain type names are pinned: stored state is keyed by them, so a class rename must not orphan it.
// Local placement: the silo that received the webhook hosts the entity, saving a hop on the ingest path.

/// <summary>One media server process.</summary>
[GrainType("server"), PreferLocalPlacement]
public sealed class ServerGrain(
    [PersistentState("server", StorageNames.Entities)] IPersistentState<EntityLogState> state,
    ILogger<ServerGrain> logger) : EntityGrain(EntityKind.Server, state, logger), IServerGrain;

/// <summary>One session.</summary>
[GrainType("session"), PreferLocalPlacement]
public sealed class SessionGrain(
    [PersistentState("session", StorageNames.Entities)] IPersistentState<EntityLogState> state,
    ILogger<SessionGrain> logger) : EntityGrain(EntityKind.Session, state, logger), ISessionGrain;

/// <summary>One recording.</summary>
[GrainType("recording"), PreferLocalPlacement]
public sealed class RecordingGrain(
    [PersistentState("recording", StorageNames.Entities)] IPersistentState<EntityLogState> state,
    ILogger<RecordingGrain> logger) : EntityGrain(EntityKind.Recording, state, logger), IRecordingGrain;

/// <summary>One livestream.</summary>
[GrainType("livestream"), PreferLocalPlacement]
public sealed class LivestreamGrain(
    [PersistentState("livestream", StorageNames.Entities)] IPersistentState<EntityLogState> state,
    ILogger<LivestreamGrain> logger) : EntityGrain(EntityKind.Livestream, state, logger), ILivestreamGrain;

/// <summary>One provider application.</summary>
[GrainType("application"), PreferLocalPlacement]
public sealed class ApplicationGrain(
    [PersistentState("application", StorageNames.Entities)] IPersistentState<EntityLogState> state,
    ILogger<ApplicationGrain> logger) : EntityGrain(EntityKind.Application, state, logger), IApplicationGrain;
