using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Orleans.Serialization;
using Orleans.Storage;
using Sessions.Abstractions.Clients;
using Sessions.Abstractions.Entities;
using Sessions.Abstractions.Hosting;
using Sessions.Abstractions.Livestreams;
using Sessions.Abstractions.Recordings;
using Sessions.Abstractions.Servers;
using Sessions.Abstractions.Sessions;
using Sessions.Canonical;
using Sessions.Grains.Clients;
using Sessions.Grains.Entities;
using Sessions.Grains.Livestreams;
using Sessions.Grains.Recordings;
using Sessions.Grains.Servers;
using Sessions.Grains.Sessions;
using Sessions.Testing.Webhooks;
using static Sessions.Grains.Tests.StateMachines.Canonical;
using ServerMachineState = Sessions.Grains.Servers.ServerState;

namespace Sessions.Grains.Tests.StateMachines;

/// <summary>
/// The states survive Orleans' serializer (grain calls, memory storage) and the JSON grain-storage serializer, and the
/// snapshots cross grain calls: a state rebuilt from storage renders the same snapshot and folds on identically.
/// </summary>
public sealed class StateSerializationTests : IDisposable
{
    private readonly ServiceProvider _services = new ServiceCollection().AddSerializer(builder => builder.AddSessionsSerialization()).BuildServiceProvider();

    public static TheoryData<string> Providers => [.. FixtureFiles.Providers];

    [Theory]
    [MemberData(nameof(Providers))]
    public void FixtureStatesRoundTripThroughOrleansAndJsonStorage(string provider)
    {
        var serializer = _services.GetRequiredService<Serializer>();
        var json = new JsonGrainStorageSerializer(new OrleansJsonSerializer(Options.Create(new OrleansJsonSerializerOptions())));
        var events = FixtureFiles.All.Where(f => f.Folder == provider).SelectMany(f => FromFixture(f.Id));

        foreach (var entity in events.GroupBy(e => e.Kind))
        {
            var lifecycle = entity.ToArray();
            switch (entity.Key)
            {
                case EntityKind.Server:
                    RoundTrip<ServerMachineState, ServerSnapshot, ServerStateMachine>(lifecycle, serializer, json);
                    break;
                case EntityKind.Session:
                    RoundTrip<SessionState, SessionSnapshot, SessionStateMachine>(lifecycle, serializer, json);
                    break;
                case EntityKind.Recording:
                    RoundTrip<RecordingState, RecordingSnapshot, RecordingStateMachine>(lifecycle, serializer, json);
                    break;
                case EntityKind.Livestream:
                    RoundTrip<LivestreamState, LivestreamSnapshot, LivestreamStateMachine>(lifecycle, serializer, json);
                    break;
                case EntityKind.Client:
                    RoundTrip<ClientState, ClientSnapshot, ClientStateMachine>(lifecycle, serializer, json);
                    break;
            }
        }
    }

    public void Dispose() => _services.Dispose();

    /// <summary>Folds the first half, round-trips the state, folds the rest into both copies: all three ends agree.</summary>
    private static void RoundTrip<TState, TSnapshot, TMachine>(CanonicalEvent[] events, Serializer serializer, JsonGrainStorageSerializer json)
        where TState : class, new()
        where TMachine : IEntityStateMachine<TState, TSnapshot>
    {
        var original = new TState();
        var half = events.Length / 2;
        foreach (var evt in events[..half])
        {
            TMachine.Apply(original, evt);
        }

        TState[] copies =
        [
            serializer.Deserialize<TState>(serializer.SerializeToArray(original)) ?? throw new InvalidOperationException("Orleans gave back no state"),
            json.Deserialize<TState>(json.Serialize(original)) ?? throw new InvalidOperationException("JSON storage gave back no state"),
        ];
        foreach (var state in copies.Prepend(original))
        {
            foreach (var evt in events[half..])
            {
                TMachine.Apply(state, evt);
            }
        }

        var expected = JsonSerializer.Serialize(TMachine.Snapshot(original, Header, []));
        foreach (var copy in copies)
        {
            Assert.Equal(expected, JsonSerializer.Serialize(TMachine.Snapshot(copy, Header, [])));
        }

        var snapshot = TMachine.Snapshot(original, Header, [new(T0, "test", TransitionOutcome.Applied)]);
        Assert.Equal(JsonSerializer.Serialize(snapshot), JsonSerializer.Serialize(serializer.Deserialize<TSnapshot>(serializer.SerializeToArray(snapshot))));
    }
}
