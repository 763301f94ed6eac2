using System.Collections.ObjectModel;
using Sessions.Abstractions.Applications;
using Sessions.Abstractions.Entities;
using Sessions.Grains.Entities;
using Sessions.Webhooks.Events;

namespace Sessions.Grains.Applications;

/// <summary>
/// Applications (LiveSwitch client presence): each client is registered when its newest presence event is a
/// registration (ties: unregistered wins); activity moves only that client's last-seen. An application never finishes.
/// </summary>
public sealed class ApplicationStateMachine : IEntityStateMachine<ApplicationState, ApplicationSnapshot>
{
    private const int Registers = 0;
    private const int Unregisters = 1;

    /// <summary>How many unregistered clients an application remembers (see <see cref="ApplicationState"/>).</summary>
    public const int UnregisteredKept = 1000;

    public static EntityKind Kind => EntityKind.Application;

    public static bool Apply(ApplicationState state, CanonicalEvent evt)
    {
        ArgumentNullException.ThrowIfNull(state);
        ArgumentNullException.ThrowIfNull(evt);
        var (clientId, registered) = evt.Change switch
        {
            ClientPresenceChanged presence => (presence.ClientId, (bool?)presence.Registered),
            ClientSeen seen => (seen.ClientId, null),
            _ => (null, null),
        };
        if (clientId is null)
        {
            return false;
        }

        var known = state.Clients.TryGetValue(clientId, out var client);
        if (client is null)
        {
            client = new ApplicationClient { LastSeenAt = evt.OccurredAt };
            state.Clients[clientId] = client;
        }

        var before = known ? View(clientId, client) : null;
        if (registered is { } value)
        {
            client.Registered.KeepHighest(EventStamp.TimeFirst(evt.OccurredAt, value ? Registers : Unregisters, evt.DedupeKey), value);
        }

        if (evt.OccurredAt > client.LastSeenAt)
        {
            client.LastSeenAt = evt.OccurredAt;
        }

        var changed = View(clientId, client) != before;
        ForgetOldestUnregistered(state);
        return changed;
    }

    public static ApplicationSnapshot Snapshot(ApplicationState state, EntityHeader header, IReadOnlyList<TimelineEntry> timeline)
    {
        ArgumentNullException.ThrowIfNull(state);
        ArgumentNullException.ThrowIfNull(header);
        var clients = state.Clients.Select(pair => View(pair.Key, pair.Value)).OrderBy(view => view.Id, StringComparer.Ordinal).ToArray();
        return new ApplicationSnapshot(header.Provider, header.Id, RegisteredClients(state), clients, header.LastEventAt, timeline);
    }

    public static ApplicationSnapshot ListItem(ApplicationState state, EntityHeader header)
    {
        ArgumentNullException.ThrowIfNull(header);
        return new ApplicationSnapshot(header.Provider, header.Id, RegisteredClients(state), null, header.LastEventAt, null);
    }

    /// <summary><c>active</c> while any client is registered, else <c>idle</c>.</summary>
    public static string Status(ApplicationState state) => RegisteredClients(state) > 0 ? "active" : "idle";

    public static IReadOnlyDictionary<string, string> Facets(ApplicationState state) => ReadOnlyDictionary<string, string>.Empty;

    public static DateTimeOffset? FinishedAt(ApplicationState state) => null;

    private static int RegisteredClients(ApplicationState state)
    {
        ArgumentNullException.ThrowIfNull(state);
        return state.Clients.Values.Count(client => client.Registered.Value);
    }

    private static void ForgetOldestUnregistered(ApplicationState state)
    {
        var unregistered = state.Clients.Where(pair => !pair.Value.Registered.Value).ToList();
        if (unregistered.Count <= UnregisteredKept)
        {
            return;
        }

        foreach (var (id, _) in unregistered.OrderBy(pair => pair.Value.LastSeenAt).ThenBy(pair => pair.Key, StringComparer.Ordinal)
                     .Take(unregistered.Count - UnregisteredKept))
        {
            state.Clients.Remove(id);
        }
    }

    private static ClientView View(string id, ApplicationClient client) =>
        new(id, client.Registered.Value, client.Registered.Stamp?.At, client.LastSeenAt);
}
