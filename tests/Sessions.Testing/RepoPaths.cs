using Sessions.Testing.Webhooks;

namespace Sessions.Testing;

/// <summary>Paths of the checkout the tests run from.</summary>
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
}
