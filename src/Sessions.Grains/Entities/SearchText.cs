namespace Sessions.Grains.Entities;

/// <summary>Builds the <see cref="IEntityStateMachine{TState, TSnapshot}.SearchTerms"/> of an entity.</summary>
internal static class SearchText
{
    /// <summary>
    /// The values that are set, each once, as an array: Orleans' serializer has a codec for <c>string[]</c>, where for
    /// the type a collection expression makes it searched its providers afresh on every index entry it stored.
    /// </summary>
    public static IReadOnlyList<string> Of(IEnumerable<string?> values) =>
        values.Where(value => !string.IsNullOrEmpty(value)).Distinct(StringComparer.Ordinal).ToArray()!;
}
