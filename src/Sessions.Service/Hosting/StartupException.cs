namespace Sessions.Service.Hosting;

/// <summary>A configuration or environment problem that stops the service from starting; the message tells the operator what to fix.</summary>
public sealed class StartupException : Exception
{
    public StartupException(string message)
        : base(message)
    {
    }

    public StartupException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
