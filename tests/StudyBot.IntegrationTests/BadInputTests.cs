using StudyBot.Core.Chat;

namespace StudyBot.IntegrationTests;

/// <summary>Bad input of every kind gets a reply that says what was wrong, and writes nothing.</summary>
public sealed class BadInputTests
{
    public static TheoryData<string, string> Cases() => new()
    {
        { "/progres", "I don't know the command" },
        { "/progress dance", "has no subcommand `dance`" },
        { "/progress done", "needs an `item`" },
        { "/progress undo twice please", "takes no options" },
        { "/progress goal", "needs one of: set, show, suggest" },
        { "/progress log 0 practice", "between 1 and 960" },
        { "/progress log 961 practice", "between 1 and 960" },
        { "/progress log 30", "needs a `kind`" },
        { "/progress log lots practice", "not a number of minutes" },
        { "/progress log 30 practice quantum-physics", "couldn't find a roadmap item" },
        { "/progress done quantum basket weaving", "couldn't find a roadmap item" },
        { "/progress done model", "fits more than one item" },
        { "/progress skip project", "fits more than one item" },
        { "/progress timezone Mars/Olympus_Mons", "not a time zone I know" },
        { "/progress timezone Berlin", "Did you mean `Europe/Berlin`?" },
        { "/progress timezone UTC+2", "not a time zone I know" },
        { "/progress done " + new string('a', 10 * 1024), "too long" },
        { "/progress log 30 practice note:" + new string('x', 300), "A note can be at most 200 characters" },
        { "/progress done num\u0000py", "control character" },
        { "/progress done \u001b[31mnumpy", "control character" },
        { "/progress log 30 practice note:\u202Egnp.exe", "text-direction" },
        { "/progress done 🚀🚀🚀", "couldn't find a roadmap item" },
        { "/progress done تعلم الآلة", "couldn't find a roadmap item" },
        { "/progress done '; DROP TABLE Members; --", "couldn't find a roadmap item" },
        { "/progress done numpy\" OR 1=1 --", "couldn't find a roadmap item" },
        { "/progress goal set 500 hours", "A weekly goal can be at most 112 hours" },
        { "/progress goal set 0 hours", "`amount` must be at least 1, not 0." },
        { "/progress goal set ten hours", "must be a whole number" },
        { "/progress start wizard", "not a valid profile" },
        { "/progress start programmer part-time 20", "Hours only go with the custom pace" },
        { "/progress roadmap 42", "There's no phase" },
        { "/progress help teleport", "There's no command" },
        { "/progress skip numpy maybe", "`maybe` is not a reason: known, not-relevant or later." },
        { "   ", "That was empty" },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task Bad_input_gets_a_clear_reply_and_changes_nothing(string input, string expected)
    {
        await using var bot = await TestBot.StartAsync();
        await bot.SayAsync("Ada", "/progress start programmer");
        await bot.SayAsync("Ada", "/progress done python-basics");
        var before = await bot.DumpAsync();

        var reply = await bot.SayAsync("Ada", input);

        Assert.Contains(expected, reply.Text, StringComparison.Ordinal);
        Assert.NotEqual(ReplyTone.Success, reply.Tone);
        Assert.True(reply.Text.Length < 2000, "a reply to bad input stays short");
        Assert.Equal(before, await bot.DumpAsync());
    }

    [Fact]
    public async Task A_newcomers_bad_input_does_not_create_their_member_row()
    {
        await using var bot = await TestBot.StartAsync();

        await bot.SayAsync("Newbie", "/progress done quantum basket weaving");
        await bot.SayAsync("Newbie", "/progress");

        Assert.Equal(0, await bot.CountAsync("SELECT COUNT(*) FROM Members"));
        Assert.Equal(0, await bot.CountAsync("SELECT COUNT(*) FROM Communities"));
    }

    [Fact]
    public async Task Every_error_reply_shows_a_correct_example()
    {
        await using var bot = await TestBot.StartAsync();

        foreach (var input in new[] { "/progress log 30", "/progress done", "/progress timezone Mars/Base", "/progress done quantum physics" })
        {
            var reply = await bot.SayAsync("Ada", input);
            Assert.Contains("Example: `/progress", reply.Text, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task Emoji_and_right_to_left_notes_are_stored_as_written()
    {
        await using var bot = await TestBot.StartAsync();

        var reply = await bot.SayAsync("Ada", "/progress log 30 learning note:\"🚀 تعلم الآلة\"");

        Assert.Equal(ReplyTone.Success, reply.Tone);
        Assert.Equal(1, await bot.CountAsync("SELECT COUNT(*) FROM StudyLogs WHERE Note = '🚀 تعلم الآلة'"));
    }
}
