using System.Collections.Frozen;
using System.Text.Json;

namespace Sessions.Canonical;

/// <summary>
/// The one owner of the words the API, the indexes and the dashboard use for status and health values: the enum
/// member's name in camelCase (<c>Registered</c> → <c>registered</c>). HTTP JSON uses <see cref="NamingPolicy"/>, so the
/// words on the wire and in the indexes cannot drift apart.
/// </summary>
public static class StatusWords
{
    /// <summary>The naming policy that turns enum member names into words; the HTTP JSON options use it too.</summary>
    public static JsonNamingPolicy NamingPolicy { get; } = JsonNamingPolicy.CamelCase;

    /// <summary>The word for <paramref name="value"/>.</summary>
    public static string Of<TEnum>(TEnum value)
        where TEnum : struct, Enum =>
        Words<TEnum>.ByValue.TryGetValue(value, out var word)
            ? word
            : throw new ArgumentOutOfRangeException(nameof(value), value, $"not a defined {typeof(TEnum).Name}");

    /// <summary>Every word of <typeparamref name="TEnum"/>, in declaration order.</summary>
    public static IReadOnlyList<string> All<TEnum>()
        where TEnum : struct, Enum => Words<TEnum>.InOrder;

    /// <summary>The value a word names, ignoring case; false for anything else (numbers included).</summary>
    public static bool TryParse<TEnum>(string? word, out TEnum value)
        where TEnum : struct, Enum => Words<TEnum>.ByWord.TryGetValue(word ?? "", out value);

    private static class Words<TEnum>
        where TEnum : struct, Enum
    {
        public static readonly IReadOnlyList<string> InOrder = [.. Enum.GetValues<TEnum>().Select(v => NamingPolicy.ConvertName(v.ToString()))];

        public static readonly FrozenDictionary<TEnum, string> ByValue =
            Enum.GetValues<TEnum>().ToFrozenDictionary(v => v, v => NamingPolicy.ConvertName(v.ToString()));

        public static readonly FrozenDictionary<string, TEnum> ByWord =
            Enum.GetValues<TEnum>().ToFrozenDictionary(v => NamingPolicy.ConvertName(v.ToString()), v => v, StringComparer.OrdinalIgnoreCase);
    }
}
