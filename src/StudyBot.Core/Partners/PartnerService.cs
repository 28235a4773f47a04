using System.Globalization;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using StudyBot.Core.Chat;
using StudyBot.Core.Commands;
using StudyBot.Core.Commands.Handlers;
using StudyBot.Core.Localization;
using StudyBot.Core.Notifications;
using StudyBot.Core.Progress;
using StudyBot.Core.Roadmaps;

namespace StudyBot.Core.Partners;

public sealed record MatchResult(int Matched, int Groups, int Waiting);

/// <summary>Runs partner matching (on demand or on each community's schedule) and offers rematches when a partner goes quiet.</summary>
public sealed partial class PartnerService(IServiceScopeFactory scopes, RoadmapCatalog roadmaps, CoreSettings settings, TimeProvider time, ILogger<PartnerService> logger, MemberText? memberText = null)
{
    private readonly MemberText _names = memberText ?? MemberText.None;

    public static readonly TimeSpan QuietAfter = TimeSpan.FromDays(14);

    /// <summary>The job's name, in its log lines.</summary>
    public const string JobName = "partners";

    public async Task<MatchResult> MatchAsync(CommunityRef community, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        await using var scope = scopes.CreateAsyncScope();
        var partners = scope.ServiceProvider.GetRequiredService<IPartnerStore>();
        var progress = scope.ServiceProvider.GetRequiredService<IProgressStore>();
        var pool = await partners.PoolAsync(community, cancellationToken);
        var candidates = new List<(PoolMember Member, MemberRef Ref, MemberSnapshot Snapshot, Roadmap Roadmap)>();
        foreach (var entry in pool)
        {
            var snapshot = await progress.LoadAsync(entry.Member, Defaults(), cancellationToken);
            var today = TimeZones.LocalDate(now, snapshot.Member.TimeZoneId);
            if (snapshot.Member.Preferences.Plan is not { } plan || snapshot.RestingOn(today) is not null)
            {
                continue;
            }

            var roadmap = roadmaps.ForMember(snapshot);
            var phase = ProgressMath.CurrentPhase(ProgressMath.Phases(roadmap, snapshot.StateOf));
            var member = new PoolMember(entry.MemberId, snapshot.Member.DisplayName, phase.Number, PartnerMatching.PaceOf(snapshot.Member), PartnerMatching.Windows(plan, snapshot.Member.TimeZoneId, now));
            candidates.Add((member, entry.Member, snapshot, roadmap));
        }

        var recent = await partners.RecentPairsAsync(community, (now - PartnerMatching.NoRepeatFor).UtcDateTime, cancellationToken);
        var groups = PartnerMatching.Match(candidates.Select(c => c.Member).ToList(), recent);
        var byId = candidates.ToDictionary(c => c.Member.MemberId);
        var created = groups.Select(g => new NewPartnership(
            g.Members.Select(m => m.MemberId).ToList(),
            g.Members.Select(m => Introduction(byId[m.MemberId], g.Members.Where(o => o != m).Select(o => byId[o.MemberId]).ToList(), g, now, _names.For(community.Platform))).ToList())).ToList();
        if (created.Count > 0)
        {
            await partners.CreateAsync(community, created, now.UtcDateTime, cancellationToken);
        }

        var matched = groups.Sum(g => g.Members.Count);
        LogMatched(community.ExternalId, matched, groups.Count, pool.Count - matched);
        return new MatchResult(matched, groups.Count, pool.Count - matched);
    }

    public async Task<int> RunScheduledAsync(CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        IReadOnlyList<DueMatching> due;
        await using (var scope = scopes.CreateAsyncScope())
        {
            due = await scope.ServiceProvider.GetRequiredService<IPartnerStore>().DueMatchingAsync(now.UtcDateTime, cancellationToken);
        }

        var runs = 0;
        foreach (var item in due)
        {
            try
            {
                if (item.Due)
                {
                    await MatchAsync(item.Community, cancellationToken);
                    runs++;
                }

                await using var scope = scopes.CreateAsyncScope();
                await scope.ServiceProvider.GetRequiredService<IPartnerStore>().SetNextMatchAsync(item.Community, NextMatch(item.Settings, now)?.UtcDateTime, cancellationToken);
            }
            catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
            {
                // One community's failure never holds up the others; its matching stays due and is tried at the next run.
                LogMatchingFailed(ex, JobName, item.Community.Platform, item.Community.ExternalId);
            }
        }

        return runs;
    }

