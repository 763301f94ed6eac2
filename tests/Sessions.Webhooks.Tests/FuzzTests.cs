using System.Text;
using Sessions.Canonical;
using Sessions.Testing.Webhooks;

namespace Sessions.Webhooks.Tests;

/// <summary>
/// Seeded mutations (byte changes, deletions, insertions of JSON-ish fragments, truncations, repeats) of every
/// fixture, re-signed with the test secrets so each reaches the parser: <see cref="WebhookPipeline.Handle"/> never throws.
/// </summary>
public sealed class FuzzTests
{
    private const int MutationsPerBody = 40;

    private static readonly byte[][] Fragments =
    [
        .. new[] { "{", "}", "[", "]", "\"", "\\", "\\u", "\\uD800", "\\uDFFF", ",", ":", "null", "true", "-", "0", "1e999", "-9223372036854775809", "99999999999999999999", " ", "\"\"", "{}", "[]" }
            .Select(Encoding.UTF8.GetBytes),
        [0xC3], [0xFF], [0xF0, 0x9F, 0x98, 0x80], [0x00],
    ];

    private static readonly string[] StandardBodies =
    [
        """{"type":"session.started","timestamp":"2024-06-10T06:00:00Z","data":{"provider":"acme","id":"s-1","title":"Standup"}}""",
        """{"type":"recording.status","timestamp":1718000000,"data":{"provider":"acme","id":"r-1","status":"ready","sessionId":"s-1","durationMs":5000}}""",
        """{"type":"server.started","data":{"provider":"acme","id":"srv-1","role":"sfu","addresses":["10.0.0.1"],"coreCount":8}}""",
    ];

    public static TheoryData<string> Kinds => [.. TestSources.Kinds];

    [Theory]
    [MemberData(nameof(Kinds))]
    public void MutatedSignedBodiesNeverThrow(string kind)
    {
        var random = new Random(20240610 + kind.Length);
        var seeds = kind == "standard"
            ? StandardBodies.Select(Encoding.UTF8.GetBytes).ToList()
            : FixtureFiles.All.Where(f => f.Kind == kind).Select(f => f.Body).ToList();
        var verdicts = new Dictionary<string, int>();

        foreach (var seed in seeds)
        {
            for (var i = 0; i < MutationsPerBody; i++)
            {
                var body = Mutate(seed, random);
                var verdict = TestSources.HandleSigned(kind, body);

                verdicts[verdict.GetType().Name] = verdicts.GetValueOrDefault(verdict.GetType().Name) + 1;
                Check(kind, verdict, body);
            }
        }

        Assert.True(verdicts.GetValueOrDefault(nameof(WebhookVerdict.Invalid)) > 0, "the mutations should break some bodies");
    }

    [Theory]
    [MemberData(nameof(Kinds))]
    public void RandomBytesNeverThrow(string kind)
    {
        var random = new Random(42 + kind.Length);
        for (var i = 0; i < 200; i++)
        {
            var body = new byte[random.Next(0, 64)];
            random.NextBytes(body);

            Check(kind, TestSources.HandleSigned(kind, body), body);
        }
    }

    private static void Check(string kind, WebhookVerdict verdict, byte[] body)
    {
        switch (verdict)
        {
            case WebhookVerdict.Accepted accepted:
                Assert.NotEmpty(accepted.Items);
                Assert.All(accepted.Items.OfType<CanonicalEvent>(), e => Assert.False(
                    string.IsNullOrEmpty(e.EntityId) || string.IsNullOrEmpty(e.DedupeKey) || string.IsNullOrEmpty(e.Provider),
                    Encoding.UTF8.GetString(body)));
                break;
            case WebhookVerdict.Invalid invalid:
                Assert.NotEmpty(invalid.Detail);
                break;
            case WebhookVerdict.Unauthorized unauthorized:
                // Signed or token-carrying bodies are genuine; only a LiveSwitch body whose applicationId a mutation
                // changed names an application without a configured secret.
                Assert.True(kind == "liveswitch", $"{unauthorized.Detail}: {Encoding.UTF8.GetString(body)}");
                break;
        }
    }

    private static byte[] Mutate(byte[] seed, Random random)
    {
        var body = new List<byte>(seed);
        for (var round = random.Next(1, 4); round > 0; round--)
        {
            var at = random.Next(0, body.Count + 1);
            switch (random.Next(5))
            {
                case 0 when body.Count > 0:
                    body[Math.Min(at, body.Count - 1)] = (byte)random.Next(256);
                    break;
                case 1 when body.Count > 0:
                    body.RemoveRange(Math.Min(at, body.Count - 1), Math.Min(random.Next(1, 9), body.Count - Math.Min(at, body.Count - 1)));
                    break;
                case 2:
                    body.InsertRange(at, Fragments[random.Next(Fragments.Length)]);
                    break;
                case 3:
                    body.RemoveRange(at, body.Count - at);
                    break;
                default:
                    var length = Math.Min(random.Next(1, 32), body.Count - Math.Min(at, body.Count));
                    body.InsertRange(random.Next(0, body.Count + 1), body.GetRange(Math.Min(at, body.Count), length));
                    break;
            }
        }
        return [.. body];
    }
}
