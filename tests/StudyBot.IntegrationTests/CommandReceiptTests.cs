using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;
using StudyBot.Core.Chat;
using StudyBot.Core.Commands;
using StudyBot.Core.Commands.Handlers;

namespace StudyBot.IntegrationTests;

/// <summary>
/// The same delivery of a command (a platform id in a platform and community) changes the data once: the repeat
/// gets the first answer, a different command under the same id is refused, and the receipt lives exactly as long
/// as the change it records.
/// </summary>
public sealed class CommandReceiptTests
{
    private static readonly CommunityRef Guild = new(Platforms.Discord, "guild-1", "Study Hall");

    private static Task<Reply> SendAsync(TestBot bot, string name, string text, string deliveryId, CommunityRef? community = null)
    {
        var who = TestBot.Member(name, community);
        var arrival = bot.Executor.Arrive(who.Community.Platform, who.Community.ExternalId, who.UserId, deliveryId);
        return bot.Executor.RunTextAsync(who, text, arrival, CancellationToken.None);
    }

    private static Task<long> MinutesAsync(TestBot bot) => bot.CountAsync("SELECT COALESCE(SUM(Minutes), 0) FROM StudyLogs WHERE RetractedAtUtc IS NULL");

    [Fact]
    public async Task A_log_delivered_twice_logs_45_minutes_not_90_and_the_repeat_gets_the_first_answer()
    {
        await using var bot = await TestBot.StartAsync();

        var first = await SendAsync(bot, "Ada", "/progress log 45 practice", "delivery-1");
        bot.Time.Advance(TimeSpan.FromMinutes(3));
        var repeat = await SendAsync(bot, "Ada", "/progress log 45 practice", "delivery-1");

        Assert.Equal(45, await MinutesAsync(bot));
        Assert.StartsWith(first.Text, repeat.Text, StringComparison.Ordinal);
        Assert.EndsWith(CommandReceipts.RepeatNote, repeat.Text, StringComparison.Ordinal);
        Assert.DoesNotContain(CommandReceipts.RepeatNote, first.Text, StringComparison.Ordinal);
        Assert.Equal(first.Buttons, repeat.Buttons);
        Assert.Equal(1, await bot.CountAsync("SELECT COUNT(*) FROM CommandReceipts"));
    }

