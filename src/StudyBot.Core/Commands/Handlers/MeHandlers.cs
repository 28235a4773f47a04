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
            PrivacyLevel.Public => "🌍 Public: leaderboards can show your name, points, minutes and items.",
            PrivacyLevel.Private => "🔒 Private: you never appear on leaderboards. Your progress is still yours to see.",
            _ => "🤝 Partners: leaderboards show your name and points only (after your first four weeks); details stay between you and your study partners.",
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
            CelebrationChoice.Public => "🎉 Your milestones will be celebrated in the community's celebration channel.",
            CelebrationChoice.Dm => "🎉 Your milestones will be celebrated in a direct message, just for you.",
            _ => "No celebrations: your milestones are still recorded, quietly.",
        };
        return ValueTask.FromResult(new CommandResult(new Reply { Tone = ReplyTone.Success, Text = text }, changes));
    }
}
