using System.Globalization;
using Microsoft.Extensions.DependencyInjection;
using StudyBot.Core.Chat;
using StudyBot.Core.Localization;
using StudyBot.Core.Notifications;
using StudyBot.Core.Progress;
using StudyBot.Core.Roadmaps;

namespace StudyBot.Core.Dashboard;

/// <summary>
/// Builds the organisers' dashboard of a community (<see cref="DashboardView"/>) from a few aggregate reads
/// (<see cref="IDashboardStore"/>, the outbox report and the channel problems <c>/studybot status</c> uses). Percentages
/// use the one formula of <see cref="ProgressMath"/>; the funnel is <see cref="ProgressMath.CurrentPhase"/> counted.
/// The caller checks that the reader may see the community's dashboard (the same rights as <c>/studybot</c>).
/// </summary>
public sealed class OrganiserDashboard(IServiceScopeFactory scopes, RoadmapCatalog roadmaps, TimeProvider time)
{
    /// <summary>The dashboard of <paramref name="community"/>, in <paramref name="culture"/> (the community's language when null); null when StudyBot does not know the community.</summary>
    public async Task<DashboardView?> BuildAsync(CommunityRef community, CultureInfo? culture, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var buckets = Buckets.For(roadmaps);
        await using var scope = scopes.CreateAsyncScope();
        var store = scope.ServiceProvider.GetRequiredService<IDashboardStore>();

        var found = await store.FindAsync(community, cancellationToken);
        if (found is null)
        {
            return null;
        }

        var zone = found.TimeZoneId;
        var query = Query(buckets, now, zone);
        var data = await store.LoadAsync(found, query, cancellationToken);
        culture ??= Languages.Culture(data.Community.Language);
        var outbox = scope.ServiceProvider.GetRequiredService<IOutboxStore>();
        var channels = scope.ServiceProvider.GetRequiredService<IChannelProblemStore>();
        var report = await outbox.ReportAsync(community, now.UtcDateTime - TimeSpan.FromDays(DashboardView.FailureDays), now.UtcDateTime, cancellationToken);
        var problems = await channels.ProblemsAsync(community, cancellationToken);
        var advice = ChannelTexts.InUseLines(problems, data.Community.Settings, community.Platform, culture)
            .Concat(DashboardWords.Failures(culture, report, community.Platform))
            .ToList();
        var failures = new DeliveryFailures(
            report.Undelivered.Where(u => u.Count > 0 && u.Reason is UndeliveredReason.Refused or UndeliveredReason.TooOld or UndeliveredReason.Unreadable or UndeliveredReason.ChannelProblem)
                .OrderBy(u => u.Reason).ThenBy(u => u.Kind, StringComparer.Ordinal).ToList(),
            advice);

        return Compose(roadmaps, community, data, buckets, query, now, culture, failures);
    }

    internal static DashboardQuery Query(Buckets buckets, DateTimeOffset now, string zone)
    {
        var today = TimeZones.LocalDate(now, zone);
        var thisWeek = TimeZones.WeekStart(today);
        var weeks = Enumerable.Range(0, DashboardView.Weeks).Select(i => thisWeek.AddDays(-7 * (DashboardView.Weeks - 1 - i))).ToList();
        var month = TimeZones.MonthStart(today);
        var monthUtc = ReminderSchedule.ToInstant(month, 0, zone).UtcDateTime;
        return new DashboardQuery(buckets.ByItem, weeks[0], weeks, month, monthUtc, now.UtcDateTime - TimeSpan.FromDays(DashboardView.ReminderDays), now.UtcDateTime, DashboardView.ActivityLimit);
    }

