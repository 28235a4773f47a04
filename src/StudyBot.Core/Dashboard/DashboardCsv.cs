using System.Globalization;
using System.Text;
using StudyBot.Core.Localization;

namespace StudyBot.Core.Dashboard;

/// <summary>
/// The dashboard's members × phases grid as CSV (RFC 4180: comma separated, CRLF line ends, a field with a comma, quote
/// or line break in quotes, quotes doubled). One row per named member; the private members of a roadmap are one row
/// ("Private members (3)") with their averages, never their names. A text cell starting with = + - @ (or a tab or
/// carriage return) gets a leading ' so a spreadsheet shows it instead of running it as a formula.
/// </summary>
public static class DashboardCsv
{
    public static string Write(DashboardView view, CultureInfo? culture = null)
    {
        culture ??= Languages.Default;
        var phases = view.Roadmaps.Count == 0 ? 0 : view.Roadmaps.Max(r => r.Phases.Count);
        var sb = new StringBuilder();
        var header = new List<string> { Text.Get(culture, "Dashboard.CsvRoadmap"), Text.Get(culture, "Dashboard.CsvMember") };
        for (var i = 0; i < phases; i++)
        {
            header.Add(view.Roadmaps.Count == 1
                ? Text.Get(culture, "Dashboard.CsvPhaseTitled", view.Roadmaps[0].Phases[i].Number, view.Roadmaps[0].Phases[i].Title)
                : Text.Get(culture, "Dashboard.CsvPhase", i + 1));
        }

        header.Add(Text.Get(culture, "Dashboard.CsvOverall"));
        header.Add(Text.Get(culture, "Dashboard.CsvLastProgress"));
        header.Add(Text.Get(culture, "Dashboard.CsvDaysWithout"));
        Line(sb, header);

        foreach (var board in view.Roadmaps)
        {
            foreach (var row in board.Rows)
            {
                var cells = new List<string> { board.Title, row.DisplayName };
                cells.AddRange(Pad(row.PhasePercents, phases));
                cells.Add(Number(row.OverallPercent));
                cells.Add(row.LastProgressOn?.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture) ?? "");
                cells.Add(Number(row.DaysWithoutProgress));
                Line(sb, cells);
            }

            if (board.Private is { } hidden)
            {
                var cells = new List<string> { board.Title, Text.Get(culture, "Dashboard.PrivateRowCount", hidden.Members) };
                cells.AddRange(Pad(hidden.AveragePhasePercents, phases));
                cells.Add(Number(hidden.AverageOverallPercent));
                cells.Add("");
                cells.Add("");
                Line(sb, cells);
            }
        }

        return sb.ToString();
    }

    /// <summary>One field as RFC 4180 writes it, made safe for spreadsheets.</summary>
    public static string Field(string value)
    {
        if (value.Length > 0 && value[0] is '=' or '+' or '-' or '@' or '\t' or '\r')
        {
            value = "'" + value;
        }

        return value.AsSpan().IndexOfAny(",\"\r\n") >= 0
            ? "\"" + value.Replace("\"", "\"\"", StringComparison.Ordinal) + "\""
            : value;
    }

    private static IEnumerable<string> Pad(IReadOnlyList<int> percents, int count) =>
        Enumerable.Range(0, count).Select(i => i < percents.Count ? Number(percents[i]) : "");

    private static string Number(int n) => n.ToString(CultureInfo.InvariantCulture);

    private static void Line(StringBuilder sb, IEnumerable<string> cells)
    {
        sb.AppendJoin(',', cells.Select(Field));
        sb.Append("\r\n");
    }
}
