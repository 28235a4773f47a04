using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Options;

namespace StudyBot.Slack;

/// <summary>How Slack delivers commands, button presses and events to StudyBot.</summary>
public enum SlackMode
{
    /// <summary>StudyBot dials out over a WebSocket; no public endpoint needed.</summary>
    SocketMode = 0,

    /// <summary>Slack POSTs signed requests to /slack/commands, /slack/interactivity and /slack/events.</summary>
    Http = 1,
}

/// <summary>Section <c>Slack</c>. Tokens and the signing secret come from the environment, never appsettings.json.</summary>
public sealed class SlackOptions
{
    public const string Section = "Slack";

    /// <summary>The bot token (xoxb-…). The adapter is on when it is set.</summary>
    public string? BotToken { get; set; }

    /// <summary>The app-level token (xapp-…, scope connections:write), needed in Socket Mode.</summary>
    public string? AppToken { get; set; }

    /// <summary>The signing secret, needed in HTTP mode to verify requests.</summary>
    public string? SigningSecret { get; set; }

    /// <summary><c>SocketMode</c> (default) or <c>Http</c>.</summary>
    public string Mode { get; set; } = nameof(SlackMode.SocketMode);

    public string ApiBaseUrl { get; set; } = "https://slack.com/api";

    /// <summary>Slack user ids that may run admin commands even if Slack does not call them admins.</summary>
    public List<string> AdminUserIds { get; set; } = [];

    /// <summary>
    /// How long a slash command may take to be answered in the acknowledgement itself; slower answers go
    /// through response_url. Short on purpose: a command normally takes milliseconds, and on a starved
    /// machine a long wait here is what pushes acknowledgements towards Slack's 3-second deadline.
    /// </summary>
    public TimeSpan InlineReplyWindow { get; set; } = TimeSpan.FromMilliseconds(250);

    /// <summary>Socket Mode connections kept open at once (Slack spreads envelopes over them).</summary>
    public int Connections { get; set; } = 2;

    /// <summary>WebSocket PING interval; a socket that does not answer within <see cref="KeepAliveTimeout"/> is replaced.</summary>
    public TimeSpan KeepAliveInterval { get; set; } = TimeSpan.FromSeconds(10);

    public TimeSpan KeepAliveTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>How long a new socket may take to say hello before it is dropped.</summary>
    public TimeSpan HelloTimeout { get; set; } = TimeSpan.FromSeconds(15);

    /// <summary>Timeout for one Web API or response_url request.</summary>
    public TimeSpan RequestTimeout { get; set; } = TimeSpan.FromSeconds(15);

    /// <summary>The workspace-wide chat.postMessage budget StudyBot paces itself to (Slack allows "several hundred" a minute).</summary>
    public int PostMessagePerMinute { get; set; } = 300;

    /// <summary>chat.postMessage budget per channel (Slack: about one message a second per channel).</summary>
    public int ChannelPostsPerMinute { get; set; } = 60;

    /// <summary>Per-method budgets in calls per minute, overriding the tier defaults (e.g. <c>Slack:MethodLimits:users.info=100</c>).</summary>
    public Dictionary<string, int> MethodLimits { get; set; } = new(StringComparer.Ordinal);

