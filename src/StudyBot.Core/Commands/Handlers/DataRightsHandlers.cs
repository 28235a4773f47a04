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

/// <summary>A member's copy of everything StudyBot stores about them, and nothing about anyone else.</summary>
internal sealed class MeExportHandler(IMemberDataStore data) : ICommandHandler
{
    public string Path => "progress me export";

    public async ValueTask<CommandResult> HandleAsync(CommandContext ctx, CancellationToken cancellationToken)
    {
        var export = ctx.Member.IsNew ? null : await data.ExportMemberAsync(ctx.Who, ctx.Now.UtcDateTime, cancellationToken);
        if (export is null)
        {
            return new Reply { Text = "I have no data about you in this community yet, so there's nothing to export. Everything you do with `/progress` from now on will be in your export." };
        }

        return new Reply
        {
            Title = "📦 Your StudyBot data",
            Text = $"Here's everything StudyBot stores about you in {ctx.Who.Community.Name}: {Format.Plural(export.Records, "record", "records")} in one JSON file (your profile, progress and its history, study logs, goals, rest, celebrations, partnerships, totals and the messages sent to you).",
            Attachments = [new ReplyAttachment(export.FileName, "application/json", System.Text.Encoding.UTF8.GetBytes(export.Json), "Your StudyBot data as JSON")],
        };
    }
}

/// <summary>The community's data for its admins.</summary>
internal sealed class AdminExportHandler(IMemberDataStore data) : ICommandHandler
{
    public string Path => "studybot export";

    public async ValueTask<CommandResult> HandleAsync(CommandContext ctx, CancellationToken cancellationToken)
    {
        var export = await data.ExportCommunityAsync(ctx.Who.Community, ctx.Now.UtcDateTime, cancellationToken);
        return new Reply
        {
            Title = "📦 Community data",
            Text = $"{ctx.Who.Community.Name}'s StudyBot data: {Format.Plural(export.Records, "record", "records")}. It holds members' personal data: keep it safe and delete it when you are done.",
            Attachments = [new ReplyAttachment(export.FileName, "application/json", System.Text.Encoding.UTF8.GetBytes(export.Json), "Community StudyBot data as JSON")],
        };
    }
}
