using System.Globalization;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Options;

namespace StudyBot.Discord;

/// <summary>How Discord delivers interactions to the bot.</summary>
public enum DiscordMode
{
    /// <summary>A gateway WebSocket; needs no public URL.</summary>
    Gateway = 0,

    /// <summary>Discord POSTs signed interactions to <c>/discord/interactions</c> on the host's Kestrel.</summary>
    Http = 1,
}

/// <summary>Section <c>Discord</c>. The token comes from the environment (<c>Discord__Token</c>), never appsettings.json.</summary>
public sealed class DiscordOptions
{
    public const string Section = "Discord";

    public const string DefaultApiBaseUrl = "https://discord.com/api/v10";

    /// <summary>The bot token (without "Bot "). The adapter is on when it is set.</summary>
    public string? Token { get; set; }

    /// <summary>The application id; read from Discord when empty.</summary>
    public string? ApplicationId { get; set; }

    /// <summary>The application's Ed25519 public key (64 hex characters); needed in Http mode.</summary>
    public string? PublicKey { get; set; }

    /// <summary><c>Gateway</c> or <c>Http</c>. A string, so a typo gets a message naming the key rather than a binder error.</summary>
    public string Mode { get; set; } = nameof(DiscordMode.Gateway);

    /// <summary>Register commands in these guilds (instant updates) instead of globally.</summary>
    public IList<string> GuildIds { get; } = [];

    public string ApiBaseUrl { get; set; } = DefaultApiBaseUrl;

    /// <summary>Overrides the gateway URL that <c>GET /gateway/bot</c> returns (tests, proxies).</summary>
    public string? GatewayUrl { get; set; }

    /// <summary>The bot's shard count in total, over every instance (Discord's <c>num_shards</c>).</summary>
    public int ShardCount { get; set; } = 1;

    /// <summary>
    /// The shards this instance runs, and no others (each entry a shard id, or several separated by commas). Empty: the
    /// instance takes a fair share of the free shards through database leases.
    /// </summary>
    public IList<string> ShardIds { get; } = [];

    /// <summary>One shard for this instance: the older form of <see cref="ShardIds"/> with one entry.</summary>
    public int? ShardId { get; set; }

    /// <summary>
    /// How long an instance's lease on a shard lasts unrenewed. It is renewed every third of it; a shard not renewed for
    /// two thirds of it is stopped; a dead instance's shards are taken over after at most this and a third.
    /// </summary>
    public TimeSpan ShardLease { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>At most this many <see cref="GuildIds"/>: their registration hashes share one small database value.</summary>
    public const int MaxGuildIds = 25;

    /// <summary>
    /// Hear of members leaving a server (GUILD_MEMBER_REMOVE), so their data follows Retention:LeftMemberDays.
    /// Needs the privileged Server Members Intent switched on in the Developer Portal (Bot page); off by default.
    /// </summary>
    public bool MemberEvents { get; set; }

    /// <summary>How long a command may run before the interaction is deferred (Discord's deadline is 3 s).</summary>
    public TimeSpan DeferAfter { get; set; } = TimeSpan.FromMilliseconds(1500);

    /// <summary>How many invalid responses (401, 403, 429) per 10 minutes trip the circuit breaker; Discord bans at 10,000.</summary>
    public int InvalidRequestBudget { get; set; } = 1000;

    /// <summary>
    /// Discord's global limit for this bot token, in requests a second (50 unless Discord granted the bot more). On
    /// PostgreSQL it is shared by every instance (see <see cref="Rest.GlobalSplit"/>).
    /// </summary>
    public int GlobalRateLimit { get; set; } = Rest.GlobalSplit.DefaultLimit;

    /// <summary>Per-attempt timeout of a REST request.</summary>
    public TimeSpan RequestTimeout { get; set; } = TimeSpan.FromSeconds(15);

    internal bool IsOn => !string.IsNullOrWhiteSpace(Token);

    internal DiscordMode? ParsedMode => Enum.TryParse<DiscordMode>(Mode?.Trim(), ignoreCase: true, out var mode) && Enum.IsDefined(mode) && !int.TryParse(Mode, out _) ? mode : null;

    internal ulong? ParsedApplicationId =>
        ulong.TryParse(ApplicationId, NumberStyles.None, CultureInfo.InvariantCulture, out var id) ? id : null;

    /// <summary>The configured shards of this instance, or null when it takes its share through leases.</summary>
    internal IReadOnlyList<int>? ParsedShardIds
    {
        get
        {
            var entries = ShardIds.SelectMany(e => (e ?? "").Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries)).ToList();
            if (ShardId is { } one)
            {
                entries.Add(one.ToString(CultureInfo.InvariantCulture));
            }

            return entries.Count == 0 ? null : entries.Select(e => int.Parse(e, NumberStyles.None, CultureInfo.InvariantCulture)).Distinct().Order().ToList();
        }
    }

    internal IReadOnlyList<ulong> ParsedGuildIds =>
        GuildIds.Select(g => ulong.Parse(g, NumberStyles.None, CultureInfo.InvariantCulture)).Distinct().ToList();
}

