using System.Globalization;
using System.Text;
using CsCheck;
using Microsoft.Data.Sqlite;
using StudyBot.Core.Roadmaps;
using Xunit.Abstractions;

namespace StudyBot.IntegrationTests.Model;

/// <summary>
/// Random sequences of a member's commands (done, doing, skip, undo, log, goal, rest, partner) over several simulated
/// weeks on fake time, with restarts (a new engine on the same SQLite file) in between, checked after every step against
/// <see cref="ProgressModel"/>: the daily totals, the week, month and all-time totals (points, minutes, items, active
/// days), the items, the goal and the streak (as <c>/progress streak</c> shows them) and the partner pool. A failure is
/// shrunk to a short sequence and printed one command per line. Only the commands run: no background job (reminders,
/// celebrations) is started, so nothing but the member changes the data. <c>CsCheck_Time=60</c> (seconds) or
/// <c>CsCheck_Iter</c> in the environment runs it longer; <c>CsCheck_Seed</c> replays a failure.
/// </summary>
public sealed class ProgressModelTests(ITestOutputHelper output)
{
    /// <summary>Seconds of sampling in a normal run (CsCheck_Time overrides it).</summary>
    private const int Seconds = 6;

    private static readonly DateTimeOffset Start = new(2026, 11, 2, 8, 0, 0, TimeSpan.Zero);

    private static readonly string[] Kinds = ["practice", "learning", "review"];

    private static readonly string[] Reasons = ["known", "later", "not-relevant"];

    /// <summary>A few modules, milestone items and a project, with the points the README gives each kind.</summary>
    private static readonly (string Id, int Points)[] Items = PickItems();

    /// <summary>A migrated empty database, copied for each sample so a sample does not pay for the migrations.</summary>
    private static readonly Lazy<Task<string>> Template = new(CreateTemplateAsync);

    [Fact]
    public async Task Random_command_sequences_with_restarts_keep_totals_points_active_days_goal_and_streak_as_the_model_says()
    {
        var template = await Template.Value;

        // CsCheck takes an explicit time over its environment variables: give way to them when they are set.
        var time = Environment.GetEnvironmentVariable("CsCheck_Iter") is not null ? -1
            : int.TryParse(Environment.GetEnvironmentVariable("CsCheck_Time"), CultureInfo.InvariantCulture, out var seconds) ? seconds
            : Seconds;
        await Ops.Array[1, 50].SampleAsync(ops => RunAsync(template, ops), writeLine: output.WriteLine, time: time, threads: 1, print: Print);
    }

    private static Gen<Op> Ops { get; } = Gen.Frequency(
        (4, Gen.Int[0, Items.Length - 1].Select(i => new Op(OpKind.Done, i))),
        (2, Gen.Int[0, Items.Length - 1].Select(i => new Op(OpKind.Doing, i))),
        (2, Gen.Select(Gen.Int[0, Items.Length - 1], Gen.Int[0, Reasons.Length - 1]).Select((i, r) => new Op(OpKind.Skip, i, r))),
        (3, Gen.Const(new Op(OpKind.Undo))),
        (6, Gen.Select(Gen.Int[5, 300], Gen.Int[0, Kinds.Length - 1]).Select((m, k) => new Op(OpKind.Log, m, k))),
        (2, Gen.Int[1, 12].Select(h => new Op(OpKind.Goal, h))),
        (1, Gen.Const(new Op(OpKind.Rest))),
        (1, Gen.Const(new Op(OpKind.RestEnd))),
        (1, Gen.Const(new Op(OpKind.PartnerFind))),
        (1, Gen.Const(new Op(OpKind.PartnerLeave))),
        (6, Gen.Int[1, 120].Select(h => new Op(OpKind.Wait, h))),
        (1, Gen.Const(new Op(OpKind.Restart))));

