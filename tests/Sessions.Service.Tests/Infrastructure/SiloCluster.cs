using System.Globalization;
using System.Text;
using Sessions.Testing;
using Sessions.Testing.Hosting;

namespace Sessions.Service.Tests.Infrastructure;

/// <summary>
/// The service processes of one cluster on one PostgreSQL database, each a real OS process a test can SIGKILL, with a
/// membership fast enough that a killed silo is counted out within <see cref="MembershipTimeout"/>; disposing stops them.
/// </summary>
internal sealed class SiloCluster : IAsyncDisposable
{
    public const int NumMissedProbesLimit = 2;

    private const int TailLines = 40;

    /// <summary>How often a silo probes the others, and how long it waits for each answer.</summary>
    public static readonly TimeSpan ProbeTimeout = TimeSpan.FromSeconds(1);

    /// <summary>How often a silo re-reads the membership table, in case it missed the gossip about a death.</summary>
    public static readonly TimeSpan TableRefreshTimeout = TimeSpan.FromSeconds(2);

    /// <summary>
    /// The membership timeout: a silo that misses <see cref="NumMissedProbesLimit"/> probes of
    /// <see cref="ProbeTimeout"/> in a row is declared dead by one vote (NumVotesForDeathDeclaration 1), and every silo
    /// knows by its next table refresh at the latest: 1 s × 2 + 2 s = 4 s.
    /// </summary>
    public static readonly TimeSpan MembershipTimeout = (ProbeTimeout * NumMissedProbesLimit) + TableRefreshTimeout;

    private readonly List<(string Name, ServiceProcess Process)> _processes = [];

    /// <summary>The settings every process of a new cluster on <paramref name="connectionString"/> shares, with <paramref name="apiKey"/>.</summary>
    public static Dictionary<string, string> Settings(string connectionString, string apiKey) => new()
    {
        ["Storage:Mode"] = "postgres",
        ["Storage:ConnectionString"] = connectionString,
        ["Orleans:ClusterId"] = $"cluster-{Guid.NewGuid():N}",
        ["Api:Keys:0"] = apiKey,
        ["Orleans:Membership:ProbeTimeout"] = ProbeTimeout.ToString("c", CultureInfo.InvariantCulture),
        ["Orleans:Membership:NumMissedProbesLimit"] = NumMissedProbesLimit.ToString(CultureInfo.InvariantCulture),
        ["Orleans:Membership:NumVotesForDeathDeclaration"] = "1",
        ["Orleans:Membership:TableRefreshTimeout"] = TableRefreshTimeout.ToString("c", CultureInfo.InvariantCulture),
    };

    /// <summary>The settings with a silo and a gateway port of its own; a restart reuses them, as a restarted container would.</summary>
    public static Dictionary<string, string> WithPorts(IReadOnlyDictionary<string, string> settings) => new(settings)
    {
        ["Orleans:SiloPort"] = FreePort.Next().ToString(CultureInfo.InvariantCulture),
        ["Orleans:GatewayPort"] = FreePort.Next().ToString(CultureInfo.InvariantCulture),
    };

    /// <summary>Starts a process named <paramref name="name"/> (in <see cref="Tails"/>); it is stopped on dispose.</summary>
    public ServiceProcess Start(string name, IReadOnlyDictionary<string, string> settings)
    {
        var process = ServiceProcess.Start(settings);
        _processes.Add((name, process));
        return process;
    }

    /// <summary>The last lines each process wrote, so a failure in CI says what the silos saw.</summary>
    public string Tails()
    {
        var text = new StringBuilder();
        foreach (var (name, process) in _processes)
        {
            var lines = process.Output.Split('\n');
            text.Append(CultureInfo.InvariantCulture, $"--- {name} (last {TailLines} lines{(process.HasExited ? ", exited" : "")})\n");
            text.AppendJoin('\n', lines.TakeLast(TailLines)).Append('\n');
        }

        return text.ToString();
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var (_, process) in _processes)
        {
            await process.DisposeAsync();
        }
    }
}
