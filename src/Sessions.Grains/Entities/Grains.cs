using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Orleans.Placement;
using Sessions.Abstractions.Clients;
using Sessions.Abstractions.Entities;
using Sessions.Abstractions.Livestreams;
using Sessions.Abstractions.Recordings;
using Sessions.Abstractions.Servers;
using Sessions.Abstractions.Sessions;
using Sessions.Grains.Clients;
using Sessions.Grains.Indexing;
using Sessions.Grains.Livestreams;
using Sessions.Grains.Recordings;
using Sessions.Grains.Servers;
using Sessions.Grains.Sessions;
using Sessions.Grains.Storage;

namespace Sessions.Grains.Entities;

// Grain type names are pinned: stored state is keyed by them, so a class rename must not orphan it.
// Local placement: the silo that received the webhook hosts the entity, saving a hop on the ingest path.

/// <summary>One media server process.</summary>
[GrainType("server"), PreferLocalPlacement]
public sealed class ServerGrain(
    [PersistentState("server", StorageNames.Entities)] IPersistentState<EntityRecord<ServerState>> record,
    IEntityJournal journal,
    IOptions<SnapshotOptions> snapshots,
    TimeProvider time,
    IEntryAging<ServerSnapshot> aging,
    IndexLanes index,
    ILogger<ServerGrain> logger) : EntityGrain<ServerState, ServerSnapshot, ServerStateMachine>(record, journal, snapshots, time, aging, index, logger), IServerGrain;

/// <summary>One session.</summary>
[GrainType("session"), PreferLocalPlacement]
public sealed class SessionGrain(
    [PersistentState("session", StorageNames.Entities)] IPersistentState<EntityRecord<SessionState>> record,
    IEntityJournal journal,
    IOptions<SnapshotOptions> snapshots,
    TimeProvider time,
    IEntryAging<SessionSnapshot> aging,
    IndexLanes index,
    ILogger<SessionGrain> logger) : EntityGrain<SessionState, SessionSnapshot, SessionStateMachine>(record, journal, snapshots, time, aging, index, logger), ISessionGrain;

/// <summary>One recording.</summary>
[GrainType("recording"), PreferLocalPlacement]
public sealed class RecordingGrain(
    [PersistentState("recording", StorageNames.Entities)] IPersistentState<EntityRecord<RecordingState>> record,
    IEntityJournal journal,
    IOptions<SnapshotOptions> snapshots,
    TimeProvider time,
    IEntryAging<RecordingSnapshot> aging,
    IndexLanes index,
    ILogger<RecordingGrain> logger) : EntityGrain<RecordingState, RecordingSnapshot, RecordingStateMachine>(record, journal, snapshots, time, aging, index, logger), IRecordingGrain;

/// <summary>One livestream.</summary>
[GrainType("livestream"), PreferLocalPlacement]
public sealed class LivestreamGrain(
    [PersistentState("livestream", StorageNames.Entities)] IPersistentState<EntityRecord<LivestreamState>> record,
    IEntityJournal journal,
    IOptions<SnapshotOptions> snapshots,
    TimeProvider time,
    IEntryAging<LivestreamSnapshot> aging,
    IndexLanes index,
    ILogger<LivestreamGrain> logger) : EntityGrain<LivestreamState, LivestreamSnapshot, LivestreamStateMachine>(record, journal, snapshots, time, aging, index, logger), ILivestreamGrain;

/// <summary>One client of a provider application.</summary>
[GrainType("client"), PreferLocalPlacement]
public sealed class ClientGrain(
    [PersistentState("client", StorageNames.Entities)] IPersistentState<EntityRecord<ClientState>> record,
    IEntityJournal journal,
    IOptions<SnapshotOptions> snapshots,
    TimeProvider time,
    IEntryAging<ClientSnapshot> aging,
    IndexLanes index,
    ILogger<ClientGrain> logger) : EntityGrain<ClientState, ClientSnapshot, ClientStateMachine>(record, journal, snapshots, time, aging, index, logger), IClientGrain;
