using System.Text.Json;
using CsCheck;
using Microsoft.Extensions.DependencyInjection;
using StudyBot.Core.Chat;
using StudyBot.Data;

namespace StudyBot.IntegrationTests;

/// <summary>
/// Each user's DM channel with the bot (<see cref="IDmChannelStore"/> on the DmChannels table), on both providers: one
/// row per platform and user however many instances remember it at once, a stale channel is forgotten only while it is
/// still the one stored, and it goes with the member's data when no other membership on the platform needs it.
/// </summary>
public sealed class DmChannelStoreTests
{
    private static readonly CancellationToken None = CancellationToken.None;

    [Theory]
    [InlineData(DatabaseProvider.Sqlite)]
    [PostgresData(DatabaseProvider.PostgreSQL)]
    public async Task A_channel_is_found_after_it_is_remembered_replaced_by_a_new_one_and_forgotten_only_while_it_is_the_one_stored(DatabaseProvider provider)
    {
        await using var bot = await TestBot.StartAsync(provider: provider);
        var store = bot.Services.GetRequiredService<IDmChannelStore>();

        Assert.Null(await store.FindAsync(Platforms.Discord, "111", None));
        await store.RememberAsync(Platforms.Discord, "111", "9001", None);
        await store.RememberAsync(Platforms.Slack, "111", "D0001", None);
        Assert.Equal("9001", await store.FindAsync(Platforms.Discord, "111", None));
        Assert.Equal("D0001", await store.FindAsync(Platforms.Slack, "111", None));

        await store.RememberAsync(Platforms.Discord, "111", "9002", None);
        await store.ForgetAsync(Platforms.Discord, "111", "9001", None);
        Assert.Equal("9002", await store.FindAsync(Platforms.Discord, "111", None));

        await store.ForgetAsync(Platforms.Discord, "111", "9002", None);
        Assert.Null(await store.FindAsync(Platforms.Discord, "111", None));
        Assert.Equal("D0001", await store.FindAsync(Platforms.Slack, "111", None));
    }

    [Theory]
    [InlineData(DatabaseProvider.Sqlite)]
    [PostgresData(DatabaseProvider.PostgreSQL)]
    public async Task Two_instances_remembering_the_same_users_channel_at_once_keep_one_row(DatabaseProvider provider)
    {
        var postgres = provider == DatabaseProvider.PostgreSQL ? await Postgres.CreateDatabaseAsync() : null;
        var file = Path.Combine(Path.GetTempPath(), $"studybot-dm-{Guid.NewGuid():N}.db");
        try
        {
            await using var one = await TestBot.StartAsync(provider: provider, postgres: postgres, dbPath: file, instanceId: "one");
            await using var two = await TestBot.StartAsync(provider: provider, postgres: postgres, dbPath: file, instanceId: "two");
            var stores = new[] { one.Services.GetRequiredService<IDmChannelStore>(), two.Services.GetRequiredService<IDmChannelStore>() };

            for (var i = 0; i < 20; i++)
            {
                var user = $"user-{i}";

                // Even rounds: both learned the same channel (Discord returns the existing DM); odd: each a different one.
                var channels = i % 2 == 0 ? new[] { $"channel-{i}", $"channel-{i}" } : [$"channel-{i}-a", $"channel-{i}-b"];
                await Task.WhenAll(Enumerable.Range(0, 2).Select(k => Task.Run(() => stores[k].RememberAsync(Platforms.Discord, user, channels[k], None))));

                var found = await stores[i % 2].FindAsync(Platforms.Discord, user, None);
                Assert.Contains(found, channels);
            }

            Assert.Equal(20, await one.CountAsync("""SELECT COUNT(*) FROM "DmChannels" """));
        }
        finally
        {
            foreach (var suffix in new[] { "", "-wal", "-shm" })
            {
                File.Delete(file + suffix);
            }
        }
    }

    [Fact]
    public async Task Ids_too_long_to_be_platform_ids_are_neither_stored_nor_looked_up()
    {
        await using var bot = await TestBot.StartAsync();
        var store = bot.Services.GetRequiredService<IDmChannelStore>();
        var tooLong = new string('9', 65);

        await store.RememberAsync(Platforms.Discord, tooLong, "9001", None);
        await store.RememberAsync(Platforms.Discord, "111", tooLong, None);

        Assert.Null(await store.FindAsync(Platforms.Discord, tooLong, None));
        Assert.Null(await store.FindAsync(Platforms.Discord, "111", None));
        Assert.Equal(0, await bot.CountAsync("""SELECT COUNT(*) FROM "DmChannels" """));
    }