    private static async Task RunAsync(string template, Op[] ops)
    {
        var path = Path.Combine(Path.GetTempPath(), $"studybot-model-{Guid.NewGuid():N}.db");
        File.Copy(template, path);
        var bot = await TestBot.StartAsync(now: Start, dbPath: path, pooling: true);
        try
        {
            await bot.SayAsync("Ada", "/progress start programmer part-time");
            await bot.SayAsync("Ada", "/progress remind plan weekdays 19:00");
            var model = new ProgressModel(Items.ToDictionary(i => i.Id, i => i.Points));
            for (var step = 0; step < ops.Length; step++)
            {
                var op = ops[step];
                if (op.Kind == OpKind.Restart)
                {
                    var now = bot.Time.GetUtcNow();
                    await bot.DisposeAsync();
                    bot = await TestBot.StartAsync(now: now, dbPath: path, pooling: true);
                }
                else if (op.Kind == OpKind.Wait)
                {
                    bot.Time.Advance(TimeSpan.FromHours(op.A));
                }
                else
                {
                    // Commands a little apart, as a person types them: undo takes back the newest.
                    bot.Time.Advance(TimeSpan.FromSeconds(20));
                    var today = DateOnly.FromDateTime(bot.Time.GetUtcNow().UtcDateTime);
                    var reply = await bot.SayAsync("Ada", Command(op));
                    var (expected, changed) = Apply(model, op, today);
                    Assert.True(
                        ReplyText.All(reply).Contains(expected, StringComparison.Ordinal),
                        $"step {step + 1} ({Command(op)}, {(changed ? "a change" : "no change")} expected): the reply lacks '{expected}':\n{ReplyText.All(reply)}");
                }

                await CheckAsync(bot, path, model, step + 1, op);
            }
        }
        finally
        {
            await bot.DisposeAsync();
            foreach (var suffix in new[] { "", "-wal", "-shm" })
            {
                File.Delete(path + suffix);
            }
        }
    }

    /// <summary>Applies a command to the model: what its reply must say, and whether it changed anything.</summary>
    private static (string Expected, bool Changed) Apply(ProgressModel model, Op op, DateOnly today)
    {
        switch (op.Kind)
        {
            case OpKind.Done:
                return model.SetItem(Items[op.A].Id, new ModelItem(2), today) ? ("✅ Marked", true) : ("Nothing changed", false);
            case OpKind.Doing:
                return model.SetItem(Items[op.A].Id, new ModelItem(1), today) ? ("🔄 You're working on", true) : ("Nothing changed", false);
            case OpKind.Skip:
                var wasDone = model.StateOf(Items[op.A].Id).IsDone;
                var reason = op.B switch { 0 => 1, 1 => 3, _ => 2 };
                return model.SetItem(Items[op.A].Id, new ModelItem(3, reason), today) ? ("⏭️ Skipped", true)
                    : wasDone ? ("nothing to skip", false) : ("Nothing changed", false);
            case OpKind.Undo:
                return model.Undo() ? ("↩️ Undone", true) : ("There's nothing to undo", false);
            case OpKind.Log:
                return model.Log(op.A, op.B, today, out var points)
                    ? ($"(+{points} point", true)
                    : ("Nothing was logged", false);
            case OpKind.Goal:
                return model.SetGoal(op.A, today)
                    ? ($"🎯 Goal set: {op.A} {(op.A == 1 ? "hour" : "hours")} a week", true)
                    : ("Your goal is already", false);
            case OpKind.Rest:
                model.StartRest(today);
                return ("Rest mode is on", true);
            case OpKind.RestEnd:
                return model.EndRest(today) ? ("Welcome back", true) : ("You're not resting", false);
            case OpKind.PartnerFind:
                var resting = model.RestingOn(today);
                return model.FindPartner(today) ? ("You're in the partner pool", true)
                    : resting ? ("You're resting right now", false) : ("You're already in the partner pool", false);
            case OpKind.PartnerLeave:
                return model.LeavePool() ? ("You've left the partner pool", true) : ("You're not in the partner pool", false);
            default:
                throw new InvalidOperationException($"not a command: {op.Kind}");
        }
    }