internal sealed class DiscordOptionsValidator(IConfiguration configuration) : IValidateOptions<DiscordOptions>
{
    public ValidateOptionsResult Validate(string? name, DiscordOptions options)
    {
        var failures = new List<string>();
        var token = options.Token ?? "";
        if (string.IsNullOrWhiteSpace(token))
        {
            failures.Add("Discord:Token is empty; set the bot token in the environment variable Discord__Token.");
        }
        else if (token.StartsWith("Bot ", StringComparison.OrdinalIgnoreCase))
        {
            failures.Add("Discord:Token starts with 'Bot '; set only the token itself, StudyBot adds the prefix.");
        }
        else if (token.Any(char.IsWhiteSpace))
        {
            failures.Add("Discord:Token contains whitespace; copy the token again from the Developer Portal (Bot > Reset Token).");
        }

        if (!string.IsNullOrWhiteSpace(options.ApplicationId) && options.ParsedApplicationId is null)
        {
            failures.Add("Discord:ApplicationId must be the numeric application id from the Developer Portal (General Information), or empty.");
        }

        if (options.ParsedMode is null)
        {
            failures.Add($"Discord:Mode is '{options.Mode}'; it must be Gateway (the default) or Http.");
        }

        if (options.ParsedMode == DiscordMode.Http)
        {
            if (!IsHex(options.PublicKey, 64))
            {
                failures.Add("Discord:PublicKey must be the application's public key (64 hex characters, General Information page) in Http mode.");
            }

            if (string.IsNullOrWhiteSpace(configuration["Http:Urls"]))
            {
                failures.Add("Discord:Mode is Http, which needs Http:Urls (e.g. http://0.0.0.0:8080) so Kestrel can receive POST /discord/interactions.");
            }
        }
        else if (!string.IsNullOrWhiteSpace(options.PublicKey) && !IsHex(options.PublicKey, 64))
        {
            failures.Add("Discord:PublicKey must be 64 hex characters when set.");
        }

        foreach (var guild in options.GuildIds)
        {
            if (!ulong.TryParse(guild, NumberStyles.None, CultureInfo.InvariantCulture, out _))
            {
                failures.Add($"Discord:GuildIds contains '{guild}', which is not a numeric guild id.");
            }
        }

        if (!Uri.TryCreate(options.ApiBaseUrl, UriKind.Absolute, out var api) || (api.Scheme != Uri.UriSchemeHttps && api.Scheme != Uri.UriSchemeHttp))
        {
            failures.Add($"Discord:ApiBaseUrl '{options.ApiBaseUrl}' is not an http(s) URL; the default is {DiscordOptions.DefaultApiBaseUrl}.");
        }

        if (!string.IsNullOrWhiteSpace(options.GatewayUrl)
            && (!Uri.TryCreate(options.GatewayUrl, UriKind.Absolute, out var gateway) || (gateway.Scheme != "wss" && gateway.Scheme != "ws")))
        {
            failures.Add($"Discord:GatewayUrl '{options.GatewayUrl}' is not a ws(s) URL; leave it empty to use the one Discord gives.");
        }

        if (options.GuildIds.Count > DiscordOptions.MaxGuildIds)
        {
            failures.Add($"Discord:GuildIds lists {options.GuildIds.Count} guilds; at most {DiscordOptions.MaxGuildIds} (guild commands are for testing; use global commands, with no Discord:GuildIds, for the bot's servers).");
        }

        if (options.ShardCount is < 1 or > MaxShards)
        {
            failures.Add($"Discord:ShardCount must be between 1 and {MaxShards}; it is the bot's shard count over every instance.");
        }
        else
        {
            var entries = options.ShardIds.SelectMany(e => (e ?? "").Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries)).ToList();
            if (options.ShardId is { } one)
            {
                if (entries.Count > 0)
                {
                    failures.Add("Discord:ShardId and Discord:ShardIds are both set; keep Discord:ShardIds (a list) only.");
                }
                else if (one < 0 || one >= options.ShardCount)
                {
                    failures.Add($"Discord:ShardId must be between 0 and Discord:ShardCount - 1 ({options.ShardCount - 1}).");
                }
            }

            foreach (var entry in entries)
            {
                if (!int.TryParse(entry, NumberStyles.None, CultureInfo.InvariantCulture, out var shard) || shard >= options.ShardCount)
                {
                    failures.Add($"Discord:ShardIds contains '{entry}'; each entry must be a shard id from 0 to Discord:ShardCount - 1 ({options.ShardCount - 1}), e.g. 0,1.");
                }
            }
        }

        if (options.ShardLease < TimeSpan.FromSeconds(3) || options.ShardLease > TimeSpan.FromMinutes(10))
        {
            failures.Add("Discord:ShardLease must be between 00:00:03 and 00:10:00 (default 00:00:30).");
        }

        if (options.DeferAfter < TimeSpan.FromMilliseconds(50) || options.DeferAfter > TimeSpan.FromMilliseconds(2500))
        {
            failures.Add("Discord:DeferAfter must be between 00:00:00.05 and 00:00:02.5, within Discord's 3-second deadline.");
        }

        if (options.InvalidRequestBudget is < 1 or > 5000)
        {
            failures.Add("Discord:InvalidRequestBudget must be between 1 and 5000 (Discord bans at 10,000 per 10 minutes).");
        }

        if (options.GlobalRateLimit is < Rest.GlobalSplit.MinLimit or > Rest.GlobalSplit.MaxLimit)
        {
            failures.Add($"Discord:GlobalRateLimit must be between {Rest.GlobalSplit.MinLimit} and {Rest.GlobalSplit.MaxLimit} requests a second (default {Rest.GlobalSplit.DefaultLimit}, Discord's global limit; set it higher only when Discord raised the bot's limit).");
        }

        if (options.RequestTimeout < TimeSpan.FromMilliseconds(100) || options.RequestTimeout > TimeSpan.FromMinutes(2))
        {
            failures.Add("Discord:RequestTimeout must be between 00:00:00.1 and 00:02:00.");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }

    /// <summary>Discord's guild limit per shard is 2,500; this many shards serve 10 million guilds.</summary>
    private const int MaxShards = 4096;

    private static bool IsHex(string? value, int length) =>
        value is not null && value.Length == length && value.All(char.IsAsciiHexDigit);
}
