using System.Text.Json.Nodes;
using StudyBot.Core.Chat;
using StudyBot.Core.Commands;
using StudyBot.Core.Notifications;
using StudyBot.Discord.Tests.Fakes;
using StudyBot.Discord.Tests.Support;

namespace StudyBot.Discord.Tests;

/// <summary>
/// Names members chose show as typed in public posts: a nickname cannot become a masked link, formatting, a heading,
/// subtext, a quote or a mention. The real engine on SQLite posts through the fake Discord.
/// </summary>
public sealed class MarkdownEscapingTests
{
    private const ulong GuildId = InteractionFactory.GuildId;
    private const ulong Wins = 645027906669510668;
    private const string Zwsp = "\u200b";

    private static readonly CommunityRef Guild = new(Platforms.Discord, GuildId.ToString(System.Globalization.CultureInfo.InvariantCulture), "Study Hall");

    private static readonly MemberRef Owner = new(Guild, "53908232506183680", "Mason") { IsAdmin = true, ChannelId = "645027906669510667" };

    /// <summary>Each nickname, and how it must appear in Discord markdown so it reads exactly as typed.</summary>
    public static TheoryData<string, string> Names() => new()
    {
        { "[Free Nitro](https://evil.example)", @"\[Free Nitro\]\(https://evil.example\)" },
        { "**bold** _it_ ~~gone~~ `code` ||secret||", @"\*\*bold\*\* \_it\_ \~\~gone\~\~ \`code\` \|\|secret\|\|" },
        { "# Heading", @"\# Heading" },
        { "-# subtext", @"\-\# subtext" },
        { "> quoted", @"\> quoted" },
        { "@everyone", "@" + Zwsp + "everyone" },
        { "<@123456789012345678>", @"\<@" + Zwsp + @"123456789012345678\>" },
    };

    private static readonly string[] Dangerous = ["[Free Nitro](https://evil.example)", "@everyone", "<@123456789012345678>"];

    [Fact]
    public async Task Celebrations_in_the_channel_show_nicknames_as_typed_and_ping_nobody()
    {
        await using var harness = await StartAsync();
        await RunAsync(harness, Owner, $"/studybot channel celebrations {Wins}");
        var names = Names().Select(row => ((string)row[0], (string)row[1])).ToList();
        for (var i = 0; i < names.Count; i++)
        {
            var reply = await RunAsync(harness, Member(i, names[i].Item1), "/progress skip foundation known");
            Assert.Contains(reply.FollowUps, f => f.Title?.Contains("Phase complete", StringComparison.Ordinal) == true);
        }

        await RunJobsAsync(harness, async () => await harness.Get<CelebrationService>().RunAsync(CancellationToken.None));

        var posts = Posts(harness.Server);
        Assert.All(
            harness.Server.Requests.Where(r => r.Method == "POST" && r.Template == "/channels/{channel_id}/messages"),
            r => Assert.Equal("""{"parse":[]}""", r.Json!["allowed_mentions"]!.ToJsonString()));
        // A phase completion is celebrated with its milestones: at least one post for each member.
        Assert.True(posts.Count >= names.Count, $"{posts.Count} posts");
        AssertEscaped(names, posts);
    }

    [Fact]
    public async Task The_weekly_leaderboard_post_shows_nicknames_as_typed_and_pings_nobody()
    {
        await using var harness = await StartAsync();
        await RunAsync(harness, Owner, $"/studybot channel leaderboard {Wins}");
        var names = Names().Select(row => ((string)row[0], (string)row[1])).ToList();

        // Five learners make the top five; the other two fill the consistency list.
        for (var i = 0; i < names.Count; i++)
        {
            var who = Member(i, names[i].Item1);
            await RunAsync(harness, who, "/progress me privacy public");
            await RunAsync(harness, who, $"/progress log {60 + (i * 5)} practice");
        }

        var boards = harness.Get<LeaderboardService>();
        await RunJobsAsync(harness, async () => await boards.RunDueAsync(CancellationToken.None));
        harness.Time!.Advance(TimeSpan.FromDays(8));
        await RunJobsAsync(harness, async () => await boards.RunDueAsync(CancellationToken.None));

        var post = Assert.Single(Posts(harness.Server));
        var shown = names.Where(n => post.Text.Contains(n.Item2, StringComparison.Ordinal)).ToList();
        Assert.True(shown.Count >= 5, $"only {shown.Count} names appear escaped in:\n{post.Message.ToJsonString()}");
        AssertEscaped([], [post]);
    }

    private static void AssertEscaped(IReadOnlyList<(string Name, string Escaped)> names, IReadOnlyList<(string Text, JsonNode Message)> posts)
    {
        foreach (var (name, escaped) in names)
        {
            Assert.Contains(posts, p => p.Text.Contains(escaped, StringComparison.Ordinal));
        }

        foreach (var (text, _) in posts)
        {
            foreach (var raw in Dangerous)
            {
                Assert.DoesNotContain(raw, text, StringComparison.Ordinal);
            }
        }
    }

    private static MemberRef Member(int i, string nick) => new(Guild, (820000000000000001 + (ulong)i).ToString(System.Globalization.CultureInfo.InvariantCulture), nick);

    private static async Task<AdapterHarness> StartAsync()
    {
        var server = new FakeDiscordOptions { BodyValidator = OpenApiSchemas.Validate };
        server.Buckets["POST /channels/{channel_id}/messages"] = new(50, TimeSpan.FromSeconds(5), "msg-bucket-0001");
        var harness = await AdapterHarness.StartAsync(
            o =>
            {
                o.RealEngine = true;
                o.FakeTime = true;
            },
            sharedServer: await FakeDiscordServer.StartAsync(server));
        harness.OwnsServer = true;
        return harness;
    }

    private static Task<Reply> RunAsync(AdapterHarness harness, MemberRef who, string text) =>
        harness.Get<CommandExecutor>().RunTextAsync(who, text, CancellationToken.None);

    /// <summary>Runs a job past the undo grace, then drains the outbox, pumping fake time so pacing can move.</summary>
    private static async Task RunJobsAsync(AdapterHarness harness, Func<Task> job)
    {
        var time = harness.Time!;
        time.Advance(CelebrationService.Grace + TimeSpan.FromSeconds(1));
        var work = Task.Run(async () =>
        {
            await job();
            await harness.Get<OutboxDispatcher>().DrainAsync(TimeSpan.FromDays(1), CancellationToken.None);
        });
        var clock = System.Diagnostics.Stopwatch.StartNew();
        while (!work.IsCompleted)
        {
            Assert.True(clock.Elapsed < TimeSpan.FromSeconds(30), "the jobs did not finish");
            time.Advance(TimeSpan.FromMilliseconds(50));
            await Task.Delay(2);
        }

        await work;
    }

    /// <summary>Each message posted in the channel: its words (content, embed titles, descriptions, fields) and its JSON.</summary>
    private static List<(string Text, JsonNode Message)> Posts(FakeDiscordServer server) =>
        server.Messages.TryGetValue(Wins, out var messages) ? messages.Select(m => (Words(m), m)).ToList() : [];

    private static string Words(JsonNode? node) => node switch
    {
        JsonObject o => string.Join('\n', o.Where(p => p.Key is not ("id" or "channel_id" or "nonce" or "custom_id" or "author" or "timestamp")).Select(p => Words(p.Value))),
        JsonArray a => string.Join('\n', a.Select(Words)),
        JsonValue v when v.TryGetValue<string>(out var text) => text,
        _ => "",
    };
}
