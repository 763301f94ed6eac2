using System.Globalization;
using System.Text.Json;
using Sessions.Simulator.Traffic;

namespace Sessions.Simulator.Dyte;

/// <summary>
/// Dyte meetings: started, participants joining and leaving (each join a new <c>peerId</c>), often a recording
/// INVOKED → RECORDING → UPLOADING → UPLOADED, or ERRORED before it started or while uploading, then ended, sometimes
/// with a transcript or chat export. Shapes as in <c>shared/fixtures/dyte</c>: meeting and participant times ISO-8601,
/// recording times in Dyte's space-separated microsecond form.
/// </summary>
internal sealed class DyteTraffic(TrafficOptions options, Random random)
{
    private static readonly string[] Titles = ["Weekly sync", "Design review", "Customer call", "Stand-up", "Town hall", "Interview", "Sprint planning"];
    private static readonly string[] Names = ["Alice Example", "Bob Builder", "Carol Singer", "Dan Brown", "Erin Hunt", "Frank Ocean", "Grace Hopper", "Ivan Petrov"];

    private readonly string _organizationId = Ids.Uuid(random);
    private readonly string _organizationName = "Simulated Org";

    public Script Next()
    {
        var meeting = new Meeting(Ids.Uuid(random), options.IdPrefix + Ids.Uuid(random), Ids.Pick(random, Titles));
        var script = new Script(Providers.Dyte);
        script.At(0, clock =>
        {
            meeting.StartedAt = clock.Next();
            meeting.CreatedAt = meeting.StartedAt.AddMinutes(-5 - random.Next(55));
            return MeetingEvent("meeting.started", meeting, meeting.StartedAt, "active");
        });

        var end = 2;
        var participants = 2 + random.Next(7);
        for (var i = 0; i < participants; i++)
        {
            var participant = new Participant(Ids.Uuid(random), Ids.Pick(random, Names), $"user-{random.Next(1000, 9999)}");
            var joined = 1 + random.Next(15);
            var left = joined + 5 + random.Next(45);
            script.At(joined, clock => ParticipantEvent("meeting.participantJoined", meeting, participant, participant.JoinedAt = clock.Next()));
            script.At(left, clock =>
            {
                var at = clock.Next();
                participant.LeftAt = at;
                return ParticipantEvent("meeting.participantLeft", meeting, participant, at);
            });
            end = Math.Max(end, left + 1);
        }

        script.At(end, clock =>
        {
            meeting.EndedAt = clock.Next();
            return MeetingEvent("meeting.ended", meeting, meeting.EndedAt.Value, "ended");
        });
        if (random.NextDouble() < 0.6)
        {
            AddRecording(script, meeting, end);
        }

        if (random.NextDouble() < 0.3)
        {
            script.At(end + 2 + random.Next(8), clock => Transcript(meeting, clock.Next()));
        }

        if (random.NextDouble() < 0.2)
        {
            script.At(end + 1 + random.Next(5), clock => ChatSynced(meeting, clock.Next()));
        }

        return script;
    }

    /// <summary>One recording of the meeting: one in ten errors before it starts, one in ten while uploading.</summary>
    private void AddRecording(Script script, Meeting meeting, int end)
    {
        var recording = new Recording(options.IdPrefix + Ids.Uuid(random));
        var invoked = 2 + random.Next(4);
        script.At(invoked, clock => RecordingEvent(meeting, recording, "INVOKED", clock.Next()));
        var outcome = random.NextDouble();
        if (outcome < 0.1)
        {
            script.At(invoked + 2, clock => RecordingEvent(meeting, recording, "ERRORED", recording.Stop(clock.Next())));
            return;
        }

        script.At(invoked + 1 + random.Next(2), clock => RecordingEvent(meeting, recording, "RECORDING", recording.Start(clock.Next())));
        script.At(end + 1, clock => RecordingEvent(meeting, recording, "UPLOADING", recording.Stop(clock.Next())));
        var finished = outcome < 0.2 ? "ERRORED" : "UPLOADED";
        script.At(end + 3 + random.Next(5), clock => RecordingEvent(meeting, recording, finished, clock.Next()));
    }

