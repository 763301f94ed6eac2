using Microsoft.Extensions.DependencyInjection;
using Orleans.Serialization;
using Orleans.Serialization.Cloning;
using Orleans.Serialization.Serializers;
using Sessions.Canonical;

namespace Sessions.Abstractions.Hosting;

/// <summary>Serialization set-up every silo and client of Sessions shares.</summary>
public static class SerializationExtensions
{
    /// <summary>
    /// Lets the canonical events of Sessions.Canonical (plain records, no Orleans attributes) cross grain calls as JSON
    /// between processes, and pass by reference within one: they are immutable, so a local call needs no copy.
    /// </summary>
    public static ISerializerBuilder AddSessionsSerialization(this ISerializerBuilder serializer)
    {
        ArgumentNullException.ThrowIfNull(serializer);

        // Registered before the JSON codec, which would otherwise also be the copier: a JSON round trip per local call.
        serializer.Services.AddSingleton<IGeneralizedCopier, CanonicalCopier>();
        return serializer.AddJsonSerializer(isSupported: IsCanonical);
    }

    private static bool IsCanonical(Type type) => type.Assembly == typeof(CanonicalEvent).Assembly;

    /// <summary>The copier of canonical types: every one is an immutable record (init-only members, read-only lists).</summary>
    private sealed class CanonicalCopier : IGeneralizedCopier
    {
        public object? DeepCopy(object? input, CopyContext context) => input;

        public bool IsSupportedType(Type type) => IsCanonical(type);
    }
}
