using StudyBot.Core.Chat;
using StudyBot.Core.Notifications;
using StudyBot.Core.Progress;

namespace StudyBot.Core.Commands.Handlers;

/// <summary>The leaderboard on demand, as a private reply, under the same privacy rules as the weekly post.</summary>
internal sealed class BoardHandler(ILeaderboardStore boards, Focus.IFocusStore? focus = null) : ICommandHandler
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
            "focus" => BoardMetric.Focus,
            _ => BoardMetric.Points,
        };
        if (period == BoardPeriod.All && metric == BoardMetric.Improved)
        {
            return LocalViews.Error(ctx, ctx.T("Board.NeedsPeriod"), "/progress board week improved");
        }

        var today = ctx.Today;
        var start = period switch
        {
            BoardPeriod.Week => TimeZones.WeekStart(today),
            BoardPeriod.Month => TimeZones.MonthStart(today),
            _ => DateOnly.MinValue,
        };
        var query = new BoardQuery(period, metric, start, Leaderboards.BeginnerCutoff(today), 10);
        var entries = (await boards.TopAsync(ctx.Who.Community, query, cancellationToken)).Select(e => e with { DisplayName = ctx.MemberText(e.DisplayName) }).ToList();
        var standing = Standing(ctx, query);
        if (metric == BoardMetric.Focus)
        {
            // Focus minutes are not in the daily totals: the member's own come from their focus logs.
            var minutes = focus is null || ctx.Member.IsNew ? 0 : await focus.MinutesSinceAsync(ctx.Who, start, today, cancellationToken);
            standing = standing with { Value = minutes };
        }

        return Leaderboards.Board(query, entries, ctx.Who.UserId, standing, ctx.Culture);
    }

    /// <summary>The member's own value on the board, from their daily totals, as the board's period totals count it.</summary>
    private static ViewerStanding Standing(CommandContext ctx, BoardQuery query)
    {
        var days = ctx.Snapshot.Days;
        var (from, until) = query.Period switch
        {
            BoardPeriod.Week => (query.PeriodStart, query.PeriodStart.AddDays(7)),
            BoardPeriod.Month => (query.PeriodStart, query.PeriodStart.AddMonths(1)),
            _ => (DateOnly.MinValue, DateOnly.MaxValue),
        };
        var inPeriod = days.Where(d => d.Date >= from && d.Date < until).ToList();
        var value = query.Metric switch
        {
            BoardMetric.Minutes => inPeriod.Sum(d => d.TotalMinutes),
            BoardMetric.Consistency => inPeriod.Count(d => d.TotalMinutes > 0 || d.ItemsDone > 0),
            BoardMetric.Improved => inPeriod.Sum(d => d.Points) - days
                .Where(d => d.Date >= (query.Period == BoardPeriod.Month ? from.AddMonths(-1) : from.AddDays(-7)) && d.Date < from)
                .Sum(d => d.Points),
            _ => inPeriod.Sum(d => d.Points),
        };
        var start = ctx.Member.StartDate;
        var beginner = start is null || start > query.BeginnerCutoff;
        return new ViewerStanding(value, ctx.Member.Preferences.Privacy, beginner, start?.AddDays(Leaderboards.BeginnerDays));
    }
}
