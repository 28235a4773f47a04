using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using StudyBot.Core.Cards;
using StudyBot.Core.Chat;
using StudyBot.Core.Commands;
using StudyBot.Core.Progress;
using StudyBot.Core.Roadmaps;

namespace StudyBot.Core.Notifications;

/// <summary>
/// Finds the members whose reminder is due, decides for each (send, defer, skip) and writes the message to the
/// outbox together with the member's new schedule, one member at a time, each in its own transaction.
/// </summary>
public sealed partial class ReminderService(IServiceScopeFactory scopes, RoadmapCatalog roadmaps, CoreSettings settings, TimeProvider time, ILogger<ReminderService> logger)
{
    public const int BatchSize = 200;

    /// <summary>The job's name, in its log lines.</summary>
    public const string JobName = "reminders";

    public async Task<int> RunDueAsync(CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var handled = 0;
        var seen = new HashSet<(string, string, string, DateTime)>();
        while (true)
        {
            await using var scope = scopes.CreateAsyncScope();
            var reminders = scope.ServiceProvider.GetRequiredService<IReminderStore>();
            var progress = scope.ServiceProvider.GetRequiredService<IProgressStore>();
            var due = await reminders.DueAsync(now.UtcDateTime, BatchSize, cancellationToken);
            var fresh = due.Where(d => seen.Add((d.Member.Community.Platform, d.Member.Community.ExternalId, d.Member.UserId, d.DueAtUtc))).ToList();
            if (fresh.Count == 0)
            {
                return handled;
            }

            foreach (var item in fresh)
            {
                try
                {
                    await HandleAsync(reminders, progress, item, now, cancellationToken);
                    handled++;
                }
                catch (Exception ex) when (ex is not OperationCanceledException)
                {
                    LogReminderFailed(ex, JobName, item.Member.Community.Platform, item.Member.UserId);
                }
            }
        }
    }

    private async Task HandleAsync(IReminderStore reminders, IProgressStore progress, DueReminder due, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var snapshot = await progress.LoadAsync(due.Member, new NewcomerDefaults(roadmaps.Default.Id, settings.DefaultTimeZone), cancellationToken);
        var member = snapshot.Member;
        var zone = member.TimeZoneId;
        var weekStart = ReminderSchedule.ToInstant(TimeZones.WeekStart(TimeZones.LocalDate(now, zone)), 0, zone);
        var sent = await reminders.SentSinceAsync(due.Member, weekStart.UtcDateTime, cancellationToken);
        var decision = ReminderPlanner.Decide(member.Preferences, member.Reminders, zone, snapshot.Rest, snapshot.Community.Settings.RemindersMaxPerWeek, sent, now);
        var state = decision.State;

        // The recipient's language, from their row: their choice, else their platform's last locale, else the community's.
        var language = Localization.Languages.Resolve(member.Language, member.PlatformLocale, snapshot.Community.Language);
        OutboxMessage? message = null;
        if (decision.Action == ReminderAction.SendReminder)
        {
            var template = ReminderComposer.PickTemplate(member.Reminders.LastTemplate, new DateTimeOffset(due.DueAtUtc, TimeSpan.Zero));
            var reply = ReminderComposer.Reminder(roadmaps.ForMember(snapshot).In(language), snapshot, snapshot.Rest, member.Preferences, now, template, language);
            message = Direct(OutboxKinds.Reminder, due, reply, now);
            state = state with { LastTemplate = template };
        }
        else if (decision.Action == ReminderAction.SendFreshStart)
        {
            message = Direct(OutboxKinds.FreshStart, due, ReminderComposer.FreshStart(snapshot, now, language), now);
        }

        var applied = await reminders.ApplyAsync(due.Member, due.DueAtUtc, state, message, cancellationToken);
        LogDecision(due.Member.UserId, decision.Action, decision.Why, applied);
    }

    private static OutboxMessage Direct(string kind, DueReminder due, Reply reply, DateTimeOffset now) => new(
        $"{kind}:{due.Member.Community.Platform}:{due.Member.Community.ExternalId}:{due.Member.UserId}:{due.DueAtUtc:yyyyMMddHHmm}",
        kind,
        OutboxTarget.DirectMessage,
        due.Member.Community.Platform,
        due.Member.Community.ExternalId,
        due.Member.Community.Name,
        due.Member.UserId,
        due.Member.DisplayName,
        reply,
        now.UtcDateTime);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Reminder for {UserId}: {Action} ({Why}), saved: {Applied}")]
    private partial void LogDecision(string userId, ReminderAction action, string why, bool applied);

