using System.Globalization;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Options;
using StudyBot.Core.Chat;
using StudyBot.Core.Notifications;
using StudyBot.Core.Progress;

namespace StudyBot.Host.Options;

/// <summary>Section <c>Database</c>.</summary>
public sealed class DatabaseOptions
{
    public const string Section = "Database";

    /// <summary><c>Sqlite</c> (the default: one file, one process) or <c>PostgreSQL</c>.</summary>
    public string Provider { get; set; } = nameof(StudyBot.Data.DatabaseProvider.Sqlite);

    /// <summary>
    /// A SQLite connection string (relative paths are relative to the working directory), or with
    /// <see cref="Provider"/> PostgreSQL an Npgsql one such as <c>Host=localhost;Database=studybot;Username=studybot;Password=...</c>.
    /// </summary>
    public string ConnectionString { get; set; } = "Data Source=data/studybot.db";

    public static readonly TimeSpan MaxWaitAtStart = TimeSpan.FromMinutes(30);

    /// <summary>
    /// PostgreSQL: how long a start waits for a server that cannot be reached yet (it is starting, or starting beside
    /// StudyBot in compose or Kubernetes) before it stops with exit code 1. A refused login or a missing database stops
    /// it at once: waiting would not fix those. 0 does not wait.
    /// </summary>
    public TimeSpan WaitAtStart { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>The provider, or null when <see cref="Provider"/> names none (the validator says so).</summary>
    internal StudyBot.Data.DatabaseProvider? ParsedProvider =>
        Provider?.Trim() is { } name && Enum.GetNames<StudyBot.Data.DatabaseProvider>().FirstOrDefault(n => string.Equals(n, name, StringComparison.OrdinalIgnoreCase)) is { } known
            ? Enum.Parse<StudyBot.Data.DatabaseProvider>(known)
            : null;
}

/// <summary>Section <c>Instance</c>: this process among the StudyBots that share one PostgreSQL database.</summary>
public sealed partial class InstanceOptions
{
    public const string Section = "Instance";

    /// <summary>
    /// This process's name: the owner of its claims and its Quartz node id. Unset: host name, process id and a random
    /// suffix, new at every start. Set a stable one per instance (a StatefulSet pod or systemd unit name) so a restart
    /// frees the claims its previous run held at once instead of when their lease runs out.
    /// </summary>
    public string? Id { get; set; }

    /// <summary>The instance, or throws <see cref="StartupException"/> naming the setting when it is not a usable id.</summary>
    internal StudyBot.Data.StudyBotInstance Resolve()
    {
        if (Id is null)
        {
            return StudyBot.Data.StudyBotInstance.Generate();
        }

        var id = Id.Trim();
        if (id.Length == 0 || id.Length > StudyBot.Data.ClaimLimits.MaxOwnerLength || !IdPattern().IsMatch(id))
        {
            throw new StartupException($"Instance:Id must be 1 to {StudyBot.Data.ClaimLimits.MaxOwnerLength} letters, digits, '.', '_', '-' or ':', "
                + "e.g. 'studybot-0', or left unset for a generated one.");
        }

        return new StudyBot.Data.StudyBotInstance(id);
    }

    [System.Text.RegularExpressions.GeneratedRegex(@"^[A-Za-z0-9._:-]+$")]
    private static partial System.Text.RegularExpressions.Regex IdPattern();
}

/// <summary>Section <c>Roadmaps</c>.</summary>
public sealed class RoadmapOptions
{
    public const string Section = "Roadmaps";

    /// <summary>The folder with roadmap YAML files, relative to the working directory (then to the app folder).</summary>
    public string Directory { get; set; } = "roadmap";

    /// <summary>The roadmap id new communities use.</summary>
    public string Default { get; set; } = "ml-zero-to-hero";
}

/// <summary>Section <c>Community</c>: defaults for communities and members StudyBot has not met yet.</summary>
public sealed class CommunityOptions
{
    public const string Section = "Community";

