using Sessions.Testing.Webhooks;

namespace Sessions.Testing;

/// <summary>Paths and files of the checkout the tests run from.</summary>
public static class RepoPaths
{
    /// <summary>The built service assembly, from the same configuration as these tests.</summary>
    public static string ServiceAssembly
    {
        get
        {
            var configuration = new DirectoryInfo(Path.TrimEndingDirectorySeparator(AppContext.BaseDirectory)).Parent!.Name;
            var path = Path.Combine(FixtureFiles.RepositoryRoot, "src", "Sessions.Service", "bin", configuration, "net10.0", "Sessions.Service.dll");
            return File.Exists(path) ? path : throw new FileNotFoundException("build the service first", path);
        }
    }

    /// <summary>The text of a file of the checkout, by its path from the repository root.</summary>
    public static string ReadText(string relativePath) => File.ReadAllText(Path.Combine(FixtureFiles.RepositoryRoot, relativePath));
}
