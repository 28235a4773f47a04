using Microsoft.EntityFrameworkCore;
using StudyBot.Core.Progress;
using StudyBot.Data.Entities;

namespace StudyBot.Data;

/// <summary>
/// The per-command queries, compiled once: every command runs them, and skipping LINQ translation and the
/// query-cache lookup is a large share of a command's few milliseconds. A compiled query keeps the provider of the
/// first context it ran on, so each provider has its own set (one process may use both, as the tests do).
/// </summary>
internal static class Queries
{
    private static readonly Compiled OnSqlite = new();

    private static readonly Compiled OnPostgres = new();

    private static Compiled For(StudyBotDbContext db) => db.IsPostgres ? OnPostgres : OnSqlite;

    public static Task<CommunityAndMember?> FindCommunityAndMember(StudyBotDbContext db, string platform, string externalId, string userId) =>
        For(db).FindCommunityAndMember(db, platform, externalId, userId);

    public static Task<CommunityAndMember?> TrackCommunityAndMember(StudyBotDbContext db, string platform, string externalId, string userId) =>
        For(db).TrackCommunityAndMember(db, platform, externalId, userId);

    public static Task<MemberIds?> FindMemberIds(StudyBotDbContext db, string platform, string externalId, string userId) =>
        For(db).FindMemberIds(db, platform, externalId, userId);

    public sealed record CommunityAndMember(CommunityEntity Community, MemberEntity? Member);

    public sealed record MemberIds(long CommunityId, long MemberId);

    public static async Task<(long CommunityId, long MemberId)?> IdsAsync(this StudyBotDbContext db, StudyBot.Core.Chat.MemberRef member)
    {
        var ids = await FindMemberIds(db, member.Community.Platform, member.Community.ExternalId, member.UserId);
        return ids is null ? null : (ids.CommunityId, ids.MemberId);
    }

    private sealed class Compiled
    {
        public readonly Func<StudyBotDbContext, string, string, string, Task<CommunityAndMember?>> FindCommunityAndMember =
            EF.CompileAsyncQuery((StudyBotDbContext db, string platform, string externalId, string userId) =>
                (from co in db.Communities.AsNoTracking()
                 where co.Platform == platform && co.ExternalId == externalId
                 from m in db.Members.AsNoTracking().Where(m => m.CommunityId == co.Id && m.UserId == userId).DefaultIfEmpty()
                 select new CommunityAndMember(co, m))
                .FirstOrDefault());

        /// <summary>The same lookup, tracked, for a commit that updates the member row.</summary>
        public readonly Func<StudyBotDbContext, string, string, string, Task<CommunityAndMember?>> TrackCommunityAndMember =
            EF.CompileAsyncQuery((StudyBotDbContext db, string platform, string externalId, string userId) =>
                (from co in db.Communities
                 where co.Platform == platform && co.ExternalId == externalId
                 from m in db.Members.Where(m => m.CommunityId == co.Id && m.UserId == userId).DefaultIfEmpty()
                 select new CommunityAndMember(co, m))
                .FirstOrDefault());

        /// <summary>The ids of a platform user's member row in a community: how every store scopes its queries.</summary>
        public readonly Func<StudyBotDbContext, string, string, string, Task<MemberIds?>> FindMemberIds =
            EF.CompileAsyncQuery((StudyBotDbContext db, string platform, string externalId, string userId) =>
                (from co in db.Communities.AsNoTracking()
                 join m in db.Members.AsNoTracking() on co.Id equals m.CommunityId
                 where co.Platform == platform && co.ExternalId == externalId && m.UserId == userId
                 select new MemberIds(co.Id, m.Id))
                .FirstOrDefault());
    }
}
