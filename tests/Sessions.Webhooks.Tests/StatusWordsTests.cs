using System.Text.Json;
using System.Text.Json.Serialization;
using Sessions.Canonical;

namespace Sessions.Webhooks.Tests;

public sealed class StatusWordsTests
{
    [Fact]
    public void EveryStatusWordIsTheCamelCaseJsonSpellingOfItsValue()
    {
        var json = new JsonSerializerOptions { Converters = { new JsonStringEnumConverter(StatusWords.NamingPolicy) } };
        foreach (var status in Enum.GetValues<ServerStatus>())
        {
            Assert.Equal($"\"{StatusWords.Of(status)}\"", JsonSerializer.Serialize(status, json));
        }

        Assert.Equal(["started", "registered", "unregistered", "stopped"], StatusWords.All<ServerStatus>());
        Assert.Equal("livestream", StatusWords.Of(EntityKind.Livestream));
    }

    [Theory]
    [InlineData("ready", RecordingStatus.Ready)]
    [InlineData("READY", RecordingStatus.Ready)]
    [InlineData("Uploading", RecordingStatus.Uploading)]
    public void WordsParseWithoutCase(string word, RecordingStatus expected)
    {
        Assert.True(StatusWords.TryParse<RecordingStatus>(word, out var parsed));
        Assert.Equal(expected, parsed);
    }

    [Theory]
    [InlineData("4")]
    [InlineData("ready,failed")]
    [InlineData("")]
    [InlineData(null)]
    [InlineData("sick")]
    public void NumbersListsAndUnknownWordsDoNotParse(string? word) =>
        Assert.False(StatusWords.TryParse<RecordingStatus>(word, out _));
}
