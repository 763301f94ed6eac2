using Sessions.Grains.Entities;

namespace Sessions.Grains.Applications;

/// <summary>What the application machine keeps: a presence register and a last-seen time per client id.</summary>
/// <remarks>Not bounded: forgetting a client would let an older event about it count again, which breaks order independence.</remarks>
[GenerateSerializer, Alias("Sessions.Grains.Applications.ApplicationState")]
public sealed class ApplicationState
{
    [Id(0)] public Dictionary<string, ApplicationClient> Clients { get; set; } = [];
}

/// <summary>One client: registered or not (time-first, ties: unregistered wins) and when it was last heard of.</summary>
[GenerateSerializer, Alias("Sessions.Grains.Applications.ApplicationClient")]
public sealed class ApplicationClient
{
    [Id(0)] public Register<bool> Registered { get; set; } = new();

    [Id(1)] public DateTimeOffset LastSeenAt { get; set; }
}
