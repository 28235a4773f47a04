namespace StudyBot.Core.Chat;

public enum Visibility
{
    /// <summary>Only the member who asked sees it (Discord ephemeral, Slack ephemeral).</summary>
    Private = 0,

    /// <summary>Everyone in the channel sees it.</summary>
    Public = 1,
}

public enum ReplyTone
{
    Info = 0,
    Success = 1,
    Celebration = 2,
    Warning = 3,
    Error = 4,
}

public enum ButtonStyle
{
    Primary = 0,
    Secondary = 1,
    Success = 2,
    Danger = 3,
}

public sealed record ReplyField(string Name, string Value, bool Inline = false);

public sealed record ProgressBar(string Label, int Percent)
{
    /// <summary>A text bar such as "██████░░░░ 60%", for platforms without native bars.</summary>
    public string Render(int width = 10)
    {
        var filled = Math.Clamp((int)Math.Round(Percent / 100.0 * width), 0, width);
        return $"{new string('█', filled)}{new string('░', width - filled)} {Percent}%";
    }
}

/// <summary>
/// A file sent with a reply, such as a progress card image. Adapters upload it the way their platform does
/// (Discord: a multipart <c>files[n]</c> part, shown in the embed with <c>attachment://FileName</c>; Slack:
/// files.getUploadURLExternal then files.completeUploadExternal; the console writes it to a file).
/// </summary>
/// <param name="FileName">A safe file name with its extension, e.g. <c>progress-ada-2026-11-25.png</c>.</param>
/// <param name="ContentType">The media type, e.g. <c>image/png</c>.</param>
/// <param name="Content">The file's bytes (serialised as base64 in the outbox).</param>
/// <param name="AltText">What the file shows, in words: alt text for images, the fallback where files cannot be shown.</param>
public sealed record ReplyAttachment(string FileName, string ContentType, byte[] Content, string AltText)
{
    public const string Png = "image/png";

    public bool IsImage => ContentType.StartsWith("image/", StringComparison.OrdinalIgnoreCase);

    /// <summary>
    /// The file name as a platform upload should carry it: letters, digits, dot, dash and underscore only, at most
    /// 100 characters with the extension kept, never empty.
    /// </summary>
    public static string SafeFileName(string? fileName)
    {
        var chars = Path.GetFileName(fileName ?? "").Select(c => char.IsAsciiLetterOrDigit(c) || c is '.' or '-' or '_' ? c : '-').ToArray();
        var name = new string(chars).Trim('.', '-');
        if (name.Length > 100)
        {
            var extension = Path.GetExtension(name);
            name = name[..(100 - extension.Length)] + extension;
        }

        return name.Length == 0 ? "file" : name;
    }
}

/// <summary>A message whose delivery the engine needs to hear about when it fails.</summary>
public enum ReplyNotice
{
    None = 0,

    /// <summary>"Your DMs are closed": shown once; an adapter that could not deliver it calls <c>CommandExecutor.NoticeUndeliveredAsync</c>.</summary>
    DmClosed = 1,
}

/// <summary>A button that runs a command when pressed, e.g. Command = "progress done numpy".</summary>
public sealed record ReplyButton(string Label, string Command, ButtonStyle Style = ButtonStyle.Secondary);

/// <summary>
/// A platform-neutral answer or message. Adapters render it (Discord embeds and components, Slack Block Kit,
/// plain text) within their platform's limits.
/// </summary>
public sealed record Reply
{
    public string? Title { get; init; }

    public string Text { get; init; } = "";

    public IReadOnlyList<ReplyField> Fields { get; init; } = [];

    public IReadOnlyList<ProgressBar> Bars { get; init; } = [];

    public IReadOnlyList<ReplyButton> Buttons { get; init; } = [];

    /// <summary>Files sent with the message, in order: images (a progress card) or documents.</summary>
    public IReadOnlyList<ReplyAttachment> Attachments { get; init; } = [];

    public Visibility Visibility { get; init; } = Visibility.Private;

    public ReplyTone Tone { get; init; } = ReplyTone.Info;

    /// <summary>Extra messages for the same member after this one (e.g. a milestone celebration).</summary>
    public IReadOnlyList<Reply> FollowUps { get; init; } = [];

    /// <summary>Set on a notice the engine marks as shown when it answers: an adapter reports a failed delivery of it.</summary>
    public ReplyNotice Notice { get; init; }

    public static Reply Error(string text, string? example = null) => new()
    {
        Tone = ReplyTone.Error,
        Text = example is null ? text : $"{text}\nExample: `{example}`",
    };

    public static Reply Info(string text, string? title = null) => new() { Title = title, Text = text };
}