    /// <summary>Offers a rematch, once, to members whose partner has been quiet for two weeks.</summary>
    public async Task<int> OfferRematchesAsync(CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        await using var scope = scopes.CreateAsyncScope();
        var partners = scope.ServiceProvider.GetRequiredService<IPartnerStore>();
        var quiet = await partners.QuietPartnersAsync((now - QuietAfter).UtcDateTime, 200, cancellationToken);
        foreach (var q in quiet)
        {
            var culture = Languages.Culture(q.Language);
            var reply = new Reply
            {
                Title = Text.Get(culture, "Partner.Rematch.Title"),
                Text = Text.Get(culture, "Partner.Rematch.Text", _names.Escape(q.Quiet.Community.Platform, q.Quiet.DisplayName)),
                Buttons = [new ReplyButton(Text.Get(culture, "Partner.FindNewButton"), "progress partner find", ButtonStyle.Primary), new ReplyButton(Text.Get(culture, "Partner.Rematch.NudgeButton"), "progress partner nudge")],
            };
            try
            {
                var message = Direct("rematch", q.OfferTo, reply, now, $"{q.PartnershipId}") with { Mentions = [q.Quiet.UserId] };
                await partners.OfferRematchAsync(q, message, now.UtcDateTime, cancellationToken);
            }
            catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
            {
                LogRematchFailed(ex, JobName, q.PartnershipId);
            }
        }

        return quiet.Count;
    }

    public static DateTimeOffset? NextMatch(Community community, DateTimeOffset after) =>
        community.Settings.PartnersDay is { } day && community.Settings.PartnersMinutes is { } minutes
            ? ReminderSchedule.NextOccurrence(new ReminderPlan(Clock.FromDayOfWeek(day), minutes, ReminderFrequency.Daily, null), community.TimeZoneId, after)
            : null;

    public static OutboxMessage Direct(string kind, MemberRef to, Reply reply, DateTimeOffset now, string discriminator) =>
        OutboxMessage.DirectTo($"{kind}:{to.Community.Platform}:{to.Community.ExternalId}:{to.UserId}:{discriminator}", kind, to, reply, now.UtcDateTime);

    /// <summary>The nudge a partner gets, in their language.</summary>
    public static Reply Nudge(string fromName, CultureInfo culture) => new()
    {
        Title = Text.Get(culture, "Partner.NudgeTitle"),
        Text = Text.Get(culture, "Partner.NudgeText", fromName),
        Buttons = [new ReplyButton(Text.Get(culture, "Partner.LogButton"), "progress log 30 practice", ButtonStyle.Primary), new ReplyButton(Text.Get(culture, "Partner.NextButton"), "progress next")],
    };

    /// <summary>The goodbye a partner gets when the other leaves, in their language.</summary>
    public static Reply Goodbye(string leaverName, CultureInfo culture) => new()
    {
        Title = Text.Get(culture, "Partner.EndedTitle"),
        Text = Text.Get(culture, "Partner.EndedText", leaverName),
        Buttons = [new ReplyButton(Text.Get(culture, "Partner.FindNewButton"), "progress partner find")],
    };

    private NewcomerDefaults Defaults() => new(roadmaps.Default.Id, settings.DefaultTimeZone);

