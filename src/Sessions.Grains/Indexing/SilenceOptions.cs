namespace Sessions.Grains.Indexing;

/// <summary>
/// The <c>Silence</c> section: how long the tracker waits, by its own clock, before it judges that an entity whose
/// provider never sends its end is over. Both must be positive.
/// </summary>
public sealed class SilenceOptions
{
    public const string SectionName = "Silence";

    /// <summary>An <c>active</c> session with no event for this long is shown <c>ended</c> (<c>endReason</c> <c>silent</c>).</summary>
    public TimeSpan SessionEndsAfter { get; set; } = TimeSpan.FromHours(6);

    /// <summary>A <c>registered</c> client with no event for this long is shown <c>unregistered</c> (<c>unregisterReason</c> <c>silent</c>).</summary>
    public TimeSpan ClientUnregistersAfter { get; set; } = TimeSpan.FromHours(24);
}
