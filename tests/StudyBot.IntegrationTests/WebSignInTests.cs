using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.Extensions.DependencyInjection;
using StudyBot.Core.Chat;
using StudyBot.Core.Web;
using StudyBot.Data;
using StudyBot.Testing;

namespace StudyBot.IntegrationTests;

/// <summary>
/// Signing in to the web side through the engine and the database (issue 20): the <c>/progress web</c> commands' replies
/// in English and German, the links they make redeemed through <see cref="WebAccess"/>, the member's export and erasure,
/// and a link redeemed by many requests at once on SQLite and PostgreSQL signing in exactly one.
/// </summary>
public sealed partial class WebSignInTests
{
    private const string BaseUrl = "http://127.0.0.1:5080";

    private static readonly CancellationToken None = CancellationToken.None;

    private static Task<TestBot> StartAsync(DatabaseProvider provider = DatabaseProvider.Sqlite, string? dbPath = null, string? postgres = null, string? instanceId = null) =>
        TestBot.StartAsync(
            now: new DateTimeOffset(2026, 12, 7, 9, 0, 0, TimeSpan.Zero),
            configure: s => s.AddSingleton(WebLinkSettings.For(BaseUrl)),
            provider: provider,
            dbPath: dbPath,
            postgres: postgres,
            instanceId: instanceId);

    [GeneratedRegex("/(signin|share)/[A-Za-z0-9_-]{43}")]
    private static partial Regex TokenInLink();

    private static string Token(Reply reply)
    {
        var match = TokenInLink().Match(reply.Text);
        Assert.True(match.Success, $"no link in: {reply.Text}");
        return match.Value[(match.Value.LastIndexOf('/') + 1)..];
    }

    private static async Task<T> WithWebAsync<T>(TestBot bot, Func<WebAccess, Task<T>> use)
    {
        await using var scope = bot.Services.CreateAsyncScope();
        return await use(scope.ServiceProvider.GetRequiredService<WebAccess>());
    }

    public static TheoryData<string> Languages() => ["en", "de"];

    [Theory]
    [MemberData(nameof(Languages))]
    public async Task The_web_commands_read_as_the_snapshot_says(string language)
    {
        await using var bot = await StartAsync();
        await using var off = await TestBot.StartAsync(now: new DateTimeOffset(2026, 12, 7, 9, 0, 0, TimeSpan.Zero));
        var sb = new StringBuilder();

        async Task SayAsync(TestBot on, string command, string who = "Ada")
        {
            var reply = await on.SayAsync(who, command);
            Assert.Equal(Visibility.Private, reply.Visibility);
            sb.Append("> ").Append(command).Append(on == off ? "   (web pages off)" : "").Append(who == "Ada" ? "" : $"   ({who}, new here)").Append('\n');
            var rendered = new StringBuilder();
            ReplySnapshotTests.Render(rendered, reply);
            sb.Append(TokenInLink().Replace(rendered.ToString(), "/$1/<token>")).Append('\n');
        }

        await bot.SayAsync("Ada", $"/studybot language {language}");
        await bot.SayAsync("Ada", $"/progress me language {language}");
        await off.SayAsync("Ada", $"/progress me language {language}");
        await SayAsync(off, "/progress web");
        await SayAsync(off, "/progress web share");
        await SayAsync(bot, "/progress web", "Neo");
        await SayAsync(bot, "/progress web share", "Neo");
        await SayAsync(bot, "/progress web signout");
        await bot.SayAsync("Ada", "/progress start programmer part-time");
        await SayAsync(bot, "/progress web");
        await SayAsync(bot, "/progress web signout");
        for (var i = 0; i < 2; i++)
        {
            var link = await bot.SayAsync("Ada", "/progress web link");
            Assert.True((await WithWebAsync(bot, web => web.RedeemLinkAsync(Token(link), None))).Ok);
        }

        await SayAsync(bot, "/progress web signout");
        var kept = Token(await bot.SayAsync("Ada", "/progress web"));
        var session = await WithWebAsync(bot, web => web.RedeemLinkAsync(kept, None));
        await SayAsync(bot, "/progress web signout");
        await SayAsync(bot, "/progress web");
        await SayAsync(bot, "/progress web share");
        await SayAsync(bot, "/progress web share off");
        await SayAsync(bot, "/progress web share off");
        await SayAsync(bot, "/progress web share on");

        // The sixth link in 10 minutes is refused.
        await SayAsync(bot, "/progress web");

        Assert.True(session.Ok);
        ReplySnapshotTests.Compare(Path.Combine(ReplySnapshotTests.Folder, $"web.{language}.txt"), sb.ToString());
    }

