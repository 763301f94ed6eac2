using System.Security.Cryptography;
using System.Text.Json;
using Sessions.Canonical;
using Sessions.Simulator.Traffic;
using Sessions.Testing;
using Sessions.Testing.Webhooks;
using Sessions.Webhooks;

namespace Sessions.Simulator.Tests;

/// <summary>The simulator and the service's adapters agree: every body is genuine, parses, and means what the simulator says.</summary>
public sealed class AdapterAgreementTests
{
    [Fact]
    public void EveryGeneratedDeliveryIsAcceptedAndMapsToTheFactsTheSimulatorExpects()
    {
        var sources = Providers.All.ToDictionary(p => p, SimulatedSources.For);

        foreach (var delivery in SampleTraffic.Deliveries)
        {
            var evt = delivery.Event;
            var request = new WebhookRequest(
                evt.Body,
                new Dictionary<string, string>(evt.Headers, StringComparer.OrdinalIgnoreCase),
                evt.Token,
                DateTimeOffset.UtcNow);

            var verdict = WebhookPipeline.Handle(sources[evt.Provider], request);

            var accepted = Assert.IsType<WebhookVerdict.Accepted>(verdict, exactMatch: false);
            var events = accepted.Items.OfType<CanonicalEvent>().ToList();
            Assert.Equal(
                evt.Facts.Select(f => (f.Kind, f.Provider, f.Id, f.Status, f.Type)),
                events.Select(e => (e.Kind.ToString().ToLowerInvariant(), e.Provider, e.EntityId, Status(e.Change), e.Type)));
            Assert.All(accepted.Items.OfType<UnmappedEvent>(), unmapped => Assert.Equal("video.media.created", unmapped.Type));
            // Where the provider states the time, the service orders by the same time the simulator's model does.
            foreach (var (fact, canonical) in evt.Facts.Zip(events).Where(p => p.First.Status is not null && p.First.Kind != EntityKinds.Recording))
            {
                Assert.Equal(fact.At, canonical.OccurredAt);
            }
        }
    }

    [Fact]
    public void AnotherSecretIsRejected()
    {
        var wrong = new ProviderSecrets
        {
            LiveSwitchSharedSecret = "not-the-secret",
            LiveSwitchServerToken = "not-the-token",
            FastPixSigningSecret = Convert.ToBase64String("not-the-secret"u8),
            DytePrivateKeyPem = RSA.Create(2048).ExportPkcs8PrivateKeyPem(),
        };
        var deliveries = new TrafficGenerator(SampleTraffic.Options with { Secrets = wrong }).Plan().Take(300).ToList();

        Assert.Equal(Providers.All.Order(), deliveries.Select(d => d.Event.Provider).Distinct().Order());
        Assert.All(deliveries, d => Assert.IsType<WebhookVerdict.Unauthorized>(WebhookPipeline.Handle(
            SimulatedSources.For(d.Event.Provider),
            new WebhookRequest(d.Event.Body, d.Event.Headers.ToDictionary(StringComparer.OrdinalIgnoreCase), d.Event.Token, DateTimeOffset.UtcNow))));
    }

    [Fact]
    public void TheDevelopmentServiceIsConfiguredWithTheSimulatorsDefaults()
    {
        using var config = JsonDocument.Parse(
            RepoPaths.ReadText("src/Sessions.Service/appsettings.Development.json"),
            new JsonDocumentOptions { CommentHandling = JsonCommentHandling.Skip });
        var sources = config.RootElement.GetProperty("Webhooks").GetProperty("Sources");
        var secrets = SimulatedSources.Secrets;

        var liveSwitch = sources.GetProperty(secrets.LiveSwitchSource);
        Assert.Equal(secrets.LiveSwitchSharedSecret, liveSwitch.GetProperty("ApplicationSecrets").GetProperty(secrets.LiveSwitchApplicationId).GetString());
        Assert.Equal(secrets.LiveSwitchServerToken, liveSwitch.GetProperty("Token").GetString());
        Assert.Equal(secrets.FastPixSigningSecret, sources.GetProperty(secrets.FastPixSource).GetProperty("Secret").GetString());
        var dyte = sources.GetProperty(secrets.DyteSource);
        Assert.Equal("dyte", dyte.GetProperty("Kind").GetString());
        using var configured = RSA.Create();
        configured.ImportFromPem(dyte.GetProperty("PublicKeyPem").GetString());
        using var signing = RSA.Create();
        signing.ImportFromPem(secrets.DytePrivateKeyPem);
        Assert.Equal(signing.ExportSubjectPublicKeyInfo(), configured.ExportSubjectPublicKeyInfo());
    }

    private static string? Status(EntityChange change) => change switch
    {
        ServerStateChanged server => server.State.ToString(),
        SessionStatusChanged session => session.Status.ToString(),
        RecordingStatusChanged recording => recording.Status.ToString(),
        LivestreamStatusChanged livestream => livestream.Status.ToString(),
        ClientRegistrationChanged client => (client.Registered ? ClientStatus.Registered : ClientStatus.Unregistered).ToString(),
        _ => null,
    } is { } word ? word.ToLowerInvariant() : null;
}
