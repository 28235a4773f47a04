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
            return new Reply { Text = ctx.T("DataRights.NothingToDelete") };
        }

        if (ctx.Request.String("confirm") != "confirm")
        {
            return new Reply
            {
                Tone = ReplyTone.Warning,
                Title = ctx.T("DataRights.AskTitle"),
                Text = ctx.T("DataRights.Ask"),
                Buttons = [new ReplyButton(ctx.T("DataRights.DeleteButton"), "progress me delete confirm", ButtonStyle.Danger)],
            };
        }

        var deleted = await data.DeleteMemberAsync(ctx.Who, ctx.Now.UtcDateTime, cancellationToken);
        return new Reply
        {
            Tone = ReplyTone.Success,
            Text = ctx.T(deleted ? "DataRights.Deleted" : "DataRights.NothingLeft"),
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
            return new Reply { Text = ctx.T("DataRights.NothingToExport") };
        }

        return new Reply
        {
            Title = ctx.T("DataRights.ExportTitle"),
            Text = ctx.T("DataRights.Export", ctx.Who.Community.Name, Format.Plural(export.Records, ctx.T("DataRights.Record"), ctx.T("DataRights.Records"), ctx.Culture)),
            Attachments = [new ReplyAttachment(export.FileName, "application/json", System.Text.Encoding.UTF8.GetBytes(export.Json), ctx.T("DataRights.ExportFile"))],
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
            Title = ctx.T("DataRights.CommunityTitle"),
            Text = ctx.T("DataRights.Community", ctx.Who.Community.Name, Format.Plural(export.Records, ctx.T("DataRights.Record"), ctx.T("DataRights.Records"), ctx.Culture)),
            Attachments = [new ReplyAttachment(export.FileName, "application/json", System.Text.Encoding.UTF8.GetBytes(export.Json), ctx.T("DataRights.CommunityFile"))],
        };
    }
}
