using System.Threading.Channels;
using Sessions.Abstractions.Clients;
using Sessions.Abstractions.Indexing;
using Sessions.Abstractions.Livestreams;
using Sessions.Abstractions.Recordings;
using Sessions.Abstractions.Servers;
using Sessions.Abstractions.Sessions;
using Sessions.Service.Queries;

namespace Sessions.Service.Live;

/// <summary>One event of <c>/api/stream</c>: its name (<c>change</c>, <c>health</c>) and what goes in its data line.</summary>
public sealed record StreamEvent(string Name, object Data)
{
    public const string Change = "change";
    public const string Health = "health";
}

/// <summary>
/// This process's ear on the cluster: one observer subscribed to every index shard (renewed every 20 s, since
/// subscriptions lapse after a minute), fanning each entity change and each health change out to the open
/// <c>/api/stream</c> connections.
/// It starts with the first listener, so a process nobody watches subscribes to nothing.
/// </summary>
public sealed partial class ChangeFeed(IGrainFactory grains, IndexReader index, ILogger<ChangeFeed> logger) : IChangeObserver, IAsyncDisposable
{
    private static readonly TimeSpan Renewal = TimeSpan.FromSeconds(20);

    private readonly Lock _gate = new();
    private readonly HashSet<Channel<StreamEvent>> _listeners = [];
    private readonly CancellationTokenSource _stopping = new();
    private Task? _started;
    private IChangeObserver? _reference;

    /// <summary>Starts listening (once, on first use) and returns a reader of every change from now on; dispose the lease to stop.</summary>
    public async Task<(ChannelReader<StreamEvent> Changes, IDisposable Lease)> ListenAsync(CancellationToken cancellationToken)
    {
        Task started;
        lock (_gate)
        {
            if (_started is null || _started.IsFaulted)
            {
                _started = StartAsync();
            }

            started = _started;
        }

        await started.WaitAsync(cancellationToken);
        var channel = Channel.CreateBounded<StreamEvent>(
            new BoundedChannelOptions(1024) { FullMode = BoundedChannelFullMode.DropOldest, SingleReader = true });
        lock (_gate)
        {
            _listeners.Add(channel);
        }

        return (channel.Reader, new Lease(this, channel));
    }

    public Task OnChangeAsync(EntityChangeNotice notice) => Publish(new StreamEvent(StreamEvent.Change, notice));

    public Task OnHealthChangeAsync(HealthChangeNotice notice) => Publish(new StreamEvent(StreamEvent.Health, notice));

    private Task Publish(StreamEvent streamEvent)
    {
        lock (_gate)
        {
            foreach (var listener in _listeners)
            {
                listener.Writer.TryWrite(streamEvent);
            }
        }

        return Task.CompletedTask;
    }

    public async ValueTask DisposeAsync()
    {
        await _stopping.CancelAsync();
        if (_reference is not null)
        {
            grains.DeleteObjectReference<IChangeObserver>(_reference);
        }

        _stopping.Dispose();
    }

    private async Task StartAsync()
    {
        _reference ??= grains.CreateObjectReference<IChangeObserver>(this);
        await SubscribeAllAsync();
        _ = RenewAsync(_stopping.Token);
    }

    private async Task RenewAsync(CancellationToken stopping)
    {
        using var timer = new PeriodicTimer(Renewal);
        while (await timer.WaitForNextTickAsync(stopping))
        {
            try
            {
                await SubscribeAllAsync();
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                LogRenewalFailed(logger, ex);
            }
        }
    }

    private Task SubscribeAllAsync() => Task.WhenAll(
        Subscribe<ServerSnapshot>()
            .Concat(Subscribe<SessionSnapshot>())
            .Concat(Subscribe<RecordingSnapshot>())
            .Concat(Subscribe<LivestreamSnapshot>())
            .Concat(Subscribe<ClientSnapshot>()));

    private IEnumerable<Task> Subscribe<TItem>() => index.Shards<TItem>().Select(s => s.SubscribeAsync(_reference!));

    private void Leave(Channel<StreamEvent> channel)
    {
        lock (_gate)
        {
            _listeners.Remove(channel);
        }

        channel.Writer.TryComplete();
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Change feed: renewing the shard subscriptions failed; trying again shortly")]
    private static partial void LogRenewalFailed(ILogger logger, Exception exception);

    private sealed class Lease(ChangeFeed feed, Channel<StreamEvent> channel) : IDisposable
    {
        public void Dispose() => feed.Leave(channel);
    }
}
