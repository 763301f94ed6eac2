using Sessions.Grains.Entities;

namespace Sessions.Grains.Clients;

/// <summary>What the client machine keeps: its registration, its application and its facts, each a register.</summary>
[GenerateSerializer, Alias("Sessions.Grains.Clients.ClientState")]
public sealed class ClientState
{
    /// <summary>Registered or not, time-first; at equal times unregistered wins.</summary>
    [Id(0)] public Register<bool> Registered { get; set; } = new();

    /// <summary>The application the newest event names.</summary>
    [Id(1)] public Register<string?> ApplicationId { get; set; } = new();

    /// <summary>The client object of the newest event that carried one (LiveSwitch sends it whole every time).</summary>
    [Id(2)] public Register<ClientFacts?> Facts { get; set; } = new();
}

/// <summary>What a client event says of the client and its device.</summary>
[GenerateSerializer, Immutable, Alias("Sessions.Grains.Clients.ClientFacts")]
public sealed record ClientFacts(
    [property: Id(0)] string? UserId,
    [property: Id(1)] string? UserAlias,
    [property: Id(2)] string? DeviceId,
    [property: Id(3)] string? DeviceAlias,
    [property: Id(4)] string? Tag,
    [property: Id(5)] string? Region,
    [property: Id(6)] IReadOnlyList<string> Roles,
    [property: Id(7)] string? Protocol,
    [property: Id(8)] string? Version,
    [property: Id(9)] string? OperatingSystem)
{
    /// <summary>Equal when every fact is, the roles compared by value.</summary>
    public bool Equals(ClientFacts? other) =>
        other is not null
        && (UserId, UserAlias, DeviceId, DeviceAlias, Tag, Region, Protocol, Version, OperatingSystem)
            == (other.UserId, other.UserAlias, other.DeviceId, other.DeviceAlias, other.Tag, other.Region, other.Protocol, other.Version, other.OperatingSystem)
        && Roles.SequenceEqual(other.Roles, StringComparer.Ordinal);

    public override int GetHashCode() => HashCode.Combine(UserId, DeviceId, Region, Version, Roles.Count);
}
