using System.Text.Json.Serialization;

namespace Sessions.Canonical;

/// <summary>What a canonical event says changed; each concrete change belongs to one <see cref="EntityKind"/>.</summary>
/// <remarks>The discriminators are part of the stored and wire format: add new ones, never rename one.</remarks>
[JsonPolymorphic(TypeDiscriminatorPropertyName = "change")]
[JsonDerivedType(typeof(ServerStateChanged), "serverState")]
[JsonDerivedType(typeof(ServerSeen), "serverSeen")]
[JsonDerivedType(typeof(SessionStatusChanged), "sessionStatus")]
[JsonDerivedType(typeof(ParticipantChanged), "participant")]
[JsonDerivedType(typeof(ConnectionChanged), "connection")]
[JsonDerivedType(typeof(SessionLinked), "sessionLinked")]
[JsonDerivedType(typeof(SessionArtefactAdded), "sessionArtefact")]
[JsonDerivedType(typeof(SessionSeen), "sessionSeen")]
[JsonDerivedType(typeof(RecordingStatusChanged), "recordingStatus")]
[JsonDerivedType(typeof(RecordingStreamStatus), "recordingStream")]
[JsonDerivedType(typeof(LivestreamStatusChanged), "livestreamStatus")]
[JsonDerivedType(typeof(LivestreamUpdated), "livestreamUpdated")]
[JsonDerivedType(typeof(SimulcastTargetChanged), "simulcastTarget")]
[JsonDerivedType(typeof(LivestreamAssetCreated), "livestreamAsset")]
[JsonDerivedType(typeof(ClientRegistrationChanged), "clientRegistration")]
[JsonDerivedType(typeof(ClientActive), "clientActive")]
public abstract record EntityChange;

/// <summary>Server facts from a <c>{role}.started</c> event; every field is optional.</summary>
public sealed record ServerInfo(
    string? MachineName = null,
    string? Version = null,
    int? CoreCount = null,
    string? OperatingSystem = null,
    string? OperatingSystemVersion = null,
    string? Region = null,
    string? DeploymentId = null,
    IReadOnlyList<string>? Addresses = null);

/// <summary>A server started, registered, unregistered or stopped.</summary>
public sealed record ServerStateChanged(string Role, ServerStatus State, ServerInfo? Info = null) : EntityChange;

/// <summary>A server reported stats: only last-seen moves.</summary>
public sealed record ServerSeen(string Role) : EntityChange;

/// <summary>A session became active or ended.</summary>
public sealed record SessionStatusChanged(SessionStatus Status, string? Title = null, string? Reason = null) : EntityChange
{
    /// <summary>Who organised the session, when the provider says (Dyte <c>meeting.organizedBy.name</c>).</summary>
    public string? Organizer { get; init; }
}

/// <summary>A participant joined (<paramref name="Present"/> true) or left a session.</summary>
public sealed record ParticipantChanged(string ParticipantId, bool Present, string? Name = null) : EntityChange;

/// <summary>A media connection inside a session changed state.</summary>
public sealed record ConnectionChanged(string ConnectionId, ConnectionStatus State, string? ParticipantId = null) : EntityChange;

/// <summary>Another entity belongs to this session (a recording, a livestream, a supervisor session).</summary>
public sealed record SessionLinked(EntityKind LinkedKind, string LinkedId) : EntityChange;

/// <summary>A session produced an artefact: chat export, transcript, summary, snapshot.</summary>
public sealed record SessionArtefactAdded(string Artefact, string? Url = null) : EntityChange;

/// <summary>Activity on a session that moves nothing but last-seen (messages, stats, updates).</summary>
public sealed record SessionSeen : EntityChange;

/// <summary>Recording facts; every field is optional and only set when the event carries it.</summary>
public sealed record RecordingDetails(
    DateTimeOffset? StartedAt = null,
    DateTimeOffset? StoppedAt = null,
    long? DurationMs = null,
    long? SizeBytes = null,
    string? DownloadUrl = null,
    DateTimeOffset? DownloadUrlExpiresAt = null,
    string? FailureReason = null);

/// <summary>A recording moved to a status; <paramref name="ProviderStatus"/> is the provider's own word.</summary>
public sealed record RecordingStatusChanged(
    RecordingStatus Status,
    string? ProviderStatus = null,
    string? SessionId = null,
    RecordingDetails? Details = null) : EntityChange;

/// <summary>
/// The stream a recording runs on said <paramref name="Status"/> after the recording started (FastPix, which never says
/// that a recording stopped); the newest such word counts. <paramref name="ReconnectBy"/>: while the stream is
/// disconnected, when its reconnect window closes (unless the stream is back by then, the recording stopped when it
/// disconnected); null when the stream is not disconnected or its window is unknown.
/// </summary>
public sealed record RecordingStreamStatus(LivestreamStatus Status, DateTimeOffset? ReconnectBy = null) : EntityChange;

/// <summary>Livestream settings as the provider states them.</summary>
public sealed record LivestreamSettings(
    string? MaxResolution = null,
    int? ReconnectWindowSeconds = null,
    bool? Recording = null);

/// <summary>A livestream moved to a status; <paramref name="ProviderStatus"/> is the provider's own word.</summary>
public sealed record LivestreamStatusChanged(
    LivestreamStatus Status,
    string ProviderStatus,
    string? SessionId = null,
    LivestreamSettings? Settings = null) : EntityChange
{
    /// <summary>
    /// The recording this event started, where the provider records the stream itself and sends no end of the
    /// recording (FastPix <c>video.live_stream.recording</c>): the livestream ends it when the stream's broadcast ends.
    /// </summary>
    public string? StartedRecordingId { get; init; }
}

/// <summary>A livestream's settings changed without a status change.</summary>
public sealed record LivestreamUpdated(LivestreamSettings Settings) : EntityChange;

/// <summary>A simulcast target of a livestream changed state.</summary>
public sealed record SimulcastTargetChanged(string TargetId, SimulcastTargetStatus Status, string? Url = null) : EntityChange;

/// <summary>The recorded asset of a livestream's last broadcast exists.</summary>
public sealed record LivestreamAssetCreated(string AssetId) : EntityChange;

/// <summary>What a client event says of the client and its device; every field is optional (LiveSwitch <c>client</c> object).</summary>
public sealed record ClientInfo(
    string? UserId = null,
    string? UserAlias = null,
    string? DeviceId = null,
    string? DeviceAlias = null,
    string? Tag = null,
    string? Region = null,
    IReadOnlyList<string>? Roles = null,
    string? Protocol = null,
    string? Version = null,
    string? OperatingSystem = null)
{
    /// <summary>Equal when every field is, the roles compared by value.</summary>
    public bool Equals(ClientInfo? other) =>
        other is not null
        && (UserId, UserAlias, DeviceId, DeviceAlias, Tag, Region, Protocol, Version, OperatingSystem)
            == (other.UserId, other.UserAlias, other.DeviceId, other.DeviceAlias, other.Tag, other.Region, other.Protocol, other.Version, other.OperatingSystem)
        && (Roles ?? []).SequenceEqual(other.Roles ?? [], StringComparer.Ordinal);

    public override int GetHashCode() => HashCode.Combine(UserId, DeviceId, Region, Version);
}

/// <summary>A client registered with its application, or unregistered (LiveSwitch presence).</summary>
public sealed record ClientRegistrationChanged(string ApplicationId, bool Registered, ClientInfo? Info = null) : EntityChange;

/// <summary>A client showed activity (updated, stats, message): last-seen and its facts move, not its registration.</summary>
public sealed record ClientActive(string ApplicationId, ClientInfo? Info = null) : EntityChange;
