using Orleans.Serialization;
using Sessions.Canonical;

namespace Sessions.Abstractions.Hosting;

/// <summary>Serialization set-up every silo and client of Sessions shares.</summary>
public static class SerializationExtensions
{
    /// <summary>Lets the canonical events of Sessions.Canonical (plain records, no Orleans attributes) cross grain calls as JSON.</summary>
    public static ISerializerBuilder AddSessionsSerialization(this ISerializerBuilder serializer) =>
        serializer.AddJsonSerializer(isSupported: type => type.Assembly == typeof(CanonicalEvent).Assembly);
}
