using System.Text.Json.Serialization;
using Sessions.Abstractions.Webhooks;

namespace Sessions.Service.Storage;

/// <summary>
/// How a raw log row's headers and outcomes are written and read as JSON, generated at build time: every webhook writes
/// both, and the reflection-based serializer allocated its own working stack for each.
/// </summary>
[JsonSerializable(typeof(IReadOnlyDictionary<string, string>))]
[JsonSerializable(typeof(IReadOnlyList<EventOutcome>))]
internal sealed partial class RawLogJson : JsonSerializerContext;