    private Payload MeetingEvent(string type, Meeting meeting, DateTimeOffset at, string status)
    {
        var body = Json.Write(w =>
        {
            w.WriteStartObject();
            w.WriteString("event", type);
            WriteMeeting(w, meeting, withEnd: status == "ended");
            if (status == "ended")
            {
                w.WriteString("reason", "ALL_PARTICIPANTS_LEFT");
            }

            w.WriteEndObject();
        });
        return new Payload(type, body, [new EntityFact(EntityKinds.Session, Providers.Dyte, meeting.SessionId, status, at, type)]);
    }

    private Payload ParticipantEvent(string type, Meeting meeting, Participant participant, DateTimeOffset at)
    {
        var body = Json.Write(w =>
        {
            w.WriteStartObject();
            w.WriteString("event", type);
            WriteMeeting(w, meeting, withEnd: false);
            w.WriteStartObject("participant");
            w.WriteString("peerId", participant.PeerId);
            w.WriteString("userDisplayName", participant.Name);
            w.WriteString("clientSpecificId", participant.CustomId);
            w.WriteString("customParticipantId", participant.CustomId);
            w.WriteString("joinedAt", Times.Iso(participant.JoinedAt));
            if (participant.LeftAt is { } left)
            {
                w.WriteString("leftAt", Times.Iso(left));
            }

            w.WriteEndObject();
            w.WriteEndObject();
        });
        return new Payload(type, body, [new EntityFact(EntityKinds.Session, Providers.Dyte, meeting.SessionId, null, at, type)]);
    }

    /// <summary>A <c>recording.statusUpdate</c>; the fields grow with the status, as in Dyte's examples.</summary>
    private Payload RecordingEvent(Meeting meeting, Recording recording, string status, DateTimeOffset at)
    {
        const string Type = "recording.statusUpdate";
        var outputFile = string.Create(CultureInfo.InvariantCulture, $"{meeting.Id}_{recording.StartedAt?.ToUnixTimeMilliseconds()}.mp4");
        var seconds = recording is { StartedAt: { } started, StoppedAt: { } stopped } ? (long)(stopped - started).TotalSeconds : 0;
        var body = Json.Write(w =>
        {
            w.WriteStartObject();
            w.WriteString("event", Type);
            w.WriteStartObject("recording");
            w.WriteString("id", recording.Id);
            w.WriteString("recordingId", recording.Id);
            w.WriteString("meetingId", meeting.Id);
            w.WriteString("organizationId", _organizationId);
            w.WriteString("roomUUID", meeting.SessionId);
            w.WriteString("status", status);
            if (recording.StartedAt is { } startedAt)
            {
                w.WriteString("startedTime", Times.DyteRecording(startedAt));
            }

            if (status != "RECORDING" && recording.StoppedAt is { } stoppedAt)
            {
                w.WriteString("stoppedTime", Times.DyteRecording(stoppedAt));
            }

            if (status is "UPLOADING" or "UPLOADED")
            {
                w.WriteNumber("fileSize", 250_000 * Math.Max(1, seconds));
            }

            if (status is "RECORDING" or "UPLOADED")
            {
                w.WriteString("outputFileName", outputFile);
            }

            if (status == "UPLOADED")
            {
                w.WriteString("downloadUrl", $"https://recordings.example.invalid/{_organizationId}/{recording.Id}.mp4?sig=sim");
                w.WriteString("audioDownloadUrl", $"https://recordings.example.invalid/{_organizationId}/{recording.Id}.mp3?sig=sim");
                w.WriteString("downloadUrlExpiry", Times.DyteRecording(at.AddDays(7)));
                w.WriteString("stopReason", "{'reason':'ALL_PEERS_LEFT','caller':{'type':'INTERNAL'}}");
                w.WriteNumber("recordingDuration", seconds);
            }

            w.WriteEndObject();
            WriteMeeting(w, meeting, withEnd: true);
            w.WriteEndObject();
        });
        return new Payload(Type, body,
        [
            new EntityFact(EntityKinds.Recording, Providers.Dyte, recording.Id, RecordingStatus(status), at, Type),
            new EntityFact(EntityKinds.Session, Providers.Dyte, meeting.SessionId, null, at, Type),
        ]);
    }

