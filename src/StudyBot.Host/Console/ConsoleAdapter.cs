using Microsoft.Extensions.Options;
using StudyBot.Core;
using StudyBot.Core.Chat;
using StudyBot.Core.Commands;
using StudyBot.Host.Options;

namespace StudyBot.Host.Console;

/// <summary>
/// Talk to StudyBot in a terminal. Each line is one command, run like a chat message from the current
/// member; <c>/as name</c> switches member so one person can try a group. With piped input the process
/// reads to the end and exits, so scripts and tests can drive it.
/// </summary>
public sealed partial class ConsoleAdapter(
    CommandExecutor executor,
    ConsoleOutput output,
    ConsoleAttachments attachments,
    ConsoleInput input,
    IOptions<ConsoleOptions> options,
    IHostApplicationLifetime lifetime,
    ILogger<ConsoleAdapter> logger) : BackgroundService
{
    public static readonly CommunityRef Community = new(Platforms.Console, "local", "Local study group");

    private IReadOnlyList<ReplyButton> _buttons = [];

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        // Let the host finish starting (and its log lines flush) before the first prompt.
        await Task.Yield();
        var community = Community with { Name = options.Value.CommunityName };
        var name = string.IsNullOrWhiteSpace(options.Value.User) ? DefaultUser() : options.Value.User.Trim();
        var member = Member(community, name);
        if (input.IsInteractive)
        {
            output.WriteLine($"StudyBot console. You are '{name}'. Type /progress help for commands, /as <name> to switch member, /quit to leave.");
        }

        while (!stoppingToken.IsCancellationRequested)
        {
            if (input.IsInteractive)
            {
                output.Write($"{member.DisplayName}> ");
            }

            string? line;
            try
            {
                line = await input.ReadLineAsync(stoppingToken);
            }
            catch (OperationCanceledException)
            {
                break;
            }

            if (line is null)
            {
                break;
            }

            _answered = false;
            try
            {
                var (next, stop) = await HandleLineAsync(line, member, community, stoppingToken);
                member = next;
                if (stop)
                {
                    break;
                }
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                break;
            }
            catch (Exception ex)
            {
                // One line must never stop the console: say so, log where (never the line itself), read on.
                LogLineFailed(CommandExecutor.Describe(ex));
                _buttons = [];
                TryWrite((_answered ? ShowFailedText : CommandExecutor.FailedText) + "\n");
            }
        }

        LogEndOfInput();
        if (input.StopHostAtEnd)
        {
            lifetime.StopApplication();
        }
    }

    /// <summary>One line of input: a command, a button number or a console word. Returns the member now and whether to stop.</summary>
    private async Task<(MemberRef Member, bool Stop)> HandleLineAsync(string line, MemberRef member, CommunityRef community, CancellationToken stoppingToken)
    {
        line = line.Trim();
        if (line.Length == 0 || line.StartsWith('#'))
        {
            return (member, false);
        }

        if (!input.IsInteractive)
        {
            output.WriteLine($"{member.DisplayName}> {TextInput.Cut(line, MaxEcho)}");
        }

        if (line is "/quit" or "/exit")
        {
            return (member, true);
        }

        if (line.StartsWith("/as", StringComparison.OrdinalIgnoreCase) && (line.Length == 3 || char.IsWhiteSpace(line[3])))
        {
            var newName = line[3..].Trim();
            if (TextInput.Length(newName) is 0 or > MaxName || TextInput.Problem(newName) is not null || TextInput.CleanName(newName) != newName)
            {
                output.WriteLine($"Usage: /as <name> (1-{MaxName} characters, no control, direction or invisible characters), e.g. /as alice\n");
                return (member, false);
            }

            _buttons = [];
            output.WriteLine($"You are now '{newName}'.\n");
            return (Member(community, newName), false);
        }

        var text = line;
        if (Numerals.ToAscii(line) is var digits && digits.All(char.IsAsciiDigit))
        {
            // A button's number, in any digits ("2", "٢", "２").
            if (!int.TryParse(digits, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var number) || number < 1 || number > _buttons.Count)
            {
                output.WriteLine(NoSuchButton(TextInput.Cut(line, 12), _buttons.Count) + "\n");
                return (member, false);
            }

            text = "/" + _buttons[number - 1].Command;
            output.WriteLine($"  → {text}");
        }
        else if (line is "/help" or "help")
        {
            text = "/progress help";
        }
        else if (!line.StartsWith('/') && !line.StartsWith("progress", StringComparison.OrdinalIgnoreCase) && !line.StartsWith("studybot", StringComparison.OrdinalIgnoreCase))
        {
            output.WriteLine("Commands start with /progress, for example /progress or /progress help. /as <name> switches member, /quit leaves.\n");
            return (member, false);
        }

        // The adapter's span, parent of the engine's (issue 15): from the line read to the answer printed.
        using var span = StudyBot.Core.Telemetry.StudyBotTrace.Source.StartActivity("console line");
        var reply = await executor.RunTextAsync(member, text, stoppingToken);
        _answered = true;
        _buttons = reply.Buttons.Take(9).ToList();
        output.WriteLine(ConsoleRenderer.Render(reply, _buttons, attachments.Save(reply)));
        return (member, false);
    }

    /// <summary>When showing an answer fails, the command itself has run: say that, not "nothing was changed".</summary>
    public const string ShowFailedText = "Sorry, something went wrong on my side while showing the answer. /progress shows where you stand.";

    /// <summary>Whether the current line's command has run (its answer may still fail to show).</summary>
    private bool _answered;

    /// <summary>How much of a piped line is echoed, in characters as a person counts them.</summary>
    private const int MaxEcho = 200;

    private const int MaxName = 32;

    private void TryWrite(string text)
    {
        try
        {
            output.WriteLine(text);
        }
        catch (IOException)
        {
            // The terminal is gone for now; the next line tries again.
        }
    }

    /// <summary>The answer to a number that presses no button: which numbers there are, if any.</summary>
    internal static string NoSuchButton(string typed, int buttons) => buttons switch
    {
        0 => $"There's no button {typed}: the last reply has no buttons.",
        1 => $"There's no button {typed}: the last reply has only button 1.",
        _ => $"There's no button {typed}: the last reply has buttons 1-{buttons}.",
    };

    private static MemberRef Member(CommunityRef community, string name) =>
        new(community, name.ToLowerInvariant(), name) { IsAdmin = true };

    private static string DefaultUser()
    {
        var user = Environment.UserName;
        return string.IsNullOrWhiteSpace(user) || user == "root" ? "learner" : user;
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "A console line failed; reading on: {Exception}")]
    private partial void LogLineFailed(string exception);

    [LoggerMessage(Level = LogLevel.Information, Message = "Console input ended; stopping")]
    private partial void LogEndOfInput();
}

/// <summary>Standard input, read off the host's threads so shutdown never waits on a blocked read.</summary>
public sealed class ConsoleInput(TextReader reader, bool isInteractive, bool stopHostAtEnd)
{
    public bool IsInteractive { get; } = isInteractive;

    /// <summary>True when the console is the only adapter: the end of input ends the process.</summary>
    public bool StopHostAtEnd { get; } = stopHostAtEnd;

    public Task<string?> ReadLineAsync(CancellationToken cancellationToken) =>
        Task.Run(reader.ReadLine, CancellationToken.None).WaitAsync(cancellationToken);
}
