using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using StudyBot.Core.Chat;
using StudyBot.Core.Notifications;

namespace StudyBot.Core.Commands;

/// <summary>
/// Proof that one delivery of a command (a platform id such as a Discord interaction id or a Slack trigger_id,
/// scoped to its platform and community) was applied, with the answer it got. Written in the same transaction
/// as the command's changes, so neither exists without the other; a repeat of the delivery gets the answer
/// back instead of running again.
/// </summary>
/// <param name="Fingerprint">What was asked and by whom (<see cref="CommandReceipts.Fingerprint"/>): the same id with another command is refused.</param>
/// <param name="ReplyJson">The answer as <see cref="ReplyJson"/>, without files.</param>
public sealed record CommandReceipt(string Platform, string CommunityId, string DeliveryId, string UserId, string Fingerprint, string ReplyJson, DateTime AtUtc);

/// <summary>Where receipts are kept (the database), so they survive a restart.</summary>
public interface ICommandReceiptStore
{
    /// <summary>The receipt of a delivery in a community, if one was written at or after <paramref name="sinceUtc"/>.</summary>
    Task<CommandReceipt?> FindAsync(CommunityRef community, string deliveryId, DateTime sinceUtc, CancellationToken cancellationToken);

    /// <summary>
    /// Writes a receipt on its own, for commands whose changes were saved by their own store. False when the
    /// delivery already has a live receipt; an expired one (older than <see cref="CommandReceipts.Retention"/>) is replaced.
    /// </summary>
    Task<bool> AddAsync(CommandReceipt receipt, CancellationToken cancellationToken);

    /// <summary>Deletes receipts written before <paramref name="beforeUtc"/>; returns how many.</summary>
    Task<int> PruneAsync(DateTime beforeUtc, CancellationToken cancellationToken);
}

/// <summary>How receipts are made and read back.</summary>
public static class CommandReceipts
{
    /// <summary>
    /// How long a receipt answers for its delivery: far longer than any platform repeats one (Slack's signature
    /// window is 5 minutes, a Discord interaction lives 15), short enough to keep no reply text for long.
    /// </summary>
    public static readonly TimeSpan Retention = TimeSpan.FromHours(24);

    /// <summary>Longer ids (none of Discord's or Slack's are) are kept as a hash of the id.</summary>
    public const int MaxDeliveryIdLength = 100;

    /// <summary>The note a repeated delivery's answer carries.</summary>
    public const string RepeatNote = "↩️ This request reached me twice. I applied it once; this was my answer.";

    /// <summary>The id as stored: as given when short enough, else a hash of it.</summary>
    public static string StoredId(string deliveryId) =>
        deliveryId.Length <= MaxDeliveryIdLength ? deliveryId : "sha256:" + Hash(deliveryId);

    /// <summary>Who asked for which command with which values, as a hash: the same delivery id must always carry the same.</summary>
    public static string Fingerprint(string userId, CommandRequest request)
    {
        var text = new StringBuilder(userId).Append('\n').Append(request.Path);
        foreach (var (name, value) in request.Options.OrderBy(o => o.Key, StringComparer.Ordinal))
        {
            text.Append('\n').Append(name).Append('=').Append(Convert.ToString(value, CultureInfo.InvariantCulture));
        }

        return Hash(text.ToString());
    }

    /// <summary>The answer as the receipt keeps it: files are not kept (they can be large and are not sent again).</summary>
    public static string Store(Reply reply) => ReplyJson.Serialize(WithoutFiles(reply));

    /// <summary>The first answer, for a repeated delivery, with a note saying it was applied once.</summary>
    public static Reply Repeat(CommandReceipt receipt)
    {
        var reply = ReplyJson.Deserialize(receipt.ReplyJson);
        return reply with { Text = string.IsNullOrWhiteSpace(reply.Text) ? RepeatNote : $"{reply.Text}\n\n{RepeatNote}" };
    }

    /// <summary>The answer to a delivery whose id was already used for another command (or by another member).</summary>
    public static Reply Refused() => new()
    {
        Tone = ReplyTone.Error,
        Text = "This request carries the id of a different command I already handled, so I did not run it. If you meant it, please send the command again.",
    };

    private static Reply WithoutFiles(Reply reply) => reply.Attachments.Count == 0 && reply.FollowUps.All(f => f.Attachments.Count == 0)
        ? reply
        : reply with { Attachments = [], FollowUps = [.. reply.FollowUps.Select(WithoutFiles)] };

    private static string Hash(string text) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text)))[..32];
}
