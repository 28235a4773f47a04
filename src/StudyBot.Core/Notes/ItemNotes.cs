using StudyBot.Core.Chat;
using StudyBot.Core.Commands;

namespace StudyBot.Core.Notes;

/// <summary>
/// A member's private note and links on one roadmap item (issue 20), keyed by member, roadmap and item id. The text is
/// kept as the member wrote it; every adapter escapes it when it shows it.
/// </summary>
public sealed record ItemNote(string RoadmapId, string ItemId, string? Text, IReadOnlyList<string> Links, DateTime UpdatedAtUtc)
{
    public bool IsEmpty => string.IsNullOrEmpty(Text) && Links.Count == 0;
}

/// <summary>Where notes are kept (Data's <c>ItemNoteStore</c>). Every call is scoped to the member's own community.</summary>
public interface IItemNoteStore
{
    /// <summary>The member's note on the item, or null when there is none.</summary>
    Task<ItemNote?> GetAsync(MemberRef member, string roadmapId, string itemId, CancellationToken cancellationToken);

    /// <summary>All the member's notes on a roadmap, by item id (retired items included).</summary>
    Task<IReadOnlyList<ItemNote>> ListAsync(MemberRef member, string roadmapId, CancellationToken cancellationToken);

    /// <summary>Replaces the member's note on <see cref="ItemNote.ItemId"/>; an empty note deletes it. False when the member has no row yet.</summary>
    Task<bool> SaveAsync(MemberRef member, ItemNote note, CancellationToken cancellationToken);
}

/// <summary>The limits of a note, as the command and its replies say them.</summary>
public static class NoteLimits
{
    /// <summary>Characters as a person counts them (grapheme clusters), like every other text limit.</summary>
    public const int MaxText = 2000;

    public const int MaxUrl = 500;

    public const int MaxLinks = 10;

    /// <summary>How much of a note an item's chat reply shows (the whole note: <c>/progress note &lt;item&gt;</c>).</summary>
    public const int ReplyPreview = 200;
}

/// <summary>What <c>/progress note &lt;item&gt; [text]</c> asks for.</summary>
public abstract record NoteAction
{
    private NoteAction()
    {
    }

    public sealed record Show : NoteAction;

    public sealed record Clear : NoteAction;

    public sealed record AddLink(string Url) : NoteAction;

    public sealed record SetText(string Text) : NoteAction;

    /// <summary>Input that changes nothing: <paramref name="Key"/> is the reply text (Resources/Notes.resx) with its arguments.</summary>
    public sealed record Refused(string Key, params object[] Args) : NoteAction;
}

/// <summary>Reads the words after the item: nothing (show), <c>clear</c>, <c>link &lt;url&gt;</c>, or the note's text. Never throws.</summary>
public static class NoteInput
{
    public static NoteAction Read(string? input)
    {
        var text = (input ?? "").Trim();
        if (text.Length == 0)
        {
            return new NoteAction.Show();
        }

        var length = text.Length > 4 * NoteLimits.MaxText ? text.Length : TextInput.Length(text);
        if (string.Equals(text, "clear", StringComparison.OrdinalIgnoreCase))
        {
            return new NoteAction.Clear();
        }

        var firstSpace = text.IndexOfAny([' ', '\t', '\n', '\r']);
        var first = firstSpace < 0 ? text : text[..firstSpace];
        if (string.Equals(first, "link", StringComparison.OrdinalIgnoreCase))
        {
            var url = firstSpace < 0 ? "" : text[firstSpace..].Trim();
            return ReadUrl(url);
        }

        if (length > NoteLimits.MaxText)
        {
            return new NoteAction.Refused("Notes.TooLong", NoteLimits.MaxText, length);
        }

        return new NoteAction.SetText(text);
    }

    private static NoteAction ReadUrl(string url)
    {
        if (url.Length == 0)
        {
            return new NoteAction.Refused("Notes.NoUrl");
        }

        // A link as Slack writes one when it escapes a command's text: <https://numpy.org/doc/|numpy.org/doc>.
        if (url.Length > 2 && url[0] == '<' && url[^1] == '>' && !url.Contains(' ', StringComparison.Ordinal))
        {
            url = url[1..^1].Split('|')[0];
        }

        var length = url.Length > 4 * NoteLimits.MaxUrl ? url.Length : TextInput.Length(url);
        if (length > NoteLimits.MaxUrl)
        {
            return new NoteAction.Refused("Notes.UrlTooLong", NoteLimits.MaxUrl, length);
        }

        if (url.Any(char.IsWhiteSpace)
            || !Uri.TryCreate(url, UriKind.Absolute, out var uri)
            || (uri.Scheme != Uri.UriSchemeHttp && uri.Scheme != Uri.UriSchemeHttps)
            || string.IsNullOrEmpty(uri.Host))
        {
            return new NoteAction.Refused("Notes.BadUrl", TextInput.Quote(url, 60));
        }

        return new NoteAction.AddLink(url);
    }

    /// <summary>The links with <paramref name="url"/> added at the end, unless the same address is already there.</summary>
    public static (IReadOnlyList<string> Links, bool Added) WithLink(IReadOnlyList<string> links, string url)
    {
        var key = Key(url);
        return links.Any(l => Key(l) == key) ? (links, false) : ([.. links, url], true);
    }

    private static string Key(string url) =>
        Uri.TryCreate(url, UriKind.Absolute, out var uri) ? uri.AbsoluteUri.TrimEnd('/') : url;
}
