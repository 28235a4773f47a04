using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using StudyBot.Core.Commands;

namespace StudyBot.Discord.Registration;

internal enum RegistrationOutcome
{
    Unchanged = 0,
    Registered = 1,
    Invalid = 2,
}

/// <summary>
/// Registers the catalog's commands with a bulk overwrite (global, or per configured guild), but only when the
/// generated JSON changed since the last successful registration: Discord limits command creates per day. The
/// hash of what was registered, per application and scope, is kept in
/// <c>{Discord:StateDirectory}/discord-commands.json</c>.
/// </summary>
internal sealed partial class CommandRegistrar(
    Rest.DiscordRestClient rest,
    CommandCatalog catalog,
    IOptions<DiscordOptions> options,
    ILogger<CommandRegistrar> logger)
{
    public const string StateFileName = "discord-commands.json";

    public string StateFile => Path.Combine(Path.GetFullPath(options.Value.StateDirectory), StateFileName);

    public async Task<RegistrationOutcome> RegisterAsync(ulong applicationId, CancellationToken cancellationToken)
    {
        var commands = CommandRegistration.Build(catalog);
        var problems = CommandRegistration.Validate(catalog, commands);
        if (problems.Count > 0)
        {
            LogInvalid(string.Join("; ", problems));
            return RegistrationOutcome.Invalid;
        }

        var body = JsonSerializer.SerializeToUtf8Bytes(commands);
        var state = Load();
        var guilds = options.Value.ParsedGuildIds;
        var targets = guilds.Count > 0 ? guilds.Select(g => (ulong?)g).ToList() : [null];
        var outcome = RegistrationOutcome.Unchanged;
        foreach (var guild in targets)
        {
            var scope = guild is { } g
                ? string.Create(CultureInfo.InvariantCulture, $"{applicationId}/guild/{g}")
                : string.Create(CultureInfo.InvariantCulture, $"{applicationId}/global");
            var hash = CommandRegistration.Hash(commands, scope);
            if (state.TryGetValue(scope, out var stored) && stored == hash)
            {
                LogUnchanged(scope);
                continue;
            }

            await rest.BulkOverwriteCommandsAsync(applicationId, guild, body, cancellationToken);
            state[scope] = hash;
            Save(state);
            outcome = RegistrationOutcome.Registered;
            LogRegistered(commands.Count, scope);
        }

        return outcome;
    }

    private Dictionary<string, string> Load()
    {
        try
        {
            if (File.Exists(StateFile) && JsonNode.Parse(File.ReadAllText(StateFile)) is JsonObject stored)
            {
                return stored.Where(p => p.Value is JsonValue).ToDictionary(p => p.Key, p => (string)p.Value!, StringComparer.Ordinal);
            }
        }
        catch (Exception ex) when (ex is IOException or JsonException or UnauthorizedAccessException or InvalidOperationException or FormatException)
        {
            // A damaged file only costs one extra registration.
            LogUnreadableState(StateFile, ex.Message);
        }

        return new Dictionary<string, string>(StringComparer.Ordinal);
    }

    private void Save(Dictionary<string, string> state)
    {
        try
        {
            Directory.CreateDirectory(Path.GetDirectoryName(StateFile)!);
            var json = new JsonObject();
            foreach (var (scope, hash) in state.OrderBy(p => p.Key, StringComparer.Ordinal))
            {
                json[scope] = hash;
            }

            var temporary = StateFile + ".tmp";
            File.WriteAllText(temporary, json.ToJsonString(new JsonSerializerOptions { WriteIndented = true }));
            File.Move(temporary, StateFile, overwrite: true);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            LogUnwritableState(StateFile, ex.Message);
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Discord commands unchanged for {Scope}; not registering again")]
    private partial void LogUnchanged(string scope);

    [LoggerMessage(Level = LogLevel.Information, Message = "Registered {Count} Discord commands for {Scope}")]
    private partial void LogRegistered(int count, string scope);

    [LoggerMessage(Level = LogLevel.Critical, Message = "The command catalog breaks Discord's limits and was not registered: {Problems}")]
    private partial void LogInvalid(string problems);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Cannot read {File} ({Reason}); commands will be registered again")]
    private partial void LogUnreadableState(string file, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Cannot write {File} ({Reason}); commands will be registered again at the next start")]
    private partial void LogUnwritableState(string file, string reason);
}
