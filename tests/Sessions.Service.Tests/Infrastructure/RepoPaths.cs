namespace Sessions.Service.Tests.Infrastructure;

/// <summary>Paths of the checkout the tests run from.</summary>
internal static class RepoPaths
{
    /// <summary>The folder holding Sessions.sln.</summary>
    public static string Root { get; } = FindRoot();

    /// <summary>The built service assembly, from the same configuration as these tests.</summary>
    public static string ServiceAssembly
    {
        get
        {
            var configuration = new DirectoryInfo(Path.TrimEndingDirectorySeparator(AppContext.BaseDirectory)).Parent!.Name;
            var path = Path.Combine(Root, "src", "Sessions.Service", "bin", configuration, "net10.0", "Sessions.Service.dll");
            return File.Exists(path) ? path : throw new FileNotFoundException("build the service first", path);
        }
    }

    /// <summary>The shared provider fixtures beside the checkout.</summary>
    public static string Fixtures => Path.GetFullPath(Path.Combine(Root, "..", "shared", "fixtures"));

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Sessions.sln")))
            {
                return dir.FullName;
            }
        }

        throw new DirectoryNotFoundException("Sessions.sln not found above " + AppContext.BaseDirectory);
    }
}
