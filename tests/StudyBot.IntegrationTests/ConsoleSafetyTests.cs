using System.Globalization;
using System.Text;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using StudyBot.Host.Console;
using StudyBot.Host.Options;

namespace StudyBot.IntegrationTests;

/// <summary>
/// The console adapter, in process on the real engine: one bad line never stops it, and nothing it prints can drive
/// the terminal (escape sequences, control characters) or is cut inside a character.
/// </summary>
public sealed class ConsoleSafetyTests : IDisposable
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(30);

    private readonly string _workDir = Directory.CreateTempSubdirectory("studybot-console-safety-").FullName;

    public void Dispose() => Directory.Delete(_workDir, recursive: true);

    /// <summary>Runs the adapter over the input to its end and returns everything it printed.</summary>
    private async Task<string> RunAsync(TestBot bot, string input, TextWriter? writer = null)
    {
        writer ??= new StringWriter();
        var options = Options.Create(new ConsoleOptions
        {
            User = "Ada",
            AttachmentsDirectory = Path.Combine(_workDir, "cards"),
            ExportsDirectory = Path.Combine(_workDir, "exports"),
        });
        var adapter = new ConsoleAdapter(
            bot.Executor,
            new ConsoleOutput(writer),
            new ConsoleAttachments(options),
            new ConsoleInput(new StringReader(input), isInteractive: false, stopHostAtEnd: false),
            options,
            new Lifetime(),
            NullLogger<ConsoleAdapter>.Instance);

        await adapter.StartAsync(CancellationToken.None);
        try
        {
            await adapter.ExecuteTask!.WaitAsync(Bound);
        }
        catch (TimeoutException)
        {
            throw new TimeoutException($"the console adapter did not reach the end of its input within {Bound.TotalSeconds} s");
        }

        return writer.ToString()!;
    }

    [Fact]
    public async Task A_line_whose_answer_cannot_be_printed_does_not_stop_the_console()
    {
        await using var bot = await TestBot.StartAsync();
        var writer = new FailsOnceWriter("== StudyBot commands");

        var output = await RunAsync(bot, "/progress help\n/progress streak\n", writer);

        Assert.Contains(ConsoleAdapter.ShowFailedText, output, StringComparison.Ordinal);
        const string echo = "Ada> /progress streak\n";
        var at = output.IndexOf(echo, StringComparison.Ordinal);
        Assert.True(at >= 0, "the line after the failed one was read");
        Assert.Contains("streak", output[(at + echo.Length)..], StringComparison.OrdinalIgnoreCase);
    }

    [Theory]
    [InlineData("/progress done num\u001b[2Jpy")]
    [InlineData("/progress log 30 practice note:\u009b31mred")]
    [InlineData("/as \u001b]0;pwned\u0007")]
    [InlineData("/progress log 30 practice note:a\rb")]
    [InlineData("/progress done \u007fnumpy")]
    public async Task Control_characters_typed_in_a_line_are_never_printed_back(string line)
    {
        await using var bot = await TestBot.StartAsync();

        var output = await RunAsync(bot, line + "\n/progress\n");

        Assert.DoesNotContain(output, c => char.IsControl(c) && c is not ('\n' or '\t'));
        Assert.Contains("Ada> /progress\n", output, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("Ada\u202E")]
    [InlineData("\u2066Bob")]
    [InlineData("Eve\u200B")]
    public async Task A_name_with_invisible_direction_or_formatting_characters_is_refused(string name)
    {
        await using var bot = await TestBot.StartAsync();

        var output = await RunAsync(bot, $"/as {name}\n");

        Assert.DoesNotContain("You are now", output, StringComparison.Ordinal);
        Assert.DoesNotContain(output, c => CharUnicodeInfo.GetUnicodeCategory(c) == UnicodeCategory.Format);
    }

    [Theory]
    [InlineData("a", "🎉")]
    [InlineData("", "👨‍👩‍👧‍👦")]
    [InlineData("ab", "🇩🇪")]
    [InlineData("", "e\u0301")]
    public async Task A_long_line_is_echoed_shortened_between_characters_never_inside_one(string prefix, string character)
    {
        await using var bot = await TestBot.StartAsync();
        var line = "/progress log 30 practice note:" + prefix + string.Concat(Enumerable.Repeat(character, 300));

        var output = await RunAsync(bot, line + "\n");

        var echo = output.Split('\n').First(l => l.StartsWith("Ada> ", StringComparison.Ordinal));
        Assert.EndsWith("…", echo, StringComparison.Ordinal);
        var shown = echo[..^1];
        Assert.True(new StringInfo(shown).LengthInTextElements <= 205, "the echo is shortened to about 200 characters");
        Assert.EndsWith(character, shown, StringComparison.Ordinal);
        Assert.False(HasLoneSurrogate(shown), "a surrogate pair was cut");
    }

    private static bool HasLoneSurrogate(string text)
    {
        for (var i = 0; i < text.Length; i++)
        {
            if (char.IsHighSurrogate(text[i]) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1]))
            {
                i++;
            }
            else if (char.IsSurrogate(text[i]))
            {
                return true;
            }
        }

        return false;
    }

    [Fact]
    public async Task A_number_written_in_other_digits_presses_that_button()
    {
        await using var bot = await TestBot.StartAsync();

        var output = await RunAsync(bot, "/progress start programmer\n١\n");

        Assert.Contains("→ /progress doing python-basics", output, StringComparison.Ordinal);
    }

    private sealed class Lifetime : IHostApplicationLifetime
    {
        public CancellationToken ApplicationStarted => CancellationToken.None;

        public CancellationToken ApplicationStopping => CancellationToken.None;

        public CancellationToken ApplicationStopped => CancellationToken.None;

        public void StopApplication()
        {
        }
    }

    /// <summary>A terminal that fails once, on the first write containing a marker, as a broken pipe might.</summary>
    private sealed class FailsOnceWriter(string marker) : StringWriter
    {
        private bool _failed;

        public override void Write(string? value)
        {
            if (!_failed && value is not null && value.Contains(marker, StringComparison.Ordinal))
            {
                _failed = true;
                throw new IOException("the terminal went away for a moment");
            }

            base.Write(value);
        }

        public override Encoding Encoding => Encoding.UTF8;
    }
}
