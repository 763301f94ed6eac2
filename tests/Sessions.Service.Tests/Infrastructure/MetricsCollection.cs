namespace Sessions.Service.Tests.Infrastructure;

/// <summary>
/// Tests that read a host's <c>/metrics</c> run alone, after the assembly's other tests: OpenTelemetry listens to
/// meters process-wide, and with other test hosts alive beside it a scrape was seen to leave out the service's own
/// series.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class MetricsCollection
{
    public const string Name = "metrics";
}
