using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using StudyBot.Core.Chat;

namespace StudyBot.Core.Privacy;

/// <summary>A member's or a community's data as a JSON document.</summary>
public sealed record DataExport(string FileName, string Json, int Records);

/// <summary>Export, deletion and retention of personal data. Every call is scoped to one community.</summary>
public interface IMemberDataStore
{
    /// <summary>Everything stored about the member and nothing about anyone else; null when there is nothing.</summary>
    Task<DataExport?> ExportMemberAsync(MemberRef member, DateTime nowUtc, CancellationToken cancellationToken);

    Task<DataExport> ExportCommunityAsync(CommunityRef community, DateTime nowUtc, CancellationToken cancellationToken);

    /// <summary>
    /// Removes the member's personal data and anonymises the row that community totals still need, so no board
    /// or partner view shows them again. Returns false when there was nothing to delete.
    /// </summary>
    Task<bool> DeleteMemberAsync(MemberRef member, DateTime nowUtc, CancellationToken cancellationToken);

    /// <summary>Notes that a member left the community (or, with no user, that the bot was removed from it).</summary>
    Task MarkLeftAsync(CommunityRef community, string? userId, DateTime nowUtc, CancellationToken cancellationToken);

    /// <summary>Deletes the data of members and communities that left before <paramref name="cutoffUtc"/>.</summary>
    Task<int> PurgeLeftAsync(DateTime cutoffUtc, DateTime nowUtc, CancellationToken cancellationToken);
}

/// <summary>How long data of members who left is kept before it is deleted.</summary>
public sealed class RetentionSettings
{
    public TimeSpan LeftMemberRetention { get; set; } = TimeSpan.FromDays(30);
}

/// <summary>The entry points adapters call when members leave, and the job that deletes expired data.</summary>
public sealed partial class MembershipService(IServiceScopeFactory scopes, RetentionSettings retention, TimeProvider time, ILogger<MembershipService> logger)
{
    public async Task MemberLeftAsync(CommunityRef community, string userId, CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        await scope.ServiceProvider.GetRequiredService<IMemberDataStore>().MarkLeftAsync(community, userId, time.GetUtcNow().UtcDateTime, cancellationToken);
    }

    public async Task CommunityLeftAsync(CommunityRef community, CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        await scope.ServiceProvider.GetRequiredService<IMemberDataStore>().MarkLeftAsync(community, null, time.GetUtcNow().UtcDateTime, cancellationToken);
    }

    public async Task<int> PurgeAsync(CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow().UtcDateTime;
        await using var scope = scopes.CreateAsyncScope();
        var purged = await scope.ServiceProvider.GetRequiredService<IMemberDataStore>().PurgeLeftAsync(now - retention.LeftMemberRetention, now, cancellationToken);
        if (purged > 0)
        {
            LogPurged(purged, retention.LeftMemberRetention.TotalDays);
        }

        return purged;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Deleted the data of {Count} members who left more than {Days} days ago")]
    private partial void LogPurged(int count, double days);
}
