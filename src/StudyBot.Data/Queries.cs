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

    /// <summary>
    /// A community and, when it has one, the user's member row there, untracked. On SQLite it runs as a statement the
    /// connection keeps prepared, its rows read into the entities by the model's columns (<see cref="RowReader{T}"/>):
    /// every command runs it, and as an EF query it was a tenth of a command's CPU.
    /// </summary>
    public static Task<CommunityAndMember?> FindCommunityAndMember(StudyBotDbContext db, string platform, string externalId, string userId) =>
        db.Database.GetDbConnection() is Microsoft.Data.Sqlite.SqliteConnection sqlite
            ? SqliteStatements.RunAsync(db, sqlite, s => FindOnSqlite(db, s, platform, externalId, userId), CancellationToken.None)
            : For(db).FindCommunityAndMember(db, platform, externalId, userId);

    private static CommunityAndMember? FindOnSqlite(StudyBotDbContext db, SqliteStatements statements, string platform, string externalId, string userId)
    {
        var communities = RowReader<CommunityEntity>.For(db);
        var members = RowReader<MemberEntity>.For(db);
        var sql = FindSql ??= $"""
            SELECT {communities.Columns("co")}, {members.Columns("m")}
            FROM "Communities" AS co
            LEFT JOIN "Members" AS m ON m."CommunityId" = co."Id" AND m."UserId" = @user
            WHERE co."Platform" = @platform AND co."ExternalId" = @external
            LIMIT 1
            """;
        using var reader = statements.Open(sql, ("@platform", platform), ("@external", externalId), ("@user", userId));
        if (!reader.Read())
        {
            return null;
        }

        var community = communities.Read(reader, 0);
        var member = reader.IsDBNull(communities.Count + members.KeyOrdinal) ? null : members.Read(reader, communities.Count);
        return new CommunityAndMember(community, member);
    }

    private static string? FindSql;

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

    /// <summary>Reads an entity from a row by the model's columns and property types, as EF stores them on SQLite.</summary>
    internal sealed class RowReader<T>
        where T : class
    {
        private static RowReader<T>? _instance;

        private readonly (string Column, System.Reflection.PropertyInfo Property, Type Type)[] _properties;

        private RowReader(StudyBotDbContext db)
        {
            var type = db.Model.FindEntityType(typeof(T)) ?? throw new InvalidOperationException($"{typeof(T).Name} is not in the model");
            var store = Microsoft.EntityFrameworkCore.Metadata.StoreObjectIdentifier.Table(type.GetTableName()!, type.GetSchema());
            _properties = [.. type.GetProperties().Select(p => (
                p.GetColumnName(store) ?? throw new InvalidOperationException($"{typeof(T).Name}.{p.Name} has no column"),
                p.PropertyInfo ?? throw new InvalidOperationException($"{typeof(T).Name}.{p.Name} is not a CLR property"),
                Nullable.GetUnderlyingType(p.ClrType) ?? p.ClrType))];
            KeyOrdinal = Array.FindIndex(_properties, p => p.Property.Name == type.FindPrimaryKey()!.Properties[0].Name);
        }

        public int Count => _properties.Length;

        /// <summary>The ordinal of the primary key among this entity's columns: null in a row an outer join found empty.</summary>
        public int KeyOrdinal { get; }

        public static RowReader<T> For(StudyBotDbContext db) => _instance ??= new RowReader<T>(db);

        public string Columns(string alias) => string.Join(", ", _properties.Select(p => $"{alias}.\"{p.Column}\""));

        public T Read(SqliteStatements.Reader reader, int first)
        {
            var entity = (T)Activator.CreateInstance(typeof(T))!;
            for (var i = 0; i < _properties.Length; i++)
            {
                var (_, property, type) = _properties[i];
                var ordinal = first + i;
                object? value = reader.IsDBNull(ordinal) ? null
                    : type == typeof(long) ? reader.GetInt64(ordinal)
                    : type == typeof(int) ? reader.GetInt32(ordinal)
                    : type == typeof(bool) ? reader.GetInt64(ordinal) != 0
                    : type == typeof(string) ? reader.GetString(ordinal)
                    : type == typeof(DateTime) ? reader.GetUtc(ordinal)
                    : type == typeof(DateOnly) ? reader.GetDateOnly(ordinal)
                    : throw new NotSupportedException($"{typeof(T).Name}.{property.Name}: no SQLite reading for {type.Name}");
                property.SetValue(entity, value);
            }

            return entity;
        }
    }
}
