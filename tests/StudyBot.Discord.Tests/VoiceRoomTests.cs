using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using StudyBot.Core.Chat;
using StudyBot.Core.Commands;
using StudyBot.Core.Privacy;
using StudyBot.Core.Voice;
using StudyBot.Discord.Json;
using StudyBot.Discord.Tests.Support;

namespace StudyBot.Discord.Tests;

/// <summary>
/// Voice study rooms against the fake gateway: VOICE_STATE_UPDATE and GUILD_CREATE's voice_states become intervals, and
/// closed intervals of at least five minutes become study logs (Source Voice) through the log path.
/// </summary>
public sealed partial class VoiceRoomTests
{
    private const ulong Guild = 290926798626357999;
    private const ulong Mason = 53908232506183680;
    private const ulong Nelly = 80351110224678912;
    private const ulong Stranger = 80351110224678999;
    private const ulong StudyRoom = 645027906669510670;
    private const ulong QuietRoom = 645027906669510671;
    private const ulong Lounge = 645027906669510669;
    private const ulong TextChannel = 645027906669510667;

    private static readonly CommunityRef Hall = new(Platforms.Discord, "290926798626357999", "Study Hall");

    [Fact]
    public void The_docs_voice_state_parses_and_matches_the_spec()
    {
        var d = JsonDocument.Parse(TestPaths.ReadFixture("gateway/voice_state_update.json")).RootElement.GetProperty("d");
        var state = d.Deserialize(DiscordJsonContext.Default.GatewayVoiceState)!;

        Assert.Equal(Guild, state.GuildId);
        Assert.Equal(157733188964188161UL, state.ChannelId);
        Assert.Equal(Nelly, state.UserId);
        Assert.False(state.Deafened);
        Assert.Null(OpenApiSchemas.ValidateComponent("VoiceStateResponse", d.GetRawText()));

        // The fake's own voice states have the same documented shape.
        var fake = Fakes.FakeDiscordServer.VoiceStateJson(Guild, Mason, StudyRoom, selfDeaf: true, withGuild: true);
        Assert.Null(OpenApiSchemas.ValidateComponent("VoiceStateResponse", fake.ToJsonString()));
        Assert.True(fake.Deserialize(DiscordJsonContext.Default.GatewayVoiceState)!.Deafened);
    }

