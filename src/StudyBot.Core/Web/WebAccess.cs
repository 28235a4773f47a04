using StudyBot.Core.Chat;

namespace StudyBot.Core.Web;

/// <summary>Why a sign-in link was refused.</summary>
public enum WebLinkRefusal
{
    /// <summary>Not a token at all: empty, truncated, too long, or characters outside base64url.</summary>
    Malformed = 1,

    /// <summary>Well formed but no such link: forged, mistyped, or cleaned up long after it expired.</summary>
    Unknown = 2,

    /// <summary>Older than <see cref="WebAccess.LinkLifetime"/>.</summary>
    Expired = 3,

    /// <summary>Already used to sign in (links are single use).</summary>
    Used = 4,
}

/// <summary>A signed-in session: the token for the cookie (shown once, never stored), whose it is, and when it ends.</summary>
public sealed record WebSignIn(string SessionToken, WebMember Member, DateTimeOffset ExpiresAt);

/// <summary>What redeeming a sign-in link gave: a session, or why not.</summary>
public sealed record WebRedeemResult(WebSignIn? SignedIn, WebLinkRefusal? Refusal)
{
    public bool Ok => SignedIn is not null;
}

/// <summary>A live web session: whose it is and when it began and ends.</summary>
public sealed record WebSession(WebMember Member, DateTimeOffset CreatedAt, DateTimeOffset ExpiresAt);

/// <summary>A new sign-in link for a member, or why none was made.</summary>
public sealed record WebLinkResult(WebLinkOutcome Outcome, string? Url = null, DateTimeOffset? ExpiresAt = null, DateTimeOffset? RetryAt = null);

public enum WebLinkOutcome
{
    Created = 0,

    /// <summary>The bot serves no web pages (<see cref="WebLinkSettings.BaseUrl"/> is null): nothing was made.</summary>
    WebOff = 1,

    /// <summary>The member has no member row yet (a first command makes it).</summary>
    NoMember = 2,

    /// <summary>Too many links lately (<see cref="WebAccess.MaxLinks"/> per <see cref="WebAccess.LinkWindow"/>); try again at RetryAt.</summary>
    TooMany = 3,
}

/// <summary>
/// Signing in to the web side without setting anything up. <c>/progress web</c> makes a personal link
/// <c>{BaseUrl}/signin/{token}</c>, valid <see cref="LinkLifetime"/>, single use, bound to that member in that community;
/// redeeming it opens a session whose token the web side puts in a cookie, valid <see cref="SessionLifetime"/>. Share
/// tokens (<c>{BaseUrl}/share/{token}</c>) name a member's progress card until revoked or replaced.
/// <para>
/// Tokens are 32 random bytes in base64url (<see cref="WebTokens"/>); only their SHA-256 hash is stored, looked up by
/// hash and compared in constant time. Malformed input is refused before the database is asked. Times come from the
/// injected <see cref="TimeProvider"/>. Tokens are never logged.
/// </para>
/// <para>
/// Without an <see cref="IWebAccessStore"/> (an engine without a database, as some tests build it) the web side is off.
/// </para>
/// </summary>
public sealed class WebAccess(WebLinkSettings settings, TimeProvider time, IWebAccessStore? webStore = null)
{
    private IWebAccessStore Store => webStore ?? throw new InvalidOperationException("The web side is off: no IWebAccessStore is registered.");

    public static readonly TimeSpan LinkLifetime = TimeSpan.FromMinutes(5);

    public static readonly TimeSpan SessionLifetime = TimeSpan.FromDays(30);

    /// <summary>At most this many sign-in links per member per <see cref="LinkWindow"/>.</summary>
    public const int MaxLinks = 5;

    public static readonly TimeSpan LinkWindow = TimeSpan.FromMinutes(10);

    /// <summary>A session's last-seen time is written at most this often.</summary>
    public static readonly TimeSpan SeenEvery = TimeSpan.FromMinutes(15);

    /// <summary>Whether this bot serves web pages at all.</summary>
    public bool Enabled => settings.BaseUrl is not null && webStore is not null;

    /// <summary>Makes a sign-in link for the member (see <see cref="WebLinkOutcome"/> for when it does not).</summary>
    public async Task<WebLinkResult> CreateLinkAsync(MemberRef member, CancellationToken cancellationToken)
    {
        if (settings.BaseUrl is not { } baseUrl || !Enabled)
        {
            return new WebLinkResult(WebLinkOutcome.WebOff);
        }

        var now = time.GetUtcNow();
        var (count, oldest) = await Store.LinksSinceAsync(member, now.UtcDateTime - LinkWindow, cancellationToken);
        if (count >= MaxLinks)
        {
            var retry = new DateTimeOffset(DateTime.SpecifyKind(oldest ?? now.UtcDateTime, DateTimeKind.Utc)) + LinkWindow;
            return new WebLinkResult(WebLinkOutcome.TooMany, RetryAt: retry);
        }

        var (token, hash) = WebTokens.New();
        var expires = now + LinkLifetime;
        if (!await Store.AddLinkAsync(member, hash, now.UtcDateTime, expires.UtcDateTime, now.UtcDateTime - LinkWindow, cancellationToken))
        {
            return new WebLinkResult(WebLinkOutcome.NoMember);
        }

        return new WebLinkResult(WebLinkOutcome.Created, $"{baseUrl}/signin/{token}", expires);
    }

