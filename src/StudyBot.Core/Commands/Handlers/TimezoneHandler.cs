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
            return ValueTask.FromResult<CommandResult>(Views.UnknownZone(input, "/progress timezone Europe/Berlin"));
        }

        if (zone == ctx.Member.TimeZoneId && !ctx.Member.IsNew)
        {
            return ValueTask.FromResult<CommandResult>(new Reply { Text = $"Your time zone is already {zone}." });
        }

        var changes = ctx.NewChanges();
        changes.Profile = ctx.Member with { TimeZoneId = zone, DisplayName = ctx.Who.DisplayName };
        var local = TimeZones.ToLocal(ctx.Now, zone);
        var reply = new Reply
        {
            Tone = ReplyTone.Success,
            Text = $"🕒 Time zone set to {zone}{(TimeZones.PlaceOf(zone) is { } place ? $", another name for {place}" : "")} ({TimeZones.DescribeOffset(ctx.Now, zone)}; it's {local:ddd HH:mm} there). Your weeks now start on Monday at midnight, {zone} time.",
        };
        return ValueTask.FromResult(new CommandResult(Views.WithZoneNote(reply, zone, "progress timezone"), changes));
    }
}