    [Fact]
    public async Task Thirty_minutes_in_a_room_count_and_four_do_not()
    {
        await using var room = await VoiceRoom.StartAsync();
        await room.StartMemberAsync(Mason, "Mason");

        await room.VoiceAsync(Mason, StudyRoom);
        await room.PassAsync(TimeSpan.FromMinutes(4));
        await room.VoiceAsync(Mason, null);
        await room.VoiceAsync(Mason, StudyRoom);
        await room.PassAsync(TimeSpan.FromMinutes(30));
        await room.VoiceAsync(Mason, null);

        Assert.Equal(new[] { 30 }, await room.VoiceLogsAsync(Mason));
        var intervals = await room.IntervalsAsync(Mason);
        Assert.Equal([0, 30], intervals.Select(i => i.CountedMinutes ?? -1));
        Assert.All(intervals, i => Assert.Equal(StudyRoom.ToString(System.Globalization.CultureInfo.InvariantCulture), i.ChannelId));

        var overview = await room.RunAsync(Mason, "/progress");
        Assert.DoesNotContain("0h 0m", overview.Text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Deafened_time_does_not_count()
    {
        await using var room = await VoiceRoom.StartAsync();
        await room.StartMemberAsync(Mason, "Mason");

        await room.VoiceAsync(Mason, StudyRoom);
        await room.PassAsync(TimeSpan.FromMinutes(10));
        await room.VoiceAsync(Mason, StudyRoom, deaf: true);
        await room.PassAsync(TimeSpan.FromMinutes(20));
        await room.VoiceAsync(Mason, StudyRoom);
        await room.PassAsync(TimeSpan.FromMinutes(15));
        await room.VoiceAsync(Mason, null);

        Assert.Equal(new[] { 10, 15 }, await room.VoiceLogsAsync(Mason));
    }

    [Fact]
    public async Task A_move_between_two_rooms_in_use_at_once_gives_each_its_minutes_and_a_move_out_closes()
    {
        await using var room = await VoiceRoom.StartAsync();
        await room.StartMemberAsync(Mason, "Mason");
        await room.StartMemberAsync(Nelly, "Nelly");

        await room.VoiceAsync(Nelly, QuietRoom);
        await room.VoiceAsync(Mason, StudyRoom);
        await room.PassAsync(TimeSpan.FromMinutes(12));
        await room.VoiceAsync(Mason, QuietRoom);
        await room.PassAsync(TimeSpan.FromMinutes(20));
        await room.VoiceAsync(Mason, Lounge);
        await room.PassAsync(TimeSpan.FromMinutes(30));
        await room.VoiceAsync(Nelly, null);
        await room.VoiceAsync(Mason, null);

        Assert.Equal(new[] { 12, 20 }, await room.VoiceLogsAsync(Mason));
        Assert.Equal(new[] { 62 }, await room.VoiceLogsAsync(Nelly));
        var mason = await room.IntervalsAsync(Mason);
        Assert.Equal([StudyRoom, QuietRoom], mason.Select(i => ulong.Parse(i.ChannelId, System.Globalization.CultureInfo.InvariantCulture)));
    }

    [Fact]
    public async Task A_reconnect_closes_intervals_at_the_last_sight_and_starts_again_for_who_is_still_there()
    {
        await using var room = await VoiceRoom.StartAsync();
        await room.StartMemberAsync(Mason, "Mason");
        await room.StartMemberAsync(Nelly, "Nelly");
        await room.VoiceAsync(Mason, StudyRoom);
        await room.VoiceAsync(Nelly, StudyRoom);
        await room.PassAsync(TimeSpan.FromMinutes(10));
        await room.Voice.HeartbeatAsync(CancellationToken.None);

        // The bot loses its session for 20 minutes; meanwhile Nelly leaves (the bot never hears of it). A heartbeat in
        // the outage does not move anyone's last sight.
        var first = room.Harness.Server.Current!;
        room.Harness.Server.GatewayUnavailable = true;
        first.Session!.Invalidated = true;
        await first.CloseAsync(4009, "Session timed out");
        await Wait.PumpUntilAsync(room.Harness.Time!, () => room.Harness.Server.RefusedConnections > 0, "a refused reconnect");
        await room.Harness.Server.SetVoiceStateAsync(Guild, Nelly, null, dispatch: false);
        room.Harness.Time!.Advance(TimeSpan.FromMinutes(20));
        await room.Voice.HeartbeatAsync(CancellationToken.None);
        var received = room.Voice.Received;
        room.Harness.Server.GatewayUnavailable = false;
        await Wait.PumpUntilAsync(room.Harness.Time, () => room.Harness.Server.Identifies.Count == 2 && room.Voice.Received > received, "a new session and its GUILD_CREATE");
        await room.Voice.IdleAsync();

        // Both stopped counting where the bot last saw them; Mason, still there, has a new interval from the reconnect.
        Assert.Equal(new[] { 10 }, await room.VoiceLogsAsync(Mason));
        Assert.Equal(new[] { 10 }, await room.VoiceLogsAsync(Nelly));
        var open = await room.IntervalsAsync(Mason);
        Assert.Equal(2, open.Count);
        Assert.Null(open[1].EndedAtUtc);
        Assert.True(open[1].StartedAtUtc >= open[0].EndedAtUtc!.Value.AddMinutes(20));

        await room.PassAsync(TimeSpan.FromMinutes(15));
        await room.VoiceAsync(Mason, null);
        Assert.Equal(new[] { 10, 15 }, await room.VoiceLogsAsync(Mason));
    }

    [Fact]
    public async Task Repeated_and_stray_voice_events_count_nothing_twice_and_strangers_are_skipped()
    {
        await using var room = await VoiceRoom.StartAsync();
        await room.StartMemberAsync(Mason, "Mason");

        // A stranger (never used StudyBot) in the room, and a leave for someone who was never in: nothing stored.
        await room.VoiceAsync(Stranger, StudyRoom);
        await room.VoiceAsync(Stranger, null);
        await room.VoiceAsync(Mason, null);
        Assert.Equal(2, room.Voice.Skipped);
        Assert.Empty(await room.IntervalsAsync(Mason));

        // The same join twice (a replayed dispatch), the same leave twice: one interval, counted once.
        await room.VoiceAsync(Mason, StudyRoom);
        await room.PassAsync(TimeSpan.FromMinutes(3));
        await room.VoiceAsync(Mason, StudyRoom);
        await room.PassAsync(TimeSpan.FromMinutes(6));
        await room.VoiceAsync(Mason, null);
        await room.VoiceAsync(Mason, null);
        await room.Voice.HeartbeatAsync(CancellationToken.None);

        Assert.Equal(new[] { 9 }, await room.VoiceLogsAsync(Mason));
        Assert.Single(await room.IntervalsAsync(Mason));
        Assert.Contains(room.Harness.Logs.Lines, l => l.Message.Contains("never seen", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Rooms_are_voice_channels_of_the_server_and_members_choose_whether_they_are_tracked()
    {
        await using var room = await VoiceRoom.StartAsync(addRoom: false);

        var text = await room.RunAsync(Mason, $"/studybot rooms add <#{TextChannel}>", admin: true);
        Assert.Equal(ReplyTone.Error, text.Tone);
        Assert.Contains("not a voice channel", text.Text, StringComparison.Ordinal);

        var unknown = await room.RunAsync(Mason, "/studybot rooms add #no-such-room", admin: true);
        Assert.Equal(ReplyTone.Error, unknown.Tone);
        Assert.Contains("can't find a channel", unknown.Text, StringComparison.Ordinal);

        var notAdmin = await room.RunAsync(Nelly, "/studybot rooms add #Study Room");
        Assert.Contains("admins", notAdmin.Text, StringComparison.Ordinal);

        var added = await room.RunAsync(Mason, "/studybot rooms add #Study Room", admin: true);
        Assert.Equal(ReplyTone.Success, added.Tone);
        var stage = await room.RunAsync(Mason, "/studybot rooms add Stage", admin: true);
        Assert.Equal(ReplyTone.Success, stage.Tone);
        var again = await room.RunAsync(Mason, $"/studybot rooms add <#{StudyRoom}>", admin: true);
        Assert.Contains("already a study room", again.Text, StringComparison.Ordinal);
        var list = await room.RunAsync(Mason, "/studybot rooms", admin: true);
        Assert.Contains("Study Room", list.Text, StringComparison.Ordinal);
        Assert.Contains("Stage", list.Text, StringComparison.Ordinal);

        // Before starting, a member's choice is explained; after, ignore stops the count (the time so far stays).
        var early = await room.RunAsync(Mason, "/progress me rooms ignore");
        Assert.Contains("/progress start", early.Text, StringComparison.Ordinal);
        await room.StartMemberAsync(Mason, "Mason");
        await room.VoiceAsync(Mason, StudyRoom);
        await room.PassAsync(TimeSpan.FromMinutes(7));
        var ignored = await room.RunAsync(Mason, "/progress me rooms ignore");
        Assert.Equal(ReplyTone.Success, ignored.Tone);
        await room.PassAsync(TimeSpan.FromMinutes(30));
        await room.VoiceAsync(Mason, null);
        await room.VoiceAsync(Mason, StudyRoom);
        await room.PassAsync(TimeSpan.FromMinutes(30));
        await room.VoiceAsync(Mason, null);
        Assert.Equal(new[] { 7 }, await room.VoiceLogsAsync(Mason));

        var tracked = await room.RunAsync(Mason, "/progress me rooms track");
        Assert.Equal(ReplyTone.Success, tracked.Tone);
        await room.VoiceAsync(Mason, StudyRoom);
        await room.PassAsync(TimeSpan.FromMinutes(5));

        // Removing the room closes what is open in it.
        var removed = await room.RunAsync(Mason, "/studybot rooms remove Study Room", admin: true);
        Assert.Equal(ReplyTone.Success, removed.Tone);
        Assert.Equal(new[] { 7, 5 }, await room.VoiceLogsAsync(Mason));
        var gone = await room.RunAsync(Mason, "/studybot rooms remove Study Room", admin: true);
        Assert.Equal(ReplyTone.Error, gone.Tone);
        Assert.Contains("Stage", gone.Text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Export_has_the_intervals_and_deleting_a_member_removes_them()
    {
        await using var room = await VoiceRoom.StartAsync();
        await room.StartMemberAsync(Mason, "Mason");
        await room.VoiceAsync(Mason, StudyRoom);
        await room.PassAsync(TimeSpan.FromMinutes(6));
        await room.VoiceAsync(Mason, null);
        await room.RunAsync(Mason, "/progress me rooms ignore");

        var export = await room.ExportAsync(Mason);
        var voice = export!["member"]!["voiceRooms"]!;
        Assert.NotNull((string?)voice["ignoredSinceUtc"]);
        Assert.Equal(6, (int)voice["intervals"]![0]!["countedMinutes"]!);
        Assert.Equal("Voice", (string?)export["member"]!["studyLog"]![0]!["source"]);

        var deleted = await room.RunAsync(Mason, "/progress me delete confirm");
        Assert.Equal(ReplyTone.Success, deleted.Tone);
        Assert.Null(await room.ExportAsync(Mason));
        Assert.Empty(await room.IntervalsAsync(Mason));
    }

    [Fact]
    public async Task Other_platforms_are_told_rooms_are_a_Discord_feature()
    {
        await using var room = await VoiceRoom.StartAsync(addRoom: false);
        var console = new MemberRef(new CommunityRef(Platforms.Console, "local", "Local study group"), "ada", "Ada") { IsAdmin = true };

        foreach (var command in new[] { "/studybot rooms add #study", "/studybot rooms", "/progress me rooms track" })
        {
            var reply = await room.Executor.RunTextAsync(console, command, CancellationToken.None);
            Assert.Contains("Discord feature", reply.Text, StringComparison.Ordinal);
        }
    }

    /// <summary>The adapter with the real engine on fake time, the heartbeat run by the test, and a study room.</summary>
    [Fact]
    public async Task Joining_a_sessions_voice_channel_while_it_is_on_checks_the_member_in_once()
    {
        await using var room = await VoiceRoom.StartAsync();
        await room.StartMemberAsync(Nelly, "Nelly");
        var planned = await room.RunAsync(Mason, $"/studybot session plan today 19:05 60 <#{Lounge}> linear algebra", admin: true);
        Assert.Equal(ReplyTone.Success, planned.Tone);
        Assert.Contains("Lounge", planned.Text, StringComparison.Ordinal);

        // Check-in opens ten minutes before the start (the clock says 19:00): joining, leaving and joining again checks in once.
        await room.VoiceAsync(Nelly, Lounge);
        await room.VoiceAsync(Nelly, null);
        await room.VoiceAsync(Nelly, Lounge);

        var export = await room.ExportAsync(Nelly);
        var logs = export!["member"]!["studyLog"]!.AsArray().Where(l => (string?)l!["source"] == "Session").Select(l => (int)l!["minutes"]!).ToArray();
        Assert.Equal([60], logs);
        Assert.Equal(2, room.Harness.Get<StudyBot.Core.Sessions.SessionVoiceCheckIn>().CheckIns);

        // A session held in a study room: the room counts the time, so joining checks nobody in (no double count).
        var inRoom = await room.RunAsync(Mason, $"/studybot session plan today 19:05 60 <#{StudyRoom}> statistics", admin: true);
        Assert.Equal(ReplyTone.Success, inRoom.Tone);
        await room.VoiceAsync(Nelly, StudyRoom);
        Assert.Equal(2, room.Harness.Get<StudyBot.Core.Sessions.SessionVoiceCheckIn>().CheckIns);
    }

    [Fact]
    public async Task A_session_cannot_be_planned_in_a_channel_that_is_neither_text_nor_voice_of_the_server()
    {
        await using var room = await VoiceRoom.StartAsync(addRoom: false);

        var reply = await room.RunAsync(Mason, "/studybot session plan today 19:05 60 <#123456789012345678> topic", admin: true);

        Assert.NotEqual(ReplyTone.Success, reply.Tone);
    }

    private sealed class VoiceRoom : IAsyncDisposable
    {
        private static readonly TimeSpan ShardLease = TimeSpan.FromMinutes(10);

        private VoiceRoom(AdapterHarness harness) => Harness = harness;

        public AdapterHarness Harness { get; }

        public VoiceRoomService Voice => Harness.Get<VoiceRoomService>();

        public CommandExecutor Executor => Harness.Get<CommandExecutor>();

        public static async Task<VoiceRoom> StartAsync(bool addRoom = true)
        {
            var harness = await AdapterHarness.StartAsync(o =>
            {
                o.RealEngine = true;
                o.FakeTime = true;

                // No gateway heartbeat during the test's minutes (the first one may come at any point of the interval).
                o.Server.HeartbeatIntervalMs = 36_000_000;
                o.Server.Buckets.Remove("GET /gateway/bot");
                o.Server.EnforceGlobalLimit = false;
                o.Server.EnforceGatewaySendLimit = false;

                // The longest shard lease there is: PassAsync moves the minutes in steps well inside it (see there).
                o.Settings["Discord:ShardLease"] = ShardLease.ToString();

                // The test runs the voice heartbeat itself, at the minutes it chooses.
                o.Services = s =>
                {
                    foreach (var d in s.Where(d => d.ServiceType == typeof(IHostedService) && d.ImplementationType == typeof(VoiceHeartbeat)).ToList())
                    {
                        s.Remove(d);
                    }
                };
            });
            var room = new VoiceRoom(harness);
            await Wait.PumpUntilAsync(harness.Time!, () => harness.Server.Current?.Session is not null && harness.Adapter.Gateway?.Status == Gateway.GatewayStatus.Ready, "the gateway to be ready");
            await Wait.UntilAsync(() => room.Voice.Received >= 1, "the first GUILD_CREATE");
            if (addRoom)
            {
                var added = await room.RunAsync(Mason, $"/studybot rooms add <#{StudyRoom}>", admin: true);
                Assert.Equal(ReplyTone.Success, added.Tone);
                added = await room.RunAsync(Mason, "/studybot rooms add Quiet Room", admin: true);
                Assert.Equal(ReplyTone.Success, added.Tone);
            }

            return room;
        }

        public Task<Reply> RunAsync(ulong user, string text, bool admin = false) =>
            Executor.RunTextAsync(new MemberRef(Hall, Id(user), user == Mason ? "Mason" : "Nelly") { IsAdmin = admin }, text, CancellationToken.None);

        public async Task StartMemberAsync(ulong user, string name)
        {
            var reply = await Executor.RunTextAsync(new MemberRef(Hall, Id(user), name), "/progress start programmer part-time", CancellationToken.None);
            Assert.NotEqual(ReplyTone.Error, reply.Tone);
        }

        /// <summary>Changes a voice state on the fake Discord and waits until the engine has handled it.</summary>
        public async Task VoiceAsync(ulong user, ulong? channel, bool deaf = false)
        {
            var before = Voice.Received;
            await Harness.Server.SetVoiceStateAsync(Guild, user, channel, deaf);
            await Wait.UntilAsync(() => Voice.Received > before, "the voice state to reach the engine");
            await Bounded.WaitAsync(Voice.IdleAsync(), "the voice state to be handled");
        }

        /// <summary>
        /// Lets <paramref name="time"/> pass on the fake clock, as a real clock does: in steps of half the lease's renewal
        /// interval, each after the renewal due by then has landed. One jump of many minutes fires the shard's lease
        /// renewal and its fence together; when the renewal's database write has to wait (a loaded machine), the fence
        /// wins and closes the gateway connection, as it should after a real clock jump, and the reconnect then waits
        /// on fake time that no longer moves.
        /// </summary>
        public async Task PassAsync(TimeSpan time)
        {
            var clock = Harness.Time!;
            var leases = Harness.Get<StudyBot.Core.Coordination.ILeaseStore>();
            var renewEvery = ShardLease / 3;
            var end = clock.GetUtcNow() + time;
            while (clock.GetUtcNow() < end)
            {
                var step = end - clock.GetUtcNow();
                clock.Advance(step < renewEvery / 2 ? step : renewEvery / 2);
                var now = clock.GetUtcNow();
                await Wait.UntilAsync(
                    async () => (await leases.ListLiveAsync(Gateway.ShardManager.ShardLease(0), CancellationToken.None))
                        .Any(l => l.ExpiresAt - ShardLease >= now - renewEvery),
                    "the shard's lease renewal due by now");
            }
        }

        public async Task<IReadOnlyList<VoiceInterval>> IntervalsAsync(ulong user)
        {
            await using var scope = Harness.Services.CreateAsyncScope();
            return await scope.ServiceProvider.GetRequiredService<IVoiceRoomStore>().IntervalsAsync(Hall, Id(user), CancellationToken.None);
        }

        public async Task<JsonNode?> ExportAsync(ulong user)
        {
            await using var scope = Harness.Services.CreateAsyncScope();
            var export = await scope.ServiceProvider.GetRequiredService<IMemberDataStore>()
                .ExportMemberAsync(new MemberRef(Hall, Id(user), "x"), DateTime.UtcNow, CancellationToken.None);
            return export is null ? null : JsonNode.Parse(export.Json);
        }

        /// <summary>The minutes of the member's study logs from voice rooms, in order.</summary>
        public async Task<int[]> VoiceLogsAsync(ulong user)
        {
            var export = await ExportAsync(user);
            return export is null
                ? []
                : export["member"]!["studyLog"]!.AsArray().Where(l => (string?)l!["source"] == "Voice").Select(l => (int)l!["minutes"]!).ToArray();
        }

        private static string Id(ulong user) => user.ToString(System.Globalization.CultureInfo.InvariantCulture);

        public ValueTask DisposeAsync() => Harness.DisposeAsync();
    }
}
