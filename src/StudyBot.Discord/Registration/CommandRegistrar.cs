using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using StudyBot.Core.Commands;
using StudyBot.Core.Coordination;

namespace StudyBot.Discord.Registration;

internal enum RegistrationOutcome
{
    Unchanged = 0,
    Registered = 1,
    Invalid = 2,

    /// <summary>Another instance holds the registration lease: it registers, this one did nothing.</summary>
    Elsewhere = 3,
}

/// <summary>The registration lease or its stored hashes could not be read or written (the database failed).</summary>
internal sealed class RegistrationStateException(string message, Exception inner) : Exception(message, inner);

/// <summary>
/// Registers the catalog's commands with a bulk overwrite (global, or per configured guild), but only when the
/// generated JSON changed since the last successful registration: Discord limits command creates per day. Of the
/// instances sharing a database only the holder of the lease <c>discord:commands</c> registers; the lease's value
/// keeps the hash of what was registered, per application and scope (a JSON object), so every instance and every
/// restart sees it. A holder that fails keeps the lease until it runs out, so its own retries stay its own.
/// </summary>
internal sealed partial class CommandRegistrar(
    Rest.DiscordRestClient rest,
    CommandCatalog catalog,
    IOptions<DiscordOptions> options,
    ILeaseStore leases,
    ILogger<CommandRegistrar> logger)
{
    public const string LeaseName = "discord:commands";

    /// <summary>How long the registration lease lasts: longer than one attempt (a PUT and its retries) takes.</summary>
    public static readonly TimeSpan LeaseTime = TimeSpan.FromMinutes(2);

    public async Task<RegistrationOutcome> RegisterAsync(ulong applicationId, CancellationToken cancellationToken)
    {
        var commands = CommandRegistration.Build(catalog);
        var problems = CommandRegistration.Validate(catalog, commands);
        if (problems.Count > 0)
        {
            LogInvalid(string.Join("; ", problems));
            return RegistrationOutcome.Invalid;
        }

        if (!await State(() => leases.TryAcquireAsync(LeaseName, LeaseTime, cancellationToken)))
        {
            return RegistrationOutcome.Elsewhere;
        }

        var body = JsonSerializer.SerializeToUtf8Bytes(commands);
        var stored = Parse(await State(() => leases.ReadValueAsync(LeaseName, cancellationToken)));
        var guilds = options.Value.ParsedGuildIds;
        var targets = guilds.Count > 0 ? guilds.Select(g => (ulong?)g).ToList() : [null];
        var state = new SortedDictionary<string, string>(StringComparer.Ordinal);
        var outcome = RegistrationOutcome.Unchanged;
        foreach (var guild in targets)
        {
            var scope = guild is { } g
                ? string.Create(CultureInfo.InvariantCulture, $"{applicationId}/guild/{g}")
                : string.Create(CultureInfo.InvariantCulture, $"{applicationId}/global");
            var hash = CommandRegistration.Hash(commands, scope);
            if (stored.TryGetValue(scope, out var before) && before == hash)
            {
                state[scope] = hash;
                LogUnchanged(scope);
                continue;
            }

            await rest.BulkOverwriteCommandsAsync(applicationId, guild, body, cancellationToken);
            state[scope] = hash;

            // Only the scopes configured now are kept: the value stays small.
            if (!await State(() => leases.WriteValueAsync(LeaseName, Serialise(state), cancellationToken)))
            {
                LogLeaseLost();
            }

            outcome = RegistrationOutcome.Registered;
            LogRegistered(commands.Count, scope);
        }

        await State(async () =>
        {
            await leases.ReleaseAsync(LeaseName, cancellationToken);
            return true;
        });
        return outcome;
    }

    /// <summary>The scope hashes the registration lease's value holds (empty when it holds none or is unreadable).</summary>
    private Dictionary<string, string> Parse(string? value)
    {
        try
        {
            if (value is not null && JsonNode.Parse(value) is JsonObject stored)
            {
                return stored.Where(p => p.Value is JsonValue).ToDictionary(p => p.Key, p => (string)p.Value!, StringComparer.Ordinal);
            }
        }
        catch (Exception ex) when (ex is JsonException or InvalidOperationException or FormatException)
        {
            // A damaged value only costs one extra registration.
            LogUnreadableState(ex.Message);
        }

        return new Dictionary<string, string>(StringComparer.Ordinal);
    }

    private static string Serialise(SortedDictionary<string, string> state)
    {
        var json = new JsonObject();
        foreach (var (scope, hash) in state)
        {
            json[scope] = hash;
        }

        return json.ToJsonString();
    }

    private static async Task<T> State<T>(Func<Task<T>> call)
    {
        try
        {
            return await call();
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            throw new RegistrationStateException($"the registered commands' record in the database cannot be used ({ex.GetType().Name}: {ex.Message})", ex);
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Discord commands unchanged for {Scope}; not registering again")]
    private partial void LogUnchanged(string scope);

    [LoggerMessage(Level = LogLevel.Information, Message = "Registered {Count} Discord commands for {Scope}")]
    private partial void LogRegistered(int count, string scope);

    [LoggerMessage(Level = LogLevel.Critical, Message = "The command catalog breaks Discord's limits and was not registered: {Problems}")]
    private partial void LogInvalid(string problems);

    [LoggerMessage(Level = LogLevel.Warning, Message = "The registered commands' record in the database cannot be read ({Reason}); commands will be registered again")]
    private partial void LogUnreadableState(string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "The registration lease ran out while registering; the next instance to hold it compares again")]
    private partial void LogLeaseLost();
}
