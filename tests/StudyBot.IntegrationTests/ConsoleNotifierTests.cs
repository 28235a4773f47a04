using Microsoft.Extensions.Options;
using StudyBot.Core.Chat;
using StudyBot.Host.Console;
using StudyBot.Host.Options;

namespace StudyBot.IntegrationTests;

public sealed class ConsoleNotifierTests : IDisposable
{
    private readonly string _mailbox = Path.Combine(Path.GetTempPath(), $"studybot-mailbox-{Guid.NewGuid():N}.jsonl");

    private readonly string _cards = Path.Combine(Path.GetTempPath(), $"studybot-cards-{Guid.NewGuid():N}");

    public void Dispose()
    {
        File.Delete(_mailbox);
        if (Directory.Exists(_cards))
        {
            Directory.Delete(_cards, recursive: true);
        }
        else
        {
            File.Delete(_cards);
        }
    }

    private ConsoleNotifier Notifier(StringWriter output)
    {
        var options = Options.Create(new ConsoleOptions { Mailbox = _mailbox, AttachmentsDirectory = _cards });
        return new(new ConsoleOutput(output), new ConsoleAttachments(options), options);
    }

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

    [Fact]
    public async Task A_message_with_a_card_writes_the_file_once_and_prints_its_path()
    {
        var png = new byte[] { 0x89, (byte)'P', (byte)'N', (byte)'G', 1, 2, 3 };
        var reply = new Reply
        {
            Title = "🏁 Phase complete: Phase 0: Foundation",
            Attachments = [new ReplyAttachment("progress-ada-2026-11-25.png", ReplyAttachment.Png, png, "Progress card for Ada")],
        };
        var output = new StringWriter();
        var notifier = Notifier(output);

        await notifier.PostAsync(new ChannelAddress(new CommunityRef(Platforms.Console, "local", "Local"), "celebrations"), reply, "celebration:1", CancellationToken.None);
        await notifier.PostAsync(new ChannelAddress(new CommunityRef(Platforms.Console, "local", "Local"), "celebrations"), reply, "celebration:1", CancellationToken.None);

        var path = Path.Combine(_cards, "progress-ada-2026-11-25.png");
        Assert.Contains($"📣 Posted in #celebrations:", output.ToString(), StringComparison.Ordinal);
        Assert.Contains($"📎 Image saved: {path}", output.ToString(), StringComparison.Ordinal);
        Assert.Equal(png, File.ReadAllBytes(path));
        Assert.Single(Directory.GetFiles(_cards));
        Assert.Contains(path.Replace("\\", "\\\\", StringComparison.Ordinal), File.ReadAllText(_mailbox), StringComparison.Ordinal);
    }

    [Fact]
    public void Attachment_files_get_safe_names_and_never_overwrite_each_other()
    {
        var attachments = new ConsoleAttachments(Options.Create(new ConsoleOptions { AttachmentsDirectory = _cards, ExportsDirectory = _cards }));
        var card = new ReplyAttachment("progress-ada-2026-11-25.png", ReplyAttachment.Png, [1], "card");
        var sneaky = new ReplyAttachment("../../etc/.bashrc", "application/json", [2], "sneaky");
        var spaced = new ReplyAttachment("my export (final).JSON", "application/json", [3], "export");
        var reply = new Reply { Attachments = [card, sneaky], FollowUps = [new Reply { Attachments = [card with { Content = [4] }, spaced] }] };

        var saved = attachments.Save(reply);

        Assert.Equal(4, saved.Count);
        Assert.All(saved.Values, s => Assert.Equal(_cards, Path.GetDirectoryName(s.Path)));
        Assert.Equal(
            ["bashrc.json", "my-export-final.json", "progress-ada-2026-11-25-2.png", "progress-ada-2026-11-25.png"],
            Directory.GetFiles(_cards).Select(Path.GetFileName).Order(StringComparer.Ordinal));
        Assert.Equal([1], File.ReadAllBytes(saved[card].Path!));
    }

    [Fact]
    public void An_attachment_that_cannot_be_written_is_reported_not_thrown()
    {
        File.WriteAllText(_cards, "a file where the folder should be");
        var attachments = new ConsoleAttachments(Options.Create(new ConsoleOptions { AttachmentsDirectory = _cards }));
        var reply = new Reply { Text = "Here's your card", Attachments = [new ReplyAttachment("card.png", ReplyAttachment.Png, [1], "card")] };

        var saved = attachments.Save(reply);
        var text = ConsoleRenderer.Render(reply, null, saved);

        Assert.Null(saved[reply.Attachments[0]].Path);
        Assert.Contains("📎 Image card.png could not be saved: ", text, StringComparison.Ordinal);
    }
}
