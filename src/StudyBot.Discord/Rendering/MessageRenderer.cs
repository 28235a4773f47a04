using System.Runtime.CompilerServices;
using System.Text.Json;
using StudyBot.Core.Chat;
using StudyBot.Discord.Json;

namespace StudyBot.Discord.Rendering;

/// <summary>
/// Turns a platform-neutral <see cref="Reply"/> into a Discord message within Discord's limits: plain content for
/// a short plain answer, otherwise one embed (title 256, description 4096, 25 fields of 256/1024, 6000 in all),
/// and buttons as action rows (5 per row, 5 rows). Nothing pings anyone (<c>allowed_mentions.parse = []</c>).
/// </summary>
internal static class MessageRenderer
{
    public const int MaxContent = 2000;
    public const int MaxTitle = 256;
    public const int MaxDescription = 4096;
    public const int MaxFields = 25;
    public const int MaxFieldName = 256;
    public const int MaxFieldValue = 1024;
    public const int MaxEmbedTotal = 6000;
    public const int MaxButtonsPerRow = 5;
    public const int MaxRows = 5;
    public const int MaxButtonLabel = 80;
    public const int MaxCustomId = 100;
    public const int MaxFiles = 10;
    public const int MaxFileDescription = 1024;

    // Discord rejects empty field names and values; a zero-width space renders as nothing.
    private const string Blank = "\u200b";

    /// <summary>
    /// The interaction response (type 4) for a reply that is given again and again as it is (help, built once from the
    /// catalog): rendered and serialized the first time this very reply is seen (for each visibility), and kept as long
    /// as the reply lives. The response is shared: nobody changes it.
    /// </summary>
    public static InteractionResponse RenderKept(Reply reply, bool ephemeral)
    {
        var kept = Kept.GetValue(reply, static _ => new InteractionResponse?[2]);
        var slot = ephemeral ? 1 : 0;

        // Two first askers may both render it: the same bytes either way.
        return kept[slot] ??= Keep(new InteractionResponse(CallbackTypes.ChannelMessage, Render(reply, ephemeral)));
    }

    private static readonly ConditionalWeakTable<Reply, InteractionResponse?[]> Kept = new();

    private static InteractionResponse Keep(InteractionResponse response) =>
        response with { Json = JsonSerializer.SerializeToUtf8Bytes(response, DiscordJsonContext.Default.InteractionResponse) };

    public static MessagePayload Render(Reply reply, bool ephemeral)
    {
        var components = Buttons(reply.Buttons);
        var flags = ephemeral ? MessageFlags.Ephemeral : (int?)null;
        var files = Files(reply.Attachments);
        var attachments = files.Count == 0
            ? null
            : files.Select((f, i) => new AttachmentInfo(i.ToString(System.Globalization.CultureInfo.InvariantCulture), f.FileName, string.IsNullOrWhiteSpace(f.AltText) ? null : TextLimits.Cut(f.AltText.Trim(), MaxFileDescription))).ToList();
        var payload = new MessagePayload { Components = components, Flags = flags, Attachments = attachments, Files = files.Count == 0 ? null : files };
        if (reply.Title is null && reply.Fields.Count == 0 && reply.Bars.Count == 0 && reply.Text.Length <= MaxContent && reply.Text.Trim().Length > 0)
        {
            // Discord shows attached images under plain content by itself.
            return payload with { Content = reply.Text };
        }

        var image = files.FirstOrDefault(f => f.IsImage);
        return payload with { Embeds = [Embed(reply, image is null ? null : new EmbedImage("attachment://" + image.FileName))] };
    }

    /// <summary>At most 10 files, each with a name safe for <c>attachment://</c> and unique within the message.</summary>
    private static List<ReplyAttachment> Files(IReadOnlyList<ReplyAttachment> attachments)
    {
        var used = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        var files = new List<ReplyAttachment>();
        foreach (var attachment in attachments.Where(a => a.Content.Length > 0).Take(MaxFiles))
        {
            var name = ReplyAttachment.SafeFileName(attachment.FileName);
            var stem = Path.GetFileNameWithoutExtension(name);
            var extension = Path.GetExtension(name);
            for (var n = 2; !used.Add(name); n++)
            {
                name = $"{stem}-{n}{extension}";
            }

            files.Add(attachment with { FileName = name });
        }

        return files;
    }