    private static OutboxMessage Introduction(
        (PoolMember Member, MemberRef Ref, MemberSnapshot Snapshot, Roadmap Roadmap) me,
        IReadOnlyList<(PoolMember Member, MemberRef Ref, MemberSnapshot Snapshot, Roadmap Roadmap)> others,
        PartnerGroup group,
        DateTimeOffset now,
        Func<string, string> name)
    {
        // Written in the language of the member it goes to (their choice, their platform's, their community's).
        var culture = Languages.Culture(Languages.Resolve(me.Snapshot.Member.Language, me.Snapshot.Member.PlatformLocale, me.Snapshot.Community.Language));
        string T(string key, params object?[] args) => Text.Get(culture, key, args);
        var names = string.Join(T("Partner.And"), others.Select(o => name(o.Ref.DisplayName)));
        var phase = me.Roadmap.In(culture).Phases.First(p => p.Number == me.Member.Phase);
        var why = new List<string>
        {
            others.All(o => o.Member.Phase == me.Member.Phase) ? T("Partner.Intro.SamePhase", Format.PhaseName(phase, culture)) : T("Partner.Intro.NeighbourPhase"),
            me.Member.Pace switch
            {
                PaceGroup.FullTime => T("Partner.Intro.FullTime"),
                PaceGroup.Accelerated => T("Partner.Intro.Accelerated"),
                _ => T("Partner.Intro.PartTime"),
            },
            T("Partner.Intro.Overlap", Format.Minutes(group.OverlapMinutes, culture)),
        };
        var partnerLines = others.Select(o =>
        {
            var plan = o.Snapshot.Member.Preferences.Plan!;
            var theirPhase = o.Roadmap.In(culture).Phases.First(p => p.Number == o.Member.Phase);
            return T("Partner.Intro.Partner", name(o.Ref.DisplayName), Format.PhaseName(theirPhase, culture), RemindViews.Days(culture, plan.Days), Clock.Format(plan.MinutesOfDay), o.Snapshot.Member.TimeZoneId);
        });
        var reply = new Reply
        {
            Title = T(others.Count > 1 ? "Partner.Intro.TitleMany" : "Partner.Intro.Title", names),
            Text = $"{T("Partner.Intro.Because", string.Join(", ", why))}\n{string.Join('\n', partnerLines)}\n{T("Partner.Intro.Close")}",
            Buttons =
            [
                new ReplyButton(T("Partner.StatusButton"), "progress partner status", ButtonStyle.Primary),
                new ReplyButton(T("Partner.NudgeButton"), "progress partner nudge"),
            ],
        };
        return Direct("partner-intro", me.Ref, reply, now, $"{now:yyyyMMddHHmm}") with { Mentions = others.Select(o => o.Ref.UserId).ToList() };
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Partner matching in {Community}: {Matched} members in {Groups} groups, {Waiting} waiting")]
    private partial void LogMatched(string community, int matched, int groups, int waiting);

    [LoggerMessage(Level = LogLevel.Error, Message = "Job {Job}: partner matching in {Platform} community {Community} failed; it is tried again at the next run, the others go on")]
    private partial void LogMatchingFailed(Exception ex, string job, string platform, string community);

    [LoggerMessage(Level = LogLevel.Error, Message = "Job {Job}: the rematch offer for partnership {PartnershipId} failed; it is tried again at the next run, the others go on")]
    private partial void LogRematchFailed(Exception ex, string job, long partnershipId);
}

/// <summary>Weeks in a row in which every member of a partnership met their weekly goal.</summary>
public static class PartnerStreak
{
    public static int Compute(IReadOnlyList<StreakStatus> members, DateOnly since, DateOnly today)
    {
        if (members.Count < 2 || members.Any(m => m.Goal is null))
        {
            return 0;
        }

        var met = members.Select(m => m.Weeks.Where(w => w.Met).Select(w => w.WeekStart).ToHashSet()).ToList();
        var week = TimeZones.WeekStart(today);
        var streak = 0;
        if (met.All(m => m.Contains(week)))
        {
            streak++;
        }

        for (week = week.AddDays(-7); week >= TimeZones.WeekStart(since); week = week.AddDays(-7))
        {
            if (!met.All(m => m.Contains(week)))
            {
                break;
            }

            streak++;
        }

        return streak;
    }
}
