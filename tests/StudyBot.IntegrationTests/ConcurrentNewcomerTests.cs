using StudyBot.Core.Chat;
using StudyBot.Data;

namespace StudyBot.IntegrationTests;

/// <summary>
/// A brand-new member's first commands can reach two instances at once (two Discord interactions, two Slack envelopes
/// on two instances' sockets): both find no member and no community and both create them. That must never be a
/// unique-key error: one of them creates the rows, the other uses them, and both commands are answered as usual.
/// </summary>
public sealed class ConcurrentNewcomerTests
{
    [Theory]
    [InlineData(DatabaseProvider.Sqlite)]
    [PostgresData(DatabaseProvider.PostgreSQL)]
    public async Task First_commands_of_a_new_member_on_two_instances_at_once_are_both_answered_and_make_one_member_and_one_community(DatabaseProvider provider)
    {
        var postgres = provider == DatabaseProvider.PostgreSQL ? await Postgres.CreateDatabaseAsync() : null;
        var file = Path.Combine(Path.GetTempPath(), $"studybot-newcomers-{Guid.NewGuid():N}.db");
        await using var one = await TestBot.StartAsync(provider: provider, postgres: postgres, dbPath: file, pooling: true, instanceId: "one");
        await using var two = await TestBot.StartAsync(provider: provider, postgres: postgres, dbPath: file, pooling: true, instanceId: "two");
        try
        {
            const int Newcomers = 12;
            for (var i = 0; i < Newcomers; i++)
            {
                var community = new CommunityRef(Platforms.Discord, $"guild-{i}", $"Guild {i}");
                var member = TestBot.Member($"Newcomer{i}", community);
                var replies = await Task.WhenAll(
                    Task.Run(() => one.Executor.RunTextAsync(member, "/progress done numpy", CancellationToken.None)),
                    Task.Run(() => two.Executor.RunTextAsync(member, "/progress log 30 practice", CancellationToken.None)));

                Assert.All(replies, r => Assert.True(r.Tone != ReplyTone.Error, $"newcomer {i} got: {r.Text}"));
                Assert.Contains("Marked NumPy", ReplyText.All(replies[0]), StringComparison.Ordinal);
                Assert.Contains("Logged 30 min of practice", ReplyText.All(replies[1]), StringComparison.Ordinal);
            }

            Assert.Equal(Newcomers, await one.CountAsync("""SELECT COUNT(*) FROM "Communities" WHERE "ExternalId" LIKE 'guild-%'"""));
            Assert.Equal(Newcomers, await one.CountAsync("""SELECT COUNT(DISTINCT "CommunityId") FROM "Members" WHERE "UserId" LIKE 'newcomer%'"""));
            Assert.Equal(Newcomers, await one.CountAsync("""SELECT COUNT(*) FROM "Members" WHERE "UserId" LIKE 'newcomer%'"""));
            Assert.Equal(Newcomers, await one.CountAsync("""SELECT COUNT(*) FROM "StudyLogs" WHERE "Minutes" = 30"""));
            Assert.Equal(Newcomers, await one.CountAsync("""SELECT COUNT(*) FROM "ItemProgress" WHERE "ItemId" = 'numpy'"""));
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