    [LoggerMessage(Level = LogLevel.Error, Message = "Job {Job}: the reminder for {Platform} user {UserId} failed; it is tried again at the next run, the others go on")]
    private partial void LogReminderFailed(Exception ex, string job, string platform, string userId);
}

/// <summary>
/// Turns completion events into celebrations: in the community's celebration channel, by DM or not at all,
/// as the member chose. A short grace period lets an immediate undo withdraw the celebration.
/// </summary>
/// <remarks>
/// With a progress card renderer registered, the member's card travels with the celebration as an image: always in
/// a DM, in the channel only for members whose privacy is public (the card shows their goal, streak and pace). When a
/// batch holds several completions of one member (a milestone and its phase), only the last carries the card.
/// </remarks>
public sealed partial class CelebrationService(
    IServiceScopeFactory scopes,
    RoadmapCatalog roadmaps,
    CoreSettings settings,
    TimeProvider time,
    IEnumerable<IProgressCardRenderer> cardRenderers,
    ILogger<CelebrationService> logger,
    MemberText? memberText = null)
{
    private readonly MemberText _names = memberText ?? MemberText.None;

    public static readonly TimeSpan Grace = TimeSpan.FromSeconds(10);

    /// <summary>The job's name, in its log lines.</summary>
    public const string JobName = "celebrations";

    /// <summary>A card bigger than this is left off, so an outbox row stays small (the card is base64 in its JSON).</summary>
    public const int MaxCardBytes = 256 * 1024;

    private readonly IProgressCardRenderer? _cards = cardRenderers.LastOrDefault();

    public async Task<int> RunAsync(CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        await using var scope = scopes.CreateAsyncScope();
        var store = scope.ServiceProvider.GetRequiredService<ICelebrationStore>();
        var progress = scope.ServiceProvider.GetRequiredService<IProgressStore>();
        var pending = await store.PendingAsync((now - Grace).UtcDateTime, 200, cancellationToken);
        var lastOfMember = pending
            .GroupBy(c => (c.Member.Community.Platform, c.Member.Community.ExternalId, c.Member.UserId))
            .Select(g => g.Last().EventId)
            .ToHashSet();
        foreach (var celebration in pending)
        {
            // The celebration continues the trace of the command that reached it; its outbox row carries this span on.
            using var span = Telemetry.StudyBotTrace.StartContinuing("celebration", celebration.TraceParent);
            span?.SetTag("studybot.platform", celebration.Member.Community.Platform);
            try
            {
                var snapshot = await progress.LoadAsync(celebration.Member, new NewcomerDefaults(roadmaps.Default.Id, settings.DefaultTimeZone), cancellationToken);
                // The roadmap the phase or milestone is in: the member may have switched roadmaps since they completed it.
                var roadmap = roadmaps.Holding(celebration.Completion.TargetId, roadmaps.ForMember(snapshot));
                var message = await ComposeAsync(store, roadmap, snapshot, celebration, now, _names.For(celebration.Member.Community.Platform), cancellationToken);
                if (message is not null && lastOfMember.Contains(celebration.EventId))
                {
                    message = WithCard(message, roadmap, snapshot, now);
                }

                await store.ApplyAsync(celebration.EventId, message, now.UtcDateTime, cancellationToken);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                LogCelebrationFailed(ex, JobName, celebration.EventId);
            }
        }

        return pending.Count;
    }

    private static async Task<OutboxMessage?> ComposeAsync(ICelebrationStore store, Roadmap roadmap, MemberSnapshot snapshot, PendingCelebration celebration, DateTimeOffset now, Func<string, string> name, CancellationToken cancellationToken)
    {
        var prefs = snapshot.Member.Preferences;
        var choice = prefs.Celebrate;
        if (choice == CelebrationChoice.None)
        {
            return null;
        }

        // A private member's wins are celebrated with them, not in front of everyone.
        var channel = snapshot.Community.Settings.CelebrationChannel;
        var toChannel = choice == CelebrationChoice.Public && prefs.Privacy != PrivacyLevel.Private && channel is not null;
        // A post in the channel is in the community's language; a DM in the member's (their choice, platform, community).
        var language = toChannel
            ? Localization.Languages.Resolve(null, null, snapshot.Community.Language)
            : Localization.Languages.Resolve(snapshot.Member.Language, snapshot.Member.PlatformLocale, snapshot.Community.Language);
        roadmap = roadmap.In(language);
        var (phaseId, estimate) = celebration.Completion.Kind == CompletionKind.Milestone
            ? (roadmap.Milestones.First(m => m.Id == celebration.Completion.TargetId).PhaseId, roadmap.Milestones.First(m => m.Id == celebration.Completion.TargetId).Duration)
            : (celebration.Completion.TargetId, EstimateFor(roadmap, snapshot.Member, celebration.Completion.TargetId));
        var items = roadmap.PhaseItems(phaseId).Select(i => i.Id).ToList();
        var started = await store.FirstActivityAsync(celebration.Member, items, cancellationToken);
        var took = started is { } s ? celebration.AtUtc - s : (TimeSpan?)null;
        var reply = Celebrations.ForCommunity(roadmap, celebration.Completion, name(snapshot.Member.DisplayName), took, estimate, snapshot.StateOf, toChannel, Localization.Languages.Culture(language));
        var m = celebration.Member;
        return new OutboxMessage(
            $"{OutboxKinds.Celebration}:{m.Community.Platform}:{m.Community.ExternalId}:{celebration.EventId}",
            OutboxKinds.Celebration,
            toChannel ? OutboxTarget.Channel : OutboxTarget.DirectMessage,
            m.Community.Platform,
            m.Community.ExternalId,
            m.Community.Name,
            toChannel ? channel! : m.UserId,
            toChannel ? channel! : m.DisplayName,
            reply,
            now.UtcDateTime);
    }

    private static string EstimateFor(Roadmap roadmap, MemberProfile member, string phaseId)
    {
        var row = roadmap.EstimateFor(phaseId);
        return row is null ? "" : member.Pace == PaceKind.FullTime ? row.FullTime.ToString() : row.PartTime.ToString();
    }

    /// <summary>Adds the member's progress card, where their privacy allows it; a failed drawing never holds up the celebration.</summary>
    private OutboxMessage WithCard(OutboxMessage message, Roadmap roadmap, MemberSnapshot snapshot, DateTimeOffset now)
    {
        if (_cards is null || (message.Target == OutboxTarget.Channel && snapshot.Member.Preferences.Privacy != PrivacyLevel.Public))
        {
            return message;
        }

        var card = ProgressCard.From(snapshot, roadmap, now);
        byte[] png;
        try
        {
            png = _cards.RenderPng(card);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            LogCardFailed(ex, message.Key);
            return message;
        }

        if (png.Length is 0 or > MaxCardBytes)
        {
            LogCardSize(message.Key, png.Length);
            return message;
        }

        return message with { Message = message.Message with { Attachments = [.. message.Message.Attachments, card.ToAttachment(png)] } };
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "Job {Job}: the celebration of completion event {EventId} failed; it is tried again at the next run, the others go on")]
    private partial void LogCelebrationFailed(Exception ex, string job, long eventId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "The progress card for {Key} could not be drawn; the celebration goes without it")]
    private partial void LogCardFailed(Exception ex, string key);

    [LoggerMessage(Level = LogLevel.Warning, Message = "The progress card for {Key} is {Bytes} bytes, outside what an outbox row takes; the celebration goes without it")]
    private partial void LogCardSize(string key, int bytes);
}

