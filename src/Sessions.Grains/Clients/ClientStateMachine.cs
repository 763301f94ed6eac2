using Sessions.Abstractions.Clients;
using Sessions.Abstractions.Entities;
using Sessions.Grains.Entities;
using Sessions.Canonical;

namespace Sessions.Grains.Clients;

/// <summary>
/// Clients (LiveSwitch presence): registered while the newest presence event is a registration (ties: unregistered);
/// activity moves last-seen and the client's facts, and a client seen only through activity counts as registered.
/// An unregistered client is finished, so retention removes it like any finished entity.
/// </summary>
/// <remarks>
/// Applications have no grain of their own: the index counts clients by the <see cref="ClientFacets"/>, so an
/// application costs nothing per event and any number of its clients can register at once.
/// </remarks>
public sealed class ClientStateMachine : IEntityStateMachine<ClientState, ClientSnapshot>
{
    private const int RegisteredRank = 0;
    private const int UnregisteredRank = 1;

    public static EntityKind Kind => EntityKind.Client;

    public static bool Apply(ClientState state, CanonicalEvent evt)
    {
        ArgumentNullException.ThrowIfNull(state);
        ArgumentNullException.ThrowIfNull(evt);
        var (applicationId, registered, info) = evt.Change switch
        {
            ClientRegistrationChanged change => (change.ApplicationId, (bool?)change.Registered, change.Info),
            ClientActive active => (active.ApplicationId, null, active.Info),
            _ => (null, null, null),
        };
        if (applicationId is null)
        {
            return false;
        }

        var before = View(state);
        if (registered is { } value)
        {
            state.Registered.KeepHighest(EventStamp.TimeFirst(evt.OccurredAt, value ? RegisteredRank : UnregisteredRank, evt.DedupeKey), value);
        }

        var stamp = EventStamp.TimeFirst(evt.OccurredAt, 0, evt.DedupeKey);
        state.ApplicationId.KeepHighest(stamp, applicationId);
        state.Facts.Offer(stamp, info is null ? null : Facts(info));
        return View(state) != before;
    }

    public static ClientSnapshot Snapshot(ClientState state, EntityHeader header, IReadOnlyList<TimelineEntry> timeline) =>
        Render(state, header, timeline);

    /// <summary>The list item leaves out the ids and software facts: every client's item stays in memory in the index.</summary>
    public static ClientSnapshot ListItem(ClientState state, EntityHeader header)
    {
        var full = Render(state, header, null);
        return full with { UserId = null, DeviceId = null, Roles = null, Protocol = null, Version = null, OperatingSystem = null };
    }

    public static string Status(ClientState state) => StatusWords.Of(Presence(state));

    public static IReadOnlyDictionary<string, string> Facets(ClientState state)
    {
        ArgumentNullException.ThrowIfNull(state);
        var application = state.ApplicationId.Value ?? "";
        return Presence(state) == ClientStatus.Registered
            ? new Dictionary<string, string>(StringComparer.Ordinal) { [ClientFacets.Application] = application, [ClientFacets.RegisteredApplication] = application }
            : new Dictionary<string, string>(StringComparer.Ordinal) { [ClientFacets.Application] = application };
    }

    /// <summary>The application, and the user's and device's display names and the tag (what the list item shows).</summary>
    public static IReadOnlyList<string> SearchTerms(ClientState state)
    {
        ArgumentNullException.ThrowIfNull(state);
        var facts = state.Facts.Value;
        return SearchText.Of([state.ApplicationId.Value, facts?.UserAlias, facts?.DeviceAlias, facts?.Tag]);
    }

    public static DateTimeOffset? FinishedAt(ClientState state)
    {
        ArgumentNullException.ThrowIfNull(state);
        return Presence(state) == ClientStatus.Unregistered ? state.Registered.Stamp?.At : null;
    }

    /// <summary>Everything a snapshot shows, compared by value (the facts' roles too).</summary>
    private static (ClientStatus, DateTimeOffset?, string?, ClientFacts?) View(ClientState state) =>
        (Presence(state), state.Registered.Stamp?.At, state.ApplicationId.Value, state.Facts.Value);

    private static ClientStatus Presence(ClientState state) =>
        state.Registered.Stamp is null || state.Registered.Value ? ClientStatus.Registered : ClientStatus.Unregistered;

    private static ClientFacts Facts(ClientInfo info) => new(
        info.UserId, info.UserAlias, info.DeviceId, info.DeviceAlias, info.Tag, info.Region, info.Roles ?? [], info.Protocol, info.Version, info.OperatingSystem);

    private static ClientSnapshot Render(ClientState state, EntityHeader header, IReadOnlyList<TimelineEntry>? timeline)
    {
        ArgumentNullException.ThrowIfNull(state);
        ArgumentNullException.ThrowIfNull(header);
        var facts = state.Facts.Value;
        return new ClientSnapshot(
            header.Provider,
            header.Id,
            state.ApplicationId.Value,
            Presence(state),
            facts?.UserId,
            facts?.UserAlias,
            facts?.DeviceId,
            facts?.DeviceAlias,
            facts?.Tag,
            facts?.Region,
            facts?.Roles,
            facts?.Protocol,
            facts?.Version,
            facts?.OperatingSystem,
            state.Registered.Stamp?.At,
            header.FirstEventAt,
            header.LastEventAt,
            timeline);
    }

}
