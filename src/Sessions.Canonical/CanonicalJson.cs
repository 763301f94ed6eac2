using System.Text.Json;
using System.Text.Json.Serialization;

namespace Sessions.Canonical;

/// <summary>
/// The stored form of a canonical event (the entity journal's payload): System.Text.Json with generated metadata, enums
/// as their names. Stored rows outlive releases, so the shape only grows: new optional members, new change types.
/// </summary>
public static class CanonicalJson
{
    /// <summary>The UTF-8 JSON of <paramref name="evt"/>.</summary>
    public static byte[] Serialize(CanonicalEvent evt) => JsonSerializer.SerializeToUtf8Bytes(evt, CanonicalJsonContext.Default.CanonicalEvent);

    /// <summary>The event stored as <paramref name="json"/>; throws <see cref="JsonException"/> when it is not one.</summary>
    public static CanonicalEvent Deserialize(ReadOnlySpan<byte> json) =>
        JsonSerializer.Deserialize(json, CanonicalJsonContext.Default.CanonicalEvent)
        ?? throw new JsonException("a stored canonical event is null");
}

[JsonSourceGenerationOptions(UseStringEnumConverter = true, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(CanonicalEvent))]
internal sealed partial class CanonicalJsonContext : JsonSerializerContext;