    /// <summary>
    /// Redeems a sign-in link's token (the <c>{token}</c> of <c>/signin/{token}</c>): a new session for its member, or
    /// why not. Single use even when two requests redeem the same link at once.
    /// </summary>
    public async Task<WebRedeemResult> RedeemLinkAsync(string? token, CancellationToken cancellationToken)
    {
        if (WebTokens.HashOf(token) is not { } hash)
        {
            return Refused(WebLinkRefusal.Malformed);
        }

        var link = await Store.FindLinkAsync(hash, cancellationToken);
        if (link is null || !WebTokens.Matches(link.TokenHash, hash))
        {
            return Refused(WebLinkRefusal.Unknown);
        }

        var now = time.GetUtcNow();
        if (link.UsedAtUtc is not null)
        {
            return Refused(WebLinkRefusal.Used);
        }

        if (now.UtcDateTime >= link.ExpiresAtUtc)
        {
            return Refused(WebLinkRefusal.Expired);
        }

        var (sessionToken, sessionHash) = WebTokens.New();
        var expires = now + SessionLifetime;
        if (!await Store.RedeemAsync(link, sessionHash, now.UtcDateTime, expires.UtcDateTime, cancellationToken))
        {
            // Another request used it first (or it expired in between).
            return Refused(WebLinkRefusal.Used);
        }

        return new WebRedeemResult(new WebSignIn(sessionToken, link.Member, expires), null);
    }

    /// <summary>The session of a cookie's token, or null: malformed, unknown, signed out, expired, or the member deleted.</summary>
    public async Task<WebSession?> SessionAsync(string? cookieToken, CancellationToken cancellationToken)
    {
        var session = await FindSessionAsync(cookieToken, cancellationToken);
        if (session is null)
        {
            return null;
        }

        var now = time.GetUtcNow().UtcDateTime;
        if (now - session.LastSeenAtUtc >= SeenEvery)
        {
            await Store.SeenAsync(session.Id, now, cancellationToken);
        }

        return new WebSession(session.Member, Utc(session.CreatedAtUtc), Utc(session.ExpiresAtUtc));
    }

    /// <summary>Ends the session of a cookie's token; false when it was no live session.</summary>
    public async Task<bool> SignOutAsync(string? cookieToken, CancellationToken cancellationToken) =>
        await FindSessionAsync(cookieToken, cancellationToken) is { } session && await Store.EndSessionAsync(session.Id, cancellationToken);

    /// <summary>Ends all of the member's web sessions in their community; returns how many were live.</summary>
    public Task<int> SignOutEverywhereAsync(MemberRef member, CancellationToken cancellationToken) =>
        Store.EndSessionsAsync(member, time.GetUtcNow().UtcDateTime, cancellationToken);

    /// <summary>
    /// A new share link for the member's progress card (<c>{BaseUrl}/share/{token}</c>), replacing the one they had; null
    /// when the web side is off or the member has no member row.
    /// </summary>
    public async Task<string?> CreateShareLinkAsync(MemberRef member, CancellationToken cancellationToken)
    {
        if (settings.BaseUrl is not { } baseUrl || !Enabled)
        {
            return null;
        }

        var (token, hash) = WebTokens.New();
        return await Store.SetShareAsync(member, hash, time.GetUtcNow().UtcDateTime, cancellationToken)
            ? $"{baseUrl}/share/{token}"
            : null;
    }

    /// <summary>Revokes the member's share link; false when they had none.</summary>
    public Task<bool> RevokeShareLinkAsync(MemberRef member, CancellationToken cancellationToken) =>
        Store.RemoveShareAsync(member, cancellationToken);

    /// <summary>Whose progress card a share token (the <c>{token}</c> of <c>/share/{token}</c>) shows, or null: malformed, unknown or revoked.</summary>
    public async Task<WebMember?> ShareAsync(string? shareToken, CancellationToken cancellationToken)
    {
        if (WebTokens.HashOf(shareToken) is not { } hash)
        {
            return null;
        }

        var share = await Store.FindShareAsync(hash, cancellationToken);
        return share is not null && WebTokens.Matches(share.TokenHash, hash) ? share.Member : null;
    }

    private async Task<StoredWebSession?> FindSessionAsync(string? cookieToken, CancellationToken cancellationToken)
    {
        if (WebTokens.HashOf(cookieToken) is not { } hash)
        {
            return null;
        }

        var session = await Store.FindSessionAsync(hash, cancellationToken);
        return session is not null && WebTokens.Matches(session.TokenHash, hash) && time.GetUtcNow().UtcDateTime < session.ExpiresAtUtc
            ? session
            : null;
    }

    private static WebRedeemResult Refused(WebLinkRefusal why) => new(null, why);

    private static DateTimeOffset Utc(DateTime utc) => new(DateTime.SpecifyKind(utc, DateTimeKind.Utc));
}
