using System.Runtime;
using System.Runtime.InteropServices;
using Microsoft.Extensions.Logging;

namespace StudyBot.Slack.LoadTest;

/// <summary>What the load driver prints: one structured line per result.</summary>
internal static partial class Report
{
    public static void Machine(ILogger log) => MachineLine(
        log,
        Environment.ProcessorCount,
        RuntimeInformation.OSDescription,
        RuntimeInformation.FrameworkDescription,
        GCSettings.IsServerGC ? "server" : "workstation");

    [LoggerMessage(Level = LogLevel.Information, Message = "Usage: StudyBot.Slack.LoadTest commands [--rate 500] [--seconds 30] [--warmup 5] [--users 200] [--inline-window 00:00:00.250] [--mix mixed|reads] | dms [--members 2000] [--per-minute 300] | socket [--rate 200] [--seconds 30]")]
    public static partial void Usage(ILogger log);

    [LoggerMessage(Level = LogLevel.Information, Message = "Phase {Phase}: {Count} requests")]
    public static partial void Phase(ILogger log, string phase, int count);

    [LoggerMessage(Level = LogLevel.Information, Message = "{Posted} DMs posted after {Seconds:0} s")]
    public static partial void Progress(ILogger log, int posted, double seconds);

    [LoggerMessage(Level = LogLevel.Information, Message = "RESULT commands: sent {Sent}, 200 OK {Ok}, failed {Failed}; answered inline {Inline}, via response_url {Deferred} (arrived {ArrivedLater}); throughput {Throughput:0.0} req/s; server p50 {P50:0.00} ms, p90 {P90:0.00} ms, p99 {P99:0.00} ms, max {Max:0.0} ms; client round trip p50 {ClientP50:0.00} ms, p99 {ClientP99:0.00} ms; p99 from scheduled send {ScheduledP99:0.00} ms")]
    public static partial void Commands(ILogger log, int sent, int ok, int failed, int inline, int deferred, int arrivedLater, double throughput, double p50, double p90, double p99, double max, double clientP50, double clientP99, double scheduledP99);

    [LoggerMessage(Level = LogLevel.Information, Message = "RESULT dms: members {Members}, sent {Sent}, 429s {RateLimited}, duplicates {Duplicates}, missing {Missing}; {Seconds:0.0} s from first to last post = {PerMinute:0.0}/min against a limit of {Limit}/min ({Percent:0.0}%); busiest minute {MaxWindow}")]
    public static partial void Dms(ILogger log, int members, int sent, int rateLimited, int duplicates, int missing, double seconds, double perMinute, int limit, double percent, int maxWindow);

    [LoggerMessage(Level = LogLevel.Information, Message = "RESULT socket: envelopes {Sent}, acknowledged {Acked} (duplicate acks {DuplicateAcks}), answered in the ack {Inline}, via response_url {Deferred}, unanswered {Missing}; ack latency p50 {P50:0.00} ms, p90 {P90:0.00} ms, p99 {P99:0.00} ms, max {Max:0.0} ms; late acks (over 3 s) {Late}")]
    public static partial void Socket(ILogger log, int sent, int acked, int duplicateAcks, int inline, int deferred, int missing, double p50, double p90, double p99, double max, int late);

    [LoggerMessage(Level = LogLevel.Information, Message = "MACHINE {Cores} cores, {Os}, {Runtime}, {Gc} GC")]
    private static partial void MachineLine(ILogger log, int cores, string os, string runtime, string gc);
}