    private Payload Transcript(Meeting meeting, DateTimeOffset at)
    {
        const string Type = "meeting.transcript";
        var body = Json.Write(w =>
        {
            w.WriteStartObject();
            w.WriteString("event", Type);
            WriteMeeting(w, meeting, withEnd: true);
            w.WriteString("transcriptDownloadUrl", "https://transcripts.example.invalid/t.csv?sig=sim");
            w.WriteString("transcriptDownloadUrlExpiry", Times.DyteRecording(at.AddDays(7)));
            w.WriteEndObject();
        });
        return new Payload(Type, body, [new EntityFact(EntityKinds.Session, Providers.Dyte, meeting.SessionId, null, at, Type)]);
    }

    /// <summary>The one flat Dyte event: the session id at the top, no meeting object.</summary>
    private Payload ChatSynced(Meeting meeting, DateTimeOffset at)
    {
        const string Type = "meeting.chatSynced";
        var body = Json.Write(w =>
        {
            w.WriteStartObject();
            w.WriteString("event", Type);
            w.WriteString("sessionId", meeting.SessionId);
            w.WriteString("meetingId", meeting.Id);
            w.WriteString("chatDownloadUrl", "https://chat.example.invalid/dump.csv?sig=sim");
            w.WriteString("chatDownloadUrlExpiry", Times.DyteRecording(at.AddHours(1)));
            WriteOrganizer(w);
            w.WriteEndObject();
        });
        return new Payload(Type, body, [new EntityFact(EntityKinds.Session, Providers.Dyte, meeting.SessionId, null, at, Type)]);
    }

    private void WriteMeeting(Utf8JsonWriter w, Meeting meeting, bool withEnd)
    {
        w.WriteStartObject("meeting");
        w.WriteString("id", meeting.Id);
        w.WriteString("sessionId", meeting.SessionId);
        w.WriteString("title", meeting.Title);
        w.WriteString("status", "LIVE");
        w.WriteString("createdAt", Times.Iso(meeting.CreatedAt));
        w.WriteString("startedAt", Times.Iso(meeting.StartedAt));
        WriteOrganizer(w);
        if (withEnd)
        {
            if (meeting.EndedAt is { } ended)
            {
                w.WriteString("endedAt", Times.Iso(ended));
            }
            else
            {
                w.WriteNull("endedAt");
            }
        }

        w.WriteEndObject();
    }

    private void WriteOrganizer(Utf8JsonWriter w)
    {
        w.WriteStartObject("organizedBy");
        w.WriteString("id", _organizationId);
        w.WriteString("name", _organizationName);
        w.WriteEndObject();
    }

    private static string RecordingStatus(string dyteStatus) => dyteStatus switch
    {
        "INVOKED" => "pending",
        "RECORDING" => "recording",
        "UPLOADING" => "uploading",
        "UPLOADED" => "ready",
        _ => "failed",
    };

    /// <summary>A meeting's facts as its events reveal them: the start is known once started, the end once ended.</summary>
    private sealed class Meeting(string id, string sessionId, string title)
    {
        public string Id => id;

        public string SessionId => sessionId;

        public string Title => title;

        public DateTimeOffset CreatedAt { get; set; }

        public DateTimeOffset StartedAt { get; set; }

        public DateTimeOffset? EndedAt { get; set; }
    }

    private sealed class Participant(string peerId, string name, string customId)
    {
        public string PeerId => peerId;

        public string Name => name;

        public string CustomId => customId;

        public DateTimeOffset JoinedAt { get; set; }

        public DateTimeOffset? LeftAt { get; set; }
    }

    private sealed class Recording(string id)
    {
        public string Id => id;

        public DateTimeOffset? StartedAt { get; private set; }

        public DateTimeOffset? StoppedAt { get; private set; }

        public DateTimeOffset Start(DateTimeOffset at) => (StartedAt = at).Value;

        public DateTimeOffset Stop(DateTimeOffset at) => (StoppedAt = at).Value;
    }
}