    [Fact]
    public async Task Any_sequence_of_remembers_and_forgets_agrees_with_a_plain_model()
    {
        // Per step: remember (true) or forget (false), one of three users, one of three channels.
        var steps = Gen.Select(Gen.Bool, Gen.Int[0, 2], Gen.Int[0, 2]).Array[1, 25];
        await using var bot = await TestBot.StartAsync();
        var store = bot.Services.GetRequiredService<IDmChannelStore>();
        var run = 0;

        await steps.SampleAsync(
            async plan =>
            {
                var prefix = $"sample{Interlocked.Increment(ref run)}-";
                var model = new Dictionary<string, string>(StringComparer.Ordinal);
                foreach (var (remember, userIndex, channelIndex) in plan)
                {
                    var user = prefix + userIndex;
                    var channel = $"channel-{channelIndex}";
                    if (remember)
                    {
                        model[user] = channel;
                        await store.RememberAsync(Platforms.Discord, user, channel, None);
                    }
                    else
                    {
                        if (model.TryGetValue(user, out var held) && held == channel)
                        {
                            model.Remove(user);
                        }

                        await store.ForgetAsync(Platforms.Discord, user, channel, None);
                    }

                    for (var u = 0; u < 3; u++)
                    {
                        Assert.Equal(model.GetValueOrDefault(prefix + u), await store.FindAsync(Platforms.Discord, prefix + u, None));
                    }
                }
            },
            iter: 30,
            threads: 1);
    }

    [Theory]
    [InlineData(DatabaseProvider.Sqlite)]
    [PostgresData(DatabaseProvider.PostgreSQL)]
    public async Task Deleting_a_members_data_deletes_their_DM_channel_once_no_other_membership_on_the_platform_needs_it(DatabaseProvider provider)
    {
        var other = new CommunityRef(Platforms.Console, "other", "Other study group");
        await using var bot = await TestBot.StartAsync(provider: provider);
        var store = bot.Services.GetRequiredService<IDmChannelStore>();
        await bot.SayAsync("Zelda", "/progress start programmer part-time");
        await bot.SayAsync("Zelda", "/progress start programmer part-time", other);
        await bot.SayAsync("Bob", "/progress start programmer part-time");
        await store.RememberAsync(Platforms.Console, "zelda", "dm-zelda", None);
        await store.RememberAsync(Platforms.Console, "bob", "dm-bob", None);
        await store.RememberAsync(Platforms.Discord, "zelda", "dm-zelda-on-discord", None);

        await bot.SayAsync("Zelda", "/progress me delete confirm");
        Assert.Equal("dm-zelda", await store.FindAsync(Platforms.Console, "zelda", None));

        await bot.SayAsync("Zelda", "/progress me delete confirm", other);
        Assert.Null(await store.FindAsync(Platforms.Console, "zelda", None));
        Assert.Equal("dm-bob", await store.FindAsync(Platforms.Console, "bob", None));
        Assert.Equal("dm-zelda-on-discord", await store.FindAsync(Platforms.Discord, "zelda", None));
    }

    [Fact]
    public async Task A_members_export_holds_their_DM_channel_and_the_communitys_export_does_not()
    {
        await using var bot = await TestBot.StartAsync();
        var store = bot.Services.GetRequiredService<IDmChannelStore>();
        await bot.SayAsync("Zelda", "/progress start programmer part-time");
        await store.RememberAsync(Platforms.Console, "zelda", "dm-zelda", None);

        var mine = await bot.SayAsync("Zelda", "/progress me export");
        var community = await bot.SayAsync("Admin", "/studybot export");

        using var doc = JsonDocument.Parse(Assert.Single(mine.Attachments).Content);
        var channel = doc.RootElement.GetProperty("member").GetProperty("profile").GetProperty("directMessageChannel");
        Assert.Equal("dm-zelda", channel.GetProperty("channelId").GetString());
        Assert.Equal(bot.Time.GetUtcNow().UtcDateTime, channel.GetProperty("learnedAtUtc").GetDateTime());
        Assert.DoesNotContain("dm-zelda", System.Text.Encoding.UTF8.GetString(Assert.Single(community.Attachments).Content), StringComparison.Ordinal);
    }
}
