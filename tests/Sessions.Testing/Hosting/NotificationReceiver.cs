using System.Collections.Concurrent;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Sessions.Testing.Hosting;

/// <summary>One request a <see cref="NotificationReceiver"/> got: the Standard Webhooks headers and the body as sent.</summary>
public sealed record ReceivedDelivery(string Path, string Id, long Timestamp, string Signature, string Body, IHeaderDictionary Headers, DateTimeOffset At)
{
    /// <summary>The status code the receiver answered with; null while it hangs.</summary>
    public int? Answered { get; init; }

    /// <summary>The events of the body: the one event, or each of a batch's array.</summary>
    public IReadOnlyList<JsonElement> Events
    {
        get
        {
            var root = JsonDocument.Parse(Body).RootElement.Clone();
            return root.ValueKind is JsonValueKind.Array ? [.. root.EnumerateArray()] : [root];
        }
    }
}

/// <summary>
/// A real HTTP receiver on loopback (Kestrel on a free port): records every request under its path and answers what
/// <see cref="Respond"/> says (200 by default); a null answer hangs until the receiver stops.
/// </summary>
public sealed class NotificationReceiver : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly ConcurrentQueue<ReceivedDelivery> _received = new();
    private readonly CancellationTokenSource _stopping = new();
    private CancellationTokenSource _hanging = new();
    private TaskCompletionSource _arrived = new(TaskCreationOptions.RunContinuationsAsynchronously);

    private NotificationReceiver(WebApplication app) => _app = app;

    /// <summary>
    /// The answer to a request, given it and how many requests with its <c>webhook-id</c> came before it: a status code
    /// and a <c>Retry-After</c> value, or null to never answer.
    /// </summary>
    public Func<ReceivedDelivery, int, (int Status, string? RetryAfter)?> Respond { get; set; } = (_, _) => (200, null);

    public string BaseUrl { get; private set; } = "";

    public IReadOnlyList<ReceivedDelivery> Received => [.. _received];

    public IReadOnlyList<ReceivedDelivery> At(string path) => [.. _received.Where(r => r.Path == path)];

    public string Url(string path) => BaseUrl + path;

    public static async Task<NotificationReceiver> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        var app = builder.Build();
        var receiver = new NotificationReceiver(app);
        app.MapPost("/{**path}", (Delegate)receiver.HandleAsync);
        await app.StartAsync();
        receiver.BaseUrl = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single();
        return receiver;
    }

    /// <summary>Waits until the requests at <paramref name="path"/> satisfy <paramref name="done"/>; fails after <paramref name="seconds"/>.</summary>
    public async Task<IReadOnlyList<ReceivedDelivery>> WaitForAsync(string path, Func<IReadOnlyList<ReceivedDelivery>, bool> done, int seconds = 20)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        timeout.CancelAfter(TimeSpan.FromSeconds(seconds));
        while (true)
        {
            var arrived = _arrived.Task;
            var received = At(path);
            if (done(received))
            {
                return received;
            }

            try
            {
                await arrived.WaitAsync(timeout.Token);
            }
            catch (OperationCanceledException) when (!TestContext.Current.CancellationToken.IsCancellationRequested)
            {
                Assert.Fail($"{path}: after {seconds} s the receiver has {received.Count} request(s): {string.Join(" | ", received.Select(r => r.Body))}");
            }
        }
    }

    /// <summary>Answers the requests hanging now with 503, so the service's attempts end (and it can shut down in time).</summary>
    public void ReleaseHanging() => Interlocked.Exchange(ref _hanging, new()).Cancel();

    public async ValueTask DisposeAsync()
    {
        await _stopping.CancelAsync();
        await _app.StopAsync();
        await _app.DisposeAsync();
        _stopping.Dispose();
    }

    private async Task<IResult> HandleAsync(HttpContext context)
    {
        using var reader = new StreamReader(context.Request.Body, Encoding.UTF8);
        var body = await reader.ReadToEndAsync(context.RequestAborted);
        var headers = new HeaderDictionary(context.Request.Headers.ToDictionary(h => h.Key, h => h.Value));
        var delivery = new ReceivedDelivery(
            context.Request.Path, headers["webhook-id"].ToString(), long.Parse(headers["webhook-timestamp"].ToString(), System.Globalization.CultureInfo.InvariantCulture),
            headers["webhook-signature"].ToString(), body, headers, DateTimeOffset.UtcNow);
        var before = _received.Count(r => r.Id == delivery.Id);
        var answer = Respond(delivery, before);
        _received.Enqueue(delivery with { Answered = answer?.Status });
        Interlocked.Exchange(ref _arrived, new(TaskCreationOptions.RunContinuationsAsynchronously)).TrySetResult();
        if (answer is not var (status, retryAfter))
        {
            using var either = CancellationTokenSource.CreateLinkedTokenSource(_stopping.Token, _hanging.Token);
            await Task.Delay(Timeout.Infinite, either.Token).ContinueWith(_ => { }, TaskScheduler.Default);
            return Results.StatusCode(503);
        }

        if (retryAfter is not null)
        {
            context.Response.Headers.RetryAfter = retryAfter;
        }

        return Results.StatusCode(status);
    }
}
