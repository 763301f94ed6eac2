namespace Sessions.Testing;

/// <summary>Files of this repository, found from the test's output folder upwards.</summary>
public static class RepoFiles
{
    private static readonly Lazy<string> Root = new(() =>
    {
        for (var folder = new DirectoryInfo(AppContext.BaseDirectory); folder is not null; folder = folder.Parent)
        {
            if (File.Exists(Path.Combine(folder.FullName, "Sessions.sln")))
            {
                return folder.FullName;
            }
        }

        throw new InvalidOperationException($"no Sessions.sln above {AppContext.BaseDirectory}");
    });

    public static string ReadText(string relativePath) => File.ReadAllText(Path.Combine(Root.Value, relativePath));
}