    /// <summary>The view from the store's answers: pure, so Core tests can check it without a database.</summary>
    internal static DashboardView Compose(RoadmapCatalog roadmaps, CommunityRef community, DashboardData data, Buckets buckets, DashboardQuery query, DateTimeOffset now, CultureInfo culture, DeliveryFailures failures)
    {
        var counts = new Dictionary<long, List<BucketCount>>();
        foreach (var b in data.Buckets)
        {
            if (!counts.TryGetValue(b.MemberId, out var list))
            {
                counts[b.MemberId] = list = [];
            }

            list.Add(b);
        }

        var todayByZone = new Dictionary<string, DateOnly>(StringComparer.Ordinal);
        var boards = new Dictionary<string, BoardBuilder>(StringComparer.Ordinal);
        foreach (var m in data.Members)
        {
            var roadmap = roadmaps.ForMember(m.RoadmapId, data.Community.RoadmapId);
            if (!boards.TryGetValue(roadmap.Id, out var board))
            {
                boards[roadmap.Id] = board = new BoardBuilder(roadmap.In(culture), buckets);
            }

            if (!todayByZone.TryGetValue(m.TimeZoneId, out var today))
            {
                todayByZone[m.TimeZoneId] = today = TimeZones.LocalDate(now, m.TimeZoneId);
            }

            board.Add(m, counts.GetValueOrDefault(m.Id), today);
        }

        var privateMembers = data.Members.Count(m => m.Privacy == PrivacyLevel.Private);
        var weekly = query.WeekStarts.Select((w, i) => new WeekActivity(w, i < data.WeeklyActive.Count ? data.WeeklyActive[i] : 0)).ToList();
        var activity = data.Posts.Select(p => new ActivityPost(p.AtUtc, p.Kind, Short(p.Message), p.State)).ToList();
        return new DashboardView(
            community with { Name = data.Community.Name },
            now,
            data.Community.TimeZoneId,
            data.Members.Count,
            privateMembers,
            boards.Values.OrderByDescending(b => b.Count).ThenBy(b => b.Roadmap.Id, StringComparer.Ordinal).Select(b => b.Build(culture)).ToList(),
            weekly,
            new MonthSummary(query.MonthStart, data.ItemsDoneThisMonth, data.MilestonesThisMonth, data.PhasesThisMonth),
            new ReminderSummary(data.Reminders.Sent, data.Reminders.Failed, data.Reminders.RemindedMembers, data.Reminders.RespondedMembers),
            failures,
            activity,
            DashboardWords.Rules(culture));
    }

    /// <summary>A post's short text: its title, or the first line of its text, cut at 140 characters.</summary>
    internal static string Short(Reply message)
    {
        var text = !string.IsNullOrWhiteSpace(message.Title) ? message.Title : message.Text ?? "";
        var line = text.Split('\n', 2)[0].Trim();
        return line.Length <= 140 ? line : line[..139].TrimEnd() + "…";
    }

    /// <summary>The numbering of items for the store: one bucket per roadmap, phase and kind (modules, milestone items).</summary>
    internal sealed class Buckets
    {
        public required IReadOnlyDictionary<string, int> ByItem { get; init; }

        /// <summary>Per roadmap id and phase index: the module bucket (the milestone bucket is the next number).</summary>
        public required IReadOnlyDictionary<string, int> FirstBucket { get; init; }

        public static Buckets For(RoadmapCatalog catalog)
        {
            var byItem = new Dictionary<string, int>(StringComparer.Ordinal);
            var first = new Dictionary<string, int>(StringComparer.Ordinal);
            var next = 0;
            foreach (var roadmap in catalog.All.OrderBy(r => r.Id, StringComparer.Ordinal))
            {
                first[roadmap.Id] = next;
                foreach (var phase in roadmap.Phases)
                {
                    foreach (var item in roadmap.PhaseItems(phase.Id))
                    {
                        byItem.TryAdd(item.Id, next + (item.Kind == ItemKind.MilestoneItem ? 1 : 0));
                    }

                    next += 2;
                }
            }

            return new Buckets { ByItem = byItem, FirstBucket = first };
        }
    }

    private sealed class BoardBuilder(Roadmap roadmap, Buckets buckets)
    {
        private readonly List<MemberRow> _rows = [];
        private readonly List<MemberRow> _private = [];
        private readonly int[] _reached = new int[roadmap.Phases.Count + 1];
        private readonly int[] _modules = roadmap.Phases.Select(p => roadmap.PhaseItems(p.Id).Count(i => i.Kind == ItemKind.Module)).ToArray();
        private readonly int[] _milestoneItems = roadmap.Phases.Select(p => roadmap.PhaseItems(p.Id).Count(i => i.Kind == ItemKind.MilestoneItem)).ToArray();
        private readonly int _first = buckets.FirstBucket.GetValueOrDefault(roadmap.Id);

        public Roadmap Roadmap => roadmap;

        public int Count => _rows.Count + _private.Count;

