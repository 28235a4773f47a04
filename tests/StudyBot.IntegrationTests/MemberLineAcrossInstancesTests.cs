using Microsoft.Extensions.DependencyInjection;
using StudyBot.Core.Chat;
using StudyBot.Core.Commands;
using StudyBot.Data;

namespace StudyBot.IntegrationTests;

/// <summary>
/// A member's commands run one at a time even when they reach different instances (two Slack envelopes on two
/// instances' sockets, Discord HTTP interactions behind a load balancer): on PostgreSQL the member's line is held in
/// the database, so a command never decides on a snapshot another instance is about to change. Without it, two
/// settings changed at the same moment on two instances lose one of them (each writes the profile it loaded).
/// </summary>
public sealed class MemberLineAcrossInstancesTests
{
    [PostgresFact]
    public async Task Settings_changed_at_the_same_moment_on_two_instances_are_both_kept()
    {
        var postgres = await Postgres.CreateDatabaseAsync();
        await using var one = await TestBot.StartAsync(provider: DatabaseProvider.PostgreSQL, postgres: postgres, pooling: true, instanceId: "one");
        await using var two = await TestBot.StartAsync(provider: DatabaseProvider.PostgreSQL, postgres: postgres, pooling: true, instanceId: "two");
        var community = new CommunityRef(Platforms.Slack, "T-line", "Line");
        var member = TestBot.Member("Ada", community);
        await one.Executor.RunTextAsync(member, "/progress done numpy", CancellationToken.None);

        string[] privacy = ["private", "public", "partners"];
        string[] celebrate = ["dm", "none", "public"];
        for (var round = 0; round < 12; round++)
        {
            var p = privacy[round % privacy.Length];
            var c = celebrate[round % celebrate.Length];
            var replies = await Task.WhenAll(
                Task.Run(() => one.Executor.RunTextAsync(member, $"/progress me privacy {p}", CancellationToken.None)),
                Task.Run(() => two.Executor.RunTextAsync(member, $"/progress me celebrate {c}", CancellationToken.None)));
            Assert.All(replies, r => Assert.True(r.Tone is not (ReplyTone.Error or ReplyTone.Warning), $"round {round}: {r.Text}"));

            var storedPrivacy = await one.CountAsync("""SELECT "Privacy" FROM "Members" WHERE "UserId" = 'ada'""");
            var storedCelebrate = await one.CountAsync("""SELECT "Celebrate" FROM "Members" WHERE "UserId" = 'ada'""");
            Assert.True(
                storedPrivacy == (long)Enum.Parse<Core.Notifications.PrivacyLevel>(p, ignoreCase: true)
                && storedCelebrate == (long)Enum.Parse<Core.Notifications.CelebrationChoice>(c, ignoreCase: true),
                $"round {round}: asked for privacy {p} and celebrations {c}, kept privacy {(Core.Notifications.PrivacyLevel)storedPrivacy} and celebrations {(Core.Notifications.CelebrationChoice)storedCelebrate}");
        }
    }

