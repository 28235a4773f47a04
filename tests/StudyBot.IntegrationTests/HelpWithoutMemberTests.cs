using Microsoft.Extensions.DependencyInjection;
using StudyBot.Core.Chat;
using StudyBot.Core.Commands;
using StudyBot.Core.Progress;

namespace StudyBot.IntegrationTests;

/// <summary>
/// Help reads nothing of the member: it is answered without loading their progress or looking up a receipt, so it is
/// cheap (issue 14's profile: nine tenths of a help's CPU was that loading) and it still answers when the member's data
/// cannot be read. Commands that read the member still do, and say so when they cannot.
/// </summary>
public sealed class HelpWithoutMemberTests
{
    [Fact]
    public async Task Help_is_answered_without_reading_the_member_while_commands_that_need_them_say_they_failed()
    {
        await using var bot = await TestBot.StartAsync(replace: s =>
        {
            s.AddScoped<IProgressStore, UnreadableStore>();
            s.AddScoped<ICommandReceiptStore, UnreadableReceipts>();
        });
        var member = TestBot.Member("Ada");
        var arrival = bot.Executor.Arrive(Platforms.Console, member.Community.ExternalId, member.UserId, "delivery-1");

        var help = await bot.Executor.RunTextAsync(member, "/progress help", arrival, CancellationToken.None);
        Assert.NotEqual(ReplyTone.Error, help.Tone);
        Assert.Contains("/progress done", ReplyText.All(help), StringComparison.Ordinal);

        var adminHelp = await bot.Executor.RunTextAsync(member, "/studybot help", CancellationToken.None);
        Assert.Contains("/studybot channel", ReplyText.All(adminHelp), StringComparison.Ordinal);

        var overview = await bot.Executor.RunTextAsync(member, "/progress", CancellationToken.None);
        Assert.Equal(ReplyTone.Error, overview.Tone);
        Assert.Equal(CommandExecutor.FailedText, overview.Text);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task A_command_that_cannot_be_read_is_answered_in_the_platform_s_language_when_the_member_s_cannot_be_read(bool hangs)
    {
        await using var bot = await TestBot.StartAsync(replace: s => s.AddScoped<IProgressStore>(_ => new UnreadableStore { Hangs = hangs }));
        var german = TestBot.Member("Ada") with { Locale = "de" };

        var reply = await bot.Executor.RunTextAsync(german, "/progress log abc practice", CancellationToken.None);
        var english = await bot.Executor.RunTextAsync(TestBot.Member("Ada"), "/progress log abc practice", CancellationToken.None);

        Assert.Equal(ReplyTone.Error, reply.Tone);
        Assert.StartsWith("`abc` ist keine Minutenzahl.", reply.Text, StringComparison.Ordinal);
        Assert.StartsWith("`abc` is not a number of minutes.", english.Text, StringComparison.Ordinal);
    }

    private sealed class UnreadableStore : IProgressStore
    {
        /// <summary>Whether reading the languages never answers (a database that hangs) instead of failing at once.</summary>
        public bool Hangs { get; init; }

        public async Task<(string? Member, string? Community)> LanguagesAsync(MemberRef member, CancellationToken cancellationToken)
        {
            if (Hangs)
            {
                // Longer than the executor waits (500 ms): it gives up on the languages long before this ends.
                await Task.Delay(TimeSpan.FromMinutes(1), cancellationToken);
            }

            throw Unreadable();
        }

        public Task<MemberSnapshot> LoadAsync(MemberRef member, NewcomerDefaults defaults, CancellationToken cancellationToken) => throw Unreadable();

        public Task<UndoCandidate?> LoadUndoAsync(MemberRef member, CancellationToken cancellationToken) => throw Unreadable();

        public Task<IReadOnlySet<string>> LoadRecordedCompletionsAsync(MemberRef member, CancellationToken cancellationToken) => throw Unreadable();

        public Task<CommunityRef?> FindHomeCommunityAsync(string platform, string userId, CancellationToken cancellationToken) => throw Unreadable();

        public Task<CommitResult> CommitAsync(MemberRef member, MemberSnapshot snapshot, ChangeSet changes, CancellationToken cancellationToken) => throw Unreadable();

        private static InvalidOperationException Unreadable() => new("the member's data cannot be read in this test");
    }

    private sealed class UnreadableReceipts : ICommandReceiptStore
    {
        public Task<CommandReceipt?> FindAsync(CommunityRef community, string deliveryId, DateTime sinceUtc, CancellationToken cancellationToken) =>
            throw new InvalidOperationException("receipts cannot be read in this test");

        public Task<bool> AddAsync(CommandReceipt receipt, CancellationToken cancellationToken) =>
            throw new InvalidOperationException("receipts cannot be written in this test");

        public Task<int> PruneAsync(DateTime beforeUtc, CancellationToken cancellationToken) =>
            throw new InvalidOperationException("receipts cannot be pruned in this test");
    }
}