    public string DefaultTimeZone { get; set; } = "UTC";
}

/// <summary>Section <c>Console</c>: the terminal adapter.</summary>
public sealed class ConsoleOptions
{
    public const string Section = "Console";

    /// <summary>On, off, or (null) on when no chat platform is configured.</summary>
    public bool? Enabled { get; set; }

    /// <summary>The name you talk as; defaults to your OS user name.</summary>
    public string? User { get; set; }

    public string CommunityName { get; set; } = "Local study group";

    /// <summary>The console community's channels, for celebrations and leaderboard posts.</summary>
    public List<string> Channels { get; set; } = ["general", "celebrations", "leaderboard", "study-hall"];

    /// <summary>
    /// Optional file where every DM and post is also recorded, one JSON line each with its idempotency key;
    /// a message whose key is already there is not delivered again (after a crash, say).
    /// </summary>
    public string? Mailbox { get; set; }

    public const string DefaultAttachmentsDirectory = "data/cards";

    /// <summary>Where the console writes attachments such as progress cards (relative to the working directory).</summary>
    public string AttachmentsDirectory { get; set; } = DefaultAttachmentsDirectory;

    public const string DefaultExportsDirectory = "data/exports";

    /// <summary>Where the console writes data exports (JSON files), apart from the cards (relative to the working directory).</summary>
    public string ExportsDirectory { get; set; } = DefaultExportsDirectory;
}

/// <summary>Section <c>Retention</c>: how long the data of members who left is kept.</summary>
public sealed class RetentionOptions
{
    public const string Section = "Retention";

    public const int MaxLeftMemberDays = 3650;

    /// <summary>Days (0 to 3650) before the data of a member who left, or of a community that removed the bot, is deleted.</summary>
    public int LeftMemberDays { get; set; } = 30;
}

/// <summary>Section <c>Delivery</c>: how fast the outbox hands messages to each platform.</summary>
public sealed class DeliveryOptions
{
    public const string Section = "Delivery";

    public const double MinPerSecond = 0.1;

    public const double MaxPerSecond = 1000;

    /// <summary>
    /// Messages per second by platform (<c>Delivery:PerSecond:discord</c>). Kept as text so a value that is not a
    /// number is reported with its key instead of being dropped silently by the binder.
    /// </summary>
    public Dictionary<string, string?> PerSecond { get; set; } = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>The configured rates over the built-in defaults; call after validation.</summary>
    public DeliveryRates ToRates()
    {
        var rates = new DeliveryRates();
        foreach (var (platform, text) in PerSecond)
        {
            rates.PerSecond[platform.ToLowerInvariant()] = double.Parse(text!, NumberStyles.Float, CultureInfo.InvariantCulture);
        }

        return rates;
    }
}

/// <summary>
/// Section <c>Diagnostics</c>: switches for tests only, all off by default; none of them belongs in production.
/// </summary>
public sealed class DiagnosticsOptions
{
    public const string Section = "Diagnostics";

    /// <summary>
    /// Test-only: a background service fails on purpose once the host has started, to show that a fault at run
    /// time ends the process with exit code 1 (see HostFaultTests). Never set it outside a test.
    /// </summary>
    public bool FailAfterStart { get; set; }

    /// <summary>
    /// The start-up warm-up (see <see cref="StudyBot.Host.WarmUp"/>), on by default. Off only to measure what it saves
    /// (benchmarks/StudyBot.Benchmarks firstcommand); there is no reason to turn it off in production.
    /// </summary>
    public bool WarmUp { get; set; } = true;
}

/// <summary>Section <c>Http</c>: Kestrel, for health checks and the platforms' HTTP modes.</summary>
public sealed class HttpOptions
{
    public const string Section = "Http";

