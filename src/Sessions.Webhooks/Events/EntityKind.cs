namespace Sessions.Webhooks.Events;

/// <summary>The kind of real-world thing a canonical event is about; each kind has its own grain.</summary>
public enum EntityKind
{
    Server = 0,
    Session = 1,
    Recording = 2,
    Livestream = 3,

    /// <summary>A provider application (LiveSwitch client presence is counted per application).</summary>
    Application = 4,
}
