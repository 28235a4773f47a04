using StudyBot.Core.Chat;
using StudyBot.Core.Web;

namespace StudyBot.Core.Commands.Handlers;

/// <summary>
/// The web commands (issue 20; texts from Resources/Web.resx). Their replies carry secrets (a sign-in or share link), so
/// they are private and keep no command receipt (<see cref="ICommandHandler.SavesOwnChanges"/> stays false): the token
/// is never stored in clear, and a repeated delivery simply makes a new link, within the rate limit.
/// </summary>
internal static class WebViews
{
    /// <summary>The answer when this bot serves no web pages: nothing was made or changed.</summary>
    public static Reply? Off(CommandContext ctx, WebAccess web) => web.Enabled
        ? null
        : new Reply
        {
            Visibility = Visibility.Private,
            Tone = ReplyTone.Warning,
            Text = ctx.T("Web.Off"),
            Buttons = [new ReplyButton(ctx.T("Web.OverviewButton"), "progress")],
        };

    /// <summary>The answer for someone the bot does not know yet: there is nothing to sign in to.</summary>
    public static Reply NeedStart(CommandContext ctx) => new()
    {
        Visibility = Visibility.Private,
        Text = ctx.T("Web.NeedStart", ctx.Command.Path == "progress web share" ? "/progress web share" : "/progress web"),
        Buttons = [new ReplyButton(ctx.T("Web.StartButton"), "progress start", ButtonStyle.Primary)],
    };
}

internal sealed class WebLinkHandler(WebAccess web) : ICommandHandler
{
    public string Path => "progress web link";

    public async ValueTask<CommandResult> HandleAsync(CommandContext ctx, CancellationToken cancellationToken)
    {
        if (WebViews.Off(ctx, web) is { } off)
        {
            return off;
        }

        if (ctx.Member.IsNew)
        {
            return WebViews.NeedStart(ctx);
        }

        var link = await web.CreateLinkAsync(ctx.Who, cancellationToken);
        return link.Outcome switch
        {
            WebLinkOutcome.Created => new Reply
            {
                Visibility = Visibility.Private,
                Text = ctx.T("Web.Link", link.Url, (int)WebAccess.LinkLifetime.TotalMinutes),
            },
            WebLinkOutcome.TooMany => new Reply
            {
                Visibility = Visibility.Private,
                Tone = ReplyTone.Warning,
                Text = ctx.T("Web.TooMany", WebAccess.MaxLinks, (int)WebAccess.LinkWindow.TotalMinutes, Math.Max(1, (int)Math.Ceiling((link.RetryAt!.Value - ctx.Now).TotalMinutes))),
            },
            WebLinkOutcome.NoMember => WebViews.NeedStart(ctx),
            _ => WebViews.Off(ctx, web) ?? WebViews.NeedStart(ctx),
        };
    }
}

internal sealed class WebSignOutHandler(WebAccess web) : ICommandHandler
{
    public string Path => "progress web signout";

    public async ValueTask<CommandResult> HandleAsync(CommandContext ctx, CancellationToken cancellationToken)
    {
        if (WebViews.Off(ctx, web) is { } off)
        {
            return off;
        }

        var ended = ctx.Member.IsNew ? 0 : await web.SignOutEverywhereAsync(ctx.Who, cancellationToken);
        return new Reply
        {
            Visibility = Visibility.Private,
            Tone = ended == 0 ? ReplyTone.Info : ReplyTone.Success,
            Text = ended switch
            {
                0 => ctx.T("Web.SignedOutNone"),
                1 => ctx.T("Web.SignedOutOne"),
                _ => ctx.T("Web.SignedOutMany", ended),
            },
        };
    }
}

internal sealed class WebShareHandler(WebAccess web) : ICommandHandler
{
    public string Path => "progress web share";

    public async ValueTask<CommandResult> HandleAsync(CommandContext ctx, CancellationToken cancellationToken)
    {
        if (WebViews.Off(ctx, web) is { } off)
        {
            return off;
        }

        if (string.Equals(ctx.Request.String("state"), "off", StringComparison.OrdinalIgnoreCase))
        {
            var revoked = !ctx.Member.IsNew && await web.RevokeShareLinkAsync(ctx.Who, cancellationToken);
            return new Reply
            {
                Visibility = Visibility.Private,
                Tone = revoked ? ReplyTone.Success : ReplyTone.Info,
                Text = revoked ? ctx.T("Web.ShareOff") : ctx.T("Web.ShareNone"),
            };
        }

        if (ctx.Member.IsNew || await web.CreateShareLinkAsync(ctx.Who, cancellationToken) is not { } url)
        {
            return WebViews.NeedStart(ctx);
        }

        return new Reply
        {
            Visibility = Visibility.Private,
            Text = ctx.T("Web.Share", url),
            Buttons = [new ReplyButton(ctx.T("Web.ShareOffButton"), "progress web share off")],
        };
    }
}
