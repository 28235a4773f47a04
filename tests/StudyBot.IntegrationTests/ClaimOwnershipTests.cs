using System.Collections.Concurrent;
using Microsoft.Extensions.DependencyInjection;
using StudyBot.Core.Chat;
using StudyBot.Core.Notifications;
using StudyBot.Core.Roles;
using StudyBot.Data;

namespace StudyBot.IntegrationTests;

/// <summary>
/// Claims of the outbox and the role grants belong to an instance (<c>Instance:Id</c>): instances sharing one database
/// never get the same row, a starting instance frees only its own old claims, and a claim whose lease ran out is taken
/// over (the late owner's result then changes nothing).
/// </summary>
public sealed class ClaimOwnershipTests
{
    private static readonly TimeSpan Lease = TimeSpan.FromMinutes(2);

    /// <summary>Two bots on one database: a PostgreSQL database, or (store behaviour only) one SQLite file.</summary>
    private static async Task<(TestBot A, TestBot B)> TwoInstancesAsync(DatabaseProvider provider, string a = "studybot-a", string b = "studybot-b")
    {
        var first = await TestBot.StartAsync(provider: provider, instanceId: a, pooling: true);
        var second = await TestBot.StartAsync(provider: provider, postgres: provider == DatabaseProvider.PostgreSQL ? first.ConnectionString : null,
            dbPath: first.DbPath, instanceId: b, pooling: true);
        second.Time.SetUtcNow(first.Time.GetUtcNow());
        return (first, second);
    }

    private static string Row(string rows) => rows.TrimEnd('\r', '\n');

    private static async Task ExecuteAsync(TestBot bot, string sql)
    {
        await using var connection = await bot.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        await command.ExecuteNonQueryAsync();
    }

    /// <summary><paramref name="count"/> channel posts due long ago, on the console platform.</summary>
    private static async Task SeedOutboxAsync(TestBot bot, int count)
    {
        await bot.SayAsync("Ada", "/progress start programmer part-time");
        await ExecuteAsync(bot, $"""
            WITH RECURSIVE n(g) AS (SELECT 1 UNION ALL SELECT g + 1 FROM n WHERE g < {count})
            INSERT INTO "Outbox" ("CommunityId", "Key", "Kind", "Target", "Platform", "CommunityExternalId", "CommunityName", "RecipientId", "RecipientName",
                                  "PayloadJson", "CreatedAtUtc", "DueAtUtc", "NextAttemptAtUtc", "Attempts")
            SELECT c."Id", 'claim-test-' || n.g, 'test', 1, c."Platform", c."ExternalId", c."Name", 'channel', 'channel',
                   '{"{"}"text":"hello"{"}"}', '2000-01-01 00:00:00', '2000-01-01 00:00:00', '2000-01-01 00:00:00', 0
            FROM "Communities" c, n
            """);
        Assert.Equal(count, await bot.CountAsync("""SELECT COUNT(*) FROM "Outbox" WHERE "Kind" = 'test'"""));
    }

    private static async Task<IReadOnlyList<long>> ClaimOutboxAsync(TestBot bot, int limit, TimeSpan? lease = null)
    {
        await using var scope = bot.Services.CreateAsyncScope();
        var batch = await scope.ServiceProvider.GetRequiredService<IOutboxStore>()
            .ClaimAsync(Platforms.Console, bot.Time.GetUtcNow().UtcDateTime, limit, lease ?? Lease, CancellationToken.None);
        return batch.Select(e => e.Id).ToList();
    }

    private static async Task WithOutboxAsync(TestBot bot, Func<IOutboxStore, Task> work)
    {
        await using var scope = bot.Services.CreateAsyncScope();
        await work(scope.ServiceProvider.GetRequiredService<IOutboxStore>());
    }

