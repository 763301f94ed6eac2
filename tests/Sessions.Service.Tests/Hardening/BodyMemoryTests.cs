using System.Diagnostics;
using System.Globalization;
using System.Net.Sockets;
using System.Text;
using Microsoft.Extensions.DependencyInjection;
using Sessions.Service.Tests.Infrastructure;
using Sessions.Service.Webhooks;

namespace Sessions.Service.Tests.Hardening;

/// <summary>
/// Bodies are read into pooled buffers counted against <c>Webhooks:MaxConcurrentBodyBytes</c>: past it a request is
/// 503 with <c>Retry-After</c>, and every buffer is given back once its request is answered.
/// </summary>
public sealed class BodyMemoryTests(BodyMemoryTests.SmallBudgetApi api) : IClassFixture<BodyMemoryTests.SmallBudgetApi>
{
    private const int Body = 16_000;

    /// <summary>Room for two 16 KiB buffers at once.</summary>
    public sealed class SmallBudgetApi : KestrelApi
    {
        protected override void Configure(Dictionary<string, string?> settings)
        {
            ArgumentNullException.ThrowIfNull(settings);
            settings["Webhooks:MaxBodyBytes"] = "16384";
            settings["Webhooks:MaxConcurrentBodyBytes"] = "32768";
        }
    }

    [Fact]
    public async Task BodyPastTheBudgetGets503WithRetryAfterAndTheBudgetIsGivenBack()
    {
        var budget = api.Services.GetRequiredService<BodyMemoryBudget>();
        using var first = await StartBodyAsync();
        using var second = await StartBodyAsync();
        await WaitUntilAsync(() => budget.Held >= 32_768, "two bodies in flight hold the budget");

        var third = await api.SendRawAsync(Head(), new byte[Body]);

        Assert.Equal(503, third.Status);
        Assert.Equal("1", third.Headers["retry-after"]);
        Assert.Contains("MaxConcurrentBodyBytes", third.Body, StringComparison.Ordinal);
        await FinishAsync(first);
        await FinishAsync(second);
        await WaitUntilAsync(() => budget.Held == 0, "every buffer back once its request is answered");
        // Unsigned zeros: read whole, then refused as unauthenticated, which is the point: they were read.
        var fourth = await api.SendRawAsync(Head(), new byte[Body]);
        Assert.Equal(401, fourth.Status);
        Assert.Equal(200, await api.ReadyStatusAsync());
    }

    private static string Head() =>
        string.Create(CultureInfo.InvariantCulture, $"POST /webhooks/fastpix HTTP/1.1\r\nContent-Type: application/json\r\nContent-Length: {Body}");

    /// <summary>A request whose headers and first bytes are sent, the rest held back.</summary>
    private async Task<TcpClient> StartBodyAsync()
    {
        var socket = new TcpClient();
        await socket.ConnectAsync(api.Address.Host, api.Address.Port, TestContext.Current.CancellationToken);
        await socket.GetStream().WriteAsync(Encoding.ASCII.GetBytes(Head() + "\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n"), TestContext.Current.CancellationToken);
        await socket.GetStream().WriteAsync(new byte[100], TestContext.Current.CancellationToken);
        return socket;
    }

    private static async Task FinishAsync(TcpClient socket)
    {
        var stream = socket.GetStream();
        await stream.WriteAsync(new byte[Body - 100], TestContext.Current.CancellationToken);
        using var answer = new MemoryStream();
        await stream.CopyToAsync(answer, TestContext.Current.CancellationToken);
        Assert.Equal(401, RawAnswer.Parse(answer.ToArray()).Status);
    }

    private static async Task WaitUntilAsync(Func<bool> condition, string what)
    {
        var deadline = Stopwatch.StartNew();
        while (!condition())
        {
            Assert.True(deadline.Elapsed < TimeSpan.FromSeconds(10), $"timed out waiting until {what}");
            await Task.Delay(20, TestContext.Current.CancellationToken);
        }
    }
}