    [Fact]
    public async Task A_link_from_the_chat_signs_the_member_in_once_and_the_session_knows_who_and_where()
    {
        await using var bot = await StartAsync();
        await bot.SayAsync("Ada", "/progress start programmer part-time");

        var reply = await bot.SayAsync("Ada", "/progress web");
        var token = Token(reply);
        Assert.Contains($"{BaseUrl}/signin/{token}", reply.Text, StringComparison.Ordinal);
        var first = await WithWebAsync(bot, web => web.RedeemLinkAsync(token, None));
        var again = await WithWebAsync(bot, web => web.RedeemLinkAsync(token, None));
        var session = await WithWebAsync(bot, web => web.SessionAsync(first.SignedIn!.SessionToken, None));

        Assert.True(first.Ok);
        Assert.Equal(WebLinkRefusal.Used, again.Refusal);
        Assert.Equal(new WebMember(TestBot.Home, "ada", "Ada", IsAdmin: true), session!.Member);
        Assert.Equal(bot.Time.GetUtcNow() + TimeSpan.FromDays(30), session.ExpiresAt);

        // Only hashes are stored: neither token is anywhere in the database, receipts included.
        var dump = await bot.DumpAsync();
        Assert.DoesNotContain(token, dump, StringComparison.Ordinal);
        Assert.DoesNotContain(first.SignedIn!.SessionToken, dump, StringComparison.Ordinal);
        Assert.Equal(1, await bot.CountAsync("""SELECT COUNT(*) FROM "WebSessions" """));

        bot.Time.Advance(TimeSpan.FromMinutes(5));
        var fresh = Token(await bot.SayAsync("Ada", "/progress web"));
        var late = await WithWebAsync(bot, web => web.RedeemLinkAsync(fresh, None));
        Assert.True(late.Ok);
    }

    [Fact]
    public async Task A_link_expires_after_5_minutes_and_a_forged_or_truncated_one_is_refused_without_a_session()
    {
        await using var bot = await StartAsync();
        await bot.SayAsync("Ada", "/progress start programmer part-time");
        var token = Token(await bot.SayAsync("Ada", "/progress web"));

        bot.Time.Advance(TimeSpan.FromMinutes(5));
        Assert.Equal(WebLinkRefusal.Expired, (await WithWebAsync(bot, web => web.RedeemLinkAsync(token, None))).Refusal);
        Assert.Equal(WebLinkRefusal.Malformed, (await WithWebAsync(bot, web => web.RedeemLinkAsync(token[..30], None))).Refusal);
        Assert.Equal(WebLinkRefusal.Unknown, (await WithWebAsync(bot, web => web.RedeemLinkAsync(WebTokens.New().Text, None))).Refusal);
        Assert.Equal(0, await bot.CountAsync("""SELECT COUNT(*) FROM "WebSessions" """));
    }

    [Fact]
    public async Task A_member_of_another_community_with_the_same_user_id_gets_their_own_session_only()
    {
        await using var bot = await StartAsync();
        var elsewhere = new CommunityRef(Platforms.Console, "elsewhere", "Elsewhere group");
        await bot.SayAsync("Ada", "/progress start programmer part-time");
        await bot.SayAsync("Ada", "/progress start programmer part-time", elsewhere);

        var token = Token(await bot.SayAsync("Ada", "/progress web", elsewhere));
        var signedIn = (await WithWebAsync(bot, web => web.RedeemLinkAsync(token, None))).SignedIn!;
        var session = await WithWebAsync(bot, web => web.SessionAsync(signedIn.SessionToken, None));

        Assert.Equal(elsewhere, session!.Member.Community);

        // Signing out at home ends nothing elsewhere.
        var home = await bot.SayAsync("Ada", "/progress web signout");
        Assert.Contains("nothing to end", home.Text, StringComparison.Ordinal);
        Assert.NotNull(await WithWebAsync(bot, web => web.SessionAsync(signedIn.SessionToken, None)));
    }