    [PostgresFact]
    public async Task Two_instances_claiming_the_outbox_at_once_never_get_the_same_message()
    {
        var (a, b) = await TwoInstancesAsync(DatabaseProvider.PostgreSQL);
        await using var _ = a;
        await using var __ = b;
        const int Messages = 300;

        // Both instances claim once on the empty outbox first (connections open, statements ready), so neither drains
        // the whole outbox while the other is still warming up, which would leave nothing to compete for.
        Assert.Empty(await ClaimOutboxAsync(a, 7));
        Assert.Empty(await ClaimOutboxAsync(b, 7));
        await SeedOutboxAsync(a, Messages);

        // Each instance takes one batch before the race, so both own rows whatever the thread pool does next (under load
        // one instance's four claimers once drained all 300 before the other's were scheduled).
        var claimed = new ConcurrentBag<(string Owner, long Id)>();
        foreach (var id in await ClaimOutboxAsync(a, 7))
        {
            claimed.Add(("studybot-a", id));
        }

        foreach (var id in await ClaimOutboxAsync(b, 7))
        {
            claimed.Add(("studybot-b", id));
        }

        var go = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        async Task DrainAsync(TestBot bot, string owner)
        {
            await go.Task;
            for (var round = 0; round < Messages; round++)
            {
                var ids = await ClaimOutboxAsync(bot, 7);
                if (ids.Count == 0)
                {
                    return;
                }

                foreach (var id in ids)
                {
                    claimed.Add((owner, id));
                }
            }
        }

        // Four claimers per instance, all let go at once.
        var claimers = Enumerable.Range(0, 4).SelectMany(_ => new[] { Task.Run(() => DrainAsync(a, "studybot-a")), Task.Run(() => DrainAsync(b, "studybot-b")) }).ToList();
        go.SetResult();
        await Bounded.WaitAsync(Task.WhenAll(claimers), "eight claimers to drain the outbox", TimeSpan.FromSeconds(60));

        var all = claimed.ToList();
        Assert.Equal(Messages, all.Count);
        Assert.Equal(Messages, all.Select(c => c.Id).Distinct().Count());
        Assert.Contains(all, c => c.Owner == "studybot-a");
        Assert.Contains(all, c => c.Owner == "studybot-b");

        // Each row names the instance that got it.
        var owners = (await a.QueryAsync("""SELECT "Id", "ClaimedBy" FROM "Outbox" ORDER BY "Id" """)).Split(Environment.NewLine, StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(all.Select(c => $"{c.Id}|{c.Owner}|").Order(StringComparer.Ordinal), owners.Order(StringComparer.Ordinal));
    }

    [Theory]
    [InlineData(DatabaseProvider.Sqlite)]
    [PostgresData(DatabaseProvider.PostgreSQL)]
    public async Task A_starting_instance_frees_its_own_old_claims_and_leaves_another_instances_live_claims_alone(DatabaseProvider provider)
    {
        var (a, b) = await TwoInstancesAsync(provider);
        await using var _ = a;
        await using var __ = b;
        await SeedOutboxAsync(a, 6);
        var mine = await ClaimOutboxAsync(a, 3);
        var theirs = await ClaimOutboxAsync(b, 3);
        Assert.Equal(3, mine.Count);
        Assert.Equal(3, theirs.Count);

        // Instance a restarts under the same Instance:Id: its first drain frees what it held before.
        await using var restarted = await TestBot.StartAsync(provider: provider, postgres: provider == DatabaseProvider.PostgreSQL ? a.ConnectionString : null,
            dbPath: a.DbPath, instanceId: "studybot-a", pooling: true);
        restarted.Time.SetUtcNow(a.Time.GetUtcNow());
        await WithOutboxAsync(restarted, o => o.ReleaseClaimsAsync(CancellationToken.None));

        var again = await ClaimOutboxAsync(restarted, 10);
        Assert.Equal(mine.Order(), again.Order());
        Assert.Empty(again.Intersect(theirs));

        // b, still alive, keeps its claims and can finish them.
        await WithOutboxAsync(b, async o =>
        {
            foreach (var id in theirs)
            {
                await o.MarkSentAsync(id, b.Time.GetUtcNow().UtcDateTime, CancellationToken.None);
            }
        });
        Assert.Equal(3, await a.CountAsync("""SELECT COUNT(*) FROM "Outbox" WHERE "SentAtUtc" IS NOT NULL"""));
    }

    private static async Task<IReadOnlyList<OutboxEnvelope>> ClaimEnvelopesAsync(TestBot bot, int limit)
    {
        await using var scope = bot.Services.CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<IOutboxStore>()
            .ClaimAsync(Platforms.Console, bot.Time.GetUtcNow().UtcDateTime, limit, Lease, CancellationToken.None);
    }

    [Theory]
    [InlineData(DatabaseProvider.Sqlite)]
    [PostgresData(DatabaseProvider.PostgreSQL)]
    public async Task A_message_whose_sender_stopped_mid_send_is_claimed_again_with_the_time_it_may_have_gone_out_since(DatabaseProvider provider)
    {
        var (a, b) = await TwoInstancesAsync(provider);
        await using var _ = a;
        await using var __ = b;
        await SeedOutboxAsync(a, 4);
        var claimedAt = a.Time.GetUtcNow().UtcDateTime;

        // a claims two messages and dies mid-send; nothing of its claims was released.
        var dead = await ClaimEnvelopesAsync(a, 2);
        Assert.All(dead, e => Assert.Null(e.MayHaveLandedSinceUtc));

        // b claims the other two (fresh: no earlier attempt) and releases one unsent, as a drain out of time does.
        var fresh = await ClaimEnvelopesAsync(b, 2);
        Assert.All(fresh, e => Assert.Null(e.MayHaveLandedSinceUtc));
        await WithOutboxAsync(b, o => o.ReleaseAsync([fresh[0].Id], CancellationToken.None));

        // Once the leases have run out, b claims all four again: a's two and the one b held itself are marked (each may
        // be out since its claim); the one b released unsent was never attempted.
        b.Time.Advance(Lease + TimeSpan.FromSeconds(1));
        var taken = await ClaimEnvelopesAsync(b, 10);
        Assert.Equal(dead.Concat(fresh).Select(e => e.Id).Order(), taken.Select(e => e.Id).Order());
        Assert.All(taken.Where(e => e.Id != fresh[0].Id), e => Assert.Equal(claimedAt, e.MayHaveLandedSinceUtc));
        Assert.Null(taken.Single(e => e.Id == fresh[0].Id).MayHaveLandedSinceUtc);
    }

    [Theory]
    [InlineData(DatabaseProvider.Sqlite)]
    [PostgresData(DatabaseProvider.PostgreSQL)]
    public async Task A_message_an_instance_held_when_it_was_restarted_is_claimed_again_at_once_with_the_time_it_may_have_gone_out_since(DatabaseProvider provider)
    {
        var (a, b) = await TwoInstancesAsync(provider);
        await using var _ = a;
        await using var __ = b;
        await SeedOutboxAsync(a, 2);
        var claimedAt = a.Time.GetUtcNow().UtcDateTime;
        var held = await ClaimEnvelopesAsync(a, 2);

        // Restarted under the same id: its first drain frees its claims, and the mark of the stopped attempt stays.
        await using var restarted = await TestBot.StartAsync(provider: provider, postgres: provider == DatabaseProvider.PostgreSQL ? a.ConnectionString : null,
            dbPath: a.DbPath, instanceId: "studybot-a", pooling: true);
        restarted.Time.SetUtcNow(a.Time.GetUtcNow());
        await WithOutboxAsync(restarted, o => o.ReleaseClaimsAsync(CancellationToken.None));

        var again = await ClaimEnvelopesAsync(restarted, 10);
        Assert.Equal(held.Select(e => e.Id).Order(), again.Select(e => e.Id).Order());
        Assert.All(again, e => Assert.Equal(claimedAt, e.MayHaveLandedSinceUtc));
    }

    [Theory]
    [InlineData(DatabaseProvider.Sqlite)]
    [PostgresData(DatabaseProvider.PostgreSQL)]
    public async Task A_claim_whose_lease_ran_out_is_taken_over_and_the_late_owner_can_no_longer_mark_it(DatabaseProvider provider)
    {
        var (a, b) = await TwoInstancesAsync(provider);
        await using var _ = a;
        await using var __ = b;
        await SeedOutboxAsync(a, 1);
        var held = Assert.Single(await ClaimOutboxAsync(a, 5));

        // While a's lease runs, b gets nothing.
        b.Time.Advance(Lease - TimeSpan.FromSeconds(1));
        Assert.Empty(await ClaimOutboxAsync(b, 5));

        // a went quiet; once its lease has run out b takes the message over.
        b.Time.Advance(TimeSpan.FromSeconds(2));
        Assert.Equal(held, Assert.Single(await ClaimOutboxAsync(b, 5)));

        // a's late result changes nothing: the message is b's now.
        await WithOutboxAsync(a, o => o.MarkRetryAsync(held, a.Time.GetUtcNow().UtcDateTime.AddHours(1), "late", countsAsFailure: true, CancellationToken.None));
        await WithOutboxAsync(a, o => o.ReleaseAsync([held], CancellationToken.None));
        await WithOutboxAsync(a, o => o.MarkSentAsync(held, a.Time.GetUtcNow().UtcDateTime, CancellationToken.None));
        Assert.Equal("studybot-b|0|NULL|", Row(await a.QueryAsync($"""SELECT "ClaimedBy", "Attempts", "SentAtUtc" FROM "Outbox" WHERE "Id" = {held}""")));

        await WithOutboxAsync(b, o => o.MarkSentAsync(held, b.Time.GetUtcNow().UtcDateTime, CancellationToken.None));
        Assert.Equal("NULL|1|", Row(await a.QueryAsync($"""SELECT "ClaimedBy", "Attempts" FROM "Outbox" WHERE "Id" = {held}""")));
    }

    // ---- role grants: the same mechanism ----

    /// <summary><paramref name="members"/> members, each with a pending grant of a mapped role.</summary>
    private static async Task SeedGrantsAsync(TestBot bot, int members)
    {
        for (var i = 0; i < members; i++)
        {
            await bot.SayAsync($"Member{i}", "/progress start programmer part-time");
        }

        await ExecuteAsync(bot, """
            INSERT INTO "PhaseRoles" ("CommunityId", "PhaseId", "RoleId", "RoleName", "CreatedAtUtc")
            SELECT "Id", 'phase-0', 'role-1', 'Graduate', '2000-01-01 00:00:00' FROM "Communities"
            """);
        await ExecuteAsync(bot, """
            INSERT INTO "RoleGrants" ("CommunityId", "MemberId", "PhaseId", "RoleId", "State", "Attempts", "NextAttemptAtUtc", "CreatedAtUtc")
            SELECT "CommunityId", "Id", 'phase-0', 'role-1', 0, 0, '2000-01-01 00:00:00', '2000-01-01 00:00:00' FROM "Members"
            """);
        Assert.Equal(members, await bot.CountAsync("""SELECT COUNT(*) FROM "RoleGrants" """));
    }

    private static async Task<IReadOnlyList<long>> ClaimGrantsAsync(TestBot bot, int limit)
    {
        await using var scope = bot.Services.CreateAsyncScope();
        var batch = await scope.ServiceProvider.GetRequiredService<IRoleStore>().ClaimAsync(null, bot.Time.GetUtcNow().UtcDateTime, limit, Lease, CancellationToken.None);
        return batch.Select(g => g.Id).ToList();
    }

    private static async Task WithRolesAsync(TestBot bot, Func<IRoleStore, Task> work)
    {
        await using var scope = bot.Services.CreateAsyncScope();
        await work(scope.ServiceProvider.GetRequiredService<IRoleStore>());
    }

    [PostgresFact]
    public async Task Two_instances_claiming_role_grants_at_once_never_get_the_same_grant()
    {
        var (a, b) = await TwoInstancesAsync(DatabaseProvider.PostgreSQL);
        await using var _ = a;
        await using var __ = b;
        const int Members = 40;
        await SeedGrantsAsync(a, Members);

        var claimed = new ConcurrentBag<long>();
        async Task DrainAsync(TestBot bot)
        {
            for (var round = 0; round < Members; round++)
            {
                var ids = await ClaimGrantsAsync(bot, 3);
                if (ids.Count == 0)
                {
                    return;
                }

                foreach (var id in ids)
                {
                    claimed.Add(id);
                }
            }
        }

        await Bounded.WaitAsync(
            Task.WhenAll(Enumerable.Range(0, 3).SelectMany(_ => new[] { Task.Run(() => DrainAsync(a)), Task.Run(() => DrainAsync(b)) })),
            "six claimers to take every role grant",
            TimeSpan.FromSeconds(60));
        Assert.Equal(Members, claimed.Count);
        Assert.Equal(Members, claimed.Distinct().Count());
    }

    [Theory]
    [InlineData(DatabaseProvider.Sqlite)]
    [PostgresData(DatabaseProvider.PostgreSQL)]
    public async Task Role_grants_are_owned_the_same_way_freed_only_by_their_owner_and_taken_over_after_the_lease(DatabaseProvider provider)
    {
        var (a, b) = await TwoInstancesAsync(provider);
        await using var _ = a;
        await using var __ = b;
        await SeedGrantsAsync(a, 4);
        var mine = await ClaimGrantsAsync(a, 2);
        var theirs = await ClaimGrantsAsync(b, 2);
        Assert.Equal(2, mine.Count);
        Assert.Equal(2, theirs.Count);

        // A restart of a frees a's grants only.
        await using var restarted = await TestBot.StartAsync(provider: provider, postgres: provider == DatabaseProvider.PostgreSQL ? a.ConnectionString : null,
            dbPath: a.DbPath, instanceId: "studybot-a", pooling: true);
        restarted.Time.SetUtcNow(a.Time.GetUtcNow());
        await WithRolesAsync(restarted, r => r.ReleaseClaimsAsync(CancellationToken.None));
        Assert.Equal(mine.Order(), (await ClaimGrantsAsync(restarted, 10)).Order());
        await WithRolesAsync(restarted, async r =>
        {
            foreach (var id in mine)
            {
                await r.MarkAsync(id, RoleGrantState.Granted, null, null, restarted.Time.GetUtcNow().UtcDateTime, CancellationToken.None);
            }
        });

        // b's lease runs out: a takes its grants over, and b's late result changes nothing.
        a.Time.Advance(Lease + TimeSpan.FromSeconds(1));
        Assert.Equal(theirs.Order(), (await ClaimGrantsAsync(a, 10)).Order());
        await WithRolesAsync(b, r => r.MarkAsync(theirs[0], RoleGrantState.Failed, "late", null, b.Time.GetUtcNow().UtcDateTime, CancellationToken.None));
        Assert.Equal("0|studybot-a|", Row(await a.QueryAsync($"""SELECT "State", "ClaimedBy" FROM "RoleGrants" WHERE "Id" = {theirs[0]}""")));
        await WithRolesAsync(a, r => r.MarkAsync(theirs[0], RoleGrantState.Granted, null, null, a.Time.GetUtcNow().UtcDateTime, CancellationToken.None));
        Assert.Equal("1|NULL|", Row(await a.QueryAsync($"""SELECT "State", "ClaimedBy" FROM "RoleGrants" WHERE "Id" = {theirs[0]}""")));
    }
}
