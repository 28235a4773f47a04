using Microsoft.Extensions.Time.Testing;
using StudyBot.Core.Chat;
using StudyBot.Core.Web;

namespace StudyBot.Core.Tests;

/// <summary>
/// The rules of signing in to the web side (<see cref="WebAccess"/>), on a store kept in memory: links live exactly 5
/// minutes and work once, sessions exactly 30 days, sign-out ends them, a link names only its own member in its own
/// community, bad tokens are refused before the store is asked, and the stored hash is compared by the service itself.
/// </summary>
public sealed class WebAccessTests
{
    private static readonly CancellationToken None = CancellationToken.None;

    private static readonly CommunityRef Home = new(Platforms.Discord, "guild-1", "Study Hall");

    private static readonly CommunityRef Other = new(Platforms.Discord, "guild-2", "Other Hall");

    private static readonly MemberRef Ada = new(Home, "ada", "Ada") { IsAdmin = true };

    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 12, 7, 9, 0, 0, TimeSpan.Zero));

    private readonly MemoryStore _store = new();

    private WebAccess Web(string? baseUrl = "https://study.example.org") => new(WebLinkSettings.For(baseUrl), _time, _store);

    private static string Token(string url) => url[(url.LastIndexOf('/') + 1)..];

    private async Task<string> LinkAsync(MemberRef? member = null)
    {
        var link = await Web().CreateLinkAsync(member ?? Ada, None);
        Assert.Equal(WebLinkOutcome.Created, link.Outcome);
        return Token(link.Url!);
    }

    [Fact]
    public async Task A_link_is_the_base_url_with_a_43_character_token_valid_for_5_minutes_and_only_its_hash_is_stored()
    {
        var link = await Web("https://study.example.org/").CreateLinkAsync(Ada, None);

        Assert.Equal(WebLinkOutcome.Created, link.Outcome);
        Assert.StartsWith("https://study.example.org/signin/", link.Url, StringComparison.Ordinal);
        var token = Token(link.Url!);
        Assert.Equal(43, token.Length);
        Assert.Equal(_time.GetUtcNow() + TimeSpan.FromMinutes(5), link.ExpiresAt);
        var stored = Assert.Single(_store.Links);
        Assert.Equal(WebTokens.HashOf(token), stored.TokenHash);
    }

    [Fact]
    public async Task A_link_works_until_just_before_5_minutes_and_not_at_exactly_5_minutes()
    {
        var early = await LinkAsync();
        var late = await LinkAsync();

        _time.Advance(TimeSpan.FromMinutes(5) - TimeSpan.FromTicks(1));
        Assert.True((await Web().RedeemLinkAsync(early, None)).Ok);
        _time.Advance(TimeSpan.FromTicks(1));
        var refused = await Web().RedeemLinkAsync(late, None);

        Assert.False(refused.Ok);
        Assert.Equal(WebLinkRefusal.Expired, refused.Refusal);
    }

    [Fact]
    public async Task A_link_works_once()
    {
        var token = await LinkAsync();

        var first = await Web().RedeemLinkAsync(token, None);
        var second = await Web().RedeemLinkAsync(token, None);

        Assert.True(first.Ok);
        Assert.Equal(new WebMember(Home, "ada", "Ada", IsAdmin: true), first.SignedIn!.Member);
        Assert.Equal(WebLinkRefusal.Used, second.Refusal);
        Assert.Single(_store.Sessions);
    }

    [Fact]
    public async Task A_link_used_by_another_request_between_reading_and_redeeming_is_refused_as_used()
    {
        var token = await LinkAsync();
        _store.BeforeRedeem = link => link.UsedAtUtc = _time.GetUtcNow().UtcDateTime;

        var refused = await Web().RedeemLinkAsync(token, None);

        Assert.Equal(WebLinkRefusal.Used, refused.Refusal);
        Assert.Empty(_store.Sessions);
    }

    [Fact]
    public async Task A_session_lasts_until_just_before_30_days_and_not_at_exactly_30_days()
    {
        var signedIn = (await Web().RedeemLinkAsync(await LinkAsync(), None)).SignedIn!;
        Assert.Equal(_time.GetUtcNow() + TimeSpan.FromDays(30), signedIn.ExpiresAt);
        Assert.NotEqual(signedIn.SessionToken, Token((await Web().CreateLinkAsync(Ada, None)).Url!));

        _time.Advance(TimeSpan.FromDays(30) - TimeSpan.FromTicks(1));
        var session = await Web().SessionAsync(signedIn.SessionToken, None);
        Assert.Equal(new WebMember(Home, "ada", "Ada", true), session!.Member);
        _time.Advance(TimeSpan.FromTicks(1));

        Assert.Null(await Web().SessionAsync(signedIn.SessionToken, None));
    }

    [Fact]
    public async Task Signing_out_ends_that_session_only_and_signing_out_everywhere_ends_all_and_the_unused_links()
    {
        var one = (await Web().RedeemLinkAsync(await LinkAsync(), None)).SignedIn!.SessionToken;
        var two = (await Web().RedeemLinkAsync(await LinkAsync(), None)).SignedIn!.SessionToken;
        var three = (await Web().RedeemLinkAsync(await LinkAsync(), None)).SignedIn!.SessionToken;
        var pending = await LinkAsync();

        Assert.True(await Web().SignOutAsync(one, None));
        Assert.False(await Web().SignOutAsync(one, None));
        Assert.Null(await Web().SessionAsync(one, None));
        Assert.NotNull(await Web().SessionAsync(two, None));

        Assert.Equal(2, await Web().SignOutEverywhereAsync(Ada, None));
        Assert.Null(await Web().SessionAsync(two, None));
        Assert.Null(await Web().SessionAsync(three, None));
        Assert.Equal(WebLinkRefusal.Used, (await Web().RedeemLinkAsync(pending, None)).Refusal);
        Assert.Equal(0, await Web().SignOutEverywhereAsync(Ada, None));
    }

    [Fact]
    public async Task A_link_from_another_community_signs_in_the_member_of_that_community_not_this_one()
    {
        var adaElsewhere = Ada with { Community = Other, IsAdmin = false };
        var token = await LinkAsync(adaElsewhere);

        var signedIn = (await Web().RedeemLinkAsync(token, None)).SignedIn!;
        var session = await Web().SessionAsync(signedIn.SessionToken, None);

        Assert.Equal(Other, session!.Member.Community);
        Assert.False(session.Member.IsAdmin);
        Assert.NotEqual(Home, session.Member.ToMemberRef().Community);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("abc")]
    [InlineData("AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA")]
    [InlineData("AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA")]
    [InlineData("AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=")]
    [InlineData("AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA+/")]
    [InlineData("../../../../etc/passwd")]
    public async Task Malformed_tokens_are_refused_before_the_store_is_asked(string? token)
    {
        Assert.Equal(WebLinkRefusal.Malformed, (await Web().RedeemLinkAsync(token, None)).Refusal);
        Assert.Null(await Web().SessionAsync(token, None));
        Assert.False(await Web().SignOutAsync(token, None));
        Assert.Null(await Web().ShareAsync(token, None));
        Assert.Equal(0, _store.Lookups);
    }

    [Fact]
    public async Task A_megabyte_token_and_a_truncated_link_are_refused_before_the_store_is_asked()
    {
        var token = await LinkAsync();

        Assert.Equal(WebLinkRefusal.Malformed, (await Web().RedeemLinkAsync(new string('A', 1024 * 1024), None)).Refusal);
        Assert.Equal(WebLinkRefusal.Malformed, (await Web().RedeemLinkAsync(token[..40], None)).Refusal);
        Assert.Equal(0, _store.Lookups);
        Assert.True((await Web().RedeemLinkAsync(token, None)).Ok);
    }

    [Fact]
    public async Task A_forged_token_of_the_right_form_is_unknown()
    {
        await LinkAsync();
        var (forged, _) = WebTokens.New();

        Assert.Equal(WebLinkRefusal.Unknown, (await Web().RedeemLinkAsync(forged, None)).Refusal);
        Assert.Null(await Web().SessionAsync(forged, None));
        Assert.Null(await Web().ShareAsync(forged, None));
    }

    [Fact]
    public async Task The_service_compares_the_stored_hash_itself_so_a_row_the_lookup_found_for_another_token_gives_nothing()
    {
        var token = await LinkAsync();
        var session = (await Web().RedeemLinkAsync(token, None)).SignedIn!.SessionToken;
        await Web().CreateShareLinkAsync(Ada, None);
        await LinkAsync();
        _store.FindAnything = true;
        var (other, _) = WebTokens.New();

        Assert.Equal(WebLinkRefusal.Unknown, (await Web().RedeemLinkAsync(other, None)).Refusal);
        Assert.Null(await Web().SessionAsync(other, None));
        Assert.Null(await Web().ShareAsync(other, None));
        Assert.NotNull(await Web().SessionAsync(session, None));
    }

    [Fact]
    public async Task At_most_5_links_in_10_minutes_then_a_refusal_that_says_when_to_ask_again()
    {
        for (var i = 0; i < 5; i++)
        {
            await LinkAsync();
            _time.Advance(TimeSpan.FromMinutes(1));
        }

        var refused = await Web().CreateLinkAsync(Ada, None);
        Assert.Equal(WebLinkOutcome.TooMany, refused.Outcome);
        Assert.Null(refused.Url);
        Assert.Equal(new DateTimeOffset(2026, 12, 7, 9, 10, 0, TimeSpan.Zero), refused.RetryAt);
        Assert.Equal(5, _store.Links.Count);

        _time.Advance(TimeSpan.FromMinutes(5));
        await LinkAsync();
        Assert.Equal(WebLinkOutcome.Created, (await Web().CreateLinkAsync(Ada with { UserId = "bob", DisplayName = "Bob" }, None)).Outcome);
    }

    [Fact]
    public async Task With_the_web_side_off_nothing_is_made()
    {
        var web = Web(baseUrl: null);

        Assert.False(web.Enabled);
        Assert.Equal(WebLinkOutcome.WebOff, (await web.CreateLinkAsync(Ada, None)).Outcome);
        Assert.Null(await web.CreateShareLinkAsync(Ada, None));
        Assert.Empty(_store.Links);
        Assert.Empty(_store.Shares);
        Assert.False(new WebAccess(WebLinkSettings.For("https://x.example"), _time).Enabled);
    }

    [Fact]
    public async Task A_member_without_a_member_row_gets_no_link()
    {
        _store.Known = _ => false;

        Assert.Equal(WebLinkOutcome.NoMember, (await Web().CreateLinkAsync(Ada, None)).Outcome);
        Assert.Null(await Web().CreateShareLinkAsync(Ada, None));
    }

    [Fact]
    public async Task A_share_link_names_its_member_until_replaced_or_revoked()
    {
        var first = await Web().CreateShareLinkAsync(Ada, None);
        Assert.StartsWith("https://study.example.org/share/", first, StringComparison.Ordinal);
        Assert.Equal("ada", (await Web().ShareAsync(Token(first!), None))!.UserId);

        var second = await Web().CreateShareLinkAsync(Ada, None);
        Assert.Null(await Web().ShareAsync(Token(first!), None));
        Assert.Equal(Home, (await Web().ShareAsync(Token(second!), None))!.Community);

        Assert.True(await Web().RevokeShareLinkAsync(Ada, None));
        Assert.False(await Web().RevokeShareLinkAsync(Ada, None));
        Assert.Null(await Web().ShareAsync(Token(second!), None));
    }

    [Fact]
    public async Task A_sessions_last_seen_time_is_written_at_most_every_15_minutes()
    {
        var token = (await Web().RedeemLinkAsync(await LinkAsync(), None)).SignedIn!.SessionToken;
        _time.Advance(TimeSpan.FromMinutes(14));
        await Web().SessionAsync(token, None);
        Assert.Equal(0, _store.SeenWrites);

        _time.Advance(TimeSpan.FromMinutes(1));
        await Web().SessionAsync(token, None);
        await Web().SessionAsync(token, None);
        Assert.Equal(1, _store.SeenWrites);
        Assert.Equal(_time.GetUtcNow().UtcDateTime, Assert.Single(_store.Sessions).LastSeenAtUtc);
    }

    /// <summary>The store's contract kept in lists; lookups by hash are counted, and can be made to find any row.</summary>
    private sealed class MemoryStore : IWebAccessStore
    {
        public sealed class Row
        {
            public long Id { get; init; }

            public required byte[] TokenHash { get; init; }

            public required MemberRef Member { get; init; }

            public DateTime CreatedAtUtc { get; init; }

            public DateTime ExpiresAtUtc { get; init; }

            public DateTime? UsedAtUtc { get; set; }

            public DateTime LastSeenAtUtc { get; set; }

            public bool IsAdmin { get; init; }
        }

        private long _ids;

        public List<Row> Links { get; } = [];

        public List<Row> Sessions { get; } = [];

        public List<Row> Shares { get; } = [];

        public int Lookups { get; private set; }

        public int SeenWrites { get; private set; }

        public bool FindAnything { get; set; }

        public Func<MemberRef, bool> Known { get; set; } = _ => true;

        public Action<Row>? BeforeRedeem { get; set; }

        private static bool Same(MemberRef a, MemberRef b) => a.Community == b.Community && a.UserId == b.UserId;

        private static WebMember Of(Row row) => new(row.Member.Community, row.Member.UserId, row.Member.DisplayName, row.IsAdmin);

        private Row? Find(List<Row> rows, byte[] hash)
        {
            Lookups++;
            return FindAnything ? rows.FirstOrDefault() : rows.FirstOrDefault(r => r.TokenHash.AsSpan().SequenceEqual(hash));
        }

        public Task<(int Count, DateTime? OldestUtc)> LinksSinceAsync(MemberRef member, DateTime sinceUtc, CancellationToken cancellationToken)
        {
            var times = Links.Where(l => Same(l.Member, member) && l.CreatedAtUtc > sinceUtc).Select(l => l.CreatedAtUtc).ToList();
            return Task.FromResult((times.Count, times.Count == 0 ? (DateTime?)null : times.Min()));
        }

        public Task<bool> AddLinkAsync(MemberRef member, byte[] tokenHash, DateTime createdUtc, DateTime expiresUtc, DateTime pruneBeforeUtc, CancellationToken cancellationToken)
        {
            if (!Known(member))
            {
                return Task.FromResult(false);
            }

            Links.RemoveAll(l => l.CreatedAtUtc < pruneBeforeUtc);
            Links.Add(new Row { Id = ++_ids, TokenHash = tokenHash, Member = member, CreatedAtUtc = createdUtc, ExpiresAtUtc = expiresUtc, IsAdmin = member.IsAdmin });
            return Task.FromResult(true);
        }

        public Task<StoredWebLink?> FindLinkAsync(byte[] tokenHash, CancellationToken cancellationToken) =>
            Task.FromResult(Find(Links, tokenHash) is { } l ? new StoredWebLink(l.Id, l.TokenHash, l.CreatedAtUtc, l.ExpiresAtUtc, l.UsedAtUtc, Of(l)) : null);

        public Task<bool> RedeemAsync(StoredWebLink link, byte[] sessionHash, DateTime nowUtc, DateTime sessionExpiresUtc, CancellationToken cancellationToken)
        {
            var row = Links.Single(l => l.Id == link.Id);
            BeforeRedeem?.Invoke(row);
            if (row.UsedAtUtc is not null || row.ExpiresAtUtc <= nowUtc)
            {
                return Task.FromResult(false);
            }

            row.UsedAtUtc = nowUtc;
            Sessions.RemoveAll(s => s.ExpiresAtUtc <= nowUtc);
            Sessions.Add(new Row { Id = ++_ids, TokenHash = sessionHash, Member = row.Member, CreatedAtUtc = nowUtc, LastSeenAtUtc = nowUtc, ExpiresAtUtc = sessionExpiresUtc, IsAdmin = row.IsAdmin });
            return Task.FromResult(true);
        }

        public Task<StoredWebSession?> FindSessionAsync(byte[] tokenHash, CancellationToken cancellationToken) =>
            Task.FromResult(Find(Sessions, tokenHash) is { } s ? new StoredWebSession(s.Id, s.TokenHash, s.CreatedAtUtc, s.LastSeenAtUtc, s.ExpiresAtUtc, Of(s)) : null);

        public Task SeenAsync(long sessionId, DateTime nowUtc, CancellationToken cancellationToken)
        {
            SeenWrites++;
            Sessions.Single(s => s.Id == sessionId).LastSeenAtUtc = nowUtc;
            return Task.CompletedTask;
        }

        public Task<bool> EndSessionAsync(long sessionId, CancellationToken cancellationToken) => Task.FromResult(Sessions.RemoveAll(s => s.Id == sessionId) > 0);

        public Task<int> EndSessionsAsync(MemberRef member, DateTime nowUtc, CancellationToken cancellationToken)
        {
            var live = Sessions.Count(s => Same(s.Member, member) && s.ExpiresAtUtc > nowUtc);
            Sessions.RemoveAll(s => Same(s.Member, member));
            foreach (var link in Links.Where(l => Same(l.Member, member) && l.UsedAtUtc is null))
            {
                link.UsedAtUtc = nowUtc;
            }

            return Task.FromResult(live);
        }

        public Task<bool> SetShareAsync(MemberRef member, byte[] tokenHash, DateTime nowUtc, CancellationToken cancellationToken)
        {
            if (!Known(member))
            {
                return Task.FromResult(false);
            }

            Shares.RemoveAll(s => Same(s.Member, member));
            Shares.Add(new Row { Id = ++_ids, TokenHash = tokenHash, Member = member, CreatedAtUtc = nowUtc });
            return Task.FromResult(true);
        }

        public Task<bool> RemoveShareAsync(MemberRef member, CancellationToken cancellationToken) => Task.FromResult(Shares.RemoveAll(s => Same(s.Member, member)) > 0);

        public Task<StoredWebShare?> FindShareAsync(byte[] tokenHash, CancellationToken cancellationToken) =>
            Task.FromResult(Find(Shares, tokenHash) is { } s ? new StoredWebShare(s.TokenHash, s.CreatedAtUtc, Of(s) with { IsAdmin = false }) : null);
    }
}