        public void Add(DashboardMember m, List<BucketCount>? counts, DateOnly today)
        {
            var phases = roadmap.Phases.Count;
            var learned = new int[phases * 2];
            var excluded = new int[phases * 2];
            foreach (var c in counts ?? [])
            {
                var i = c.Bucket - _first;
                if (i >= 0 && i < phases * 2)
                {
                    learned[i] += c.Learned;
                    excluded[i] += c.Excluded;
                }
            }

            var percents = new int[phases];
            int? current = null;
            int allLearned = 0, allTotal = 0;
            for (var p = 0; p < phases; p++)
            {
                var total = _modules[p] + _milestoneItems[p] - excluded[2 * p] - excluded[(2 * p) + 1];
                var got = learned[2 * p] + learned[(2 * p) + 1];
                percents[p] = total <= 0 ? 100 : got * 100 / total;
                allLearned += got;
                allTotal += Math.Max(total, 0);
                var complete = learned[2 * p] + excluded[2 * p] >= _modules[p] && learned[(2 * p) + 1] >= _milestoneItems[p];
                if (!complete && current is null)
                {
                    current = p;
                }
            }

            // Reached phases: every phase up to the current one; all of them (and finished) when none is left open.
            var reached = current ?? phases;
            for (var p = 0; p <= Math.Min(reached, phases - 1); p++)
            {
                _reached[p]++;
            }

            if (current is null)
            {
                _reached[phases]++;
            }

            var last = Max(m.LastChangeOn, m.LastLogOn);
            var since = last ?? m.StartedOn;
            var row = new MemberRow(
                m.UserId,
                m.DisplayName,
                percents,
                allTotal == 0 ? 100 : allLearned * 100 / allTotal,
                roadmap.Phases[Math.Min(reached, phases - 1)].Id,
                last,
                Math.Max(0, today.DayNumber - since.DayNumber));
            (m.Privacy == PrivacyLevel.Private ? _private : _rows).Add(row);
        }

        public RoadmapBoard Build(CultureInfo culture)
        {
            var phases = roadmap.Phases;
            var columns = phases.Select(p => new PhaseColumn(p.Id, p.Number, p.Title)).ToList();
            var funnel = phases.Select((p, i) => new FunnelStep(p.Id, p.Number, p.Title, _reached[i])).ToList();
            PrivateRow? hidden = null;
            if (_private.Count > 0)
            {
                hidden = new PrivateRow(
                    _private.Count,
                    Enumerable.Range(0, phases.Count).Select(i => (int)Math.Round(_private.Average(r => r.PhasePercents[i]), MidpointRounding.AwayFromZero)).ToList(),
                    (int)Math.Round(_private.Average(r => r.OverallPercent), MidpointRounding.AwayFromZero),
                    _private.Count(r => r.Quiet));
            }

            var rows = _rows
                .OrderByDescending(r => r.DaysWithoutProgress)
                .ThenBy(r => r.DisplayName, StringComparer.Create(culture, CompareOptions.IgnoreCase))
                .ThenBy(r => r.UserId, StringComparer.Ordinal)
                .ToList();
            return new RoadmapBoard(roadmap.Id, roadmap.Title, columns, funnel, _reached[phases.Count], rows, hidden);
        }

        private static DateOnly? Max(DateOnly? a, DateOnly? b) => a is null ? b : b is null ? a : a > b ? a : b;
    }
}

/// <summary>The dashboard's words (Resources/Dashboard.resx) and the failure lines of <c>/studybot status</c> (Resources/Status.resx).</summary>
public static class DashboardWords
{
    public static DashboardTexts Rules(CultureInfo culture) => new(
        Text.Get(culture, "Dashboard.FunnelRule"),
        Text.Get(culture, "Dashboard.PercentRule"),
        Text.Get(culture, "Dashboard.QuietRule", DashboardView.QuietAfterDays),
        Text.Get(culture, "Dashboard.ActiveRule"),
        Text.Get(culture, "Dashboard.ReminderRule", DashboardView.ReminderDays, DashboardView.ResponseHours),
        Text.Get(culture, "Dashboard.PrivacyRule"),
        Text.Get(culture, "Dashboard.PrivateRow"));

    /// <summary>What was not delivered and what to do, worded as <c>/studybot status</c> words it.</summary>
    public static IEnumerable<string> Failures(CultureInfo culture, DeliveryReport report, string platform)
    {
        var name = platform is Platforms.Discord or Platforms.Slack ? DeliveryTexts.PlatformName(platform) : Text.Get(culture, "Status.Console");
        foreach (var group in report.Undelivered.Where(u => u.Count > 0).GroupBy(u => u.Reason).OrderBy(g => g.Key))
        {
            var count = group.Sum(u => u.Count);
            var messages = Format.Plural(count, Text.Get(culture, "Status.Message"), Text.Get(culture, "Status.Messages"), culture);
            var line = group.Key switch
            {
                UndeliveredReason.Refused => platform == Platforms.Discord
                    ? Text.Get(culture, "Status.RefusedDiscord", messages)
                    : Text.Get(culture, "Status.Refused", messages, name),
                UndeliveredReason.TooOld => Text.Get(culture, "Status.TooOld", messages, OutboxRetry.MaxAge.TotalDays.ToString("0", CultureInfo.InvariantCulture), name),
                UndeliveredReason.Unreadable => Text.Get(culture, "Status.Unreadable", messages),
                _ => null,
            };
            if (line is not null)
            {
                yield return line;
            }
        }
    }
}
