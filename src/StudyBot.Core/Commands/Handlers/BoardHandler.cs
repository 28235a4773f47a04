using StudyBot.Core.Chat;
using StudyBot.Core.Notifications;
using StudyBot.Core.Progress;

namespace StudyBot.Core.Commands.Handlers;

/// <summary>The leaderboard on demand, as a private reply, under the same privacy rules as the weekly post.</summary>
internal sealed class BoardHandler(ILeaderboardStore boards) : ICommandHandler
{
    public string Path => "progress board";

    public async ValueTask<CommandResult> HandleAsync(CommandContext ctx, CancellationToken cancellationToken)
    {
        var period = ctx.Request.String("period") switch
        {
            "month" => BoardPeriod.Month,
            "all" => BoardPeriod.All,
            _ => BoardPeriod.Week,
        };
        var metric = ctx.Request.String("metric") switch
        {
            "minutes" => BoardMetric.Minutes,
            "consistency" => BoardMetric.Consistency,
            "improved" => BoardMetric.Improved,
            _ => BoardMetric.Points,
        };
        if (period == BoardPeriod.All && metric == BoardMetric.Improved)
        {
            return Reply.Error("\"Most improved\" compares with the period before, so it needs week or month.", "/progress board week improved");
        }

        var today = ctx.Today;
        var start = period switch
        {
            BoardPeriod.Week => TimeZones.WeekStart(today),
            BoardPeriod.Month => TimeZones.MonthStart(today),
            _ => DateOnly.MinValue,
        };
        var query = new BoardQuery(period, metric, start, Leaderboards.BeginnerCutoff(today), 10);
        var entries = await boards.TopAsync(ctx.Who.Community, query, cancellationToken);
        return Leaderboards.Board(query, entries, ctx.Who.UserId);
    }
}
