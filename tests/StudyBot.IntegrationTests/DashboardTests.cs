using System.Diagnostics;
using System.Diagnostics.Metrics;
using System.Text.Json;
using System.Text.RegularExpressions;
using StudyBot.Core.Telemetry;

namespace StudyBot.IntegrationTests;

/// <summary>
/// deploy/grafana-studybot.json and deploy/prometheus-alerts.yaml ask only for metrics StudyBot exports (under the names
/// OpenTelemetry's Prometheus exporter gives them), so a renamed instrument cannot leave a panel or an alert silently empty.
/// </summary>
public sealed partial class DashboardTests
{
    private static readonly string Deploy = Path.Combine(RepoPaths.Root, "deploy");

    /// <summary>Every series name the exporter writes for StudyBot's instruments.</summary>
    private static HashSet<string> ExportedNames()
    {
        using var metrics = new StudyBotMetrics();
        var names = new HashSet<string>(StringComparer.Ordinal);
        using var listener = new MeterListener
        {
            InstrumentPublished = (instrument, _) =>
            {
                if (!ReferenceEquals(instrument.Meter, metrics.Meter))
                {
                    return;
                }

                var name = instrument.Name.Replace('.', '_') + (instrument.Unit == "s" ? "_seconds" : "");
                switch (instrument)
                {
                    case Counter<long> or ObservableCounter<long>:
                        names.Add(name + "_total");
                        break;
                    case Histogram<double>:
                        names.UnionWith([name, name + "_bucket", name + "_sum", name + "_count"]);
                        break;
                    default:
                        names.Add(name);
                        break;
                }
            },
        };
        listener.Start();
        return names;
    }

    private static IEnumerable<string> StudyBotNamesIn(string text) => StudyBotMetric().Matches(text).Select(m => m.Value).Distinct();

    [Fact]
    public void The_dashboard_is_valid_JSON_and_every_StudyBot_metric_it_queries_is_exported()
    {
        var text = File.ReadAllText(Path.Combine(Deploy, "grafana-studybot.json"));
        using var dashboard = JsonDocument.Parse(text);
        var exported = ExportedNames();

        Assert.True(dashboard.RootElement.GetProperty("panels").GetArrayLength() >= 10);
        var used = StudyBotNamesIn(text).ToList();
        Assert.NotEmpty(used);
        Assert.All(used, name => Assert.Contains(name, exported));

        // Every instrument is on the dashboard somewhere.
        Assert.All(exported.Select(n => Regex.Replace(n, "_(bucket|sum|count)$", "")).Distinct(), name => Assert.Contains(name, text, StringComparison.Ordinal));
    }

    [Fact]
    public async Task The_alert_rules_ask_only_for_exported_metrics_and_pass_promtool_where_it_is_installed()
    {
        var file = Path.Combine(Deploy, "prometheus-alerts.yaml");
        var text = await File.ReadAllTextAsync(file);
        var exported = ExportedNames();

        Assert.All(StudyBotNamesIn(text), name => Assert.Contains(name, exported));
        foreach (var alert in new[] { "StudyBotPlatformFailing", "StudyBotOutboxBehind", "StudyBotRateLimited", "StudyBotSlowCommands" })
        {
            Assert.Contains($"alert: {alert}", text, StringComparison.Ordinal);
        }

        var promtool = new[] { "/usr/bin/promtool", "/usr/local/bin/promtool" }.FirstOrDefault(File.Exists);
        if (promtool is null)
        {
            return;
        }

        var start = new ProcessStartInfo(promtool, ["check", "rules", file]) { RedirectStandardOutput = true, RedirectStandardError = true };
        using var process = Process.Start(start)!;
        var said = process.StandardOutput.ReadToEndAsync();
        var errors = process.StandardError.ReadToEndAsync();
        await Bounded.WaitAsync(process.WaitForExitAsync(), "promtool check rules to finish");
        Assert.True(process.ExitCode == 0, $"promtool check rules: {await said}{await errors}");
    }

    [GeneratedRegex(@"studybot_[a-z0-9_]+")]
    private static partial Regex StudyBotMetric();
}
