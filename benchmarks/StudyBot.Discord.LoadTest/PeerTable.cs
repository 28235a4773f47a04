using System.Globalization;
using System.Text;

namespace StudyBot.Discord.LoadTest;

/// <summary>
/// One measured step of issue 14's peers run. Closed loop (<see cref="Connections"/> &gt; 0): <see cref="Throughput"/>
/// is served requests per second. Fixed rate (<see cref="Rate"/> &gt; 0): latency from each request's due time.
/// CPU is the server process's user + system seconds per 1,000 requests sent.
/// </summary>
internal sealed record PeerStep(
    int Round, string Scenario, string System, string Step, int Connections, int Rate, int Sent, int Served, string Other,
    double Throughput, double P50, double P99, double CpuPer1000, double Load, string Answers, string Note = "")
{
    public bool Skipped => Sent == 0;
}

/// <summary>Bad requests of one kind sent to one system's endpoint: how many were refused (4xx), cut off, or served.</summary>
internal sealed record PeerRefusals(int Round, string System, string Endpoint, string Kind, int Sent, int Refused, int Cut, int Served, int Other, double CpuPer1000);

/// <summary>The peers run's Markdown tables: medians over rounds, StudyBot / peer ratios, every round, and the bad input.</summary>
internal static class PeerTable
{
    public static readonly string[] Steps = ["32 conn", "128 conn", "500/s", "2,000/s"];

    /// <summary>The median of the values that are numbers (NaN when none): with two rounds, their mean.</summary>
    public static double Median(IEnumerable<double> values)
    {
        var sorted = values.Where(v => !double.IsNaN(v)).Order().ToArray();
        if (sorted.Length == 0)
        {
            return double.NaN;
        }

        var middle = sorted.Length / 2;
        return sorted.Length % 2 == 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
    }

    /// <summary>StudyBot's figure over the other system's; NaN when either is missing or the divisor is zero.</summary>
    public static double Ratio(double studyBot, double other) =>
        double.IsNaN(studyBot) || double.IsNaN(other) || other == 0 ? double.NaN : studyBot / other;

