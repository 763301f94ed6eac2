using Sessions.Webhooks.Events;

namespace Sessions.Abstractions.Entities;

/// <summary>Builds and splits grain keys of the form <c>{provider}/{id}</c>.</summary>
/// <remarks>The provider prefix also keeps keys non-hex, which Orleans' ADO.NET storage needs to keep string keys apart.</remarks>
public static class EntityKey
{
    /// <summary>The grain key of an entity.</summary>
    public static string Of(string provider, string id) => $"{provider}/{id}";

    /// <summary>The grain key of the entity a canonical event is about.</summary>
    public static string Of(CanonicalEvent evt)
    {
        ArgumentNullException.ThrowIfNull(evt);
        return Of(evt.Provider, evt.EntityId);
    }

    /// <summary>Splits a grain key back into provider and id.</summary>
    public static (string Provider, string Id) Split(string key)
    {
        ArgumentNullException.ThrowIfNull(key);
        var slash = key.IndexOf('/', StringComparison.Ordinal);
        return slash < 0 ? ("", key) : (key[..slash], key[(slash + 1)..]);
    }
}
