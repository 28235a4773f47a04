using System.Text.Json.Nodes;
using CsCheck;
using Microsoft.Extensions.DependencyInjection;
using StudyBot.Core.Chat;
using StudyBot.Core.Privacy;
using StudyBot.Core.Progress;
using StudyBot.Core.Voice;

namespace StudyBot.IntegrationTests;

/// <summary>Voice study rooms' interval rules, checked against a plain model on any sequence of voice states.</summary>
public sealed class VoiceRoomPropertyTests
{
    private const string RoomA = "1001";
    private const string RoomB = "1002";
    private const string NotARoom = "1003";

    /// <summary>A step: 0 join A, 1 join B, 2 join a channel that is no room, 3 toggle deafened, 4 leave, 5 the last event again; then minutes pass.</summary>
    [Fact]
    public async Task Any_sequence_of_joins_moves_deafens_leaves_and_repeats_counts_what_a_plain_model_counts()
    {
        var steps = Gen.Select(Gen.Int[0, 5], Gen.Int[0, 14]).Array[1, 20];
        await using var bot = await TestBot.StartAsync();
        var voice = bot.Services.GetRequiredService<VoiceRoomService>();
        var run = 0;

        await steps.SampleAsync(
            async plan =>
            {
                var sample = Interlocked.Increment(ref run);
                var community = new CommunityRef(Platforms.Discord, $"guild-{sample}", "Guild");
                var member = new MemberRef(community, $"user-{sample}", "Vera");
                Assert.NotEqual(ReplyTone.Error, (await bot.Executor.RunTextAsync(member, "/progress start programmer part-time", CancellationToken.None)).Tone);
                await using (var scope = bot.Services.CreateAsyncScope())
                {
                    var rooms = scope.ServiceProvider.GetRequiredService<IVoiceRoomStore>();
                    var defaults = new NewcomerDefaults("ml-zero-to-hero", "UTC");
                    await rooms.AddRoomAsync(community, new StudyRoom(RoomA, "A", Now(bot)), defaults, CancellationToken.None);
                    await rooms.AddRoomAsync(community, new StudyRoom(RoomB, "B", Now(bot)), defaults, CancellationToken.None);
                }

                // The model: where the member is, whether deafened, and since when the current counting stretch runs.
                string? channel = null;
                var deaf = false;
                DateTime? since = null;
                var expected = new List<int>();
                VoiceState? last = null;

                foreach (var (action, minutes) in plan)
                {
                    var state = action switch
                    {
                        0 => new VoiceState(member.UserId, RoomA, deaf),
                        1 => new VoiceState(member.UserId, RoomB, deaf),
                        2 => new VoiceState(member.UserId, NotARoom, deaf),
                        3 => new VoiceState(member.UserId, channel, channel is not null && !deaf),
                        4 => new VoiceState(member.UserId, null, false),
                        _ => last ?? new VoiceState(member.UserId, null, false),
                    };
                    last = state;
                    var now = Now(bot);
                    var counting = state.ChannelId is RoomA or RoomB && !state.Deafened;
                    var wasCounting = channel is RoomA or RoomB && !deaf;
                    if (wasCounting && (!counting || state.ChannelId != channel))
                    {
                        var worth = (int)Math.Floor((now - since!.Value).TotalMinutes);
                        if (worth >= VoiceRoomService.MinimumMinutes)
                        {
                            expected.Add(worth);
                        }

                        since = null;
                    }

                    if (counting && since is null)
                    {
                        since = now;
                    }

                    channel = state.ChannelId;
                    deaf = state.ChannelId is not null && state.Deafened;
                    voice.VoiceStateChanged(community, state, now);
                    await voice.IdleAsync();
                    bot.Time.Advance(TimeSpan.FromMinutes(minutes));
                }

                await using var check = bot.Services.CreateAsyncScope();
                var intervals = await check.ServiceProvider.GetRequiredService<IVoiceRoomStore>().IntervalsAsync(community, member.UserId, CancellationToken.None);
                Assert.Equal(expected, intervals.Where(i => i.CountedMinutes > 0).Select(i => i.CountedMinutes!.Value));
                Assert.True(intervals.Count(i => i.EndedAtUtc is null) <= 1, "at most one open interval");
                var export = await check.ServiceProvider.GetRequiredService<IMemberDataStore>().ExportMemberAsync(member, Now(bot), CancellationToken.None);
                var logs = JsonNode.Parse(export!.Json)!["member"]!["studyLog"]!.AsArray().Where(l => (string?)l!["source"] == "Voice").Select(l => (int)l!["minutes"]!);
                Assert.Equal(expected, logs);
            },
            iter: 40);
    }

    [Fact]
    public async Task An_interval_of_a_guild_that_never_comes_back_ends_where_the_bot_last_saw_the_member()
    {
        await using var bot = await TestBot.StartAsync();
        var voice = bot.Services.GetRequiredService<VoiceRoomService>();
        var connections = bot.Services.GetRequiredService<StudyBot.Core.Operations.ConnectionStates>();
        var community = new CommunityRef(Platforms.Discord, "guild-gone", "Guild");
        var member = new MemberRef(community, "user-gone", "Vera");
        await bot.Executor.RunTextAsync(member, "/progress start programmer part-time", CancellationToken.None);
        await using (var scope = bot.Services.CreateAsyncScope())
        {
            await scope.ServiceProvider.GetRequiredService<IVoiceRoomStore>().AddRoomAsync(community, new StudyRoom(RoomA, "A", Now(bot)), new NewcomerDefaults("ml-zero-to-hero", "UTC"), CancellationToken.None);
        }

        connections.Connected(Platforms.Discord, "shard 0");
        voice.CommunityAvailable(community, [], Now(bot));
        voice.VoiceStateChanged(community, new VoiceState(member.UserId, RoomA, false), Now(bot));
        await voice.IdleAsync();
        for (var minute = 0; minute < 6; minute++)
        {
            bot.Time.Advance(TimeSpan.FromMinutes(1));
            await voice.HeartbeatAsync(CancellationToken.None);
        }

        // The connection drops and the guild never comes back: beats stop moving the last sight, and after ten minutes
        // unseen the interval ends where it was last seen, six minutes in.
        connections.Disconnected(Platforms.Discord, "shard 0");
        bot.Time.Advance(TimeSpan.FromMinutes(5));
        await voice.HeartbeatAsync(CancellationToken.None);
        await using (var scope = bot.Services.CreateAsyncScope())
        {
            Assert.Null((await scope.ServiceProvider.GetRequiredService<IVoiceRoomStore>().IntervalsAsync(community, member.UserId, CancellationToken.None)).Single().EndedAtUtc);
        }

        bot.Time.Advance(TimeSpan.FromMinutes(30));
        await voice.HeartbeatAsync(CancellationToken.None);
        await using (var scope = bot.Services.CreateAsyncScope())
        {
            var interval = (await scope.ServiceProvider.GetRequiredService<IVoiceRoomStore>().IntervalsAsync(community, member.UserId, CancellationToken.None)).Single();
            Assert.Equal(interval.StartedAtUtc.AddMinutes(6), interval.EndedAtUtc);
            Assert.Equal(6, interval.CountedMinutes);
        }
    }

    private static DateTime Now(TestBot bot) => bot.Time.GetUtcNow().UtcDateTime;
}