    /// <summary>Semicolon-separated listen URLs such as <c>http://0.0.0.0:8080</c>; empty means no HTTP listener.</summary>
    public string? Urls { get; set; }
}

internal sealed class DatabaseOptionsValidator : IValidateOptions<DatabaseOptions>
{
    private const string PostgresExample = "'Host=localhost;Database=studybot;Username=studybot;Password=...'";

    public ValidateOptionsResult Validate(string? name, DatabaseOptions options)
    {
        switch (options.ParsedProvider)
        {
            case null:
                return ValidateOptionsResult.Fail($"Database:Provider '{options.Provider}' is not known; use Sqlite or PostgreSQL.");
            case StudyBot.Data.DatabaseProvider.PostgreSQL:
                if (options.WaitAtStart < TimeSpan.Zero || options.WaitAtStart > DatabaseOptions.MaxWaitAtStart)
                {
                    return ValidateOptionsResult.Fail($"Database:WaitAtStart '{SettingErrors.FormatDuration(options.WaitAtStart)}' is out of range; use a duration from 00:00:00 (do not wait) to {SettingErrors.FormatDuration(DatabaseOptions.MaxWaitAtStart)}, e.g. 00:01:00.");
                }

                return ValidatePostgres(options.ConnectionString);
        }

        if (string.IsNullOrWhiteSpace(options.ConnectionString))
        {
            return ValidateOptionsResult.Fail("Database:ConnectionString is empty; set it to a SQLite connection string such as 'Data Source=data/studybot.db'.");
        }

        try
        {
            var builder = new SqliteConnectionStringBuilder(options.ConnectionString);
            if (string.IsNullOrWhiteSpace(builder.DataSource))
            {
                return ValidateOptionsResult.Fail("Database:ConnectionString has no 'Data Source'; use e.g. 'Data Source=data/studybot.db'.");
            }

            if (!string.IsNullOrEmpty(builder.Password))
            {
                // Named, never shown: the message must not carry the password.
                return ValidateOptionsResult.Fail("Database:ConnectionString sets a Password, but StudyBot's SQLite library has no encryption; remove the Password part.");
            }
        }
        catch (ArgumentException ex)
        {
            return ValidateOptionsResult.Fail($"Database:ConnectionString is not a valid SQLite connection string ({ex.Message}).");
        }

        return ValidateOptionsResult.Success;
    }

    /// <summary>What Npgsql can parse and connect with; the message names the key and never shows the string (it may hold a password).</summary>
    private static ValidateOptionsResult ValidatePostgres(string? connectionString)
    {
        if (string.IsNullOrWhiteSpace(connectionString))
        {
            return ValidateOptionsResult.Fail($"Database:ConnectionString is empty; set it to a PostgreSQL connection string such as {PostgresExample}.");
        }

        try
        {
            var builder = new Npgsql.NpgsqlConnectionStringBuilder(connectionString);
            if (string.IsNullOrWhiteSpace(builder.Host))
            {
                return ValidateOptionsResult.Fail($"Database:ConnectionString has no Host; use e.g. {PostgresExample}.");
            }
        }
        catch (Exception ex) when (ex is ArgumentException or FormatException or InvalidCastException or OverflowException)
        {
            return ValidateOptionsResult.Fail($"Database:ConnectionString is not a valid PostgreSQL connection string ({ex.Message.Split('\n')[0].Trim()}); use e.g. {PostgresExample}.");
        }

        return ValidateOptionsResult.Success;
    }
}

internal sealed class CommunityOptionsValidator : IValidateOptions<CommunityOptions>
{
    public ValidateOptionsResult Validate(string? name, CommunityOptions options) =>
        TimeZones.TryNormalize(options.DefaultTimeZone, out _)
            ? ValidateOptionsResult.Success
            : ValidateOptionsResult.Fail($"Community:DefaultTimeZone '{options.DefaultTimeZone}' is not an IANA time zone; use e.g. 'UTC' or 'Europe/Berlin'.");
}

internal sealed class HttpOptionsValidator : IValidateOptions<HttpOptions>
{
    public ValidateOptionsResult Validate(string? name, HttpOptions options)
    {
        foreach (var url in (options.Urls ?? "").Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            if (!Uri.TryCreate(url.Replace("*", "localhost", StringComparison.Ordinal).Replace("+", "localhost", StringComparison.Ordinal), UriKind.Absolute, out var uri) || (uri.Scheme != "http" && uri.Scheme != "https"))
            {
                return ValidateOptionsResult.Fail($"Http:Urls contains '{url}', which is not an http(s) URL such as 'http://0.0.0.0:8080'.");
            }
        }

        return ValidateOptionsResult.Success;
    }
}

internal sealed class RetentionOptionsValidator : IValidateOptions<RetentionOptions>
{
    public ValidateOptionsResult Validate(string? name, RetentionOptions options) =>
        options.LeftMemberDays is >= 0 and <= RetentionOptions.MaxLeftMemberDays
            ? ValidateOptionsResult.Success
            : ValidateOptionsResult.Fail(string.Create(CultureInfo.InvariantCulture, $"Retention:LeftMemberDays '{options.LeftMemberDays}' is out of range; use a whole number of days from 0 to {RetentionOptions.MaxLeftMemberDays}, e.g. 30."));
}

internal sealed class DeliveryOptionsValidator : IValidateOptions<DeliveryOptions>
{
    private static readonly string[] Known = [Platforms.Console, Platforms.Discord, Platforms.Slack];

