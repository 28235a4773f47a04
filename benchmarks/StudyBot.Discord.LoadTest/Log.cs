using Microsoft.Extensions.Logging;

namespace StudyBot.Discord.LoadTest;

internal static partial class Log
{
    [LoggerMessage(Level = LogLevel.Error, Message = "Usage: interactions [--rate 500] [--seconds 30] [--warmup 5] [--mix overview|all|read|ping] [--db sqlite|postgres] [--instances 1] | scale [--rates 100,150,200] [--configs sqlitex1,postgresx1,postgresx2,postgresx3] [--seconds 10] [--warmup 3] [--rounds 1] [--mix all] | fanout [--members 100000] [--instances 3] [--known-dm-channels] [--global-limit 50] | dms [--count 5000] [--concurrency 64] | peers [--quick] [--rounds 2] [--seconds 10] [--warmup 2] [--systems studybot,floor,bolt,discord-interactions] [--scenarios slack-help,discord-ping,discord-help,mixed] [--bad 2000] [--oversized 10] [--markdown FILE]")]
    public static partial void Usage(ILogger logger);

    [LoggerMessage(Level = LogLevel.Information, Message = "{Line}")]
    public static partial void Line(ILogger logger, string line);

    [LoggerMessage(Level = LogLevel.Error, Message = "{Problem}")]
    public static partial void Problem(ILogger logger, string problem);
}

/// <summary>Percentiles by nearest rank over recorded values.</summary>
internal static class Percentiles
{
    public static double Of(IReadOnlyList<double> sorted, double percentile) =>
        sorted.Count == 0 ? double.NaN : sorted[Math.Clamp((int)Math.Ceiling(percentile / 100 * sorted.Count) - 1, 0, sorted.Count - 1)];
}
