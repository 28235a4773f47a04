namespace StudyBot.Discord.Gateway;

internal enum CloseAction
{
    /// <summary>Reconnect to resume_gateway_url and Resume the session.</summary>
    Resume = 0,

    /// <summary>Reconnect, but start a new session (Identify).</summary>
    Reidentify = 1,

    /// <summary>Do not reconnect: the configuration or token must be fixed.</summary>
    Fatal = 2,
}

/// <summary>Discord's gateway close codes (docs: opcodes-and-status-codes, "Gateway Close Event Codes").</summary>
internal static class GatewayCloseCodes
{
    public static readonly IReadOnlyDictionary<int, (string Description, CloseAction Action)> Known = new Dictionary<int, (string, CloseAction)>
    {
        [4000] = ("Unknown error", CloseAction.Resume),
        [4001] = ("Unknown opcode", CloseAction.Resume),
        [4002] = ("Decode error", CloseAction.Resume),
        [4003] = ("Not authenticated", CloseAction.Resume),
        [4004] = ("Authentication failed", CloseAction.Fatal),
        [4005] = ("Already authenticated", CloseAction.Resume),
        [4007] = ("Invalid seq", CloseAction.Reidentify),
        [4008] = ("Rate limited", CloseAction.Resume),
        [4009] = ("Session timed out", CloseAction.Reidentify),
        [4010] = ("Invalid shard", CloseAction.Fatal),
        [4011] = ("Sharding required", CloseAction.Fatal),
        [4012] = ("Invalid API version", CloseAction.Fatal),
        [4013] = ("Invalid intent(s)", CloseAction.Fatal),
        [4014] = ("Disallowed intent(s)", CloseAction.Fatal),
    };

    /// <summary>What to do after Discord closed the socket with <paramref name="code"/>; anything unknown is resumed.</summary>
    public static CloseAction ActionFor(int? code) =>
        code is { } c && Known.TryGetValue(c, out var known) ? known.Action : CloseAction.Resume;

    public static string Describe(int? code) =>
        code is { } c && Known.TryGetValue(c, out var known) ? $"{c} {known.Description}" : code?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "no close code";

    /// <summary>The message that stops the host, naming what to fix.</summary>
    public static string FatalMessage(int code) => code switch
    {
        4004 => "Discord closed the gateway with 4004 Authentication failed: Discord:Token is wrong or was reset. Copy a new token from the Developer Portal (Bot > Reset Token) into the environment variable Discord__Token.",
        4010 => "Discord closed the gateway with 4010 Invalid shard: check Discord:ShardCount and Discord:ShardIds.",
        4011 => "Discord closed the gateway with 4011 Sharding required: the bot is in too many guilds for one shard; raise Discord:ShardCount (the instances share the shards; Discord recommends a count in GET /gateway/bot).",
        4012 => "Discord closed the gateway with 4012 Invalid API version: this build speaks gateway v10; check Discord:GatewayUrl.",
        4013 => "Discord closed the gateway with 4013 Invalid intent(s): StudyBot sends GUILDS (1) and GUILD_VOICE_STATES (128), plus GUILD_MEMBERS (2) with Discord:MemberEvents; check Discord:GatewayUrl points at Discord.",
        4014 => "Discord closed the gateway with 4014 Disallowed intent(s): the application is not allowed an intent it asked for. With Discord:MemberEvents=true StudyBot asks for Server Members (privileged): switch it on in the Developer Portal (Bot > Privileged Gateway Intents) or set Discord:MemberEvents=false.",
        _ => $"Discord closed the gateway with {Describe(code)}.",
    };

    /// <summary>What we close with when we want to resume: anything but 1000/1001, which end the session.</summary>
    public const int ResumableClose = 4000;
}

/// <summary>The gateway cannot continue (fatal close code, rejected token); the adapter stops the host.</summary>
internal sealed class GatewayFatalException(string message, int? closeCode = null) : Exception(message)
{
    public int? CloseCode { get; } = closeCode;
}