    public ValidateOptionsResult Validate(string? name, DeliveryOptions options)
    {
        var defaults = new DeliveryRates();
        var failures = new List<string>();
        foreach (var (platform, text) in options.PerSecond)
        {
            var key = $"Delivery:PerSecond:{platform}";
            if (!Known.Contains(platform, StringComparer.OrdinalIgnoreCase))
            {
                failures.Add($"{key} names no platform; use {string.Join(", ", Known[..^1])} or {Known[^1]}.");
                continue;
            }

            var range = string.Create(CultureInfo.InvariantCulture, $"use a number of messages per second from {DeliveryOptions.MinPerSecond} to {DeliveryOptions.MaxPerSecond}, e.g. {defaults.For(platform.ToLowerInvariant())}.");
            if (!double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var rate) || !double.IsFinite(rate))
            {
                failures.Add($"{SettingErrors.Quote(key, text)} is not a number; {range}");
            }
            else if (rate is < DeliveryOptions.MinPerSecond or > DeliveryOptions.MaxPerSecond)
            {
                failures.Add($"{SettingErrors.Quote(key, text)} is out of range; {range}");
            }
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}

internal sealed class ConsoleOptionsValidator : IValidateOptions<ConsoleOptions>
{
    public const int MaxUserLength = 32;

    public ValidateOptionsResult Validate(string? name, ConsoleOptions options)
    {
        var failures = new List<string>();
        if (options.User is { } user && !string.IsNullOrWhiteSpace(user))
        {
            var trimmed = user.Trim();
            if (trimmed.Length > MaxUserLength)
            {
                failures.Add(string.Create(CultureInfo.InvariantCulture, $"Console:User is {trimmed.Length} characters long; use a name of 1 to {MaxUserLength} characters, e.g. Ada."));
            }
            else if (trimmed.Any(char.IsControl))
            {
                failures.Add("Console:User contains control characters; use a plain name, e.g. Ada.");
            }
        }

        if (string.IsNullOrWhiteSpace(options.CommunityName))
        {
            failures.Add("Console:CommunityName is empty; use e.g. Local study group.");
        }
        else if (options.CommunityName.Length > 100 || options.CommunityName.Any(char.IsControl))
        {
            failures.Add("Console:CommunityName must be 1 to 100 characters without control characters, e.g. Local study group.");
        }

        if (options.Channels.Count == 0 || options.Channels.Any(string.IsNullOrWhiteSpace))
        {
            failures.Add("Console:Channels must list channel names such as general and celebrations, none of them empty.");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
