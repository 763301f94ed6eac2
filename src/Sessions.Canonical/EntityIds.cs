namespace Sessions.Canonical;

/// <summary>
/// What an identifier from a provider may be, so that every stored entity can be read back by exactly one URL:
/// at most <see cref="MaxLength"/> characters, no control characters (a URL cannot carry them), and not <c>.</c> or
/// <c>..</c> (clients and servers resolve those path segments away).
/// </summary>
public static class EntityIds
{
    /// <summary>The longest identifier accepted, in UTF-16 characters.</summary>
    public const int MaxLength = 512;

    /// <summary>Why <paramref name="id"/> cannot be an identifier, or null when it can.</summary>
    public static string? Problem(string id)
    {
        ArgumentNullException.ThrowIfNull(id);
        if (id.Length > MaxLength)
        {
            return $"is {id.Length} characters long; identifiers are at most {MaxLength}";
        }

        if (id is "." or "..")
        {
            return $"is '{id}', which no URL can address";
        }

        var control = id.AsSpan().IndexOfAnyInRange('\u0000', '\u001f');
        if (control < 0)
        {
            control = id.AsSpan().IndexOfAnyInRange('\u007f', '\u009f');
        }

        return control >= 0 ? $"contains the control character U+{(int)id[control]:X4} at {control}, which no URL can address" : null;
    }
}
