using System.Text.Json;
using Sessions.Canonical;

namespace Sessions.Webhooks.Parsing;

/// <summary>
/// One JSON object of a webhook body together with its path, so that every field read can name itself in an error.
/// Required reads fail with a <see cref="PayloadException"/>; optional reads treat a value of the wrong type as absent,
/// so a provider that adds or reshapes a detail field does not get its events rejected. Identifier fields (named
/// <c>id</c>, <c>…Id</c>, <c>…_id</c> or <c>…UUID</c>) that are present must be valid <see cref="EntityIds"/>, required or not.
/// </summary>
internal readonly struct JsonFields
{
    private readonly JsonElement _element;
    private readonly string _path;

    private JsonFields(JsonElement element, string path)
    {
        _element = element;
        _path = path;
    }

    /// <summary>The body itself, which must be a JSON object.</summary>
    public static JsonFields Root(JsonElement root) =>
        root.ValueKind == JsonValueKind.Object
            ? new JsonFields(root, "")
            : throw new PayloadException($"body must be a JSON object, not {Describe(root.ValueKind)}");

    /// <summary>One element of a top-level array (a batch), which must be a JSON object.</summary>
    public static JsonFields Item(JsonElement element, int index) =>
        element.ValueKind == JsonValueKind.Object
            ? new JsonFields(element, $"[{index}]")
            : throw new PayloadException($"item [{index}] must be a JSON object, not {Describe(element.ValueKind)}");

    public string RequiredString(string name)
    {
        if (!TryGetValue(name, out var value))
        {
            throw PayloadException.Missing(PathOf(name));
        }
        if (value.ValueKind != JsonValueKind.String)
        {
            throw PayloadException.WrongType(PathOf(name), "a string");
        }
        var text = ReadString(value, name);
        return text.Length > 0 ? text : throw new PayloadException($"field '{PathOf(name)}' must not be empty");
    }

    /// <summary>A string, or null when absent, null, empty or not a string (an empty id names nothing).</summary>
    public string? OptionalString(string name) =>
        TryGetValue(name, out var value) && value.ValueKind == JsonValueKind.String && ReadString(value, name) is { Length: > 0 } text ? text : null;

    /// <summary>Whether a field holds an identifier, by its name: <c>id</c>, <c>channelId</c>, <c>rec_id</c>, <c>roomUUID</c>.</summary>
    private static bool IsIdentifier(string name) =>
        name == "id" || name.EndsWith("Id", StringComparison.Ordinal) || name.EndsWith("_id", StringComparison.Ordinal)
        || name.EndsWith("UUID", StringComparison.Ordinal);

    public JsonFields RequiredObject(string name)
    {
        if (!TryGetValue(name, out var value))
        {
            throw PayloadException.Missing(PathOf(name));
        }
        return value.ValueKind == JsonValueKind.Object
            ? new JsonFields(value, PathOf(name))
            : throw PayloadException.WrongType(PathOf(name), "an object");
    }

    public JsonFields? OptionalObject(string name) =>
        TryGetValue(name, out var value) && value.ValueKind == JsonValueKind.Object ? new JsonFields(value, PathOf(name)) : null;

    public bool? OptionalBool(string name) =>
        TryGetValue(name, out var value) && value.ValueKind is JsonValueKind.True or JsonValueKind.False
            ? value.ValueKind == JsonValueKind.True
            : null;

    /// <summary>The largest whole number a JSON reader that uses doubles (the dashboard, JavaScript) reads exactly: 2^53 - 1.</summary>
    public const long MaxSafeWhole = 9_007_199_254_740_991;

    /// <summary>The most cores a server is believed to report; more is a mistake, not a machine.</summary>
    public const int MaxCores = 65_536;

    /// <summary>
    /// A detail number: a JSON number that is whole (<c>1e3</c> counts) and within [<paramref name="min"/>,
    /// <paramref name="max"/>]. Anything else (a string such as <c>"12"</c>, a fraction, <c>-5</c>, <c>1e100</c>) is
    /// treated as absent: the number is a detail, and the event it comes with still counts.
    /// </summary>
    public long? OptionalWhole(string name, long min, long max)
    {
        if (!TryGetValue(name, out var value) || value.ValueKind != JsonValueKind.Number)
        {
            return null;
        }
        long whole;
        if (!value.TryGetInt64(out whole))
        {
            if (!value.TryGetDouble(out var real) || real != Math.Floor(real) || Math.Abs(real) > MaxSafeWhole)
            {
                return null;
            }
            whole = (long)real;
        }
        return whole >= min && whole <= max ? whole : null;
    }

    public IReadOnlyList<string>? OptionalStrings(string name)
    {
        if (!TryGetValue(name, out var value) || value.ValueKind != JsonValueKind.Array)
        {
            return null;
        }
        var list = new List<string>(value.GetArrayLength());
        foreach (var item in value.EnumerateArray())
        {
            if (item.ValueKind == JsonValueKind.String)
            {
                list.Add(ReadString(item, name));
            }
        }
        return list;
    }

    /// <summary>
    /// The time that orders the event: absent or null gives null (the caller falls back to the receive time);
    /// present but unreadable is an error, because guessing the time would let a stale event win.
    /// </summary>
    public DateTimeOffset? EventTime(string name)
    {
        if (!TryGetValue(name, out var value))
        {
            return null;
        }
        return Timestamps.TryRead(value, out var time)
            ? time
            : throw PayloadException.WrongType(PathOf(name), "a time (ISO-8601 or epoch seconds/milliseconds)");
    }

    /// <summary>A detail time (start, stop, expiry); unreadable values are treated as absent.</summary>
    public DateTimeOffset? OptionalTime(string name) =>
        TryGetValue(name, out var value) && Timestamps.TryRead(value, out var time) ? time : null;

    private bool TryGetValue(string name, out JsonElement value)
    {
        try
        {
            return _element.TryGetProperty(name, out value) && value.ValueKind != JsonValueKind.Null;
        }
        catch (InvalidOperationException)
        {
            // Lookup unescapes the object's property names; one with a broken surrogate escape is no valid text.
            throw new PayloadException(_path.Length == 0 ? "a property name of the body is not valid text" : $"a property name in '{_path}' is not valid text");
        }
    }

    private string ReadString(JsonElement value, string name)
    {
        string text;
        try
        {
            text = value.GetString()!;
        }
        catch (InvalidOperationException)
        {
            // A lone surrogate escape such as "\uD800" is valid JSON syntax but no valid text.
            throw PayloadException.WrongType(PathOf(name), "valid text");
        }

        return IsIdentifier(name) && text.Length > 0 && EntityIds.Problem(text) is { } problem
            ? throw new PayloadException($"field '{PathOf(name)}' {problem}")
            : text;
    }

    private string PathOf(string name) => _path.Length == 0 ? name : $"{_path}.{name}";

    private static string Describe(JsonValueKind kind) => kind switch
    {
        JsonValueKind.Array => "an array",
        JsonValueKind.String => "a string",
        JsonValueKind.Number => "a number",
        JsonValueKind.True or JsonValueKind.False => "a boolean",
        JsonValueKind.Null => "null",
        _ => "an object",
    };
}
