using StudyBot.Core.Commands;

namespace StudyBot.Host.Console;

/// <summary>
/// The conversation's output stream. Replies and notifications share one lock so a DM printed by a
/// background job never lands in the middle of a reply. Everything printed is neutralised first: no control
/// character (so no escape sequence) and no invisible direction or formatting character reaches the terminal.
/// </summary>
public sealed class ConsoleOutput(TextWriter writer)
{
    private readonly Lock _lock = new();

    public void Write(string text)
    {
        var safe = TextInput.Neutralize(text.ReplaceLineEndings("\n"));
        if (Environment.NewLine != "\n")
        {
            safe = safe.Replace("\n", Environment.NewLine, StringComparison.Ordinal);
        }

        lock (_lock)
        {
            writer.Write(safe);
            writer.Flush();
        }
    }

    public void WriteLine(string text) => Write(text + Environment.NewLine);
}
