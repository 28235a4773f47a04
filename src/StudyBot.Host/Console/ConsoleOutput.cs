namespace StudyBot.Host.Console;

/// <summary>
/// The conversation's output stream. Replies and notifications share one lock so a DM printed by a
/// background job never lands in the middle of a reply.
/// </summary>
public sealed class ConsoleOutput(TextWriter writer)
{
    private readonly Lock _lock = new();

    public void Write(string text)
    {
        lock (_lock)
        {
            writer.Write(text);
            writer.Flush();
        }
    }

    public void WriteLine(string text) => Write(text + Environment.NewLine);
}
