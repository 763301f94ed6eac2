using Sessions.Canonical;
using Sessions.Grains.Entities;

namespace Sessions.Grains.Servers;

/// <summary>
/// What the server machine keeps: one register per fact, each holding its winning event, and the set of
/// <c>started</c> events, so that any arrival order of the same events gives the same state.
/// </summary>
[GenerateSerializer, Alias("Sessions.Grains.Servers.ServerState")]
public sealed class ServerState
{
    /// <summary>The lifecycle state, time-first.</summary>
    [Id(0)] public Register<ServerStatus> Lifecycle { get; set; } = new();

    [Id(1)] public Register<string?> Role { get; set; } = new();

    [Id(2)] public Register<string?> MachineName { get; set; } = new();

    [Id(3)] public Register<string?> Version { get; set; } = new();

    [Id(4)] public Register<int?> CoreCount { get; set; } = new();

    [Id(5)] public Register<string?> OperatingSystem { get; set; } = new();

    [Id(6)] public Register<string?> OperatingSystemVersion { get; set; } = new();

    [Id(7)] public Register<string?> Region { get; set; } = new();

    [Id(8)] public Register<string?> DeploymentId { get; set; } = new();

    /// <summary>
    /// Dedupe keys of the distinct <c>started</c> events, sorted: the incarnation count. Not bounded: a server
    /// restarts rarely, and a bound would make the count depend on which starts were forgotten first.
    /// </summary>
    [Id(9)] public List<string> Starts { get; set; } = [];
}
