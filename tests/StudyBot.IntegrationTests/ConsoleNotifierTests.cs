using Microsoft.Extensions.Options;
using StudyBot.Core.Chat;
using StudyBot.Host.Console;
using StudyBot.Host.Options;

namespace StudyBot.IntegrationTests;

public sealed class ConsoleNotifierTests : IDisposable
{
    private readonly string _mailbox = Path.Combine(Path.GetTempPath(), $"studybot-mailbox-{Guid.NewGuid():N}.jsonl");

    public void Dispose() => File.Delete(_mailbox);

    private ConsoleNotifier Notifier(StringWriter output) =>
        new(new ConsoleOutput(output), Options.Create(new ConsoleOptions { Mailbox = _mailbox }));

    [Fact]
    public async Task A_message_key_already_in_the_mailbox_is_not_delivered_again_even_after_a_restart()
    {
        var member = new MemberRef(new CommunityRef(Platforms.Console, "local", "Local"), "ada", "Ada");
        var reply = new Reply { Title = "📅 Study time", Text = "Hello" };
        var first = new StringWriter();
        var notifier = Notifier(first);

        await notifier.SendDirectAsync(member, reply, "reminder:1", CancellationToken.None);
        await notifier.SendDirectAsync(member, reply, "reminder:1", CancellationToken.None);

        var second = new StringWriter();
        var restarted = Notifier(second);
        await restarted.SendDirectAsync(member, reply, "reminder:1", CancellationToken.None);
        await restarted.SendDirectAsync(member, reply, "reminder:2", CancellationToken.None);

        Assert.Equal(2, File.ReadAllLines(_mailbox).Length);
        Assert.Single(first.ToString().Split("📬 Direct message to Ada").Skip(1));
        Assert.Single(second.ToString().Split("📬 Direct message to Ada").Skip(1));
    }

    [Fact]
    public async Task A_line_cut_short_by_a_crash_is_ignored_and_its_message_sent_again()
    {
        File.WriteAllText(_mailbox, "{\"Key\":\"reminder:1\",\"To\":\"dm:ada\"");
        var output = new StringWriter();
        var notifier = Notifier(output);

        await notifier.SendDirectAsync(new MemberRef(new CommunityRef(Platforms.Console, "local", "Local"), "ada", "Ada"), new Reply { Text = "Hi" }, "reminder:1", CancellationToken.None);

        Assert.Contains("📬 Direct message to Ada", output.ToString(), StringComparison.Ordinal);
        var lines = File.ReadAllLines(_mailbox);
        Assert.Equal(2, lines.Length);
        Assert.StartsWith("{\"Key\":\"reminder:1\",\"To\":\"dm:ada\",\"Title\"", lines[1], StringComparison.Ordinal);
    }
}
