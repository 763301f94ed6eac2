using System.Buffers;
using System.Globalization;
using System.Text.Encodings.Web;
using System.Text.Json;

namespace Sessions.Simulator.Traffic;

/// <summary>Compact JSON in the key order the caller writes, escaped as Node's <c>JSON.stringify</c> would (no HTML escaping).</summary>
internal static class Json
{
    private static readonly JsonWriterOptions Options = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    public static byte[] Write(Action<Utf8JsonWriter> write)
    {
        var buffer = new ArrayBufferWriter<byte>(1024);
        using (var writer = new Utf8JsonWriter(buffer, Options))
        {
            write(writer);
        }

        return buffer.WrittenSpan.ToArray();
    }
}

/// <summary>The providers' time formats.</summary>
internal static class Times
{
    /// <summary>ISO-8601 with milliseconds and <c>Z</c> (FastPix, Dyte meeting and participant times).</summary>
    public static string Iso(DateTimeOffset at) => at.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture);

    /// <summary>Dyte's recording form: a space instead of <c>T</c>, microseconds.</summary>
    public static string DyteRecording(DateTimeOffset at) => at.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss.ffffff'Z'", CultureInfo.InvariantCulture);
}
