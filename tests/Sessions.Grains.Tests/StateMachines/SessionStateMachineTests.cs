using Sessions.Grains.Sessions;
using Sessions.Canonical;
using static Sessions.Grains.Tests.StateMachines.Canonical;

namespace Sessions.Grains.Tests.StateMachines;

/// <summary>The session rows of design/providers.md (LiveSwitch channels and connections, Dyte meetings, eyeson rooms).</summary>
public sealed class SessionStateMachineTests
{
    private static CanonicalEvent Status(SessionStatus status, double seconds, string? title = null, string? reason = null, string? organizer = null) =>
        At(seconds, new SessionStatusChanged(status, title, reason) { Organizer = organizer });

    private static CanonicalEvent Joined(string id, double seconds, string? name = null) => At(seconds, new ParticipantChanged(id, true, name));

    private static CanonicalEvent Left(string id, double seconds) => At(seconds, new ParticipantChanged(id, false));

    private static CanonicalEvent Connection(string id, ConnectionStatus state, double seconds, string? participant = null) =>
        At(seconds, new ConnectionChanged(id, state, participant));

    [Fact]
    public void ActivatedThenDeactivatedEndsTheSession()
    {
        var (state, session) = Session(Status(SessionStatus.Active, 0), Status(SessionStatus.Ended, 600));

        Assert.Equal((SessionStatus.Ended, T0, T0.AddSeconds(600)), (session.Status, session.StartedAt, session.EndedAt));
        Assert.Equal("ended", SessionStateMachine.Status(state));
        Assert.Equal(T0.AddSeconds(600), SessionStateMachine.FinishedAt(state));
    }

    [Fact]
    public void MeetingStartedKeepsTitleAndOrganizerAndEndedKeepsTheReason()
    {
        var (_, active) = Session(Status(SessionStatus.Active, 0, "Weekly sync", organizer: "Org"));
        var (_, ended) = Session(Status(SessionStatus.Active, 0, "Weekly sync", organizer: "Org"), Status(SessionStatus.Ended, 60, "Weekly sync", "ALL_PARTICIPANTS_LEFT"));

        Assert.Equal(("Weekly sync", "Org", null, null), (active.Title, active.Organizer, active.EndReason, active.EndedAt));
        Assert.Equal(("Weekly sync", "Org", "ALL_PARTICIPANTS_LEFT"), (ended.Title, ended.Organizer, ended.EndReason));
    }

    [Fact]
    public void SessionWithoutAStatusEventIsActive()
    {
        var (state, session) = Session(Joined("p1", 0));

        Assert.Equal("active", SessionStateMachine.Status(state));
        Assert.Equal((SessionStatus.Active, null), (session.Status, session.StartedAt));
        Assert.Null(SessionStateMachine.FinishedAt(state));
    }

    [Fact]
    public void EndedWinsATieWithActiveAndALaterActiveReopens()
    {
        var (_, tie) = Session(Status(SessionStatus.Ended, 10), Status(SessionStatus.Active, 10));
        var (_, reopened) = Session(Status(SessionStatus.Active, 20), Status(SessionStatus.Ended, 10), Status(SessionStatus.Active, 0));

        Assert.Equal(SessionStatus.Ended, tie.Status);
        Assert.Equal((SessionStatus.Active, T0, null, null), (reopened.Status, reopened.StartedAt, reopened.EndedAt, reopened.EndReason));
    }

    [Fact]
    public void ParticipantsArePresentUntilTheyLeave()
    {
        var (state, session) = Session(Joined("alice", 1, "Alice"), Joined("bob", 2, "Bob"), Left("alice", 10));

        Assert.Equal(
            [new("alice", "Alice", T0.AddSeconds(1), T0.AddSeconds(10), false), new("bob", "Bob", T0.AddSeconds(2), null, true)],
            session.Participants!);
        Assert.Equal((1, 2), (session.ParticipantCount, session.PeakParticipants));
        Assert.Null(SessionStateMachine.ListItem(state, Header).Participants);
    }

    [Fact]
    public void LateJoinDoesNotResurrectAParticipantWhoLeftLater()
    {
        var (state, _) = Session(Left("alice", 10));

        Assert.True(SessionStateMachine.Apply(state, Joined("alice", 1, "Alice")));
        var participant = Assert.Single(SessionStateMachine.Snapshot(state, Header, []).Participants!);

        Assert.Equal(("Alice", false, T0.AddSeconds(1), T0.AddSeconds(10)), (participant.Name, participant.Present, participant.JoinedAt, participant.LeftAt));
    }

    [Fact]
    public void LeaveWinsATieWithJoin()
    {
        var (_, session) = Session(Left("alice", 5), Joined("alice", 5));

        Assert.Equal((0, 0), (session.ParticipantCount, session.PeakParticipants));
    }

    [Fact]
    public void RejoinMakesAParticipantPresentAgain()
    {
        var (_, session) = Session(Joined("alice", 0), Left("alice", 10), Joined("alice", 20));

        Assert.Equal((true, T0.AddSeconds(20), null), (session.Participants![0].Present, session.Participants[0].JoinedAt, session.Participants[0].LeftAt));
    }

    [Fact]
    public void PeakCountsParticipantsPresentAtTheSameTime()
    {
        // alice 0–10, bob 5–20, carol 10–30: at most two at once, since alice leaves when carol joins.
        var (_, session) = Session(Joined("alice", 0), Joined("bob", 5), Left("alice", 10), Joined("carol", 10), Left("bob", 20), Left("carol", 30));

        Assert.Equal((0, 2), (session.ParticipantCount, session.PeakParticipants));
    }

