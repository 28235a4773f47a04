using System.Collections.Concurrent;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using StudyBot.Core.Chat;
using StudyBot.Core.Commands;

namespace StudyBot.IntegrationTests;

/// <summary>
/// What members type reaches the engine as it is: numbers in any script, times with am/pm, long notes, typos. Each
/// is understood or refused with a clear reply; nothing throws, and what does go wrong is logged without their words.
/// </summary>
public sealed class ParsingSafetyTests
{
    private const string Sorry = "Sorry, something went wrong on my side and nothing was changed.";

    [Theory]
    [InlineData("/progress log ٤٥m practice", 45)]
    [InlineData("/progress log ٣h practice", 180)]
    [InlineData("/progress log 2.٥h practice", 150)]
    [InlineData("/progress log ߄߅m practice", 45)]
    [InlineData("/progress log ４５ｍ practice", 45)]
    public async Task A_member_who_writes_minutes_in_their_own_digits_gets_them_logged(string command, int minutes)
    {
        await using var bot = await TestBot.StartAsync();

        var reply = await bot.SayAsync("Ada", command);

        Assert.Equal(ReplyTone.Success, reply.Tone);
        Assert.Equal(minutes, await bot.CountAsync("SELECT SUM(Minutes) FROM StudyLogs"));
    }

    [Fact]
    public async Task A_phase_number_in_arabic_indic_digits_is_the_same_phase()
    {
        await using var bot = await TestBot.StartAsync();

        var ascii = await bot.SayAsync("Ada", "/progress roadmap 3");
        var arabic = await bot.SayAsync("Ada", "/progress roadmap ٣");

        Assert.Equal(ReplyText.All(ascii), ReplyText.All(arabic));
    }

