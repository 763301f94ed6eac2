namespace Sessions.Simulator;

/// <summary>The provider kinds the simulator speaks, spelled as the service names them.</summary>
public static class Providers
{
    public const string LiveSwitch = "liveswitch";
    public const string Dyte = "dyte";
    public const string FastPix = "fastpix";

    /// <summary>Every provider, in the order the mix and the summary list them.</summary>
    public static IReadOnlyList<string> All { get; } = [LiveSwitch, Dyte, FastPix];
}

/// <summary>The entity kinds the service tracks, spelled as its webhook answers name them.</summary>
public static class EntityKinds
{
    public const string Server = "server";
    public const string Session = "session";
    public const string Recording = "recording";
    public const string Livestream = "livestream";
    public const string Client = "client";
}
