using StudyBot.Core.Chat;
using StudyBot.Core.Privacy;

namespace StudyBot.Core.Commands.Handlers;

/// <summary>Deleting one's data: asks first, then removes everything personal and keeps only anonymous totals.</summary>
internal sealed class MeDeleteHandler(IMemberDataStore data) : ICommandHandler
{
    public string Path => "progress me delete";

    public async ValueTask<CommandResult> HandleAsync(CommandContext ctx, CancellationToken cancellationToken)
    {
        if (ctx.Member.IsNew)
        {
            return new Reply { Text = "I have no data about you in this community, so there's nothing to delete." };
        }

        if (ctx.Request.String("confirm") != "confirm")
        {
            return new Reply
            {
                Tone = ReplyTone.Warning,
                Title = "Delete your StudyBot data?",
                Text = "This removes, for good, your progress and its history, study logs, goals, streak, reminders, rest periods, partner pool and partnerships, "
                    + "and messages to or about you in this community. Community totals keep your points anonymously; boards and partners never show you again. "
                    + "Want a copy first? `/progress me export`.\nTo go ahead: `/progress me delete confirm`.",
                Buttons = [new ReplyButton("Delete my data", "progress me delete confirm", ButtonStyle.Danger)],
            };
        }

        var deleted = await data.DeleteMemberAsync(ctx.Who, ctx.Now.UtcDateTime, cancellationToken);
        return new Reply
        {
            Tone = ReplyTone.Success,
            Text = deleted
                ? "🗑️ Done: your StudyBot data in this community is deleted. If you use `/progress` again, you start fresh."
                : "There was nothing left to delete.",
        };
    }
}
