namespace Sessions.Canonical;

/// <summary>The kind of real-world thing a canonical event is about; each kind has its own grain.</summary>
public enum EntityKind
{
    Server = 0,
    Session = 1,
    Recording = 2,
    Livestream = 3,

    /// <summary>A client of a provider application (LiveSwitch presence); applications are counted from their clients.</summary>
    /// <remarks>4 was the application kind, whose grain held every client of an application; it is not reused.</remarks>
    Client = 5,
}
