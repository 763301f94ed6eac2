using Sessions.Testing.Webhooks;

namespace Sessions.Webhooks.Tests;

/// <summary>The copy of the fixtures in tests/fixtures (for a clone standing alone) matches the team's shared fixtures.</summary>
public sealed class FixtureCopyTests
{
    [Fact]
    public void RepositoryCopyMatchesTheSharedFixturesFileForFile()
    {
        Assert.SkipWhen(FixtureFiles.Shared is null, "../shared/fixtures is not beside this clone; the repository copy is the only one");

        var sharedFiles = Files(FixtureFiles.Shared!);
        var copiedFiles = Files(FixtureFiles.Copy);

        Assert.Equal(sharedFiles.Keys, copiedFiles.Keys);
        foreach (var (name, content) in sharedFiles)
        {
            Assert.True(content.SequenceEqual(copiedFiles[name]), $"tests/fixtures/{name} differs from ../shared/fixtures/{name}; copy it again");
        }
    }

    private static SortedDictionary<string, byte[]> Files(string root) =>
        new(System.IO.Directory.EnumerateFiles(root, "*", SearchOption.AllDirectories)
            .ToDictionary(f => Path.GetRelativePath(root, f).Replace('\\', '/'), File.ReadAllBytes), StringComparer.Ordinal);
}
