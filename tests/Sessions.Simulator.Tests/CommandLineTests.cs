namespace Sessions.Simulator.Tests;

/// <summary>The hand-written command line: every option, the forms of a time, and errors that say what is wrong.</summary>
public sealed class CommandLineTests
{
    [Fact]
    public void EveryOptionIsRead()
    {
        var ok = CommandLine.TryParse(
        [
            "--url", "http://127.0.0.1:5097", "--rate=50", "--duration", "2m", "--concurrency", "8", "--seed", "9",
            "--run-id", "abc1", "--mix", "liveswitch=2, fastpix=1", "--duplicates", "0.1", "--reorder", "0.2", "--retries", "3",
            "--timeout", "250ms", "--verify", "--verify-timeout", "00:00:30", "--api-key", "k", "--liveswitch-token", "t",
            "--dyte-source", "d", "--fastpix-secret", "c2VjcmV0",
        ], out var options, out var error);

        Assert.True(ok, error);
        Assert.NotNull(options);
        Assert.Equal(new Uri("http://127.0.0.1:5097"), options.Url);
        Assert.Equal((50d, TimeSpan.FromMinutes(2), (int?)null, 8, 9, "abc1"), (options.Rate, options.Duration!.Value, options.Events, options.Concurrency, options.Seed, options.RunId));
        Assert.Equal(new TrafficMix(2, 0, 1), options.Mix);
        Assert.Equal((0.1, 0.2, 3), (options.Duplicates, options.Reorder, options.MaxRetries));
        Assert.Equal((TimeSpan.FromMilliseconds(250), TimeSpan.FromSeconds(30)), (options.RequestTimeout, options.VerifyTimeout));
        Assert.True(options.Verify);
        Assert.Equal(("k", "t", "d", "c2VjcmV0"), (options.ApiKey, options.Secrets.LiveSwitchServerToken, options.Secrets.DyteSource, options.Secrets.FastPixSigningSecret));
    }

    [Theory]
    [InlineData("90", 90)]
    [InlineData("30s", 30)]
    [InlineData("1.5m", 90)]
    [InlineData("1h", 3600)]
    [InlineData("00:01:30", 90)]
    public void ATimeReadsInAnyOfItsForms(string text, double seconds)
    {
        Assert.True(CommandLine.TryParse(["--duration", text], out var options, out var error), error);
        Assert.Equal(TimeSpan.FromSeconds(seconds), options!.Duration);
    }

    [Theory]
    [InlineData("unknown option '--nope'", "--nope")]
    [InlineData("--events needs a value", "--events")]
    [InlineData("--rate: 'fast' is not a number", "--rate", "fast")]
    [InlineData("--mix: 'zoom=1' is not provider=weight", "--mix", "zoom=1")]
    [InlineData("at least one provider needs a weight above 0", "--mix", "dyte=0")]
    [InlineData("--verify needs --api-key", "--verify")]
    [InlineData("give --events or --duration, not both", "--events", "5", "--duration", "5s")]
    [InlineData("--duplicates must be a fraction between 0 and 1", "--duplicates", "2")]
    [InlineData("the FastPix signing secret must be Base64", "--fastpix-secret", "not base64!")]
    public void BadArgumentsSayWhatIsWrong(string expected, params string[] args)
    {
        Assert.False(CommandLine.TryParse(args, out _, out var error));
        Assert.Contains(expected, error, StringComparison.Ordinal);
    }

    [Fact]
    public void HelpGivesNoOptionsAndNoError()
    {
        Assert.True(CommandLine.TryParse(["--help"], out var options, out var error));
        Assert.Null(options);
        Assert.Null(error);
    }
}
