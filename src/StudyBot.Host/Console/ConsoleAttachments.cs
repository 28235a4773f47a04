using System.Text;
using Microsoft.Extensions.Options;
using StudyBot.Core.Chat;
using StudyBot.Host.Options;

namespace StudyBot.Host.Console;

/// <summary>Where an attachment went: the file's full path, or why it could not be written.</summary>
public sealed record SavedAttachment(string? Path, string? Error);

/// <summary>
/// A terminal cannot show an image, so the console writes each attachment to a file and prints its path: images
/// (progress cards) under <c>Console:AttachmentsDirectory</c>, other files (data exports) under
/// <c>Console:ExportsDirectory</c>. Names come from the attachment's own, made safe, and are never reused: a second
/// card of the same day gets "-2", and an existing file is never overwritten. Files are created for the bot's user
/// only (0600), in folders only it can open (0700): an export holds a member's personal data.
/// </summary>
public sealed class ConsoleAttachments(IOptions<ConsoleOptions> options)
{
    private const int MaxStemLength = 60;

    /// <summary>Where images (progress cards) go.</summary>
    public string Directory => Path.GetFullPath(string.IsNullOrWhiteSpace(options.Value.AttachmentsDirectory) ? ConsoleOptions.DefaultAttachmentsDirectory : options.Value.AttachmentsDirectory);

    /// <summary>Where other files (data exports) go.</summary>
    public string ExportsDirectory => Path.GetFullPath(string.IsNullOrWhiteSpace(options.Value.ExportsDirectory) ? ConsoleOptions.DefaultExportsDirectory : options.Value.ExportsDirectory);

    /// <summary>Writes the attachments of a reply and of its follow-ups. Never throws: a failure is reported per file.</summary>
    public IReadOnlyDictionary<ReplyAttachment, SavedAttachment> Save(Reply reply)
    {
        var saved = new Dictionary<ReplyAttachment, SavedAttachment>(ReferenceEqualityComparer.Instance);
        Collect(reply, saved);
        return saved;
    }

    private void Collect(Reply reply, Dictionary<ReplyAttachment, SavedAttachment> saved)
    {
        foreach (var attachment in reply.Attachments)
        {
            if (!saved.ContainsKey(attachment))
            {
                saved[attachment] = Write(attachment);
            }
        }

        foreach (var followUp in reply.FollowUps)
        {
            Collect(followUp, saved);
        }
    }

    private SavedAttachment Write(ReplyAttachment attachment)
    {
        try
        {
            var directory = attachment.IsImage ? Directory : ExportsDirectory;
            StudyBot.Data.PrivateFiles.CreateFolder(directory);
            var (stem, extension) = SafeName(attachment.FileName, attachment.ContentType);
            for (var n = 1; n <= 1000; n++)
            {
                var path = Path.Combine(directory, n == 1 ? $"{stem}{extension}" : $"{stem}-{n}{extension}");
                try
                {
                    using var file = new FileStream(path, StudyBot.Data.PrivateFiles.NewFile());
                    file.Write(attachment.Content);
                    return new SavedAttachment(path, null);
                }
                catch (IOException) when (File.Exists(path))
                {
                    // Taken (by an earlier card, or by a DM written at the same moment): try the next number.
                }
            }

            return new SavedAttachment(null, $"too many files named {stem}{extension} in {directory}");
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or ArgumentException or NotSupportedException)
        {
            return new SavedAttachment(null, ex.Message);
        }
    }

    /// <summary>Letters, digits, '.', '-' and '_' only: no directories, no hidden files, no surprises in a shell.</summary>
    internal static (string Stem, string Extension) SafeName(string fileName, string contentType)
    {
        var name = Path.GetFileName(fileName.Replace('\\', '/'));
        var dot = name.LastIndexOf('.');
        var rawStem = dot > 0 ? name[..dot] : name;
        var rawExtension = dot > 0 ? name[(dot + 1)..] : "";

        var sb = new StringBuilder();
        foreach (var c in rawStem)
        {
            sb.Append(char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.' ? c : '-');
        }

        var stem = sb.ToString().Trim('-', '.', '_');
        while (stem.Contains("--", StringComparison.Ordinal))
        {
            stem = stem.Replace("--", "-", StringComparison.Ordinal);
        }

        if (stem.Length > MaxStemLength)
        {
            stem = stem[..MaxStemLength].TrimEnd('-', '.', '_');
        }

        if (stem.Length == 0)
        {
            stem = "attachment";
        }

        var extension = rawExtension.Length is > 0 and <= 8 && rawExtension.All(char.IsAsciiLetterOrDigit)
            ? rawExtension.ToLowerInvariant()
            : contentType.ToLowerInvariant() switch
            {
                "image/png" => "png",
                "image/jpeg" => "jpg",
                "application/json" => "json",
                "text/plain" => "txt",
                _ => "bin",
            };
        return (stem, "." + extension);
    }
}
