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
            return Unavailable(ctx, ctx.T("Card.Off"));
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
            return Unavailable(ctx, ctx.T("Card.Failed"));
        }

        if (png.Length == 0)
        {
            LogEmptyImage(ctx.Who.Community.Platform, ctx.Who.UserId);
            return Unavailable(ctx, ctx.T("Card.Failed"));
        }

        var text = ctx.T("Card.Here", ctx.Who.DisplayName, card.OverallPercent, ctx.Roadmap.Title);
        if (ctx.Member.IsNew)
        {
            text += ctx.T("Card.New");
        }

        return new Reply
        {
            Visibility = Visibility.Private,
            Text = text,
            Attachments = [card.ToAttachment(png)],
            Buttons = [new ReplyButton(ctx.T("Card.Overview"), "progress"), new ReplyButton(ctx.T("Card.WhatNext"), "progress next")],
        };
    }

    private static Reply Unavailable(CommandContext ctx, string why) => new()
    {
        Tone = ReplyTone.Warning,
        Text = ctx.T("Card.Unavailable", why),
        Buttons = [new ReplyButton(ctx.T("Card.Overview"), "progress", ButtonStyle.Primary)],
    };

    [LoggerMessage(Level = LogLevel.Error, Message = "Drawing the progress card for {Platform} user {UserId} failed")]
    private partial void LogRenderFailed(Exception ex, string platform, string userId);

    [LoggerMessage(Level = LogLevel.Error, Message = "The progress card renderer returned no bytes for {Platform} user {UserId}")]
    private partial void LogEmptyImage(string platform, string userId);
}
