using Sessions.Service.Tests.Infrastructure;
using Sessions.Testing.Webhooks;

namespace Sessions.Service.Tests;

/// <summary>Random damage to genuine, correctly signed fixtures never gets a 5xx: every answer is a decision.</summary>
public sealed class WebhookFuzzTests(WebhookApiFactory api) : IClassFixture<WebhookApiFactory>
{
    private const int Mutations = 2000;

    [Fact]
    public async Task MutatedSignedFixturesNeverGetA5xx()
    {
        var random = new Random(20261123);
        var fixtures = FixtureFiles.All.ToArray();
        var statuses = new Dictionary<int, int>();

        for (var i = 0; i < Mutations; i++)
        {
            var fixture = fixtures[random.Next(fixtures.Length)];
            var body = Mutate(fixture.Body, random);
            var (_, request) = TestSources.Authenticated(fixture.Kind, body, DateTimeOffset.UtcNow);

            using var response = await api.PostAsync(fixture.Kind, request);

            var status = (int)response.StatusCode;
            Assert.True(status < 500, $"mutation {i} of {fixture.Id} got {status}: {await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken)}");
            statuses[status] = statuses.GetValueOrDefault(status) + 1;
        }

        // The mutations reach both verdicts of the parser, not only one of them.
        Assert.True(statuses.GetValueOrDefault(200) > 0 && statuses.GetValueOrDefault(400) > 0, string.Join(", ", statuses));
    }

    private static byte[] Mutate(byte[] body, Random random)
    {
        var bytes = body.ToList();
        var edits = random.Next(1, 4);
        for (var e = 0; e < edits && bytes.Count > 0; e++)
        {
            var at = random.Next(bytes.Count);
            switch (random.Next(5))
            {
                case 0:
                    bytes[at] = (byte)random.Next(256);
                    break;
                case 1:
                    bytes.RemoveAt(at);
                    break;
                case 2:
                    bytes.Insert(at, "{}[]\",:0-e.\\ntf"u8[random.Next(15)]);
                    break;
                case 3:
                    bytes.RemoveRange(at, bytes.Count - at);
                    break;
                default:
                    bytes.InsertRange(at, bytes.GetRange(at, Math.Min(8, bytes.Count - at)));
                    break;
            }
        }

        return [.. bytes];
    }
}
