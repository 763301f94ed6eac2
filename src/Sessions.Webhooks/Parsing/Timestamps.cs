using System.Globalization;
using System.Runtime.InteropServices;
using System.Text.Json;

namespace Sessions.Webhooks.Parsing;

/// <summary>
/// Reads a provider time in any of the shapes the vendors use: ISO-8601 with <c>T</c> or with a space
/// (Dyte's <c>"2023-01-25 04:51:35.903816Z"</c>), with or without an offset (none means UTC), or epoch numbers.
/// </summary>
internal static class Timestamps
{
    // Epoch values from this size up are milliseconds (as seconds they would lie after the year 5000);
    // below it they are seconds. One rule for every field, so a provider switching units is still read right.
    private const long MillisecondsThreshold = 100_000_000_000;
    private const int MaxTextLength = 64;
    private const DateTimeStyles Utc = DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal;

    public static bool TryRead(JsonElement value, out DateTimeOffset time)
    {
        time = default;
        switch (value.ValueKind)
        {
            case JsonValueKind.Number:
                if (value.TryGetInt64(out var whole))
                {
                    return TryFromEpoch(whole, out time);
                }
                return value.TryGetDouble(out var real) && Math.Abs(real) < long.MaxValue && TryFromEpoch((long)real, out time);
            case JsonValueKind.String:
                // The raw token (quotes included) avoids allocating a string; escapes never occur in real times.
                var raw = JsonMarshal.GetRawUtf8Value(value);
                raw = raw[1..^1];
                if (raw.Length is 0 or > MaxTextLength || raw.Contains((byte)'\\'))
                {
                    return false;
                }
                Span<char> text = stackalloc char[raw.Length];
                for (var i = 0; i < raw.Length; i++)
                {
                    text[i] = (char)raw[i];
                }
                return TryParseText(text, out time);
            default:
                return false;
        }
    }

    private static bool TryParseText(ReadOnlySpan<char> text, out DateTimeOffset time)
    {
        if (long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var epoch))
        {
            return TryFromEpoch(epoch, out time);
        }
        // Only date-first shapes (yyyy-MM-dd…); the general parser would otherwise accept words like "June 10".
        if (text.Length < 10 || text[4] != '-' || text[7] != '-' || !char.IsAsciiDigit(text[0]))
        {
            time = default;
            return false;
        }
        return DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, Utc, out time);
    }

    private static bool TryFromEpoch(long value, out DateTimeOffset time)
    {
        var milliseconds = Math.Abs(value) >= MillisecondsThreshold ? value : value * 1000;
        if (milliseconds < DateTimeOffset.MinValue.ToUnixTimeMilliseconds() || milliseconds > DateTimeOffset.MaxValue.ToUnixTimeMilliseconds())
        {
            time = default;
            return false;
        }
        time = DateTimeOffset.FromUnixTimeMilliseconds(milliseconds);
        return true;
    }
}