    /// <summary>The stored totals, items, pool, goal and streak against the model, after step <paramref name="step"/>.</summary>
    private static async Task CheckAsync(TestBot bot, string path, ProgressModel model, int step, Op op)
    {
        var what = $"after step {step} ({Describe(op)})";
        var stored = await StoredAsync(path);

        var expectedDays = new StringBuilder();
        foreach (var (date, day) in model.Days.OrderBy(d => d.Key))
        {
            expectedDays.Append(CultureInfo.InvariantCulture, $"{date:yyyy-MM-dd}|{day.Practice}|{day.Learning}|{day.Review}|{day.ItemsDone}|{day.Points}|").AppendLine();
        }

        Assert.True(expectedDays.ToString() == stored[0], $"daily totals {what}: expected\n{expectedDays}but found\n{stored[0]}");

        var expectedPeriods = new StringBuilder();
        foreach (var ((kind, start), p) in model.Periods().OrderBy(p => p.Key.Kind).ThenBy(p => p.Key.Start))
        {
            expectedPeriods.Append(CultureInfo.InvariantCulture, $"{kind}|{start:yyyy-MM-dd}|{p.Points}|{p.Minutes}|{p.Items}|{p.ActiveDays}|").AppendLine();
        }

        Assert.True(expectedPeriods.ToString() == stored[1], $"week (0), month (1) and all-time (2) totals {what}: expected\n{expectedPeriods}but found\n{stored[1]}");

        var expectedItems = string.Concat(model.Items.Where(i => i.Value != ModelItem.NotStarted).OrderBy(i => i.Key, StringComparer.Ordinal)
            .Select(i => $"{i.Key}|{i.Value.Status}|{i.Value.Reason}|{Environment.NewLine}"));
        Assert.True(expectedItems == stored[2], $"items {what}: expected\n{expectedItems}but found\n{stored[2]}");

        Assert.True($"{(model.InPool ? 1 : 0)}|{Environment.NewLine}" == stored[3], $"partner pool {what}: expected {(model.InPool ? "in" : "out")}");

        var today = DateOnly.FromDateTime(bot.Time.GetUtcNow().UtcDateTime);
        var streak = await bot.SayAsync("Ada", "/progress streak");
        var text = ReplyText.All(streak);
        if (model.Streak(today) is not { } s)
        {
            Assert.True(model.CurrentGoal() is null && text.Contains("Set one to begin", StringComparison.Ordinal), $"streak {what}: expected no goal yet:\n{text}");
            return;
        }

        var headline = s.Current switch
        {
            0 => "Every streak starts with one week.",
            1 => "🔥 1 week and counting.",
            _ => $"🔥 {s.Current} weeks in a row.",
        };
        string[] expected =
        [
            headline,
            s.ThisWeekMet ? $"This week's goal is met ✅" : "This week: ",
            $" of {s.Target}h",
            $"Best: {s.Best} {(s.Best == 1 ? "week" : "weeks")}",
            $"Goals met: {s.GoalsMet}",
            $"Freezes used: {s.FreezesUsed}",
        ];
        foreach (var line in expected)
        {
            Assert.True(text.Contains(line, StringComparison.Ordinal), $"streak {what}: expected '{line}' (model: {s}):\n{text}");
        }

        var goal = ReplyText.All(await bot.SayAsync("Ada", "/progress goal show"));
        var current = model.CurrentGoal();
        Assert.True(goal.Contains($"(goal: {current} {(current == 1 ? "hour" : "hours")} a week)", StringComparison.Ordinal), $"goal {what}: expected {current} hours a week:\n{goal}");
    }