    [Fact]
    public async Task An_offset_in_other_digits_gets_a_zone_suggestion_not_an_error()
    {
        await using var bot = await TestBot.StartAsync();

        var reply = await bot.SayAsync("Ada", "/progress timezone UTC+٣");

        Assert.DoesNotContain("went wrong", reply.Text, StringComparison.Ordinal);
        Assert.Contains("Etc/GMT-3", reply.Text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_unexpected_failure_while_checking_a_command_is_answered_politely_and_logged_without_the_members_words()
    {
        var logs = new LogCapture();
        await using var bot = await TestBot.StartAsync(configure: s => s.AddSingleton<ILoggerProvider>(logs));
        await bot.SayAsync("Ada", "/progress start programmer");
        var before = await bot.DumpAsync();

        // A platform value that blows up when read, with the member's words in the exception's message.
        var options = new Dictionary<string, object> { ["minutes"] = 30L, ["kind"] = "practice", ["note"] = new Exploding("my secret diary") };
        var reply = await bot.Executor.RunTypedAsync(TestBot.Member("Ada"), "progress log", options, CancellationToken.None);

        Assert.Equal(Sorry, reply.Text);
        Assert.Equal(ReplyTone.Error, reply.Tone);
        Assert.Equal(before, await bot.DumpAsync());
        var line = Assert.Single(logs.Lines, l => l.Text.Contains("progress log", StringComparison.Ordinal)).Text;
        Assert.Contains("console", line, StringComparison.Ordinal);
        Assert.Contains(nameof(FormatException), line, StringComparison.Ordinal);
        Assert.Contains(nameof(Exploding), line, StringComparison.Ordinal); // the stack trace says where
        Assert.DoesNotContain(logs.Lines, l => l.Text.Contains("secret", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_failure_inside_a_command_is_logged_without_the_members_words_too()
    {
        var logs = new LogCapture();
        await using var bot = await TestBot.StartAsync(configure: s => s
            .AddSingleton<ILoggerProvider>(logs)
            .AddScoped<ICommandHandler>(_ => new FailingHandler("progress next", "my secret diary")));

        var reply = await bot.SayAsync("Ada", "/progress next");

        Assert.Equal(Sorry, reply.Text);
        Assert.DoesNotContain(logs.Lines, l => l.Text.Contains("secret", StringComparison.Ordinal));
        Assert.Contains(logs.Lines, l => l.Text.Contains("progress next", StringComparison.Ordinal) && l.Text.Contains(nameof(FormatException), StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_named_note_is_kept_whole_with_the_item_before_it()
    {
        await using var bot = await TestBot.StartAsync();

        var reply = await bot.SayAsync("Ada", "/progress log 45 practice numpy note:great session today");
        await bot.SayAsync("Ada", "/progress log 30 review note:\"went over broadcasting\"");

        Assert.Equal(ReplyTone.Success, reply.Tone);
        Assert.Equal("numpy|great session today|\nNULL|went over broadcasting|\n", await bot.QueryAsync("SELECT ItemId, Note FROM StudyLogs ORDER BY Id"));
    }

    [Fact]
    public async Task A_note_over_its_limit_is_refused_with_the_limit_and_nothing_is_logged()
    {
        await using var bot = await TestBot.StartAsync();
        var note = string.Concat(Enumerable.Repeat("🎉", 201));

        var reply = await bot.SayAsync("Ada", $"/progress log 30 practice note:{note}");

        Assert.Equal(ReplyTone.Error, reply.Tone);
        Assert.Contains("A note can be at most 200 characters", reply.Text, StringComparison.Ordinal);
        Assert.Equal(0, await bot.CountAsync("SELECT COUNT(*) FROM StudyLogs"));

        await bot.SayAsync("Ada", $"/progress log 30 practice note:{note[2..]}");
        Assert.Equal(note[2..], (await bot.QueryAsync("SELECT Note FROM StudyLogs")).TrimEnd('\n', '|'));
    }

    [Fact]
    public async Task Pressing_did_you_mean_runs_the_corrected_command_with_the_same_arguments()
    {
        await using var bot = await TestBot.StartAsync();

        var reply = await bot.SayAsync("Ada", "/progress dnoe numpy");
        var button = Assert.Single(reply.Buttons);
        Assert.Equal("progress done numpy", button.Command);

        var pressed = await bot.SayAsync("Ada", "/" + button.Command);

        Assert.Equal(ReplyTone.Success, pressed.Tone);
        Assert.Equal(2, await bot.CountAsync("SELECT Status FROM ItemProgress WHERE ItemId = 'numpy'"));
    }

    [Theory]
    [InlineData("7 pm", "19:00")]
    [InlineData("7pm", "19:00")]
    [InlineData("7:30 pm", "19:30")]
    [InlineData("7.30pm", "19:30")]
    [InlineData("12 am", "00:00")]
    [InlineData("12 pm", "12:00")]
    public async Task A_study_plan_at_7_pm_is_at_19_00_and_pm_is_not_a_place(string time, string expected)
    {
        await using var bot = await TestBot.StartAsync();

        var reply = await bot.SayAsync("Ada", $"/progress remind plan weekdays {time}");

        Assert.Equal(ReplyTone.Success, reply.Tone);
        Assert.Contains($"On Monday at {expected}, you study", reply.Text, StringComparison.Ordinal);
        Assert.DoesNotContain("the pm", reply.Text, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("the am", reply.Text, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task Quiet_hours_and_schedules_read_am_and_pm()
    {
        await using var bot = await TestBot.StartAsync();

        Assert.Contains("Quiet hours 22:00-07:00", (await bot.SayAsync("Ada", "/progress remind quiet 10 pm 7 am")).Text, StringComparison.Ordinal);
        Assert.Contains("every Monday at 21:30", (await bot.SayAsync("Ada", "/studybot leaderboard schedule monday 9:30 pm")).Text, StringComparison.Ordinal);
        Assert.Contains("every Friday at 10:00", (await bot.SayAsync("Ada", "/studybot partners schedule friday 10 am")).Text, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("/progress rest until today", "until 25 Nov 2026")]
    [InlineData("/progress rest until tomorrow", "until 26 Nov 2026")]
    [InlineData("/progress rest until friday", "until 27 Nov 2026")]
    [InlineData("/progress rest until 2026-12-31", "until 31 Dec 2026")]
    public async Task Rest_until_today_tomorrow_a_weekday_or_a_date_starts_rest(string command, string expected)
    {
        await using var bot = await TestBot.StartAsync();

        var reply = await bot.SayAsync("Ada", command);

        Assert.Equal(ReplyTone.Success, reply.Tone);
        Assert.Contains(expected, reply.Text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Rest_longer_than_a_year_is_refused_with_the_limit()
    {
        await using var bot = await TestBot.StartAsync();

        var reply = await bot.SayAsync("Ada", "/progress rest until 2028-01-01");

        Assert.Equal(ReplyTone.Error, reply.Tone);
        Assert.Contains("Rest can be at most 365 days", reply.Text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Board_period_and_metric_can_be_given_alone()
    {
        await using var bot = await TestBot.StartAsync();

        Assert.Contains("minutes", (await bot.SayAsync("Ada", "/progress board minutes")).Title, StringComparison.Ordinal);
        Assert.Contains("this month", (await bot.SayAsync("Ada", "/progress board month")).Title, StringComparison.Ordinal);
        Assert.Equal(ReplyTone.Success, (await bot.SayAsync("Ada", "/progress path full-time")).Tone);
        Assert.Equal(1, await bot.CountAsync("SELECT Pace FROM Members WHERE UserId = 'ada'"));
    }

    [Theory]
    [InlineData("Ada\u202Eevil")]
    [InlineData("\u2067Ada\u2069")]
    [InlineData("A\u200Bda")]
    [InlineData("Ada\u001b[31m")]
    public async Task A_display_name_with_invisible_direction_or_control_characters_is_stored_without_them(string name)
    {
        await using var bot = await TestBot.StartAsync();
        var who = TestBot.Member("ada") with { DisplayName = name };

        await bot.Executor.RunTextAsync(who, "/progress start programmer", CancellationToken.None);

        var stored = (await bot.QueryAsync("SELECT DisplayName FROM Members WHERE UserId = 'ada'")).TrimEnd('\n', '|');
        Assert.StartsWith("Ada", stored, StringComparison.Ordinal);
        Assert.DoesNotContain(stored, c => char.IsControl(c) || System.Globalization.CharUnicodeInfo.GetUnicodeCategory(c) == System.Globalization.UnicodeCategory.Format);
    }

    /// <summary>A handler that fails the way a parse of the member's words might, with the words in the message.</summary>
    private sealed class FailingHandler(string path, string words) : ICommandHandler
    {
        public string Path => path;

        public ValueTask<CommandResult> HandleAsync(CommandContext context, CancellationToken cancellationToken) =>
            throw new FormatException($"The input string '{words}' was not in a correct format.");
    }

    /// <summary>A value whose ToString fails, with text in its message, as a member's words might be.</summary>
    private sealed class Exploding(string words)
    {
        public override string ToString() => throw new FormatException($"The input string '{words}' was not in a correct format.");
    }
}
