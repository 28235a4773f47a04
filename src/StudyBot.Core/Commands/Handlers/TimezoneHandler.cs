using StudyBot.Core.Chat;
using StudyBot.Core.Progress;

namespace StudyBot.Core.Commands.Handlers;

internal sealed class TimezoneHandler : ICommandHandler
{
    public string Path => "progress timezone";

    public ValueTask<CommandResult> HandleAsync(CommandContext ctx, CancellationToken cancellationToken)
    {
        var input = ctx.Request.String("zone")!;
        if (!TimeZones.TryNormalize(input, out var zone))
        {
            return ValueTask.FromResult<CommandResult>(LocalViews.UnknownZone(ctx, input, "/progress timezone Europe/Berlin"));
        }

        if (zone == ctx.Member.TimeZoneId && !ctx.Member.IsNew)
        {
            return ValueTask.FromResult<CommandResult>(new Reply { Text = ctx.T("Timezone.Already", zone) });
        }

        var changes = ctx.NewChanges();
        changes.Profile = ctx.Member with { TimeZoneId = zone, DisplayName = ctx.Who.DisplayName };
        var local = TimeZones.ToLocal(ctx.Now, zone);
        var reply = new Reply
        {
            Tone = ReplyTone.Success,
            Text = ctx.T("Timezone.Set", zone, TimeZones.PlaceOf(zone) is { } place ? ctx.T("Timezone.Place", place) : "", TimeZones.DescribeOffset(ctx.Now, zone), local.ToString("ddd HH:mm", ctx.Culture)),
        };
        return ValueTask.FromResult(new CommandResult(LocalViews.WithZoneNote(ctx, reply, zone, "progress timezone"), changes));
    }
}
