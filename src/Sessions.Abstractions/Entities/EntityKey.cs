namespace Sessions.Abstractions.Entities;

/// <summary>Builds and splits grain keys of the form <c>{provider}/{id}</c>.</summary>
/// <remarks>
/// The provider prefix keeps keys non-hex, which Orleans' ADO.NET storage needs to keep string keys apart. Braces and
/// the percent sign are percent-encoded: the storage provider formats messages with the grain id and fails on a brace.
/// </remarks>
public static class EntityKey
{
    /// <summary>The grain key of an entity.</summary>
    public static string Of(string provider, string id)
    {
        ArgumentNullException.ThrowIfNull(id);
        var safe = id.AsSpan().IndexOfAny('%', '{', '}') < 0
            ? id
            : id.Replace("%", "%25", StringComparison.Ordinal).Replace("{", "%7B", StringComparison.Ordinal).Replace("}", "%7D", StringComparison.Ordinal);
        return $"{provider}/{safe}";
    }

    /// <summary>Splits a grain key back into provider and id.</summary>
    public static (string Provider, string Id) Split(string key)
    {
        ArgumentNullException.ThrowIfNull(key);
        var slash = key.IndexOf('/', StringComparison.Ordinal);
        var id = slash < 0 ? key : key[(slash + 1)..];
        if (id.Contains('%', StringComparison.Ordinal))
        {
            id = id.Replace("%7B", "{", StringComparison.Ordinal).Replace("%7D", "}", StringComparison.Ordinal).Replace("%25", "%", StringComparison.Ordinal);
        }

        return slash < 0 ? ("", id) : (key[..slash], id);
    }
}
