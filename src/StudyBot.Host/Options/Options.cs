using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Options;
using StudyBot.Core.Progress;

namespace StudyBot.Host.Options;

/// <summary>Section <c>Database</c>.</summary>
public sealed class DatabaseOptions
{
    public const string Section = "Database";

    /// <summary>A SQLite connection string; relative paths are relative to the working directory.</summary>
    public string ConnectionString { get; set; } = "Data Source=data/studybot.db";
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

/// <summary>Section <c>Http</c>: Kestrel, for health checks and the platforms' HTTP modes.</summary>
public sealed class HttpOptions
{
    public const string Section = "Http";

    /// <summary>Semicolon-separated listen URLs such as <c>http://0.0.0.0:8080</c>; empty means no HTTP listener.</summary>
    public string? Urls { get; set; }
}

internal sealed class DatabaseOptionsValidator : IValidateOptions<DatabaseOptions>
{
    public ValidateOptionsResult Validate(string? name, DatabaseOptions options)
    {
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
        }
        catch (ArgumentException ex)
        {
            return ValidateOptionsResult.Fail($"Database:ConnectionString is not a valid SQLite connection string ({ex.Message}).");
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
