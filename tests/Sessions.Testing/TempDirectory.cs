namespace Sessions.Testing;

/// <summary>A folder under the system temp folder, removed on dispose.</summary>
public sealed class TempDirectory : IDisposable
{
    public TempDirectory(string prefix)
    {
        Path = Directory.CreateTempSubdirectory($"sessions-{prefix}-").FullName;
    }

    public string Path { get; }

    public string SqliteConnectionString => $"Data Source={System.IO.Path.Combine(Path, "sessions.db")}";

    public void Dispose()
    {
        try
        {
            Directory.Delete(Path, recursive: true);
        }
        catch (IOException)
        {
            // A process that was killed may still hold a file for a moment; the OS cleans temp later.
        }
    }
}
