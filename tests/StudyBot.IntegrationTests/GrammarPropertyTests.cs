using System.Globalization;
using System.Text;
using CsCheck;
using StudyBot.Core.Chat;
using StudyBot.Core.Commands;

namespace StudyBot.IntegrationTests;

/// <summary>
/// The whole text grammar, property-based: command lines built from the catalog (every command, every option, values
/// from each option's domain) and then mutated (other digit systems, an option twice, an empty option, text at its
/// limit and one over, control and direction characters, emoji, very long input, typos), run through the real engine
/// on a real SQLite file. Every line gets a non-empty answer, none throws or ends in "something went wrong", and a
/// refused line changes nothing in the database.
/// </summary>
public sealed class GrammarPropertyTests
{
    private static readonly CommandCatalog Catalog = StudyBotCommands.Catalog();

    private static readonly CommandDefinition[] Leaves = [.. Catalog.Leaves];

    /// <summary>The zero of every decimal digit system in Unicode.</summary>
    private static readonly int[] Zeros = [.. Enumerable.Range(0, 0x110000)
        .Where(cp => Rune.IsValid(cp) && Rune.GetUnicodeCategory(new Rune(cp)) == UnicodeCategory.DecimalDigitNumber && Rune.GetNumericValue(new Rune(cp)) == 0)];

    private static readonly string[] Items = ["numpy", "python-basics", "pandas", "bias audit", "vector", "pyhton-basics", "foundation", "model", "quantum-physics", "1", "phase 2"];

    private static readonly string[] Odd =
    [
        "\u0000", "\u0007", "\u001b[2J", "\u001b]0;x\u0007", "\u009b31m", "\u007f", "\r", "\u202E", "\u2066", "\u200F", "\u200B", "\uFEFF",
        "\U000E0041", "\uD800", "\uDC00", "👨‍👩‍👧‍👦", "🏴󠁧󠁢󠁳󠁣󠁴󠁿", "🇩🇪", "e\u0301", "\u0301", "ﷺ", "𒐫", "\"", "“", ":", "`", "'", "\\", "--", "\t",
    ];

    private static string[] Domain(CommandDefinition leaf, OptionDefinition option)
    {
        if (option.Choices.Count > 0)
        {
            return [.. option.Choices.SelectMany(c => c.Aliases.Prepend(c.Value)), "bogus", "WEEK", "Full-Time"];
        }

        return (leaf.Path, option.Name) switch
        {
            (_, "minutes") => ["45", "1h30", "1.5h", "90m", "2 hours", "0", "961", "-5", "1e3", "45 min", "lots"],
            (_, "time" or "from" or "to") => ["19:00", "7 pm", "7pm", "7:30 pm", "7.30pm", "12 am", "12 pm", "noon", "25:00", "13 pm", "7:75", "off", "teatime"],
            (_, "days") => ["weekdays", "weekends", "daily", "mon,wed,fri", "mon-fri", "fri-mon", "blursday"],
            (_, "day") => ["monday", "fri", "off", "funday"],
            (_, "until") => ["until today", "today", "tomorrow", "3d", "2w", "friday", "next friday", "2026-12-31", "31 Dec", "2028-01-01", "yesterday", "2026-02-30"],
            (_, "zone") => ["Europe/Berlin", "us/pacific", "CET", "UTC+2", "PST", "Mars/Olympus_Mons", "Etc/GMT-14"],
            (_, "item") => Items,
            (_, "phase") => ["1", "foundation", "ML Basics", "projects", "levels", "99", "-1"],
            (_, "channel") => ["#celebrations", "#general", "#nope", "<#123>"],
            (_, "role") => ["@ML Basics graduate", "<@&1>", "nobody"],
            (_, "command") => [.. Leaves.Select(l => l.Path.Replace("progress ", "", StringComparison.Ordinal)), "teleport", "studybot"],
            (_, "where") => ["library", "at home", "the cafe", "Uni Library"],
            (_, "note") => ["great session today", "\"went over broadcasting\"", "🚀 تعلم الآلة"],
            _ when option.Type is OptionType.Integer => [.. new[] { option.Min ?? 0, (option.Min ?? 0) - 1, option.Max ?? 100, (option.Max ?? 100) + 1, 10, 3 }.Select(n => n.ToString(CultureInfo.InvariantCulture)), "ten", "9999999999999999999999"],
            _ => ["word", "two words", "\"quoted words\""],
        };
    }

