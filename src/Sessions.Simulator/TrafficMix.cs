using System.Globalization;

namespace Sessions.Simulator;

/// <summary>The share of deliveries per provider, as relative weights (<c>liveswitch=40,dyte=30,fastpix=30</c>).</summary>
public sealed record TrafficMix(double LiveSwitch, double Dyte, double FastPix)
{
    /// <summary>40 % LiveSwitch, 30 % Dyte, 30 % FastPix.</summary>
    public static TrafficMix Default { get; } = new(40, 30, 30);

    /// <summary>The providers with a weight above zero.</summary>
    public IReadOnlyList<string> Included => [.. Providers.All.Where(p => Weight(p) > 0)];

    /// <summary>The provider's share of all traffic, 0 to 1.</summary>
    public double Share(string provider) => Weight(provider) / (LiveSwitch + Dyte + FastPix);

    /// <summary>Reads <c>name=weight</c> pairs separated by commas; providers left out get weight 0.</summary>
    /// <exception cref="FormatException">An unknown provider, a weight that is not a number of at least 0, or all weights 0.</exception>
    public static TrafficMix Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var weights = new Dictionary<string, double>(StringComparer.OrdinalIgnoreCase);
        foreach (var part in text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var pair = part.Split('=', 2, StringSplitOptions.TrimEntries);
            if (pair.Length != 2 || !Providers.All.Contains(pair[0], StringComparer.OrdinalIgnoreCase))
            {
                throw new FormatException($"'{part}' is not provider=weight with a provider of: {string.Join(", ", Providers.All)}");
            }

            if (!double.TryParse(pair[1], NumberStyles.Float, CultureInfo.InvariantCulture, out var weight) || weight < 0 || !double.IsFinite(weight))
            {
                throw new FormatException($"the weight of {pair[0]} must be a number of at least 0, not '{pair[1]}'");
            }

            weights[pair[0]] = weight;
        }

        var mix = new TrafficMix(
            weights.GetValueOrDefault(Providers.LiveSwitch),
            weights.GetValueOrDefault(Providers.Dyte),
            weights.GetValueOrDefault(Providers.FastPix));
        return mix.Included.Count > 0 ? mix : throw new FormatException("at least one provider needs a weight above 0");
    }

    public override string ToString() =>
        string.Create(CultureInfo.InvariantCulture, $"{Providers.LiveSwitch}={LiveSwitch},{Providers.Dyte}={Dyte},{Providers.FastPix}={FastPix}");

    private double Weight(string provider) => provider switch
    {
        Providers.LiveSwitch => LiveSwitch,
        Providers.Dyte => Dyte,
        Providers.FastPix => FastPix,
        _ => 0,
    };
}
