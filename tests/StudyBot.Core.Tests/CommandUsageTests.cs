using StudyBot.Core.Commands;

namespace StudyBot.Core.Tests;

/// <summary>
/// Help, error replies and the README show each command the same way: the catalog's usage string, the one source.
/// </summary>
public sealed class CommandUsageTests
{
    private static readonly CommandCatalog Catalog = StudyBotCommands.Catalog();

    private static string Usage(string path) => Catalog.Find(path)!.Usage;

    [Fact]
    public void Usage_shows_the_short_forms_people_type_and_the_choices_they_have()
    {
        Assert.Equal("/progress", Usage("progress overview"));
        Assert.Equal("/progress rest [until <date|3d|2w|weekday>]", Usage("progress rest start"));
        Assert.Equal("/progress remind snooze <1h|tonight|tomorrow|1w>", Usage("progress remind snooze"));
        Assert.Equal("/progress log <minutes> <practice|learning|review> [item] [note]", Usage("progress log"));
        Assert.Equal("/progress timezone <IANA zone>", Usage("progress timezone"));
    }

    [Fact]
    public void Every_short_form_runs_its_command()
    {
        var parser = new CommandParser(Catalog);

        Assert.Equal("progress overview", parser.Parse("/progress").Request?.Path);
        Assert.Equal("progress rest start", parser.Parse("/progress rest").Request?.Path);
        Assert.Equal("progress rest start", parser.Parse("/progress rest until friday").Request?.Path);
    }

    /// <summary>The first cell of each row of the README's command tables, unescaped ("\|" is "|").</summary>
    private static List<string> ReadmeCommandColumn()
    {
        var readme = File.ReadAllLines(Path.Combine(RepoPaths.Root, "README.md"));
        var start = Array.IndexOf(readme, "## Commands");
        Assert.True(start >= 0, "README.md has no '## Commands' section");
        var cells = new List<string>();
        foreach (var line in readme.Skip(start + 1).TakeWhile(l => !l.StartsWith("## ", StringComparison.Ordinal)))
        {
            if (!line.StartsWith("| `/", StringComparison.Ordinal))
            {
                continue;
            }

            var cell = System.Text.RegularExpressions.Regex.Match(line, @"^\| ((?:[^|\\]|\\\|)+) \|").Groups[1].Value;
            cells.Add(cell.Replace("\\|", "|", StringComparison.Ordinal));
        }

        return cells;
    }

    [Fact]
    public void The_README_command_tables_show_every_command_as_help_does_in_catalog_order()
    {
        var expected = Catalog.Leaves.Select(l => $"`{l.Usage}`").ToList();
        var actual = ReadmeCommandColumn();

        Assert.True(
            expected.SequenceEqual(actual),
            "The README's command column must be, row by row (with | written as \\|):\n"
                + string.Join('\n', expected.Select(e => e.Replace("|", "\\|", StringComparison.Ordinal)))
                + "\n\nbut is:\n" + string.Join('\n', actual));
    }
}