/// <summary>Posts each community's weekly leaderboard at its scheduled local time, once per week.</summary>
public sealed partial class LeaderboardService(IServiceScopeFactory scopes, TimeProvider time, ILogger<LeaderboardService> logger, MemberText? memberText = null)
{
    private readonly MemberText _names = memberText ?? MemberText.None;

    /// <summary>The job's name, in its log lines.</summary>
    public const string JobName = "leaderboards";

    public async Task<int> RunDueAsync(CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        await using var scope = scopes.CreateAsyncScope();
        var schedule = scope.ServiceProvider.GetRequiredService<ILeaderboardScheduleStore>();
        var boards = scope.ServiceProvider.GetRequiredService<ILeaderboardStore>();
        var due = await schedule.DueAsync(now.UtcDateTime, 100, cancellationToken);
        var posted = 0;
        foreach (var item in due)
        {
            try
            {
                var settings = item.Settings.Settings;
                var zone = item.Settings.TimeZoneId;
                var next = NextPost(settings, zone, now);
                if (item.DueAtUtc == default)
                {
                    await schedule.ApplyAsync(item.Community, next.UtcDateTime, null, cancellationToken);
                    continue;
                }

                OutboxMessage? message = null;
                var lastWeek = TimeZones.WeekStart(TimeZones.LocalDate(now, zone)).AddDays(-7);
                if (settings.LeaderboardChannel is { } channel)
                {
                    var cutoff = Leaderboards.BeginnerCutoff(lastWeek.AddDays(6));
                    var top = await boards.TopAsync(item.Community, new BoardQuery(BoardPeriod.Week, BoardMetric.Points, lastWeek, cutoff, Leaderboards.PostSize), cancellationToken);
                    var consistent = await boards.TopAsync(item.Community, new BoardQuery(BoardPeriod.Week, BoardMetric.Consistency, lastWeek, cutoff, 3), cancellationToken);
                    var improved = await boards.TopAsync(item.Community, new BoardQuery(BoardPeriod.Week, BoardMetric.Improved, lastWeek, cutoff, 3), cancellationToken);
                    // Names members chose (and the community's) are written as the platform shows them as typed.
                    var name = _names.For(item.Community.Platform);
                    IReadOnlyList<BoardEntry> Named(IReadOnlyList<BoardEntry> entries) => [.. entries.Select(e => e with { DisplayName = name(e.DisplayName) })];
                    var culture = Localization.Languages.Culture(Localization.Languages.Resolve(null, null, item.Settings.Language));
                    var reply = Leaderboards.WeeklyPost(name(item.Community.Name), lastWeek, Named(top), Named(consistent), Named(improved), culture);
                    var named = top.Concat(consistent).Concat(improved).Select(e => e.UserId).ToHashSet();
                    if (await BestPartnerStreakAsync(scope.ServiceProvider, item.Community, now, name, cancellationToken, culture) is { } best)
                    {
                        reply = reply with { Fields = [.. reply.Fields.SkipLast(1), new ReplyField(Localization.Text.Get(culture, "Board.Post.Partners"), best.Line), reply.Fields[^1]] };
                        named.UnionWith(best.Members);
                    }

                    message = new OutboxMessage(
                        $"{OutboxKinds.Leaderboard}:{item.Community.Platform}:{item.Community.ExternalId}:{lastWeek:yyyy-MM-dd}",
                        OutboxKinds.Leaderboard,
                        OutboxTarget.Channel,
                        item.Community.Platform,
                        item.Community.ExternalId,
                        item.Community.Name,
                        channel,
                        channel,
                        reply,
                        now.UtcDateTime)
                    {
                        Mentions = [.. named],
                    };
                    posted++;
                }

                await schedule.ApplyAsync(item.Community, next.UtcDateTime, message, cancellationToken);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                LogLeaderboardFailed(ex, JobName, item.Community.Platform, item.Community.ExternalId);
            }
        }

        return posted;
    }

