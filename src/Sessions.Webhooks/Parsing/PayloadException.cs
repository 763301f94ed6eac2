namespace Sessions.Webhooks.Parsing;

/// <summary>A genuine body the adapters cannot use; the message names the offending field and becomes the 400 detail.</summary>
internal sealed class PayloadException(string message) : Exception(message)
{
    public static PayloadException Missing(string path) => new($"field '{path}' is missing");

    public static PayloadException WrongType(string path, string expected) => new($"field '{path}' must be {expected}");
}
