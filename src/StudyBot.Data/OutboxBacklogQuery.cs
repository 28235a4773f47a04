using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using StudyBot.Core.Telemetry;

namespace StudyBot.Data;

/// <summary>The outbox gauges' query (issue 15): per platform, how many due messages wait and since when the oldest.</summary>
public static class OutboxBacklogQuery
{
    /// <summary>One grouped read over the undelivered rows (the same filter as <c>/studybot show</c>'s backlog line).</summary>
    public static async Task<IReadOnlyList<OutboxBacklog>> ReadAsync(IServiceProvider scopedServices, DateTime nowUtc, CancellationToken cancellationToken)
    {
        var db = scopedServices.GetRequiredService<StudyBotDbContext>();
        var rows = await db.Outbox.AsNoTracking()
            .Where(x => x.SentAtUtc == null && x.FailedAtUtc == null && x.DueAtUtc <= nowUtc)
            .GroupBy(x => x.Platform)
            .Select(g => new { Platform = g.Key, Count = g.Count(), Oldest = g.Min(x => x.DueAtUtc) })
            .ToListAsync(cancellationToken);
        return rows.Select(r => new OutboxBacklog(r.Platform, r.Count, nowUtc - r.Oldest)).ToList();
    }
}