    /// <summary>A Retry-After longer than this is handed back to the caller (the outbox retries later) instead of waited out.</summary>
    public TimeSpan MaxRetryWait { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>How long users.info answers (time zone, admin flag, name) are cached.</summary>
    public TimeSpan UserCacheDuration { get; set; } = TimeSpan.FromHours(1);

    /// <summary>At most this many commands run at once; the rest wait (their answers then go through response_url).</summary>
    public int MaxConcurrentCommands { get; set; } = 32;

    /// <summary>The largest file (progress card, data export) StudyBot uploads to Slack; bigger ones are refused with a note.</summary>
    public long MaxUploadBytes { get; set; } = 50L * 1024 * 1024;

    internal SlackMode ParsedMode =>
        Enum.TryParse<SlackMode>(Mode, ignoreCase: true, out var mode) ? mode : SlackMode.SocketMode;

    internal bool IsAdminId(string userId) => AdminUserIds.Contains(userId, StringComparer.Ordinal);

    /// <summary>Accepts the admin list as an array or as one comma/space separated string (handy in an env var).</summary>
    internal static void ReadAdminList(SlackOptions options, IConfigurationSection section)
    {
        var scalar = section[nameof(AdminUserIds)];
        var all = options.AdminUserIds.Concat(scalar is null ? [] : [scalar])
            .SelectMany(v => v.Split([',', ' ', ';'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
            .Distinct(StringComparer.Ordinal)
            .ToList();
        options.AdminUserIds = all;
    }
}

/// <summary>Checks the section at start; every message names the key to fix and never shows a secret.</summary>
internal sealed class SlackOptionsValidator(IConfiguration configuration) : IValidateOptions<SlackOptions>
{
    public ValidateOptionsResult Validate(string? name, SlackOptions o)
    {
        var failures = new List<string>();
        if (string.IsNullOrWhiteSpace(o.BotToken) || !o.BotToken.StartsWith("xoxb-", StringComparison.Ordinal) || o.BotToken.Any(char.IsWhiteSpace))
        {
            failures.Add("Slack:BotToken must start with xoxb- (the Bot User OAuth Token from OAuth & Permissions); set it in the environment as Slack__BotToken.");
        }

        if (!Enum.TryParse<SlackMode>(o.Mode, ignoreCase: true, out var mode) || int.TryParse(o.Mode, out _))
        {
            failures.Add($"Slack:Mode must be SocketMode or Http (it is '{Shorten(o.Mode)}').");
        }
        else if (mode == SlackMode.SocketMode)
        {
            if (string.IsNullOrWhiteSpace(o.AppToken) || !o.AppToken.StartsWith("xapp-", StringComparison.Ordinal) || o.AppToken.Any(char.IsWhiteSpace))
            {
                failures.Add("Slack:AppToken must start with xapp- (an app-level token with the connections:write scope, from Basic Information > App-Level Tokens); set it as Slack__AppToken, or use Slack:Mode=Http.");
            }
        }
        else
        {
            if (string.IsNullOrWhiteSpace(o.SigningSecret) || o.SigningSecret.Any(char.IsWhiteSpace))
            {
                failures.Add("Slack:SigningSecret is required in Http mode (Basic Information > Signing Secret); set it as Slack__SigningSecret.");
            }

            if (string.IsNullOrWhiteSpace(configuration["Http:Urls"]))
            {
                failures.Add("Slack:Mode is Http, which needs Http:Urls (e.g. http://0.0.0.0:8080) so Slack can reach /slack/commands, /slack/interactivity and /slack/events.");
            }
        }

        if (!Uri.TryCreate(o.ApiBaseUrl, UriKind.Absolute, out var api) || (api.Scheme != Uri.UriSchemeHttps && api.Scheme != Uri.UriSchemeHttp))
        {
            failures.Add($"Slack:ApiBaseUrl must be an absolute http(s) URL such as https://slack.com/api (it is '{Shorten(o.ApiBaseUrl)}').");
        }

        if (o.InlineReplyWindow < TimeSpan.Zero || o.InlineReplyWindow > TimeSpan.FromSeconds(2.5))
        {
            failures.Add("Slack:InlineReplyWindow must be between 00:00:00 and 00:00:02.5, inside Slack's 3-second deadline.");
        }

        if (o.Connections is < 1 or > 4)
        {
            failures.Add("Slack:Connections must be between 1 and 4 (Slack allows 10 sockets per app; reconnects briefly need one more).");
        }

        Positive(failures, o.KeepAliveInterval, "Slack:KeepAliveInterval");
        Positive(failures, o.KeepAliveTimeout, "Slack:KeepAliveTimeout");
        Positive(failures, o.HelloTimeout, "Slack:HelloTimeout");
        Positive(failures, o.RequestTimeout, "Slack:RequestTimeout");
        Positive(failures, o.UserCacheDuration, "Slack:UserCacheDuration");
        if (o.MaxRetryWait < TimeSpan.Zero)
        {
            failures.Add("Slack:MaxRetryWait must not be negative.");
        }

        if (o.PostMessagePerMinute is < 1 or > 100_000)
        {
            failures.Add("Slack:PostMessagePerMinute must be between 1 and 100000.");
        }

        if (o.ChannelPostsPerMinute is < 1 or > 100_000)
        {
            failures.Add("Slack:ChannelPostsPerMinute must be between 1 and 100000.");
        }

        if (o.MaxConcurrentCommands is < 1 or > 1024)
        {
            failures.Add("Slack:MaxConcurrentCommands must be between 1 and 1024.");
        }

        if (o.MaxUploadBytes is < 1 or > 1_000_000_000)
        {
            failures.Add("Slack:MaxUploadBytes must be between 1 and 1000000000 (Slack takes files up to 1 GB).");
        }

        foreach (var (method, limit) in o.MethodLimits)
        {
            if (limit < 1)
            {
                failures.Add($"Slack:MethodLimits:{method} must be at least 1 call per minute.");
            }
        }

        foreach (var id in o.AdminUserIds)
        {
            if (id.Length is < 2 or > 32 || !id.All(char.IsAsciiLetterOrDigit))
            {
                failures.Add($"Slack:AdminUserIds contains '{Shorten(id)}', which is not a Slack user id such as U0456GHIJKL.");
            }
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }

    private static void Positive(List<string> failures, TimeSpan value, string key)
    {
        if (value <= TimeSpan.Zero)
        {
            failures.Add($"{key} must be a positive duration such as 00:00:10.");
        }
    }

    private static string Shorten(string? value) => value is null ? "" : value.Length <= 40 ? value : value[..40] + "…";
}