    [Fact]
    public void PeakIsComputedFromEventTimesNotArrival()
    {
        // Arrival order would show three at once (the leaves arrive last); by event time there were never more than one.
        var (_, session) = Session(Joined("a", 0), Joined("b", 20), Joined("c", 40), Left("a", 10), Left("b", 30));

        Assert.Equal((1, 1), (session.ParticipantCount, session.PeakParticipants));
    }

    [Fact]
    public void PeakKeepsOnlyTheNewestMarksPerParticipant()
    {
        var events = new List<CanonicalEvent> { Joined("bob", 0) };
        for (var i = 0; i < SessionStateMachine.MaxMarksPerParticipant; i++)
        {
            events.Add(Joined("alice", 100 + (i * 10)));
            events.Add(Left("alice", 105 + (i * 10)));
        }

        var (state, session) = Session(events);

        Assert.Equal(SessionStateMachine.MaxMarksPerParticipant, state.Participants["alice"].Marks.Count);
        Assert.Equal((1, 2), (session.ParticipantCount, session.PeakParticipants));
        Assert.False(SessionStateMachine.Apply(state, Joined("alice", 100)));
    }

    [Fact]
    public void ConnectionsKeepTheFurthestStateReached()
    {
        var (state, session) = Session(
            Connection("c1", ConnectionStatus.Initializing, 0, "alice"), Connection("c1", ConnectionStatus.Connecting, 1),
            Connection("c1", ConnectionStatus.Connected, 2), Connection("c2", ConnectionStatus.Failing, 3, "bob"), Connection("c2", ConnectionStatus.Failed, 4));

        Assert.Equal(
            [new("c1", "alice", ConnectionStatus.Connected, T0.AddSeconds(2)), new("c2", "bob", ConnectionStatus.Failed, T0.AddSeconds(4))],
            session.Connections!);
        Assert.Null(SessionStateMachine.ListItem(state, Header).Connections);
    }

    [Fact]
    public void LateConnectedDoesNotReopenAClosedConnection()
    {
        var (state, _) = Session(Connection("c1", ConnectionStatus.Closed, 60, "alice"));

        Assert.False(SessionStateMachine.Apply(state, Connection("c1", ConnectionStatus.Connected, 2, "alice")));
        Assert.Equal(ConnectionStatus.Closed, SessionStateMachine.Snapshot(state, Header, []).Connections![0].State);
    }

    [Fact]
    public void ClosingAndFailingShareARankSoTheNewerOneWins()
    {
        var (_, session) = Session(Connection("c1", ConnectionStatus.Closing, 10), Connection("c1", ConnectionStatus.Failing, 5));

        Assert.Equal(ConnectionStatus.Closing, session.Connections![0].State);
    }

    [Fact]
    public void LinksAreUnionsByKind()
    {
        var (state, session) = Session(
            At(0, new SessionLinked(EntityKind.Recording, "r2")), At(1, new SessionLinked(EntityKind.Recording, "r1")),
            At(2, new SessionLinked(EntityKind.Livestream, "l1")), At(3, new SessionLinked(EntityKind.Session, "supervisor")));

        Assert.Equal(["r1", "r2"], session.Recordings);
        Assert.Equal(["l1"], session.Livestreams);
        Assert.Equal(["supervisor"], session.LinkedSessions);
        Assert.False(SessionStateMachine.Apply(state, At(9, new SessionLinked(EntityKind.Recording, "r1"))));
    }

    [Fact]
    public void ArtefactsKeepTheNewestPerKindAndEverySnapshot()
    {
        var (_, session) = Session(
            At(0, new SessionArtefactAdded("chat", "https://old")), At(10, new SessionArtefactAdded("chat", "https://new")),
            At(5, new SessionArtefactAdded("snapshot", "https://s1")), At(6, new SessionArtefactAdded("snapshot", "https://s2")),
            At(7, new SessionArtefactAdded("transcript", "https://t")));

        Assert.Equal(
            [new("snapshot", "https://s1", T0.AddSeconds(5)), new("snapshot", "https://s2", T0.AddSeconds(6)), new("transcript", "https://t", T0.AddSeconds(7)), new("chat", "https://new", T0.AddSeconds(10))],
            session.Artefacts);
    }

    [Fact]
    public void ArtefactsAreBoundedOldestFirst()
    {
        var events = Enumerable.Range(0, SessionStateMachine.MaxArtefacts + 5).Select(i => At(i, new SessionArtefactAdded("snapshot", $"https://s{i}"))).ToList();
        var (state, session) = Session(events);

        Assert.Equal(SessionStateMachine.MaxArtefacts, session.Artefacts.Count);
        Assert.Equal(T0.AddSeconds(5), session.Artefacts[0].At);
        Assert.False(SessionStateMachine.Apply(state, events[0]));
    }

    [Fact]
    public void SeenMovesOnlyLastSeen()
    {
        var (state, _) = Session(Status(SessionStatus.Active, 0));

        Assert.False(SessionStateMachine.Apply(state, At(5, new SessionSeen())));
    }

    [Fact]
    public void EventsOfOtherKindsAreNotApplied()
    {
        Assert.False(SessionStateMachine.Apply(new SessionState(), At(5, new ServerSeen("gateway"))));
    }
}
