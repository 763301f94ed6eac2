namespace Sessions.Service.Queries;

/// <summary>
/// The search and time window every list takes (<c>?q=&amp;since=&amp;until=</c>), on top of its own filters and cursor.
/// A time that does not parse is a 400 naming the parameter (like every query value); <c>since</c> after <c>until</c>
/// is a 400 too (<see cref="Endpoints.EntityQueries"/>). The constants are the parameters' OpenAPI descriptions.
/// </summary>
public sealed record ListSearch(string? Q, DateTimeOffset? Since, DateTimeOffset? Until)
{
    public const string QDescription =
        "Text to find, without case: the id, and per kind a session's title, organizer and participants' names and ids; "
        + "a server's machine name; a recording's or livestream's session id (and a livestream's simulcast target ids); "
        + "a client's application, user and device display names and tag.";

    public const string SinceDescription = "ISO-8601 time: only entities whose last event is at or after it.";

    public const string UntilDescription = "ISO-8601 time: only entities whose last event is before it.";
}