    [Fact]
    public async Task Two_deliveries_with_their_own_ids_both_apply()
    {
        await using var bot = await TestBot.StartAsync();

        await SendAsync(bot, "Ada", "/progress log 45 practice", "delivery-1");
        var second = await SendAsync(bot, "Ada", "/progress log 45 practice", "delivery-2");

        Assert.Equal(90, await MinutesAsync(bot));
        Assert.DoesNotContain(CommandReceipts.RepeatNote, second.Text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_different_command_under_an_id_already_used_is_refused_and_changes_nothing()
    {
        await using var bot = await TestBot.StartAsync();
        await SendAsync(bot, "Ada", "/progress log 45 practice", "delivery-1");
        var before = await bot.DumpAsync();

        var other = await SendAsync(bot, "Ada", "/progress log 90 practice", "delivery-1");
        var stranger = await SendAsync(bot, "Bob", "/progress log 45 practice", "delivery-1");

        Assert.Equal(ReplyTone.Error, other.Tone);
        Assert.Contains("did not run it", other.Text, StringComparison.Ordinal);
        Assert.Equal(ReplyTone.Error, stranger.Tone);
        Assert.Equal(before, await bot.DumpAsync());
    }

    [Fact]
    public async Task The_same_id_in_another_community_or_on_another_platform_is_another_delivery()
    {
        await using var bot = await TestBot.StartAsync();

        await SendAsync(bot, "Ada", "/progress log 45 practice", "delivery-1");
        var elsewhere = await SendAsync(bot, "Ada", "/progress log 45 practice", "delivery-1", Guild);
        var otherPlatform = await SendAsync(bot, "Ada", "/progress log 45 practice", "delivery-1", new CommunityRef(Platforms.Slack, "local", "Workspace"));

        Assert.DoesNotContain(CommandReceipts.RepeatNote, elsewhere.Text, StringComparison.Ordinal);
        Assert.DoesNotContain(CommandReceipts.RepeatNote, otherPlatform.Text, StringComparison.Ordinal);
        Assert.Equal(135, await MinutesAsync(bot));
        Assert.Equal(3, await bot.CountAsync("SELECT COUNT(*) FROM CommandReceipts"));
    }

    [Fact]
    public async Task A_repeat_that_arrives_after_an_undo_is_not_applied_again_and_says_it_was_applied_once()
    {
        await using var bot = await TestBot.StartAsync();
        await SendAsync(bot, "Ada", "/progress done numpy", "done-1");
        await SendAsync(bot, "Ada", "/progress undo", "undo-1");

        var late = await SendAsync(bot, "Ada", "/progress done numpy", "done-1");

        Assert.Contains("reached me twice", late.Text, StringComparison.Ordinal);
        Assert.Equal(0, await bot.CountAsync("SELECT COUNT(*) FROM ItemProgress WHERE ItemId = 'numpy' AND Status = 2"));
    }

    [Fact]
    public async Task A_receipt_survives_a_restart_on_the_same_database_file()
    {
        var path = Path.Combine(Path.GetTempPath(), $"studybot-receipts-{Guid.NewGuid():N}.db");
        try
        {
            Reply first;
            await using (var before = await TestBot.StartAsync(dbPath: path))
            {
                first = await SendAsync(before, "Ada", "/progress log 45 practice", "delivery-1");
            }

            await using var after = await TestBot.StartAsync(dbPath: path);
            var repeat = await SendAsync(after, "Ada", "/progress log 45 practice", "delivery-1");

            Assert.StartsWith(first.Text, repeat.Text, StringComparison.Ordinal);
            Assert.Contains("reached me twice", repeat.Text, StringComparison.Ordinal);
            Assert.Equal(45, await MinutesAsync(after));
        }
        finally
        {
            SqliteConnection.ClearAllPools();
            foreach (var suffix in new[] { "", "-wal", "-shm" })
            {
                File.Delete(path + suffix);
            }
        }
    }

    [Fact]
    public async Task Read_only_commands_keep_no_receipt_and_a_repeat_still_answers()
    {
        await using var bot = await TestBot.StartAsync();
        await bot.SayAsync("Ada", "/progress start programmer part-time");

        var first = await SendAsync(bot, "Ada", "/progress next", "next-1");
        var again = await SendAsync(bot, "Ada", "/progress next", "next-1");

        Assert.Equal(0, await bot.CountAsync("SELECT COUNT(*) FROM CommandReceipts"));
        Assert.Equal(first.Text, again.Text);
        Assert.Equal(first.Title, again.Title);
    }

    [Fact]
    public async Task A_command_that_saves_through_its_own_store_gets_its_receipt_right_after()
    {
        await using var bot = await TestBot.StartAsync();
        await bot.SayAsync("Ada", "/progress start programmer part-time");
        await bot.SayAsync("Ada", "/progress remind plan weekdays 19:00");

        var joined = await SendAsync(bot, "Ada", "/progress partner find", "find-1");
        var repeat = await SendAsync(bot, "Ada", "/progress partner find", "find-1");

        Assert.StartsWith(joined.Text, repeat.Text, StringComparison.Ordinal);
        Assert.Contains("reached me twice", repeat.Text, StringComparison.Ordinal);
        Assert.Equal(1, await bot.CountAsync("SELECT COUNT(*) FROM PartnerPool"));
        Assert.Equal(1, await bot.CountAsync("SELECT COUNT(*) FROM CommandReceipts"));
    }

    [Fact]
    public async Task When_another_process_records_the_same_delivery_first_this_one_writes_nothing_and_gives_that_answer()
    {
        // Between this process's receipt check and its commit, another process on the same file applies the delivery.
        await using var bot = await TestBot.StartAsync(configure: s => s.AddScoped<ICommandHandler>(sp => new RacedHandler(new LogHandler(), sp)));

        var reply = await SendAsync(bot, "Ada", "/progress log 45 practice", "delivery-1");

        Assert.StartsWith("answered by the other process", reply.Text, StringComparison.Ordinal);
        Assert.Contains("reached me twice", reply.Text, StringComparison.Ordinal);
        Assert.Equal(0, await MinutesAsync(bot));
        Assert.Equal(0, await bot.CountAsync("SELECT COUNT(*) FROM Members"));
        Assert.Equal(1, await bot.CountAsync("SELECT COUNT(*) FROM CommandReceipts"));
    }

    [Fact]
    public async Task A_commit_that_fails_records_no_receipt_so_the_same_delivery_can_still_be_applied()
    {
        await using var bot = await TestBot.StartAsync();
        await bot.SayAsync("Ada", "/progress log 10 review");
        await ExecuteAsync(bot, "CREATE TRIGGER fail_logs BEFORE INSERT ON StudyLogs BEGIN SELECT RAISE(ABORT, 'the disk is on fire'); END;");

        var failed = await SendAsync(bot, "Ada", "/progress log 45 practice", "delivery-1");
        Assert.Equal(ReplyTone.Error, failed.Tone);
        Assert.Equal(0, await bot.CountAsync("SELECT COUNT(*) FROM CommandReceipts"));
        Assert.Equal(10, await MinutesAsync(bot));

        await ExecuteAsync(bot, "DROP TRIGGER fail_logs;");
        var retried = await SendAsync(bot, "Ada", "/progress log 45 practice", "delivery-1");

        Assert.Contains("Logged 45 min", retried.Text, StringComparison.Ordinal);
        Assert.DoesNotContain("reached me twice", retried.Text, StringComparison.Ordinal);
        Assert.Equal(55, await MinutesAsync(bot));
    }

    [Fact]
    public async Task Receipts_are_kept_for_a_day_then_pruned()
    {
        await using var bot = await TestBot.StartAsync();
        await SendAsync(bot, "Ada", "/progress log 45 practice", "delivery-1");

        bot.Time.Advance(TimeSpan.FromHours(23));
        Assert.Equal(0, await bot.Executor.PruneReceiptsAsync(CancellationToken.None));
        Assert.Contains("reached me twice", (await SendAsync(bot, "Ada", "/progress log 45 practice", "delivery-1")).Text, StringComparison.Ordinal);

        bot.Time.Advance(TimeSpan.FromHours(2));
        Assert.Equal(1, await bot.Executor.PruneReceiptsAsync(CancellationToken.None));
        Assert.Equal(0, await bot.CountAsync("SELECT COUNT(*) FROM CommandReceipts"));
        Assert.Equal(45, await MinutesAsync(bot));
    }

    [Fact]
    public async Task A_receipt_past_its_day_no_longer_answers_even_before_it_is_pruned()
    {
        await using var bot = await TestBot.StartAsync();
        await SendAsync(bot, "Ada", "/progress log 45 practice", "delivery-1");

        bot.Time.Advance(TimeSpan.FromHours(25));
        var late = await SendAsync(bot, "Ada", "/progress log 45 practice", "delivery-1");

        Assert.DoesNotContain("reached me twice", late.Text, StringComparison.Ordinal);
        Assert.Equal(90, await MinutesAsync(bot));
        Assert.Equal(1, await bot.CountAsync("SELECT COUNT(*) FROM CommandReceipts"));
    }

    [Fact]
    public async Task Deleting_a_members_data_deletes_the_receipts_of_their_commands_too()
    {
        await using var bot = await TestBot.StartAsync();
        await SendAsync(bot, "Zelda", "/progress log 45 practice note:zelda-private-note", "delivery-1");
        await SendAsync(bot, "Bob", "/progress log 30 practice", "delivery-2");

        await bot.SayAsync("Zelda", "/progress me delete confirm");

        Assert.Equal(1, await bot.CountAsync("SELECT COUNT(*) FROM CommandReceipts"));
        var rows = await bot.QueryAsync("SELECT * FROM CommandReceipts");
        Assert.DoesNotContain("zelda", rows, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task A_command_stuck_behind_one_that_hangs_gets_a_clear_answer_and_changes_nothing()
    {
        var gate = new HandlerGate("ada");
        await using var bot = await TestBot.StartAsync(configure: s => s.AddScoped<ICommandHandler>(_ => new GatedHandler(new StartHandler(), gate)));
        var start = bot.SayAsync("Ada", "/progress start programmer part-time");
        await Bounded.WaitAsync(gate.Reached.Task, "Ada's /progress start to reach its handler");

        var stuck = bot.SayAsync("Ada", "/progress log 45 practice");
        await Bounded.PumpAsync(bot.Time, () => stuck.IsCompleted, TimeSpan.FromSeconds(30), TimeSpan.FromHours(1), "the /progress log stuck behind the hanging start to give up");

        var answer = await Bounded.WaitAsync(stuck, "the answer to the stuck /progress log");
        Assert.Equal(ReplyTone.Warning, answer.Tone);
        Assert.Contains("still working on your previous command", answer.Text, StringComparison.Ordinal);
        Assert.Equal(0, await MinutesAsync(bot));

        gate.Open.SetResult();
        await Bounded.WaitAsync(start, "the answer to /progress start once its gate opened");
        Assert.Contains("Logged 45 min", (await bot.SayAsync("Ada", "/progress log 45 practice")).Text, StringComparison.Ordinal);
        Assert.Equal(0, bot.Executor.BusyMembers);
    }

    private static async Task ExecuteAsync(TestBot bot, string sql)
    {
        await using var connection = new SqliteConnection(bot.ConnectionString);
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        await command.ExecuteNonQueryAsync();
    }

    /// <summary>Runs the real handler, then records the same delivery as another process would, before the commit.</summary>
    private sealed class RacedHandler(ICommandHandler inner, IServiceProvider services) : ICommandHandler
    {
        public string Path => inner.Path;

        public async ValueTask<CommandResult> HandleAsync(CommandContext context, CancellationToken cancellationToken)
        {
            var result = await inner.HandleAsync(context, cancellationToken);
            var other = new CommandReceipt(
                context.Who.Community.Platform, context.Who.Community.ExternalId, "delivery-1", context.Who.UserId,
                CommandReceipts.Fingerprint(context.Who.UserId, context.Request), CommandReceipts.Store(Reply.Info("answered by the other process")), context.Now.UtcDateTime);
            Assert.True(await services.GetRequiredService<ICommandReceiptStore>().AddAsync(other, cancellationToken));
            return result;
        }
    }
}