    public static string Markdown(IReadOnlyList<PeerStep> steps, IReadOnlyList<PeerRefusals> refusals, string heading)
    {
        var text = new StringBuilder();
        var rounds = steps.Select(s => s.Round).Distinct().Count();
        text.AppendLine(heading).AppendLine();
        text.AppendLine(Invariant($"Medians of {rounds} round(s). Closed loop: served requests/s at 32 and 128 connections. Fixed rate: p50 / p99 in ms from each request's due time. CPU: seconds of the server process per 1,000 requests (= ms per request). Load: the machine's 1-minute load average at the end of the scenario (2.0 = both cores busy)."));
        text.AppendLine();
        text.AppendLine("| Scenario | System | 32 conn req/s | CPU s/1k | 128 conn req/s | CPU s/1k | 500/s p50 / p99 | CPU s/1k | 2,000/s p50 / p99 | CPU s/1k | Served / sent | Load |");
        text.AppendLine("|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
        foreach (var group in steps.GroupBy(s => (s.Scenario, s.System)))
        {
            var cells = new List<string> { group.Key.Scenario, group.Key.System };
            foreach (var step in Steps)
            {
                var runs = group.Where(s => s.Step == step && !s.Skipped).ToList();
                if (runs.Count == 0)
                {
                    cells.Add("skipped");
                    cells.Add("–");
                    continue;
                }

                cells.Add(runs[0].Connections > 0
                    ? Number(Median(runs.Select(r => r.Throughput)), "#,0")
                    : $"{Number(Median(runs.Select(r => r.P50)), "0.0")} / {Number(Median(runs.Select(r => r.P99)), "0.0")} ms");
                cells.Add(Number(Median(runs.Select(r => r.CpuPer1000)), "0.000"));
            }

            cells.Add(Invariant($"{group.Sum(s => s.Served):#,0} / {group.Sum(s => s.Sent):#,0}"));
            cells.Add(Number(Median(group.GroupBy(s => s.Round).Select(r => r.Last().Load)), "0.0"));
            text.AppendLine("| " + string.Join(" | ", cells) + " |");
        }

        text.AppendLine().AppendLine("StudyBot / other system (medians; throughput above 1 and CPU, p99 below 1 favour StudyBot):").AppendLine();
        text.AppendLine("| Scenario | StudyBot / | 32 conn req/s | CPU | 128 conn req/s | CPU | 500/s p99 | CPU | 2,000/s p99 | CPU |");
        text.AppendLine("|---|---|---:|---:|---:|---:|---:|---:|---:|---:|");
        foreach (var scenario in steps.GroupBy(s => s.Scenario))
        {
            var ours = scenario.Where(s => s.System == "StudyBot").ToList();
            foreach (var other in scenario.Where(s => s.System != "StudyBot").GroupBy(s => s.System))
            {
                var cells = new List<string> { scenario.Key, other.Key };
                foreach (var step in Steps)
                {
                    var a = ours.Where(s => s.Step == step && !s.Skipped).ToList();
                    var b = other.Where(s => s.Step == step && !s.Skipped).ToList();
                    var closed = a.Concat(b).FirstOrDefault()?.Connections > 0;
                    cells.Add(Times(Ratio(Median(a.Select(s => closed ? s.Throughput : s.P99)), Median(b.Select(s => closed ? s.Throughput : s.P99)))));
                    cells.Add(Times(Ratio(Median(a.Select(s => s.CpuPer1000)), Median(b.Select(s => s.CpuPer1000)))));
                }

                text.AppendLine("| " + string.Join(" | ", cells) + " |");
            }
        }

        text.AppendLine().AppendLine("Every round:").AppendLine();
        text.AppendLine("| Round | Scenario | System | Step | Served / sent | Other answers | req/s | p50 / p99 ms | CPU s/1k | Load | Answers |");
        text.AppendLine("|---:|---|---|---|---:|---|---:|---:|---:|---:|---|");
        foreach (var s in steps)
        {
            text.AppendLine(Invariant(
                $"| {s.Round} | {s.Scenario} | {s.System} | {s.Step} | {(s.Skipped ? "skipped" : $"{s.Served:#,0} / {s.Sent:#,0}")} | {Dash(s.Other)} | {Number(s.Throughput, "#,0")} | {(s.Connections > 0 || s.Skipped ? "–" : $"{Number(s.P50, "0.0")} / {Number(s.P99, "0.0")}")} | {Number(s.CpuPer1000, "0.000")} | {s.Load:0.0} | {Dash(s.Skipped ? s.Note : s.Answers)} |"));
        }

        text.AppendLine().AppendLine("Bad requests, all rounds together (refused = a 4xx answer; cut = the connection closed before an answer; served = a 2xx answer, which is a failure). CPU: the server's seconds per 1,000 forged and stale requests (median of rounds).").AppendLine();
        text.AppendLine("| System | Endpoint | Forged refused / sent | Stale refused / sent | Oversized (2 MiB) refused / cut / sent | Served | CPU s/1k refusals |");
        text.AppendLine("|---|---|---:|---:|---:|---:|---:|");
        foreach (var group in refusals.GroupBy(r => (r.System, r.Endpoint)))
        {
            PeerRefusals Sum(string kind) => group.Where(r => r.Kind == kind).Aggregate(
                new PeerRefusals(0, group.Key.System, group.Key.Endpoint, kind, 0, 0, 0, 0, 0, 0),
                (t, r) => t with { Sent = t.Sent + r.Sent, Refused = t.Refused + r.Refused, Cut = t.Cut + r.Cut, Served = t.Served + r.Served, Other = t.Other + r.Other });
            var forged = Sum("forged");
            var stale = Sum("stale");
            var oversized = Sum("oversized");
            var cpu = Median(group.Where(r => r.Kind == "forged").Select(r => r.CpuPer1000));
            text.AppendLine(Invariant(
                $"| {group.Key.System} | {group.Key.Endpoint} | {forged.Refused:#,0} / {forged.Sent:#,0} | {stale.Refused:#,0} / {stale.Sent:#,0} | {oversized.Refused} / {oversized.Cut} / {oversized.Sent} | {forged.Served + stale.Served + oversized.Served}{(forged.Other + stale.Other + oversized.Other > 0 ? $" (other: {forged.Other + stale.Other + oversized.Other})" : "")} | {Number(cpu, "0.000")} |"));
        }

        return text.ToString();
    }

    private static string Number(double value, string format) => double.IsNaN(value) ? "–" : value.ToString(format, CultureInfo.InvariantCulture);

    private static string Times(double ratio) => double.IsNaN(ratio) ? "–" : ratio.ToString("0.00", CultureInfo.InvariantCulture) + "×";

    private static string Dash(string text) => string.IsNullOrEmpty(text) ? "–" : text;

    private static string Invariant(FormattableString text) => FormattableString.Invariant(text);
}
