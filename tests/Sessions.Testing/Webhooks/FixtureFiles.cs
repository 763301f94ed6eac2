using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Sessions.Testing.Webhooks;

/// <summary>One fixture file: its id (<c>provider/file</c>), its minified body and its row of <c>signatures.json</c>.</summary>
public sealed record Fixture(string Id, string Folder, byte[] Body, IReadOnlyDictionary<string, string?> Values)
{
    /// <summary>The source kind that receives this fixture.</summary>
    public string Kind => Folder == "eyeson" && Id.Contains("/streamrec/", StringComparison.Ordinal) ? "eyeson-streamrec" : Folder;

    public string? Value(string name) => Values.TryGetValue(name, out var value) ? value : null;

    public override string ToString() => Id;
}

/// <summary>
/// The shared fixtures beside the repository (<c>../shared/fixtures</c>), with bodies minified the way the fixture
/// READMEs sign them (JSON.stringify form: compact, same key order, non-ASCII and HTML characters unescaped).
/// </summary>
public static class FixtureFiles
{
    public static readonly string[] Providers = ["liveswitch", "dyte", "fastpix", "eyeson"];

    private static readonly JsonSerializerOptions Minified = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };
    private static readonly Lazy<SortedDictionary<string, Fixture>> Loaded = new(Load);

    /// <summary>The folder holding Sessions.sln (initialised first: the folders below are found from it).</summary>
    public static string RepositoryRoot { get; } = FindRepositoryRoot();

    /// <summary>
    /// The fixtures folder: the team's <c>../shared/fixtures</c> beside the repository when it is there, else the copy in
    /// <c>tests/fixtures</c>, so a clone on its own still tests itself (<c>FixtureCopyTests</c> keeps the two equal).
    /// </summary>
    public static string Directory { get; } = Shared ?? Copy;

    /// <summary>The team's shared fixtures beside the repository, or null when the clone stands alone.</summary>
    public static string? Shared =>
        System.IO.Directory.Exists(Path.Combine(RepositoryRoot, "..", "shared", "fixtures"))
            ? Path.GetFullPath(Path.Combine(RepositoryRoot, "..", "shared", "fixtures"))
            : null;

    /// <summary>The copy of the fixtures kept in the repository.</summary>
    public static string Copy => Path.Combine(RepositoryRoot, "tests", "fixtures");

    public static IReadOnlyCollection<Fixture> All => Loaded.Value.Values;

    public static Fixture Get(string id) => Loaded.Value[id];

    public static byte[] Minify(byte[] json) => Encoding.UTF8.GetBytes(JsonNode.Parse(json)!.ToJsonString(Minified));

    public static string ReadText(string relativePath) => File.ReadAllText(Path.Combine(Directory, relativePath));

    private static string FindRepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Sessions.sln")))
            {
                return dir.FullName;
            }
        }

        throw new DirectoryNotFoundException($"No repository root (Sessions.sln) above {AppContext.BaseDirectory}.");
    }

    private static SortedDictionary<string, Fixture> Load()
    {
        var fixtures = new SortedDictionary<string, Fixture>(StringComparer.Ordinal);
        foreach (var provider in Providers)
        {
            using var signatures = JsonDocument.Parse(File.ReadAllBytes(Path.Combine(Directory, provider, "signatures.json")));
            foreach (var file in signatures.RootElement.GetProperty("files").EnumerateObject())
            {
                var values = file.Value.EnumerateObject().ToDictionary(p => p.Name, p => p.Value.ValueKind == JsonValueKind.String ? p.Value.GetString() : null);
                var body = Minify(File.ReadAllBytes(Path.Combine(Directory, provider, file.Name)));
                var id = $"{provider}/{file.Name}";
                fixtures.Add(id, new Fixture(id, provider, body, values));
            }
        }
        return fixtures;
    }
}
