using System.Security.Cryptography;
using Sessions.Canonical;
using Sessions.Testing.Webhooks;
using static Sessions.Webhooks.Tests.FixtureExpectations;

namespace Sessions.Webhooks.Tests;

/// <summary>Every shared fixture, sent as its README says, verifies and maps to the entity and change of the design table.</summary>
public sealed class FixtureTests
{
    public static TheoryData<string> FixtureIds => [.. FixtureFiles.All.Select(f => f.Id)];

    public static TheoryData<string> SignedFixtureIds => [.. FixtureFiles.All.Where(IsSigned).Select(f => f.Id)];

    [Fact]
    public void EveryFixtureFileHasAnExpectation()
    {
        Assert.Equal(Expected.Keys.Order(StringComparer.Ordinal), FixtureFiles.All.Select(f => f.Id));
    }

    [Theory]
    [MemberData(nameof(FixtureIds))]
    public void MinifiedFixtureBodyMatchesItsPublishedDigest(string id)
    {
        var fixture = FixtureFiles.Get(id);

        Assert.Equal(fixture.Value("minified_sha256"), Convert.ToHexStringLower(SHA256.HashData(fixture.Body)));
    }

    [Theory]
    [MemberData(nameof(FixtureIds))]
    public void EveryFixtureVerifiesAndParsesToItsExpectedEvents(string id)
    {
        var fixture = FixtureFiles.Get(id);

        var accepted = Assert.IsType<WebhookVerdict.Accepted>(TestSources.HandleFixture(fixture));

        Assert.Equal(Expected[id], accepted.Items.Select(Row.Of));
        var provider = fixture.Folder;
        Assert.All(accepted.Items.OfType<CanonicalEvent>(), e =>
        {
            Assert.Equal(provider, e.Provider);
            Assert.StartsWith(provider + ":", e.DedupeKey, StringComparison.Ordinal);
        });
        Assert.Distinct(accepted.Items.OfType<CanonicalEvent>().Select(e => e.DedupeKey));
    }

    [Theory]
    [MemberData(nameof(SignedFixtureIds))]
    public void FixtureWithOneByteChangedIsUnauthorized(string id)
    {
        var fixture = FixtureFiles.Get(id);
        var request = TestSources.FixtureRequest(fixture);
        var tampered = fixture.Body.ToArray();
        tampered[tampered.Length / 2] ^= 0x01;

        var verdict = WebhookPipeline.Handle(TestSources.For(fixture.Kind), request with { Body = tampered });

        Assert.IsType<WebhookVerdict.Unauthorized>(verdict);
    }

    [Theory]
    [MemberData(nameof(SignedFixtureIds))]
    public void FixtureCheckedWithAnotherSecretIsUnauthorized(string id)
    {
        var fixture = FixtureFiles.Get(id);
        var source = TestSources.For(fixture.Kind);
        source.Secret = fixture.Kind == "fastpix" ? Convert.ToBase64String(new byte[32]) : "another-secret";
        source.ApplicationSecrets = new() { [TestSources.LiveSwitchApplication] = "another-secret" };
        source.PublicKeyPem = TestSources.TestRsa.ExportSubjectPublicKeyInfoPem();

        var verdict = WebhookPipeline.Handle(source, TestSources.FixtureRequest(fixture));

        var unauthorized = Assert.IsType<WebhookVerdict.Unauthorized>(verdict);
        Assert.DoesNotContain("another-secret", unauthorized.Detail, StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(SignedFixtureIds))]
    public void FixtureWithoutItsSignatureHeaderIsUnauthorized(string id)
    {
        var fixture = FixtureFiles.Get(id);

        var verdict = WebhookPipeline.Handle(TestSources.For(fixture.Kind), TestSources.Request(fixture.Body));

        var unauthorized = Assert.IsType<WebhookVerdict.Unauthorized>(verdict);
        Assert.Contains("missing", unauthorized.Detail, StringComparison.Ordinal);
    }

    private static bool IsSigned(Fixture fixture) => fixture.Value("signature") is not null || fixture.Value("dyte-signature") is not null;
}