    /// <summary>
    /// Ada's non-empty daily totals, non-empty period totals, started items and the pool's size, as rows of
    /// "value|value|" lines, read in one go on a pooled connection (the checks run after every step).
    /// </summary>
    private static async Task<string[]> StoredAsync(string path)
    {
        await using var connection = new SqliteConnection($"Data Source={path}");
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = """
            SELECT d.LocalDate, d.PracticeMinutes, d.LearningMinutes, d.ReviewMinutes, d.ItemsDone, d.Points
            FROM DailyTotals d JOIN Members m ON m.Id = d.MemberId WHERE m.UserId = 'ada'
              AND (d.PracticeMinutes <> 0 OR d.LearningMinutes <> 0 OR d.ReviewMinutes <> 0 OR d.ItemsDone <> 0 OR d.Points <> 0)
            ORDER BY d.LocalDate;
            SELECT s.Kind, s.PeriodStart, s.Points, s.Minutes, s.ItemsDone, s.ActiveDayCount
            FROM PeriodStats s JOIN Members m ON m.Id = s.MemberId WHERE m.UserId = 'ada'
              AND (s.Points <> 0 OR s.Minutes <> 0 OR s.ItemsDone <> 0 OR s.ActiveDayCount <> 0)
            ORDER BY s.Kind, s.PeriodStart;
            SELECT p.ItemId, p.Status, p.Reason FROM ItemProgress p JOIN Members m ON m.Id = p.MemberId
            WHERE m.UserId = 'ada' AND (p.Status <> 0 OR p.Reason <> 0) ORDER BY p.ItemId COLLATE BINARY;
            SELECT COUNT(*) FROM PartnerPool;
            """;
        await using var reader = await command.ExecuteReaderAsync();
        var sets = new List<string>();
        do
        {
            var rows = new StringBuilder();
            while (await reader.ReadAsync())
            {
                for (var i = 0; i < reader.FieldCount; i++)
                {
                    rows.Append(Convert.ToString(reader.GetValue(i), CultureInfo.InvariantCulture)).Append('|');
                }

                rows.AppendLine();
            }

            sets.Add(rows.ToString());
        }
        while (await reader.NextResultAsync());
        return [.. sets];
    }

    private static string Command(Op op) => op.Kind switch
    {
        OpKind.Done => $"/progress done {Items[op.A].Id}",
        OpKind.Doing => $"/progress doing {Items[op.A].Id}",
        OpKind.Skip => $"/progress skip {Items[op.A].Id} {Reasons[op.B]}",
        OpKind.Undo => "/progress undo",
        OpKind.Log => $"/progress log {op.A} {Kinds[op.B]}",
        OpKind.Goal => $"/progress goal set {op.A} hours",
        OpKind.Rest => "/progress rest",
        OpKind.RestEnd => "/progress rest end",
        OpKind.PartnerFind => "/progress partner find",
        OpKind.PartnerLeave => "/progress partner leave",
        _ => throw new InvalidOperationException($"not a command: {op.Kind}"),
    };

    private static string Describe(Op op) => op.Kind switch
    {
        OpKind.Wait => $"wait {op.A}h",
        OpKind.Restart => "restart on the same file",
        _ => Command(op),
    };

    /// <summary>The sequence as a failure shows it: one step per line.</summary>
    private static string Print(Op[] ops) =>
        Environment.NewLine + string.Join(Environment.NewLine, ops.Select((op, i) => $"{i + 1,3}. {Describe(op)}"));

    private static (string Id, int Points)[] PickItems()
    {
        var roadmap = new RoadmapCatalog(RoadmapLoader.LoadDirectory(RepoPaths.Roadmaps), "ml-zero-to-hero").Default;
        var first = roadmap.PhaseItems(roadmap.Phases[0].Id).ToList();
        var picked = first.Where(i => i.Kind == ItemKind.Module).Take(3)
            .Concat(first.Where(i => i.Kind == ItemKind.MilestoneItem).Take(2))
            .Concat(roadmap.Items.Where(i => i.Kind == ItemKind.Project).Take(1));
        return picked.Select(i => (i.Id, i.Kind switch { ItemKind.Module => 10, ItemKind.MilestoneItem => 5, _ => 20 })).ToArray();
    }

    private static async Task<string> CreateTemplateAsync()
    {
        var path = Path.Combine(Path.GetTempPath(), $"studybot-model-template-{Guid.NewGuid():N}.db");
        await using (var bot = await TestBot.StartAsync(now: Start, dbPath: path))
        {
        }

        AppDomain.CurrentDomain.ProcessExit += (_, _) => File.Delete(path);
        return path;
    }

    private enum OpKind
    {
        Done,
        Doing,
        Skip,
        Undo,
        Log,
        Goal,
        Rest,
        RestEnd,
        PartnerFind,
        PartnerLeave,
        Wait,
        Restart,
    }

    private sealed record Op(OpKind Kind, int A = 0, int B = 0);
}
