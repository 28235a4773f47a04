using System.Collections.Concurrent;
using System.Text.Json;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using StudyBot.Core.Chat;
using StudyBot.Slack.Api;

namespace StudyBot.Slack.Inbound;

/// <summary>What auth.test said about the bot at start.</summary>
internal sealed class SlackWorkspace
{
    public string? TeamId { get; set; }

    public string? TeamName { get; set; }

    public string? BotUserId { get; set; }

    public string? BotId { get; set; }
}

/// <summary>A member as users.info describes them.</summary>
internal sealed record SlackUser(string Id, string DisplayName, string? TimeZone, bool IsAdmin, bool IsBot)
{
    /// <summary>The user's Slack language ("de-DE"), asked for with include_locale; null when Slack sent none.</summary>
    public string? Locale { get; init; }
}

/// <summary>
/// Turns a Slack team and user into Core's <see cref="MemberRef"/>: the name, the member's Slack time zone
/// (Core's default zone for members it has not met) and the admin flag, from users.info, cached. A lookup
/// that fails or takes too long never blocks a command: the member gets the name Slack sent and no hint.
/// </summary>
internal sealed partial class SlackUserDirectory(
    SlackApiClient api,
    SlackWorkspace workspace,
    TimeProvider time,
    IOptions<SlackOptions> options,
    ILogger<SlackUserDirectory> logger)
{
    private static readonly TimeSpan LookupBudget = TimeSpan.FromSeconds(2);
    private static readonly TimeSpan FailureCache = TimeSpan.FromMinutes(1);
    private static readonly TimeSpan SweepInterval = TimeSpan.FromMinutes(10);
    private readonly ConcurrentDictionary<string, Entry> _cache = new(StringComparer.Ordinal);
    private long _lastSweep = time.GetTimestamp();

    /// <summary>Members whose lookup is held in memory right now.</summary>
    public int Cached => _cache.Count;

    public async Task<MemberRef> MemberAsync(string teamId, string? teamName, string userId, string? fallbackName, CancellationToken cancellationToken)
    {
        var user = await GetAsync(userId, cancellationToken).ConfigureAwait(false);
        var name = user?.DisplayName is { Length: > 0 } display ? display : string.IsNullOrWhiteSpace(fallbackName) ? userId : fallbackName;
        var community = new CommunityRef(
            Platforms.Slack,
            teamId,
            teamName ?? (teamId == workspace.TeamId ? workspace.TeamName : null) ?? teamId);
        return new MemberRef(community, userId, name)
        {
            TimeZoneHint = user?.TimeZone,
            Locale = user?.Locale,
            IsAdmin = user?.IsAdmin == true || options.Value.IsAdminId(userId),
        };
    }

    public async Task<SlackUser?> GetAsync(string userId, CancellationToken cancellationToken)
    {
        Sweep();
        if (_cache.TryGetValue(userId, out var known) && known.IsFresh(time) && known.User.IsValueCreated && known.User.Value.IsCompletedSuccessfully)
        {
            // The usual case: a fresh lookup that has finished. Nothing to wait for, so no budget to set.
            return known.User.Value.Result;
        }

        var ttl = options.Value.UserCacheDuration;
        var entry = _cache.AddOrUpdate(
            userId,
            id => new Entry(time.GetTimestamp(), ttl, new Lazy<Task<SlackUser?>>(() => Lookup(id))),
            (id, existing) => existing.IsFresh(time) ? existing : new Entry(time.GetTimestamp(), ttl, new Lazy<Task<SlackUser?>>(() => Lookup(id))));
        try
        {
            using var budget = new CancellationTokenSource(LookupBudget, time);
            using var linked = CancellationTokenSource.CreateLinkedTokenSource(budget.Token, cancellationToken);
            return await entry.User.Value.WaitAsync(linked.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            LogLookupSlow(userId);
            return null;
        }
    }

    private Task<SlackUser?> Lookup(string userId) => Task.Run(async () =>
    {
        try
        {
            var response = await api.CallIdempotentAsync(
                new SlackApiCall("users.info") { Form = [new("user", userId), new("include_locale", "true")] },
                2,
                CancellationToken.None).ConfigureAwait(false);
            if (!response.IsOk)
            {
                LogLookupFailed(userId, response.Error);
                Expire(userId);
                return null;
            }

            return Parse(response.Body);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            LogLookupError(ex, userId);
            Expire(userId);
            return null;
        }
    });

    private void Expire(string userId)
    {
        // Keep the failure for a minute so a broken lookup is not hammered, then try again.
        if (_cache.TryGetValue(userId, out var entry))
        {
            _cache.TryUpdate(userId, entry with { Created = time.GetTimestamp(), Lifetime = FailureCache }, entry);
        }
    }

    /// <summary>Drops lookups that have run out, now and then, so members seen once are not held for ever.</summary>
    private void Sweep()
    {
        var last = Interlocked.Read(ref _lastSweep);
        if (time.GetElapsedTime(last) < SweepInterval || Interlocked.CompareExchange(ref _lastSweep, time.GetTimestamp(), last) != last)
        {
            return;
        }

        foreach (var (userId, entry) in _cache)
        {
            if (!entry.IsFresh(time) && entry.User.IsValueCreated && entry.User.Value.IsCompleted)
            {
                _cache.TryRemove(new KeyValuePair<string, Entry>(userId, entry));
            }
        }
    }

    internal static SlackUser? Parse(JsonElement body)
    {
        if (body.ValueKind != JsonValueKind.Object || !body.TryGetProperty("user", out var u) || u.ValueKind != JsonValueKind.Object)
        {
            return null;
        }

        static string? S(JsonElement e, string n) => e.TryGetProperty(n, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;
        static bool B(JsonElement e, string n) => e.TryGetProperty(n, out var v) && v.ValueKind == JsonValueKind.True;

        var profile = u.TryGetProperty("profile", out var p) && p.ValueKind == JsonValueKind.Object ? p : default;
        var display = (profile.ValueKind == JsonValueKind.Object ? S(profile, "display_name") : null) is { Length: > 0 } d ? d
            : (profile.ValueKind == JsonValueKind.Object ? S(profile, "real_name") : null) is { Length: > 0 } r ? r
            : S(u, "real_name") is { Length: > 0 } r2 ? r2
            : S(u, "name") ?? "";
        var id = S(u, "id") ?? "";
        return new SlackUser(id, display, S(u, "tz"), B(u, "is_admin") || B(u, "is_owner") || B(u, "is_primary_owner"), B(u, "is_bot")) { Locale = S(u, "locale") };
    }

    /// <summary>A lookup, fresh for <see cref="Lifetime"/> after <see cref="Created"/> (a monotonic timestamp, so a wall clock set back keeps nothing longer).</summary>
    private sealed record Entry(long Created, TimeSpan Lifetime, Lazy<Task<SlackUser?>> User)
    {
        public bool IsFresh(TimeProvider time) => time.GetElapsedTime(Created) < Lifetime;
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "users.info for {UserId} failed ({Error}); using the name Slack sent")]
    private partial void LogLookupFailed(string userId, string? error);

    [LoggerMessage(Level = LogLevel.Warning, Message = "users.info for {UserId} threw; using the name Slack sent")]
    private partial void LogLookupError(Exception ex, string userId);

    [LoggerMessage(Level = LogLevel.Information, Message = "users.info for {UserId} is slow; running the command without it")]
    private partial void LogLookupSlow(string userId);
}
