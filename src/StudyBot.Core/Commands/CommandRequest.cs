namespace StudyBot.Core.Commands;

/// <summary>
/// A validated command: its path ("progress goal set") and option values, typed as the catalog says
/// (string, long or bool). Adapters build it by parsing text or from the platform's typed options.
/// </summary>
public sealed record CommandRequest(string Path, IReadOnlyDictionary<string, object> Options)
{
    public string? String(string name) => Options.TryGetValue(name, out var v) ? v as string : null;

    public long? Integer(string name) => Options.TryGetValue(name, out var v) && v is long l ? l : null;

    public bool? Boolean(string name) => Options.TryGetValue(name, out var v) && v is bool b ? b : null;

    public bool Has(string name) => Options.ContainsKey(name);
}

/// <summary>Why a command could not be understood, with the command it was about when known.</summary>
public sealed record CommandError(string Message, CommandDefinition? Command = null, string? Suggestion = null);

public sealed class ParseResult
{
    private ParseResult(CommandRequest? request, CommandError? error)
    {
        Request = request;
        Error = error;
    }

    public CommandRequest? Request { get; }

    public CommandError? Error { get; }

    public bool Ok => Request is not null;

    public static ParseResult Success(CommandRequest request) => new(request, null);

    public static ParseResult Failure(string message, CommandDefinition? command = null, string? suggestion = null) =>
        new(null, new CommandError(message, command, suggestion));
}
