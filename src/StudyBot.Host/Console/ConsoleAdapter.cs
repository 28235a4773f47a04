using Microsoft.Extensions.Options;
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

            line = line.Trim();
            if (line.Length == 0 || line.StartsWith('#'))
            {
                continue;
            }

            if (!input.IsInteractive)
            {
                output.WriteLine($"{member.DisplayName}> {(line.Length > 200 ? line[..200] + "…" : line)}");
            }

            if (line is "/quit" or "/exit")
            {
                break;
            }

            if (line.StartsWith("/as", StringComparison.OrdinalIgnoreCase) && (line.Length == 3 || line[3] == ' '))
            {
                var newName = line[3..].Trim();
                if (newName.Length is 0 or > 32 || newName.Any(char.IsControl))
                {
                    output.WriteLine("Usage: /as <name> (1-32 characters), e.g. /as alice\n");
                    continue;
                }

                member = Member(community, newName);
                _buttons = [];
                output.WriteLine($"You are now '{newName}'.\n");
                continue;
            }

            var text = line;
            if (line.All(char.IsAsciiDigit))
            {
                if (!int.TryParse(line, out var number) || number < 1 || number > _buttons.Count)
                {
                    output.WriteLine(NoSuchButton(line, _buttons.Count) + "\n");
                    continue;
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
                continue;
            }

            try
            {
                var reply = await executor.RunTextAsync(member, text, stoppingToken);
                _buttons = reply.Buttons.Take(9).ToList();
                output.WriteLine(ConsoleRenderer.Render(reply, _buttons, attachments.Save(reply)));
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                break;
            }
        }

        LogEndOfInput();
        if (input.StopHostAtEnd)
        {
            lifetime.StopApplication();
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
