using System.Globalization;

namespace StudyBot.Slack.LoadTest;

/// <summary><c>commands [--rate 500] [--seconds 30] [--warmup 5] [--users 200] [--inline-window 00:00:00.250] [--mix mixed|reads]</c> or <c>dms [--members 2000] [--per-minute 300]</c>.</summary>
internal sealed record LoadOptions(string Scenario, int Rate, int Seconds, int Warmup, int Users, int Members, int PostMessagePerMinute, string? InlineWindow, string Mix)
{
    public static LoadOptions Parse(string[] args)
    {
        var scenario = args.Length > 0 ? args[0] : "";
        int Int(string name, int fallback)
        {
            var i = Array.IndexOf(args, name);
            return i >= 0 && i + 1 < args.Length ? int.Parse(args[i + 1], CultureInfo.InvariantCulture) : fallback;
        }

        var window = Array.IndexOf(args, "--inline-window") is var w and >= 0 && w + 1 < args.Length ? args[w + 1] : null;
        var mix = Array.IndexOf(args, "--mix") is var m and >= 0 && m + 1 < args.Length ? args[m + 1] : "mixed";
        return new LoadOptions(scenario, Int("--rate", 500), Int("--seconds", 30), Int("--warmup", 5), Int("--users", 200), Int("--members", 2000), Int("--per-minute", 300), window, mix);
    }
}
