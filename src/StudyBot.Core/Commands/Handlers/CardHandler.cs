using Microsoft.Extensions.Logging;
using StudyBot.Core.Cards;
using StudyBot.Core.Chat;

namespace StudyBot.Core.Commands.Handlers;

/// <summary>
/// <c>/progress card</c>: the member's progress as an image to keep or share. Drawing it can fail (a missing native
/// library, a bad font); that is answered with a clear reply, never an exception.
/// </summary>
internal sealed partial class CardHandler(IEnumerable<IProgressCardRenderer> renderers, ILogger<CardHandler> logger, Focus.IFocusStore? focus = null) : ICommandHandler
{
    public string Path => "progress card";

    public async ValueTask<CommandResult> HandleAsync(CommandContext ctx, CancellationToken cancellationToken)
    {
        var renderer = renderers.LastOrDefault();
        if (renderer is null)
        {
            return Unavailable("Progress cards are not switched on for this bot.");
        }

        var card = ProgressCard.From(ctx.Snapshot, ctx.Roadmap, ctx.Now) with
        {
            MemberName = ctx.Who.DisplayName,
            Focus = focus is null ? null : await FocusViews.TotalsLineAsync(ctx, focus, cancellationToken),
        };
        byte[] png;
        try
        {
            png = renderer.RenderPng(card);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            LogRenderFailed(ex, ctx.Who.Community.Platform, ctx.Who.UserId);
            return Unavailable("I couldn't draw your progress card just now.");
        }

        if (png.Length == 0)
        {
            LogEmptyImage(ctx.Who.Community.Platform, ctx.Who.UserId);
            return Unavailable("I couldn't draw your progress card just now.");
        }

        var text = $"Here's your progress card, {ctx.Who.DisplayName}: {card.OverallPercent}% of {ctx.Roadmap.Title}. Save it or share it where you like.";
        if (ctx.Member.IsNew)
        {
            text += " Every bar starts empty: `/progress start` sets you up.";
        }

        return new Reply
        {
            Visibility = Visibility.Private,
            Text = text,
            Attachments = [card.ToAttachment(png)],
            Buttons = [new ReplyButton("Overview", "progress"), new ReplyButton("What next", "progress next")],
        };
    }

    private static Reply Unavailable(string why) => new()
    {
        Tone = ReplyTone.Warning,
        Text = $"{why} `/progress` shows the same numbers as text; try the card again later.",
        Buttons = [new ReplyButton("Overview", "progress", ButtonStyle.Primary)],
    };

    [LoggerMessage(Level = LogLevel.Error, Message = "Drawing the progress card for {Platform} user {UserId} failed")]
    private partial void LogRenderFailed(Exception ex, string platform, string userId);

    [LoggerMessage(Level = LogLevel.Error, Message = "The progress card renderer returned no bytes for {Platform} user {UserId}")]
    private partial void LogEmptyImage(string platform, string userId);
}
