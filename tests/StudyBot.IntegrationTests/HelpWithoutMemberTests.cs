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

    private sealed class UnreadableStore : IProgressStore
    {
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
