using Sessions.Simulator.Dyte;
using Sessions.Simulator.FastPix;
using Sessions.Simulator.LiveSwitch;

namespace Sessions.Simulator.Traffic;

/// <summary>
/// Plans a run's deliveries, purely from its <see cref="TrafficOptions"/>: scenarios per provider (a fleet of LiveSwitch
/// servers starting, registering and restarting; LiveSwitch channels and Dyte meetings with participants, connections
/// and recordings; FastPix livestreams with simulcast targets) interleaved on a virtual timeline, new ones started as
/// others finish so each provider keeps its share. A fraction of events is delivered late (after the next event of
/// its scenario) and a fraction twice. Event times follow the planned send times, strictly increasing.
/// </summary>
public sealed class TrafficGenerator(TrafficOptions options)
{
    /// <summary>The deliveries, in send order; endless, so take as many as the run needs.</summary>
    public IEnumerable<PlannedDelivery> Plan()
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentOutOfRangeException.ThrowIfLessThan(options.ActiveScenarios, 1, nameof(options));
        ArgumentOutOfRangeException.ThrowIfNegative(options.Rate, nameof(options));
        return Iterate();
    }

    private IEnumerable<PlannedDelivery> Iterate()
    {
        using var planner = new Planner(options);
        var outbox = new Queue<PlannedDelivery>();
        while (true)
        {
            planner.Advance(outbox);
            while (outbox.TryDequeue(out var delivery))
            {
                yield return delivery;
            }
        }
    }

    /// <summary>One enumeration's state: the scenarios under way, the retries due, the clock and the counts.</summary>
    private sealed class Planner : IDisposable
    {
        /// <summary>Provider retries come back within this many deliveries.</summary>
        private const int MaxRetryDistance = 40;

        private readonly TrafficOptions _options;
        private readonly Random _random;
        private readonly WebhookSigner _signer;
        private readonly EventClock _clock = new();
        private readonly LiveSwitchTraffic _liveSwitch;
        private readonly DyteTraffic _dyte;
        private readonly FastPixTraffic _fastPix;
        private readonly PriorityQueue<Running, (long Due, long Order)> _running = new();
        private readonly PriorityQueue<ProviderEvent, (int Sequence, long Order)> _retries = new();
        private readonly Dictionary<string, int> _plannedByProvider = Providers.All.ToDictionary(p => p, _ => 0);
        private readonly DateTimeOffset _start;
        private readonly long _spacingTicks;
        private long _now;
        private long _nextSpawn;
        private long _order;
        private int _sequence;
        private int _planned;

        public Planner(TrafficOptions options)
        {
            _options = options;
            _random = new Random(options.Seed);
            _signer = new WebhookSigner(options.Secrets, _random);
            _liveSwitch = new LiveSwitchTraffic(options, _random);
            _dyte = new DyteTraffic(options, _random);
            _fastPix = new FastPixTraffic(options, _random);
            _start = DateTimeOffset.FromUnixTimeMilliseconds(options.Start.ToUnixTimeMilliseconds());
            _spacingTicks = options.Rate > 0 ? (long)(TimeSpan.TicksPerSecond / options.Rate) : TimeSpan.TicksPerMillisecond;
        }

        /// <summary>Puts the next one or two deliveries in <paramref name="outbox"/> (none while an event is held back).</summary>
        public void Advance(Queue<PlannedDelivery> outbox)
        {
            if (_retries.TryPeek(out var retry, out var due) && due.Sequence <= _sequence)
            {
                _retries.Dequeue();
                Emit(outbox, retry, DeliveryKind.Duplicate);
                return;
            }

            // New scenarios start one tick apart until enough are under way, and at once when one ends.
            if (_running.Count < _options.ActiveScenarios && (!_running.TryPeek(out _, out var next) || next.Due >= _nextSpawn))
            {
                _now = Math.Max(_now, _nextSpawn);
                Start(Spawn());
                _nextSpawn = _now + 1;
            }

            _running.TryDequeue(out var running, out var at);
            _now = Math.Max(_now, at.Due);
            _clock.Floor = _start + TimeSpan.FromMilliseconds(Math.Floor(PlannedAt(_sequence).TotalMilliseconds));
            var evt = _signer.Sign(running!.Provider, running.Steps[running.Next++].Build(_clock), _random);
            var more = running.Next < running.Steps.Count;
            if (running.Held is { } held)
            {
                Emit(outbox, evt, DeliveryKind.InOrder);
                Emit(outbox, held, DeliveryKind.Late);
                running.Held = null;
            }
            else if (more && _random.NextDouble() < _options.Reorder)
            {
                running.Held = evt;
            }
            else
            {
                Emit(outbox, evt, DeliveryKind.InOrder);
            }

            if (more)
            {
                _running.Enqueue(running, (_now + running.Steps[running.Next].Delay, _order++));
            }
        }

        public void Dispose() => _signer.Dispose();

        private TimeSpan PlannedAt(int sequence) => TimeSpan.FromTicks(sequence * _spacingTicks);

        private void Emit(Queue<PlannedDelivery> outbox, ProviderEvent evt, DeliveryKind kind)
        {
            outbox.Enqueue(new PlannedDelivery(_sequence, PlannedAt(_sequence), kind, evt));
            _sequence++;
            if (kind == DeliveryKind.Duplicate)
            {
                return;
            }

            if (_random.NextDouble() < _options.Duplicates)
            {
                _retries.Enqueue(evt, (_sequence + _random.Next(1, MaxRetryDistance), _order++));
            }
        }

        /// <summary>
        /// A new scenario of the provider furthest below its share of the events planned so far, counting the whole
        /// of every scenario started, so a provider with long scenarios keeps starting new ones while old ones run.
        /// </summary>
        private Script Spawn()
        {
            var provider = _options.Mix.Included
                .OrderByDescending(p => _options.Mix.Share(p) - ((double)_plannedByProvider[p] / Math.Max(1, _planned)))
                .First();
            return provider switch
            {
                Providers.LiveSwitch => _liveSwitch.Next(),
                Providers.Dyte => _dyte.Next(),
                _ => _fastPix.Next(),
            };
        }

        private void Start(Script script)
        {
            var steps = script.Steps();
            _plannedByProvider[script.Provider] += steps.Count;
            _planned += steps.Count;
            _running.Enqueue(new Running(script.Provider, steps), (_now + steps[0].Delay, _order++));
        }
    }

    /// <summary>A scenario under way: its steps, the next one, and an event held back to be delivered late.</summary>
    private sealed class Running(string provider, IReadOnlyList<(int Delay, Func<EventClock, Payload> Build)> steps)
    {
        public string Provider => provider;

        public IReadOnlyList<(int Delay, Func<EventClock, Payload> Build)> Steps => steps;

        public int Next { get; set; }

        public ProviderEvent? Held { get; set; }
    }
}