    [PostgresFact]
    public async Task A_command_that_waits_too_long_for_the_members_command_on_another_instance_is_answered_and_changes_nothing()
    {
        var postgres = await Postgres.CreateDatabaseAsync();
        await using var one = await TestBot.StartAsync(provider: DatabaseProvider.PostgreSQL, postgres: postgres, pooling: true, instanceId: "one");
        await using var two = await TestBot.StartAsync(
            provider: DatabaseProvider.PostgreSQL,
            postgres: postgres,
            pooling: true,
            instanceId: "two",
            replace: s => s.AddSingleton(new CoreSettings { MemberQueuePatience = TimeSpan.FromMilliseconds(300) }));
        var community = new CommunityRef(Platforms.Slack, "T-busy", "Busy");
        var member = TestBot.Member("Grace", community);
        await one.Executor.RunTextAsync(member, "/progress me privacy public", CancellationToken.None);

        // Instance one is in the middle of a command of Grace's (its line is held in the database).
        var held = await one.Services.GetRequiredService<ISharedMemberLines>()
            .EnterAsync(Platforms.Slack, "T-busy", "grace", TimeSpan.FromSeconds(5), CancellationToken.None);
        Assert.NotNull(held);
        await using (held)
        {
            var reply = await two.Executor.RunTextAsync(member, "/progress me privacy private", CancellationToken.None);
            Assert.Equal(ReplyTone.Warning, reply.Tone);
            Assert.Contains("still working on your previous command", reply.Text, StringComparison.Ordinal);
            Assert.Equal((long)Core.Notifications.PrivacyLevel.Public, await one.CountAsync("""SELECT "Privacy" FROM "Members" WHERE "UserId" = 'grace'"""));

            // Someone else's commands are not held up.
            var other = await two.Executor.RunTextAsync(TestBot.Member("Linus", community), "/progress me privacy private", CancellationToken.None);
            Assert.NotEqual(ReplyTone.Warning, other.Tone);
        }

        var after = await two.Executor.RunTextAsync(member, "/progress me privacy private", CancellationToken.None);
        Assert.NotEqual(ReplyTone.Warning, after.Tone);
        Assert.Equal((long)Core.Notifications.PrivacyLevel.Private, await one.CountAsync("""SELECT "Privacy" FROM "Members" WHERE "UserId" = 'grace'"""));
    }

    [PostgresFact]
    public async Task A_members_line_held_by_an_instance_whose_connection_died_is_free_again()
    {
        var postgres = await Postgres.CreateDatabaseAsync();
        await using var one = await TestBot.StartAsync(provider: DatabaseProvider.PostgreSQL, postgres: postgres, pooling: true, instanceId: "one");
        await using var two = await TestBot.StartAsync(provider: DatabaseProvider.PostgreSQL, postgres: postgres, pooling: true, instanceId: "two");
        var community = new CommunityRef(Platforms.Slack, "T-gone", "Gone");
        var member = TestBot.Member("Edsger", community);

        var held = await one.Services.GetRequiredService<ISharedMemberLines>()
            .EnterAsync(Platforms.Slack, "T-gone", "edsger", TimeSpan.FromSeconds(5), CancellationToken.None);
        Assert.NotNull(held);

        // The holder's connection goes away as a killed instance's would: its transaction ends, and the lock with it. Only
        // this test's database: the other tests running beside it on the same server hold member lines of their own.
        var killed = await one.CountAsync(
            $"""SELECT COUNT(pg_terminate_backend(pid)) FROM pg_locks WHERE locktype = 'advisory' AND classid = {SharedMemberLines.LockClass}::oid AND granted AND database = (SELECT oid FROM pg_database WHERE datname = current_database())""");
        Assert.Equal(1, killed);

        var reply = await two.Executor.RunTextAsync(member, "/progress me celebrate dm", CancellationToken.None);
        Assert.NotEqual(ReplyTone.Warning, reply.Tone);
        Assert.Equal((long)Core.Notifications.CelebrationChoice.Dm, await two.CountAsync("""SELECT "Celebrate" FROM "Members" WHERE "UserId" = 'edsger'"""));

        // Letting go of a line whose connection is gone is harmless.
        await held.DisposeAsync();
    }

    [Fact]
    public void A_members_key_depends_on_platform_community_and_user_and_is_stable()
    {
        Assert.Equal(SharedMemberLines.KeyOf("slack", "T1", "U1"), SharedMemberLines.KeyOf("slack", "T1", "U1"));
        Assert.NotEqual(SharedMemberLines.KeyOf("slack", "T1", "U1"), SharedMemberLines.KeyOf("slack", "T1", "U2"));
        Assert.NotEqual(SharedMemberLines.KeyOf("slack", "T1", "U1"), SharedMemberLines.KeyOf("discord", "T1", "U1"));

        // No separator games: ("a", "b\nc") and ("a\nb", "c") are different members.
        Assert.NotEqual(SharedMemberLines.KeyOf("p", "a", "b\nc"), SharedMemberLines.KeyOf("p", "a\nb", "c"));
    }
}
