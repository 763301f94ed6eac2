using Sessions.Grains.Entities;

namespace Sessions.Grains.Applications;

/// <summary>What the application machine keeps: a presence register and a last-seen time per client id.</summary>
/// <remarks>
/// Registered clients are all kept; unregistered ones only up to <see cref="ApplicationStateMachine.UnregisteredKept"/>,
/// the most recently seen. Forgetting one lets a registration older than its unregistration count again if it arrives
/// after that, so the bound trades exact order independence for very late deliveries against a state (written whole
/// on every event) that stays small however many clients come and go.
/// </remarks>
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
