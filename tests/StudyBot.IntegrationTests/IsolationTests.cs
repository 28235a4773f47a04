using StudyBot.Core.Chat;
using StudyBot.Core.Progress;
using Microsoft.Extensions.DependencyInjection;

namespace StudyBot.IntegrationTests;

/// <summary>A member of one community can neither read nor change another community's data.</summary>
public sealed class IsolationTests
{
    private static readonly CommunityRef GuildA = new(Platforms.Discord, "111", "Guild A");
    private static readonly CommunityRef GuildB = new(Platforms.Discord, "222", "Guild B");

    [Fact]
    public async Task The_same_user_in_two_communities_has_two_separate_progress_records()
    {
        await using var bot = await TestBot.StartAsync();
        await bot.SayAsync("Ada", "/progress skip foundation known", GuildA);
        await bot.SayAsync("Ada", "/progress goal set 5 hours", GuildA);
        await bot.SayAsync("Ada", "/progress log 45 practice", GuildA);

        var inB = await bot.SayAsync("Ada", "/progress", GuildB);
        Assert.StartsWith("Welcome to", inB.Title, StringComparison.Ordinal);

        var streakB = await bot.SayAsync("Ada", "/progress goal show", GuildB);
        Assert.Contains("no goal yet", streakB.Text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Undo_in_one_community_never_touches_another()
    {
        await using var bot = await TestBot.StartAsync();
        await bot.SayAsync("Ada", "/progress done numpy", GuildA);
        bot.Time.Advance(TimeSpan.FromMinutes(1));
        await bot.SayAsync("Ada", "/progress done pandas", GuildB);
        bot.Time.Advance(TimeSpan.FromMinutes(1));

        var undoA = await bot.SayAsync("Ada", "/progress undo", GuildA);

        Assert.Contains("NumPy", undoA.Text, StringComparison.Ordinal);
        var overviewB = await bot.SayAsync("Ada", "/progress roadmap 1", GuildB);
        Assert.Contains("✅ Pandas", ReplyText.All(overviewB), StringComparison.Ordinal);
        Assert.Equal(1, await bot.CountAsync("SELECT COUNT(*) FROM ItemProgress WHERE Status = 2"));
    }

    [Fact]
    public async Task The_store_derives_ids_from_the_caller_and_ignores_a_forged_snapshot()
    {
        await using var bot = await TestBot.StartAsync();
        await bot.SayAsync("Ada", "/progress done numpy", GuildA);
        await bot.SayAsync("Bob", "/progress done pandas", GuildB);

        await using var scope = bot.Services.CreateAsyncScope();
        var store = scope.ServiceProvider.GetRequiredService<IProgressStore>();
        var defaults = new NewcomerDefaults("ml-zero-to-hero", "UTC");
        var adaInA = await store.LoadAsync(TestBot.Member("Ada", GuildA), defaults, CancellationToken.None);
        var bobInB = await store.LoadAsync(TestBot.Member("Bob", GuildB), defaults, CancellationToken.None);

        // Bob (community B) commits a change while holding Ada's snapshot from community A.
        var changes = new ChangeSet(Guid.NewGuid(), bot.Time.GetUtcNow().UtcDateTime, new DateOnly(2026, 11, 25), "bob");
        changes.ItemChanges.Add(new ItemChange("numpy", new ItemState(ItemStatus.Done), ItemState.NotStarted, 0));
        var result = await store.CommitAsync(TestBot.Member("Bob", GuildB), adaInA, changes, CancellationToken.None);

        Assert.Equal(bobInB.Member.Id, result.MemberId);
        var adaAfter = await store.LoadAsync(TestBot.Member("Ada", GuildA), defaults, CancellationToken.None);
        Assert.Equal(ItemStatus.Done, adaAfter.StateOf("numpy").Status);
        Assert.DoesNotContain("pandas", adaAfter.Items.Keys);
    }

    [Fact]
    public async Task Direct_messages_belong_to_the_members_most_recent_community()
    {
        await using var bot = await TestBot.StartAsync();
        Assert.Equal("dm:ada", (await bot.Executor.DirectMessageCommunityAsync(Platforms.Discord, "ada", CancellationToken.None)).ExternalId);

        await bot.SayAsync("Ada", "/progress done numpy", GuildA);
        bot.Time.Advance(TimeSpan.FromMinutes(5));
        await bot.SayAsync("Ada", "/progress done pandas", GuildB);

        var home = await bot.Executor.DirectMessageCommunityAsync(Platforms.Discord, "ada", CancellationToken.None);
        Assert.Equal("222", home.ExternalId);
        Assert.Equal("dm:ada", (await bot.Executor.DirectMessageCommunityAsync(Platforms.Slack, "ada", CancellationToken.None)).ExternalId);
    }
}