    /// <summary>A command line from the seed: a catalog command, its options, then maybe a mutation or two.</summary>
    internal static string Build(int seed)
    {
        var random = new Random(seed);
        var leaf = Leaves[random.Next(Leaves.Length)];
        var words = new List<string> { "/" + (random.Next(4) == 0 ? leaf.Path : leaf.UsagePath) };
        foreach (var option in leaf.Options)
        {
            var values = Domain(leaf, option);
            var value = values[random.Next(values.Length)];
            switch (random.Next(5))
            {
                case 0 when !option.Required:
                    break;
                case 1:
                    words.Add($"{option.Name}:{(value.Contains(' ', StringComparison.Ordinal) && !value.StartsWith('"') ? $"\"{value}\"" : value)}");
                    break;
                default:
                    words.Add(value);
                    break;
            }
        }

        var line = string.Join(' ', words);
        var mutations = random.Next(3);
        for (var m = 0; m < mutations; m++)
        {
            line = Mutate(line, leaf, random);
        }

        return line;
    }

    private static string Mutate(string line, CommandDefinition leaf, Random random)
    {
        var option = leaf.Options.Count == 0 ? null : leaf.Options[random.Next(leaf.Options.Count)];
        switch (random.Next(12))
        {
            case 0: // every digit in another digit system (twice as likely: every system should get its turn)
            case 11:
                var zero = Zeros[random.Next(Zeros.Length)];
                return string.Concat(line.Select(c => char.IsAsciiDigit(c) ? new Rune(zero + (c - '0')).ToString() : c.ToString()));
            case 1 when option is not null: // an option given twice
                var values = Domain(leaf, option);
                return $"{line} {option.Name}:{values[random.Next(values.Length)].Replace(' ', '-')}";
            case 2 when option is not null: // an option given empty
                return random.Next(2) == 0 ? $"{line} {option.Name}:\"\"" : $"{line} {option.Name}:";
            case 3 when option?.MaxLength is { } max: // a text at its limit, or one over
                var grapheme = new[] { "a", "🎉", "👨‍👩‍👧‍👦", "e\u0301" }[random.Next(4)];
                return $"{line} {option.Name}:\"{string.Concat(Enumerable.Repeat(grapheme, max + random.Next(2)))}\"";
            case 4: // something odd at a random place
            case 5:
                var odd = Odd[random.Next(Odd.Length)];
                var at = random.Next(line.Length + 1);
                return line[..at] + odd + line[at..];
            case 6: // very long input
                var times = random.Next(2) == 0 ? 30 : 300;
                return line + " " + string.Concat(Enumerable.Repeat(random.Next(2) == 0 ? "word " : "🚀", times));
            case 7 when line.Length > 3: // a typo: two letters swapped
                var i = random.Next(1, line.Length - 1);
                return line[..i] + line[i + 1] + line[i] + line[(i + 2)..];
            case 8 when line.Length > 3: // a letter dropped
                var j = random.Next(1, line.Length);
                return line.Remove(j, 1);
            case 9: // shouting
                return line.ToUpperInvariant();
            default: // random words
                return line + " " + new string([.. Enumerable.Range(0, random.Next(1, 12)).Select(_ => (char)random.Next(0x20, 0x2FF))]);
        }
    }

    private static string Show(string line) =>
        string.Concat(line.Select(c => c < 0x20 || c is >= '\u007f' and <= '\u009f' || char.IsSurrogate(c) || CharUnicodeInfo.GetUnicodeCategory(c) == UnicodeCategory.Format ? $"\\u{(int)c:X4}" : c.ToString()));

    [Fact]
    public void The_generator_covers_every_command_and_every_option()
    {
        var lines = Enumerable.Range(0, 3000).Select(Build).ToList();

        Assert.All(Leaves, leaf => Assert.Contains(lines, l => l.Contains(leaf.Path.Split(' ')[^1], StringComparison.OrdinalIgnoreCase)));
        Assert.All(Leaves.SelectMany(l => l.Options), o => Assert.Contains(lines, l => l.Contains(o.Name + ":", StringComparison.Ordinal)));
    }

    [Fact]
    public async Task Any_command_line_gets_a_clear_answer_and_a_refused_one_changes_nothing()
    {
        await using var bot = await TestBot.StartAsync();
        await bot.SayAsync("Ada", "/progress start programmer");
        await bot.SayAsync("Ada", "/progress done python-basics");
        await bot.SayAsync("Ada", "/progress log 45 practice numpy");

        await Gen.Int.Select(Build).SampleAsync(
            async line =>
            {
                var before = await bot.DumpAsync();

                var reply = await Bounded.WaitAsync(bot.SayAsync("Ada", line), $"the answer to {line}");

                var text = ReplyText.All(reply);
                Assert.False(string.IsNullOrWhiteSpace(text), "the answer is empty");
                Assert.DoesNotContain("went wrong", text, StringComparison.Ordinal);
                if (reply.Tone is ReplyTone.Error or ReplyTone.Warning)
                {
                    Assert.Equal(before, await bot.DumpAsync());
                }
            },
            iter: 250,
            threads: 1,
            print: Show);
    }

    [Fact]
    public void The_parser_alone_never_throws_and_always_explains_a_refusal()
    {
        var parser = new CommandParser(Catalog);

        Gen.Int.Select(Build).Sample(
            line =>
            {
                var result = parser.Parse(line);
                if (result.Ok)
                {
                    // What the text parser accepts, a platform's typed options accept too.
                    var command = Catalog.Find(result.Request!.Path)!;
                    Assert.True(CommandValidator.Validate(command, result.Request.Options).Ok, line);
                }
                else
                {
                    Assert.False(string.IsNullOrWhiteSpace(CommandExecutor.ErrorReply(result.Error!).Text));
                }
            },
            iter: 5000,
            threads: 1,
            print: Show);
    }
}
