using StudyBot.Core.Chat;
using StudyBot.Core.Notifications;

namespace StudyBot.Core.Commands.Handlers;

internal sealed class MePrivacyHandler : ICommandHandler
{
    public string Path => "progress me privacy";

    public ValueTask<CommandResult> HandleAsync(CommandContext ctx, CancellationToken cancellationToken)
    {
        var level = ctx.Request.String("level") switch
        {
            "public" => PrivacyLevel.Public,
            "private" => PrivacyLevel.Private,
            _ => PrivacyLevel.Partners,
        };
        var changes = ctx.NewChanges();
        changes.Profile = ctx.Member with { Preferences = ctx.Member.Preferences with { Privacy = level }, DisplayName = ctx.Who.DisplayName };
        var text = level switch
        {
            PrivacyLevel.Public => ctx.T("Me.Public"),
            PrivacyLevel.Private => ctx.T("Me.Private"),
            _ => ctx.T("Me.Partners"),
        };
        return ValueTask.FromResult(new CommandResult(new Reply { Tone = ReplyTone.Success, Text = text }, changes));
    }
}

internal sealed class MeCelebrateHandler : ICommandHandler
{
    public string Path => "progress me celebrate";

    public ValueTask<CommandResult> HandleAsync(CommandContext ctx, CancellationToken cancellationToken)
    {
        var where = ctx.Request.String("where") switch
        {
            "dm" => CelebrationChoice.Dm,
            "none" => CelebrationChoice.None,
            _ => CelebrationChoice.Public,
        };
        var changes = ctx.NewChanges();
        changes.Profile = ctx.Member with { Preferences = ctx.Member.Preferences with { Celebrate = where }, DisplayName = ctx.Who.DisplayName };
        var text = where switch
        {
            CelebrationChoice.Public => ctx.T("Me.CelebratePublic"),
            CelebrationChoice.Dm => ctx.T("Me.CelebrateDm"),
            _ => ctx.T("Me.CelebrateNone"),
        };
        return ValueTask.FromResult(new CommandResult(new Reply { Tone = ReplyTone.Success, Text = text }, changes));
    }
}
