using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using StudyBot.Core.Commands;
using StudyBot.Core.Commands.Handlers;
using StudyBot.Core.Notifications;
using StudyBot.Core.Progress;
using StudyBot.Core.Roadmaps;

namespace StudyBot.Core.Focus;

/// <summary>
/// The focus job: ends running sessions (and breaks) whose time is up, each in one transaction with its end message in
/// the outbox (keyed by session and extension, due at the end moved past the member's quiet hours), and logs ended
/// sessions left unanswered for an hour after their message, for members with autolog on, through the focus log command.
/// </summary>
public sealed partial class FocusService(IServiceScopeFactory scopes, RoadmapCatalog roadmaps, CoreSettings settings, CommandCatalog catalog, TimeProvider time, ILogger<FocusService> logger)
{
    public const string JobName = "focus";

    public const int BatchSize = 200;

    /// <summary>One pass: sessions ended, then sessions logged automatically. Returns how many it handled.</summary>
    public async Task<int> RunAsync(CancellationToken cancellationToken) =>
        await EndDueAsync(cancellationToken) + await AutoLogAsync(cancellationToken);

    public async Task<int> EndDueAsync(CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        await using var scope = scopes.CreateAsyncScope();
        var store = scope.ServiceProvider.GetRequiredService<IFocusStore>();
        var due = await store.DueEndsAsync(now.UtcDateTime, BatchSize, cancellationToken);
        var ended = 0;
        foreach (var item in due)
        {
            try
            {
                var s = item.Session;
                var m = item.Member;
                var notifyAt = ReminderSchedule.AfterQuietHours(new DateTimeOffset(s.EndsAtUtc, TimeSpan.Zero), item.Quiet, item.TimeZoneId).UtcDateTime;
                // Written in the member's language, and the item's title too where the roadmap gives it in that language.
                var culture = Localization.Languages.Culture(item.Language);
                var title = s.ItemId is null ? null : roadmaps.Holding(s.ItemId, roadmaps.Get(item.RoadmapId)).In(item.Language).FindItem(s.ItemId)?.DisplayTitle;
                var reply = s.IsBreak ? FocusViews.BreakOver(culture) : FocusViews.Ended(title, s with { State = FocusState.Ended }, item.AutoLog, early: false, culture);
                var message = OutboxMessage.DirectTo(FocusRules.EndKey(m.Community.Platform, m.Community.ExternalId, s.Id, s.Extensions), FocusRules.OutboxKind, m, reply, notifyAt);
                if (await store.EndAsync(s.Id, s.Extensions, s.IsBreak ? FocusState.Done : FocusState.Ended, notifyAt, message, cancellationToken))
                {
                    ended++;
                }
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                LogEndFailed(ex, JobName, item.Session.Id);
            }
        }

        return ended;
    }

    public async Task<int> AutoLogAsync(CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        IReadOnlyList<DueFocusAutoLog> due;
        await using (var scope = scopes.CreateAsyncScope())
        {
            due = await scope.ServiceProvider.GetRequiredService<IFocusStore>().DueAutoLogsAsync((now - FocusRules.AutoLogAfter).UtcDateTime, BatchSize, cancellationToken);
        }

        var logged = 0;
        foreach (var item in due)
        {
            try
            {
                if (await AutoLogOneAsync(item, now, cancellationToken))
                {
                    logged++;
                }
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                LogAutoLogFailed(ex, JobName, item.SessionId);
            }
        }

        return logged;
    }

    /// <summary>Runs <c>/progress focus log &lt;session&gt;</c> for the member, as if they had pressed Log it, and commits it.</summary>
    private async Task<bool> AutoLogOneAsync(DueFocusAutoLog item, DateTimeOffset now, CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        var progress = scope.ServiceProvider.GetRequiredService<IProgressStore>();
        var handler = scope.ServiceProvider.GetRequiredService<FocusLogHandler>();
        var command = catalog.Find("progress focus log")!;
        var request = new CommandRequest(command.Path, new Dictionary<string, object> { ["session"] = item.SessionId });
        var defaults = new NewcomerDefaults(roadmaps.Default.Id, settings.DefaultTimeZone);
        IAsyncDisposable? held = null;
        try
        {
            while (true)
            {
                var snapshot = await progress.LoadAsync(item.Member, defaults, cancellationToken);
                var language = Localization.Languages.Resolve(snapshot.Member.Language, snapshot.Member.PlatformLocale, snapshot.Community.Language);
                var context = new CommandContext
                {
                    Who = item.Member,
                    Request = request,
                    Command = command,
                    Catalog = catalog,
                    Roadmap = roadmaps.ForMember(snapshot).In(language),
                    Snapshot = snapshot,
                    Now = now,
                    Language = language,
                };
                var result = await handler.HandleAsync(context, cancellationToken);
                if (result.Changes is null || result.Changes.IsEmpty)
                {
                    return false;
                }

                var commit = await progress.CommitAsync(item.Member, snapshot, result.Changes, cancellationToken);
                if (commit.Outcome == CommitOutcome.Stale && held is null)
                {
                    held = await progress.HoldWritesAsync(cancellationToken);
                    continue;
                }

                LogAutoLogged(item.SessionId, commit.Outcome);
                return commit.Outcome == CommitOutcome.Committed;
            }
        }
        finally
        {
            if (held is not null)
            {
                await held.DisposeAsync();
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Debug, Message = "Focus session {SessionId} logged automatically: {Outcome}")]
    private partial void LogAutoLogged(long sessionId, CommitOutcome outcome);

    [LoggerMessage(Level = LogLevel.Error, Message = "Job {Job}: ending focus session {SessionId} failed; it is tried again at the next run, the others go on")]
    private partial void LogEndFailed(Exception ex, string job, long sessionId);

    [LoggerMessage(Level = LogLevel.Error, Message = "Job {Job}: logging focus session {SessionId} automatically failed; it is tried again at the next run")]
    private partial void LogAutoLogFailed(Exception ex, string job, long sessionId);
}
