using StudyBot.Core.Chat;
using StudyBot.Core.Notes;
using StudyBot.Core.Roadmaps;

namespace StudyBot.Core.Commands.Handlers;

/// <summary>
/// <c>/progress note &lt;item&gt; [text | link &lt;url&gt; | clear]</c> (issue 20): a private note and links on a roadmap
/// item. The note is saved through <see cref="IItemNoteStore"/> (its own store), so the receipt follows it.
/// </summary>
internal sealed class NoteHandler(IItemNoteStore notes) : ICommandHandler
{
    public string Path => "progress note";

    public bool SavesOwnChanges => true;

    public async ValueTask<CommandResult> HandleAsync(CommandContext ctx, CancellationToken cancellationToken)
    {
        var query = ctx.Request.String("item")!;
        var (item, problem) = LocalViews.ResolveItem(ctx, query, "note");
        if (problem is not null)
        {
            return problem;
        }

        var action = NoteInput.Read(ctx.Request.String("text"));
        if (action is NoteAction.Refused refused)
        {
            return LocalViews.Error(ctx, ctx.T(refused.Key, refused.Args), $"/progress note {item!.Id} link https://numpy.org/doc/");
        }

        var current = ctx.Member.IsNew ? null : await notes.GetAsync(ctx.Who, ctx.Roadmap.Id, item!.Id, cancellationToken);
        if (action is NoteAction.Show)
        {
            return NoteViews.Show(ctx, item!, current);
        }

        if (ctx.Member.IsNew)
        {
            return new Reply
            {
                Text = ctx.T("Notes.NeedStart"),
                Buttons = [new ReplyButton(ctx.T("Notes.StartButton"), "progress start", ButtonStyle.Primary)],
            };
        }

        var links = current?.Links ?? [];
        var now = ctx.Now.UtcDateTime;
        switch (action)
        {
            case NoteAction.Clear:
                if (current is null)
                {
                    return new Reply { Text = ctx.T("Notes.NothingToClear", Format.Item(item!)) };
                }

                await notes.SaveAsync(ctx.Who, new ItemNote(ctx.Roadmap.Id, item!.Id, null, [], now), cancellationToken);
                return new Reply { Tone = ReplyTone.Success, Text = ctx.T("Notes.Cleared", Format.Item(item)) };

            case NoteAction.AddLink add:
                var (withLink, added) = NoteInput.WithLink(links, add.Url);
                if (!added)
                {
                    return NoteViews.Show(ctx, item!, current, ctx.T("Notes.LinkAlready"));
                }

                if (withLink.Count > NoteLimits.MaxLinks)
                {
                    return LocalViews.Error(ctx, ctx.T("Notes.TooManyLinks", NoteLimits.MaxLinks, Format.Item(item!)));
                }

                var linked = new ItemNote(ctx.Roadmap.Id, item!.Id, current?.Text, withLink, now);
                await notes.SaveAsync(ctx.Who, linked, cancellationToken);
                return NoteViews.Show(ctx, item, linked, ctx.T("Notes.LinkAdded"), ReplyTone.Success);

            case NoteAction.SetText set:
                var written = new ItemNote(ctx.Roadmap.Id, item!.Id, set.Text, links, now);
                await notes.SaveAsync(ctx.Who, written, cancellationToken);
                return NoteViews.Show(ctx, item, written, ctx.T(current?.Text is null ? "Notes.Saved" : "Notes.Replaced"), ReplyTone.Success);

            default:
                return NoteViews.Show(ctx, item!, current);
        }
    }
}

internal static class NoteViews
{
    /// <summary>The whole note and its links, privately.</summary>
    public static Reply Show(CommandContext ctx, RoadmapItem item, ItemNote? note, string? said = null, ReplyTone tone = ReplyTone.Info)
    {
        if (note is null || note.IsEmpty)
        {
            return new Reply { Text = ctx.T("Notes.None", Format.Item(item), item.Id) };
        }

        var fields = new List<ReplyField>();
        if (note.Links.Count > 0)
        {
            fields.Add(new ReplyField(ctx.T("Notes.Links", note.Links.Count), string.Join('\n', note.Links.Select(l => "• " + l))));
        }

        var body = note.Text is { Length: > 0 } text ? ctx.MemberText(text) : ctx.T("Notes.NoText");
        return new Reply
        {
            Tone = tone,
            Title = ctx.T("Notes.Title", Format.Item(item)),
            Text = said is null ? body : $"{said}\n{body}",
            Fields = fields,
        };
    }

    /// <summary>The item's reply with a short "Your note" field when the member has a note on it.</summary>
    public static async ValueTask<CommandResult> WithNoteAsync(CommandContext ctx, IItemNoteStore? notes, RoadmapItem? item, CommandResult result, CancellationToken cancellationToken)
    {
        if (notes is null || item is null || ctx.Member.IsNew || result.Reply.Tone == ReplyTone.Error)
        {
            return result;
        }

        var note = await notes.GetAsync(ctx.Who, ctx.Roadmap.Id, item.Id, cancellationToken);
        return note is null || note.IsEmpty ? result : result with { Reply = result.Reply with { Fields = [.. result.Reply.Fields, Field(ctx, item, note)] } };
    }

    public static ReplyField Field(CommandContext ctx, RoadmapItem item, ItemNote note)
    {
        var text = note.Text is { Length: > 0 } t ? ctx.MemberText(TextInput.Cut(t.ReplaceLineEndings(" "), NoteLimits.ReplyPreview)) : "";
        var links = note.Links.Count == 0 ? "" : "🔗 " + Format.Plural(note.Links.Count, ctx.T("Notes.LinkOne"), ctx.T("Notes.LinkMany"), ctx.Culture);
        var value = string.Join('\n', new[] { text, links }.Where(s => s.Length > 0));
        return new ReplyField(ctx.T("Notes.YourNote"), value + "\n" + ctx.T("Notes.ShowAll", item.Id));
    }
}
