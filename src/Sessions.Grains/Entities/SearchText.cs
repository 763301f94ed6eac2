namespace Sessions.Grains.Entities;

/// <summary>Builds the <see cref="IEntityStateMachine{TState, TSnapshot}.SearchTerms"/> of an entity.</summary>
internal static class SearchText
{
    /// <summary>The values that are set, each once.</summary>
    public static IReadOnlyList<string> Of(IEnumerable<string?> values) =>
        [.. values.Where(value => !string.IsNullOrEmpty(value)).Distinct(StringComparer.Ordinal)!];
}