    private static Embed Embed(Reply reply, EmbedImage? image)
    {
        var title = string.IsNullOrWhiteSpace(reply.Title) ? null : TextLimits.Cut(reply.Title.Trim(), MaxTitle);
        var description = Description(reply);
        var fields = reply.Fields.Take(MaxFields)
            .Select(f => new EmbedField(
                TextLimits.Cut(NonBlank(f.Name), MaxFieldName),
                TextLimits.Cut(NonBlank(f.Value), MaxFieldValue),
                f.Inline ? true : null))
            .ToList();

        // Everything counts toward 6000: shorten the description first, then drop trailing fields.
        var budget = MaxEmbedTotal - (title?.Length ?? 0) - fields.Sum(f => f.Name.Length + f.Value.Length);
        while (budget < Math.Min(description.Length, 200) && fields.Count > 0)
        {
            var last = fields[^1];
            fields.RemoveAt(fields.Count - 1);
            budget += last.Name.Length + last.Value.Length;
        }

        if (description.Length > budget)
        {
            description = TextLimits.Cut(description, Math.Max(1, budget));
        }

        return new Embed(
            title,
            description.Length == 0 ? null : description,
            Color(reply.Tone),
            fields.Count == 0 ? null : fields,
            null,
            image);
    }

    private static string Description(Reply reply)
    {
        var text = reply.Text.Trim();
        if (reply.Bars.Count > 0)
        {
            var bars = string.Join('\n', reply.Bars.Select(b => $"{b.Label}\n`{b.Render()}`"));
            text = text.Length == 0 ? bars : $"{text}\n\n{bars}";
        }

        if (text.Length == 0 && reply.Title is null && reply.Fields.Count == 0)
        {
            text = Blank;
        }

        return TextLimits.Cut(text, MaxDescription);
    }

    private static IReadOnlyList<Component>? Buttons(IReadOnlyList<ReplyButton> buttons)
    {
        // custom_id must be unique within a message and 1-100 characters; the command it runs is the id.
        var usable = buttons
            .Where(b => b.Command.Trim().Length is > 0 and <= MaxCustomId)
            .DistinctBy(b => b.Command.Trim())
            .Take(MaxButtonsPerRow * MaxRows)
            .Select(b => new Component(2, Style: Style(b.Style), Label: TextLimits.Cut(NonBlank(b.Label), MaxButtonLabel), CustomId: b.Command.Trim()))
            .ToList();
        if (usable.Count == 0)
        {
            return null;
        }

        return usable.Chunk(MaxButtonsPerRow).Select(row => new Component(1, row)).ToList();
    }

    private static int Style(ButtonStyle style) => style switch
    {
        ButtonStyle.Primary => 1,
        ButtonStyle.Success => 3,
        ButtonStyle.Danger => 4,
        _ => 2,
    };

    private static int Color(ReplyTone tone) => tone switch
    {
        ReplyTone.Success => 0x57F287,
        ReplyTone.Celebration => 0xF1C40F,
        ReplyTone.Warning => 0xE67E22,
        ReplyTone.Error => 0xED4245,
        _ => 0x5865F2,
    };

    private static string NonBlank(string text) => string.IsNullOrWhiteSpace(text) ? Blank : text.Trim();

    /// <summary>Total characters Discord counts against the 6000 limit for one embed.</summary>
    public static int EmbedLength(Embed embed) =>
        (embed.Title?.Length ?? 0) + (embed.Description?.Length ?? 0)
        + (embed.Fields?.Sum(f => f.Name.Length + f.Value.Length) ?? 0)
        + (embed.Footer?.Text.Length ?? 0);
}
