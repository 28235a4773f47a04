using System.Text.Json;
using Microsoft.Extensions.Options;
using StudyBot.Core.Chat;
using StudyBot.Host.Options;

namespace StudyBot.Host.Console;

/// <summary>
/// The console's notifier: direct messages and channel posts are printed in the conversation. With a mailbox
/// file configured, each delivery is also appended there under its idempotency key first, and a key already in
/// the mailbox is not delivered again, which makes deliveries exactly-once across crashes.
/// </summary>
public sealed class ConsoleNotifier : INotifier
{
    private readonly ConsoleOutput _output;
    private readonly ConsoleAttachments _attachments;
    private readonly string? _mailbox;
    private readonly HashSet<string> _delivered = new(StringComparer.Ordinal);
    private readonly Lock _lock = new();

    public ConsoleNotifier(ConsoleOutput output, ConsoleAttachments attachments, IOptions<ConsoleOptions> options)
    {
        _output = output;
        _attachments = attachments;
        _mailbox = string.IsNullOrWhiteSpace(options.Value.Mailbox) ? null : Path.GetFullPath(options.Value.Mailbox);
        if (_mailbox is not null && File.Exists(_mailbox))
        {
            // A crash can leave a last line without its newline; end it so the next record starts cleanly.
            using (var stream = new FileStream(_mailbox, FileMode.Open, FileAccess.ReadWrite))
            {
                if (stream.Length > 0)
                {
                    stream.Seek(-1, SeekOrigin.End);
                    if (stream.ReadByte() != '\n')
                    {
                        stream.WriteByte((byte)'\n');
                    }
                }
            }

            foreach (var line in File.ReadLines(_mailbox))
            {
                try
                {
                    if (JsonSerializer.Deserialize<MailboxLine>(line) is { Key: { } key })
                    {
                        _delivered.Add(key);
                    }
                }
                catch (JsonException)
                {
                    // A line cut short by a crash was never delivered; its key stays unknown and it is sent again.
                }
            }
        }
    }

    public string Platform => Platforms.Console;

    public Task<DeliveryResult> SendDirectAsync(MemberRef member, Reply message, CancellationToken cancellationToken) =>
        SendDirectAsync(member, message, "", cancellationToken);

    public Task<DeliveryResult> PostAsync(ChannelAddress channel, Reply message, CancellationToken cancellationToken) =>
        PostAsync(channel, message, "", cancellationToken);

    public Task<DeliveryResult> SendDirectAsync(MemberRef member, Reply message, string idempotencyKey, CancellationToken cancellationToken) =>
        Deliver(idempotencyKey, $"dm:{member.UserId}", $"📬 Direct message to {member.DisplayName}:", message);

    public Task<DeliveryResult> PostAsync(ChannelAddress channel, Reply message, string idempotencyKey, CancellationToken cancellationToken) =>
        Deliver(idempotencyKey, $"#{channel.ChannelId}", $"📣 Posted in #{channel.ChannelId}:", message);

    private Task<DeliveryResult> Deliver(string key, string to, string heading, Reply message)
    {
        string text;
        lock (_lock)
        {
            if (key.Length > 0 && !_delivered.Add(key))
            {
                return Task.FromResult(DeliveryResult.Ok);
            }

            // Files are written only for a delivery that happens, so a repeated key leaves no second copy.
            text = ConsoleRenderer.Render(message, files: message.Attachments.Count == 0 ? null : _attachments.Save(message));
            if (_mailbox is not null)
            {
                File.AppendAllText(_mailbox, JsonSerializer.Serialize(new MailboxLine(key, to, message.Title ?? "", text)) + "\n");
            }
        }

        _output.Write($"\n{heading}\n{text}");
        return Task.FromResult(DeliveryResult.Ok);
    }

    private sealed record MailboxLine(string Key, string To, string Title, string Text);
}
