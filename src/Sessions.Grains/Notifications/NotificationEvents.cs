using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;
using Sessions.Canonical;

namespace Sessions.Grains.Notifications;

/// <summary>Builds the events subscriptions receive: <c>{"id", "type", "timestamp", "data": {"kind", "provider", "id", "status", "previousStatus", …}}</c>.</summary>
public static class NotificationEvents
{
    /// <summary>As the HTTP API writes JSON: camelCase, status words as strings, nulls left out.</summary>
    public static JsonSerializerOptions Json { get; } = new(JsonSerializerDefaults.Web)
    {
        Converters = { new JsonStringEnumConverter(StatusWords.NamingPolicy) },
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    };

    /// <summary>
    /// The event <paramref name="type"/> about one entity, its data the entity's list item (<paramref name="item"/>) with
    /// the kind, status and previous status first, and <paramref name="extra"/> fields (a participant, a target) after.
    /// </summary>
    public static OutboxEntry About<TItem>(
        EntityKind kind,
        string provider,
        string id,
        string type,
        string status,
        string? previousStatus,
        TItem item,
        DateTimeOffset occurredAt,
        params (string Name, JsonNode? Value)[] extra)
    {
        var data = new JsonObject
        {
            ["kind"] = StatusWords.Of(kind),
            ["provider"] = provider,
            ["id"] = id,
            ["status"] = status,
            ["previousStatus"] = previousStatus,
        };
        if (JsonSerializer.SerializeToNode(item, Json) is JsonObject fields)
        {
            foreach (var (name, value) in fields.ToList())
            {
                fields.Remove(name);
                data.TryAdd(name, value);
            }
        }

        foreach (var (name, value) in extra)
        {
            data[name] = value;
        }

        return new OutboxEntry($"{StatusWords.Of(kind)}/{provider}/{id}", type, provider, occurredAt, Event(type, occurredAt, data));
    }

    /// <summary>The <c>ping</c> event the test endpoint sends.</summary>
    public static byte[] Ping(DateTimeOffset at) => Event(EventTypes.Ping, at, new JsonObject { ["message"] = "Sessions says hello" });

    private static byte[] Event(string type, DateTimeOffset at, JsonObject data) =>
        JsonSerializer.SerializeToUtf8Bytes(new JsonObject
        {
            ["id"] = $"evt_{Guid.CreateVersion7(at):N}",
            ["type"] = type,
            ["timestamp"] = at,
            ["data"] = data,
        }, Json);
}
