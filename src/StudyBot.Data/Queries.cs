using System.Linq.Expressions;
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

    /// <summary>
    /// Reads an entity from a row by the model's columns and property types, as EF stores them on SQLite. Each property is
    /// set by a setter compiled once from the model (reflection's SetValue, with a boxed value per column, was most of it).
    /// </summary>
    internal sealed class RowReader<T>
        where T : class
    {
        private static RowReader<T>? _instance;

        private readonly string[] _columns;

        private readonly Func<T> _create;

        private readonly Action<T, SqliteStatements.Reader, int>[] _setters;

        private RowReader(StudyBotDbContext db)
        {
            var type = db.Model.FindEntityType(typeof(T)) ?? throw new InvalidOperationException($"{typeof(T).Name} is not in the model");
            var store = Microsoft.EntityFrameworkCore.Metadata.StoreObjectIdentifier.Table(type.GetTableName()!, type.GetSchema());
            var properties = type.GetProperties().Select(p => (
                Column: p.GetColumnName(store) ?? throw new InvalidOperationException($"{typeof(T).Name}.{p.Name} has no column"),
                Property: p.PropertyInfo ?? throw new InvalidOperationException($"{typeof(T).Name}.{p.Name} is not a CLR property")))
                .ToArray();
            _columns = [.. properties.Select(p => p.Column)];
            _setters = [.. properties.Select(p => Setter(p.Property))];
            _create = Expression.Lambda<Func<T>>(Expression.New(typeof(T))).Compile();
            KeyOrdinal = Array.FindIndex(properties, p => p.Property.Name == type.FindPrimaryKey()!.Properties[0].Name);
        }

        public int Count => _columns.Length;

        /// <summary>The ordinal of the primary key among this entity's columns: null in a row an outer join found empty.</summary>
        public int KeyOrdinal { get; }

        public static RowReader<T> For(StudyBotDbContext db) => _instance ??= new RowReader<T>(db);

        public string Columns(string alias) => string.Join(", ", _columns.Select(c => $"{alias}.\"{c}\""));

        public T Read(SqliteStatements.Reader reader, int first)
        {
            var entity = _create();
            for (var i = 0; i < _setters.Length; i++)
            {
                _setters[i](entity, reader, first + i);
            }

            return entity;
        }

        /// <summary>
        /// <c>(entity, reader, ordinal) => entity.Property = reader.IsDBNull(ordinal) ? default : reader.Get…(ordinal)</c>, by the
        /// property's type (nullable or not).
        /// </summary>
        private static Action<T, SqliteStatements.Reader, int> Setter(System.Reflection.PropertyInfo property)
        {
            var type = Nullable.GetUnderlyingType(property.PropertyType) ?? property.PropertyType;
            var entity = Expression.Parameter(typeof(T), "entity");
            var reader = Expression.Parameter(typeof(SqliteStatements.Reader), "reader");
            var ordinal = Expression.Parameter(typeof(int), "ordinal");
            Expression Get(string method) =>
                Expression.Call(reader, typeof(SqliteStatements.Reader).GetMethod(method)!, ordinal);
            var read = type == typeof(long) ? Get(nameof(SqliteStatements.Reader.GetInt64))
                : type == typeof(int) ? Get(nameof(SqliteStatements.Reader.GetInt32))
                : type == typeof(bool) ? Expression.NotEqual(Get(nameof(SqliteStatements.Reader.GetInt64)), Expression.Constant(0L))
                : type == typeof(string) ? Get(nameof(SqliteStatements.Reader.GetString))
                : type == typeof(DateTime) ? Get(nameof(SqliteStatements.Reader.GetUtc))
                : type == typeof(DateOnly) ? Get(nameof(SqliteStatements.Reader.GetDateOnly))
                : throw new NotSupportedException($"{typeof(T).Name}.{property.Name}: no SQLite reading for {type.Name}");
            var value = Expression.Condition(
                Get(nameof(SqliteStatements.Reader.IsDBNull)),
                Expression.Default(property.PropertyType),
                Expression.Convert(read, property.PropertyType));
            var assign = Expression.Assign(Expression.Property(entity, property), value);
            return Expression.Lambda<Action<T, SqliteStatements.Reader, int>>(assign, entity, reader, ordinal).Compile();
        }
    }
}