    /// <summary>The longest partner streak among partnerships whose members all allow being shown, as a line, with who it names.</summary>
    private static async Task<(string Line, IReadOnlyList<string> Members)?> BestPartnerStreakAsync(IServiceProvider services, CommunityRef community, DateTimeOffset now, Func<string, string> name, CancellationToken cancellationToken, System.Globalization.CultureInfo? culture = null)
    {
        var partners = services.GetRequiredService<Partners.IPartnerStore>();
        var progress = services.GetRequiredService<IProgressStore>();
        var defaults = new NewcomerDefaults("", "UTC");
        (int Weeks, IReadOnlyList<MemberRef> Group)? best = null;
        foreach (var group in await partners.ActiveAsync(community, 500, cancellationToken))
        {
            var streaks = new List<StreakStatus>();
            var shown = true;
            DateOnly today = default;
            foreach (var member in group)
            {
                var snapshot = await progress.LoadAsync(member, defaults, cancellationToken);
                shown &= snapshot.Member.Preferences.Privacy != PrivacyLevel.Private;
                today = TimeZones.LocalDate(now, snapshot.Member.TimeZoneId);
                streaks.Add(Streaks.Compute(snapshot.Goals, snapshot.Days, today, ReminderComposer.PausedWeeks(snapshot.Rest, today)));
            }

            var weeks = Partners.PartnerStreak.Compute(streaks, DateOnly.MinValue, today);
            if (shown && weeks > 0 && (best is null || weeks > best.Value.Weeks))
            {
                best = (weeks, group);
            }
        }

        return best is { } b
            ? (Leaderboards.PartnerStreakField(b.Group.Select(m => name(m.DisplayName)), b.Weeks, culture).Value, b.Group.Select(m => m.UserId).ToList())
            : null;
    }

    public static DateTimeOffset NextPost(CommunitySettings settings, string zone, DateTimeOffset after)
    {
        var plan = new ReminderPlan(Clock.FromDayOfWeek(settings.LeaderboardDay), settings.LeaderboardMinutes, ReminderFrequency.Daily, null);
        return ReminderSchedule.NextOccurrence(plan, zone, after) ?? after.AddDays(7);
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "Job {Job}: the leaderboard of {Platform} community {Community} failed; it is tried again at the next run, the others go on")]
    private partial void LogLeaderboardFailed(Exception ex, string job, string platform, string community);
}
