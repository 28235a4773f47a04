using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using StudyBot.Core.Chat;

namespace StudyBot.Data;

/// <summary>
/// <see cref="IDmChannelStore"/> on the <c>DmChannels</c> table. Remembering is one statement on both providers,
/// <c>INSERT ... ON CONFLICT ("Platform", "UserId") DO UPDATE</c>: two instances that open the same user's DM at once
/// both write, neither fails on the key, and one row stays (Discord gives both the same channel). A row is rewritten only
/// when the channel changed, so <c>LearnedAtUtc</c> says when this channel was learned. Forgetting deletes the row only
/// while it still holds the channel that went stale: another instance may already have stored the new one. Ids longer
/// than the columns are not platform ids: they are neither stored nor looked up. A singleton: each call takes a pooled
/// context in a scope of its own, and writes queue on the write gate (SQLite has one writer).
/// </summary>
internal sealed class DmChannelStore(IServiceScopeFactory scopes, TimeProvider time) : IDmChannelStore
{
    public const int MaxPlatformLength = 16;

    public const int MaxIdLength = 64;

    public async Task<string?> FindAsync(string platform, string userId, CancellationToken cancellationToken)
    {
        if (!Fits(platform, userId))
        {
            return null;
        }

        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<StudyBotDbContext>();
        return await db.DmChannels.AsNoTracking()
            .Where(c => c.Platform == platform && c.UserId == userId)
            .Select(c => c.ChannelId)
            .FirstOrDefaultAsync(cancellationToken);
    }

    public async Task RememberAsync(string platform, string userId, string channelId, CancellationToken cancellationToken)
    {
        if (!Fits(platform, userId, channelId))
        {
            return;
        }

        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<StudyBotDbContext>();
        using var writing = await scope.ServiceProvider.GetRequiredService<WriteGate>().EnterAsync(cancellationToken);
        var batch = new SqlBatch(db.IsPostgres);
        batch.Append($"""
            INSERT INTO "DmChannels" ("Platform", "UserId", "ChannelId", "LearnedAtUtc")
            VALUES ({batch.Bind(platform)}, {batch.Bind(userId)}, {batch.Bind(channelId)}, {batch.Bind(time.GetUtcNow().UtcDateTime)})
            ON CONFLICT ("Platform", "UserId") DO UPDATE SET "ChannelId" = excluded."ChannelId", "LearnedAtUtc" = excluded."LearnedAtUtc"
            WHERE "DmChannels"."ChannelId" <> excluded."ChannelId"
            """);
        await batch.ExecuteAsync(db, cancellationToken);
    }

    public async Task ForgetAsync(string platform, string userId, string channelId, CancellationToken cancellationToken)
    {
        if (!Fits(platform, userId, channelId))
        {
            return;
        }

        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<StudyBotDbContext>();
        using var writing = await scope.ServiceProvider.GetRequiredService<WriteGate>().EnterAsync(cancellationToken);
        await db.DmChannels.Where(c => c.Platform == platform && c.UserId == userId && c.ChannelId == channelId).ExecuteDeleteAsync(cancellationToken);
    }

    private static bool Fits(string platform, string userId, string channelId = "") =>
        platform.Length is > 0 and <= MaxPlatformLength && userId.Length is > 0 and <= MaxIdLength && channelId.Length <= MaxIdLength;
}