    [Fact]
    public async Task The_export_has_the_members_web_sessions_and_share_state_without_hashes_and_erasure_deletes_them()
    {
        await using var bot = await StartAsync();
        await bot.SayAsync("Ada", "/progress start programmer part-time");
        await bot.SayAsync("Bob", "/progress start programmer part-time");
        foreach (var who in new[] { "Ada", "Bob" })
        {
            var token = Token(await bot.SayAsync(who, "/progress web"));
            await WithWebAsync(bot, web => web.RedeemLinkAsync(token, None));
            await bot.SayAsync(who, "/progress web");
            await bot.SayAsync(who, "/progress web share");
        }

        bot.Time.Advance(TimeSpan.FromHours(1));
        var export = await bot.SayAsync("Ada", "/progress me export");
        var json = Encoding.UTF8.GetString(Assert.Single(export.Attachments).Content);
        using var doc = JsonDocument.Parse(json);
        var web = doc.RootElement.GetProperty("member").GetProperty("web");
        var session = Assert.Single(web.GetProperty("sessions").EnumerateArray().ToList());
        Assert.Equal(new DateTime(2026, 12, 7, 9, 0, 0, DateTimeKind.Utc), session.GetProperty("createdAtUtc").GetDateTime());
        Assert.Equal(new DateTime(2027, 1, 6, 9, 0, 0, DateTimeKind.Utc), session.GetProperty("expiresAtUtc").GetDateTime());
        Assert.True(session.TryGetProperty("lastSeenAtUtc", out _));
        Assert.True(web.GetProperty("shareCard").GetProperty("on").GetBoolean());
        Assert.DoesNotContain("hash", json, StringComparison.OrdinalIgnoreCase);

        // An admin's export of the community has no one's web sign-ins.
        var community = Encoding.UTF8.GetString(Assert.Single((await bot.SayAsync("Ada", "/studybot export")).Attachments).Content);
        Assert.DoesNotContain("shareCard", community, StringComparison.Ordinal);

        await bot.SayAsync("Ada", "/progress me delete confirm");

        foreach (var table in new[] { "WebLinks", "WebSessions", "WebShares" })
        {
            Assert.Equal(0, await bot.CountAsync($"""SELECT COUNT(*) FROM "{table}" t JOIN "Members" m ON m."Id" = t."MemberId" WHERE m."DeletedAtUtc" IS NOT NULL"""));
            Assert.True(await bot.CountAsync($"""SELECT COUNT(*) FROM "{table}" """) > 0, $"Bob's rows in {table} stay");
        }
    }

    [Theory]
    [InlineData(DatabaseProvider.Sqlite)]
    [PostgresData(DatabaseProvider.PostgreSQL)]
    public async Task A_link_redeemed_by_many_requests_at_once_on_two_instances_signs_in_exactly_one(DatabaseProvider provider)
    {
        var postgres = provider == DatabaseProvider.PostgreSQL ? await Postgres.CreateDatabaseAsync() : null;
        var file = Path.Combine(Path.GetTempPath(), $"studybot-web-{Guid.NewGuid():N}.db");
        try
        {
            await using var one = await StartAsync(provider, file, postgres, "one");
            await using var two = await StartAsync(provider, file, postgres, "two");
            await one.SayAsync("Ada", "/progress start programmer part-time");

            for (var round = 0; round < 5; round++)
            {
                var token = Token(await one.SayAsync("Ada", "/progress web"));
                var results = await Task.WhenAll(Enumerable.Range(0, 8).Select(i => Task.Run(() => WithWebAsync(i % 2 == 0 ? one : two, web => web.RedeemLinkAsync(token, None)))));

                Assert.Single(results, r => r.Ok);
                Assert.All(results.Where(r => !r.Ok), r => Assert.Equal(WebLinkRefusal.Used, r.Refusal));
                Assert.Equal(round + 1, await one.CountAsync("""SELECT COUNT(*) FROM "WebSessions" """));
                one.Time.Advance(TimeSpan.FromMinutes(3));
                two.Time.Advance(TimeSpan.FromMinutes(3));
            }
        }
        finally
        {
            foreach (var suffix in new[] { "", "-wal", "-shm" })
            {
                File.Delete(file + suffix);
            }
        }
    }
}
