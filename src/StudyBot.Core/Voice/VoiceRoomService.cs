using System.Collections.Concurrent;
using System.Threading.Channels;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using StudyBot.Core.Chat;
using StudyBot.Core.Commands;
using StudyBot.Core.Notifications;
using StudyBot.Core.Operations;
using StudyBot.Core.Progress;
using StudyBot.Core.Roadmaps;

namespace StudyBot.Core.Voice;

/// <summary>
/// Turns voice presence into study time. Adapters report what they see (a member's voice state, the voice states of a guild
/// that became available after a (re)connect, a guild going away); this service decides, one event at a time in arrival
/// order, which intervals open and close, and credits a closed interval of at least <see cref="MinimumMinutes"/> through
/// the same path as <c>/progress log</c> (points, daily cap, balance, goals, streaks) with <see cref="StudySource.Voice"/>.
/// <list type="bullet">
/// <item>Only members who started with StudyBot and did not choose <c>/progress me rooms ignore</c> are tracked; a voice
/// state of a member StudyBot has never seen is skipped (debug log).</item>
/// <item>Deafened time does not count: deafening closes the interval, undeafening opens a new one. A move from room A to
/// room B closes A's and opens B's; a move to a channel that is no room closes.</item>
/// <item>An interval's last-seen time moves with each event and with <see cref="HeartbeatAsync"/> (a job, every minute,
/// while the platform connection is up). After a reconnect, the guild's voice states close every open interval at its
/// last-seen time; a member still sitting there gets a new interval from the reconnect, so nothing is stretched over
/// the outage. Only a gap no longer than <see cref="MaxSilence"/> (a heartbeat missed, not an outage) is bridged.</item>
/// <item>Crediting is idempotent: the study log is committed with a receipt keyed by the interval ("voice:&lt;id&gt;"), so a
/// retry after a crash between the commit and marking the interval counted commits nothing twice.</item>
/// </list>
/// </summary>
public sealed partial class VoiceRoomService : IAsyncDisposable, IDisposable
{
    /// <summary>An interval shorter than this (not deafened) counts nothing.</summary>
    public const int MinimumMinutes = 5;

    /// <summary>What the study log says it was.</summary>
    public const StudyKind Kind = StudyKind.Practice;

    public const string LogNote = "Voice study room";

    /// <summary>The longest silence bridged without closing: two heartbeats (a job run late), never an outage.</summary>
    public static readonly TimeSpan MaxSilence = TimeSpan.FromMinutes(2);

    /// <summary>An open interval of a community not connected here, unseen for this long, is closed at its last-seen time.</summary>
    public static readonly TimeSpan AbandonAfter = TimeSpan.FromMinutes(10);

    private readonly IServiceScopeFactory _scopes;
    private readonly RoadmapCatalog _roadmaps;
    private readonly TimeProvider _time;
    private readonly ConnectionStates? _connections;
    private readonly IEnumerable<IVoicePresenceListener> _listeners;
    private readonly ILogger<VoiceRoomService> _logger;
    private readonly Channel<Work> _queue = Channel.CreateUnbounded<Work>(new UnboundedChannelOptions { SingleReader = true });
    private readonly ConcurrentDictionary<(string Platform, string Community), CommunityRef> _live = new();
    private readonly CancellationTokenSource _stop = new();
    private readonly Lazy<Task> _loop;
    private long _processed;
    private long _skipped;
    private long _received;

    public VoiceRoomService(
        IServiceScopeFactory scopes,
        RoadmapCatalog roadmaps,
        TimeProvider time,
        IEnumerable<IVoicePresenceListener> listeners,
        ILogger<VoiceRoomService> logger,
        ConnectionStates? connections = null)
    {
        _scopes = scopes;
        _roadmaps = roadmaps;
        _time = time;
        _listeners = listeners;
        _logger = logger;
        _connections = connections;
        _loop = new Lazy<Task>(() => Task.Run(RunAsync));
    }

    /// <summary>Voice states and guild snapshots handed in so far (for tests).</summary>
    public long Received => Interlocked.Read(ref _received);

    /// <summary>Events handled so far (for tests).</summary>
    public long Processed => Interlocked.Read(ref _processed);

    /// <summary>Voice states skipped: members StudyBot never saw (for tests).</summary>
    public long Skipped => Interlocked.Read(ref _skipped);

    private sealed record Work(Func<CancellationToken, Task> Run, TaskCompletionSource? Done, string What);

    /// <summary>A member's voice state changed (Discord VOICE_STATE_UPDATE), seen at <paramref name="atUtc"/>. Returns at once.</summary>
    public void VoiceStateChanged(CommunityRef community, VoiceState state, DateTime atUtc)
    {
        Interlocked.Increment(ref _received);
        Post(ct => OnStateAsync(community, state, atUtc, ct), "voice state");
    }

    /// <summary>The community is available with these voice states (Discord GUILD_CREATE, after a connect or reconnect). Returns at once.</summary>
    public void CommunityAvailable(CommunityRef community, IReadOnlyList<VoiceState> states, DateTime atUtc)
    {
        _live[(community.Platform, community.ExternalId)] = community;
        Interlocked.Increment(ref _received);
        Post(ct => OnAvailableAsync(community, states, atUtc, ct), "guild voice states");
    }

    /// <summary>The community went away (an outage or the bot removed): its intervals are no longer seen from here.</summary>
    public void CommunityUnavailable(CommunityRef community) => _live.TryRemove((community.Platform, community.ExternalId), out _);

    /// <summary>Waits until everything posted before this call is handled (for tests and the job).</summary>
    public Task IdleAsync(CancellationToken cancellationToken = default) => RunQueuedAsync(_ => Task.CompletedTask, "idle", cancellationToken);

    /// <summary>
    /// The periodic beat: moves last-seen forward for open intervals of communities connected here (when every platform
    /// connection of this process is up), closes intervals of communities not seen for <see cref="AbandonAfter"/> at their
    /// last-seen time, and credits closed intervals still uncounted. Runs in line with the events.
    /// </summary>
    public Task HeartbeatAsync(CancellationToken cancellationToken) => RunQueuedAsync(BeatAsync, "heartbeat", cancellationToken);

    /// <summary>An admin removed a room: intervals open in it close now (and count).</summary>
    public Task RoomRemovedAsync(CommunityRef community, string channelId, CancellationToken cancellationToken) =>
        RunQueuedAsync(ct => CloseWhereAsync(community, null, i => i.ChannelId == channelId, ct), "room removed", cancellationToken);

    /// <summary>A member chose not to be tracked: their open interval closes now (the time until now counts).</summary>
    public Task MemberIgnoredAsync(CommunityRef community, string userId, CancellationToken cancellationToken) =>
        RunQueuedAsync(ct => CloseWhereAsync(community, userId, _ => true, ct), "member ignored", cancellationToken);

    private void Post(Func<CancellationToken, Task> run, string what)
    {
        _ = _loop.Value;
        _queue.Writer.TryWrite(new Work(run, null, what));
    }

    private async Task RunQueuedAsync(Func<CancellationToken, Task> run, string what, CancellationToken cancellationToken)
    {
        _ = _loop.Value;
        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        if (!_queue.Writer.TryWrite(new Work(run, done, what)))
        {
            return;
        }

        await done.Task.WaitAsync(cancellationToken);
    }

    private async Task RunAsync()
    {
        try
        {
            await foreach (var work in _queue.Reader.ReadAllAsync(_stop.Token))
            {
                try
                {
                    await work.Run(_stop.Token);
                    work.Done?.TrySetResult();
                }
                catch (OperationCanceledException) when (_stop.IsCancellationRequested)
                {
                    work.Done?.TrySetCanceled();
                    return;
                }
                catch (Exception ex)
                {
                    // A database away or a bug: logged, and the next event still runs. Uncounted intervals are retried by the heartbeat.
                    LogFailed(ex, work.What);
                    if (work.Done is { } d)
                    {
                        d.TrySetException(ex);
                    }
                }
                finally
                {
                    Interlocked.Increment(ref _processed);
                }
            }
        }
        catch (OperationCanceledException) when (_stop.IsCancellationRequested)
        {
        }
    }

    private async Task OnStateAsync(CommunityRef community, VoiceState state, DateTime at, CancellationToken ct)
    {
        await using var scope = _scopes.CreateAsyncScope();
        var store = scope.ServiceProvider.GetRequiredService<IVoiceRoomStore>();
        var member = await store.MemberAsync(community, state.UserId, ct);
        if (member is null)
        {
            Interlocked.Increment(ref _skipped);
            LogUnknownMember(community.Platform);
            return;
        }

        await TellListenersAsync(community, state, at, ct);
        var open = await store.OpenAsync(community, state.UserId, ct);
        string? want = null;
        if (member.Started && !member.Ignored && !state.Deafened && state.ChannelId is { } channel)
        {
            var rooms = await store.RoomsAsync(community, ct);
            want = rooms.Any(r => r.ChannelId == channel) ? channel : null;
        }

        var keep = want is null ? null : open.FirstOrDefault(i => i.ChannelId == want);
        if (keep is not null)
        {
            // The same room again (a repeated event, a mute, a video toggle): still there. Events come from a live
            // connection, so the time since the last one was spent there; outages are settled by the guild's voice states.
            await store.TouchAsync([keep.Id], at, ct);
            open = open.Where(i => i.Id != keep.Id).ToList();
            want = null;
        }

        foreach (var interval in open)
        {
            // Closed where the bot last saw them, or now if this event is later; an event older than the last sight changes nothing back.
            await CloseAndCreditAsync(scope.ServiceProvider, store, community, interval, at > interval.LastSeenAtUtc ? at : interval.LastSeenAtUtc, ct);
        }

        if (want is not null)
        {
            await store.OpenIntervalAsync(community, member.MemberId, want, at, ct);
        }
    }

    private async Task OnAvailableAsync(CommunityRef community, IReadOnlyList<VoiceState> states, DateTime at, CancellationToken ct)
    {
        await using var scope = _scopes.CreateAsyncScope();
        var store = scope.ServiceProvider.GetRequiredService<IVoiceRoomStore>();
        var rooms = (await store.RoomsAsync(community, ct)).Select(r => r.ChannelId).ToHashSet(StringComparer.Ordinal);
        var present = new Dictionary<string, VoiceState>(StringComparer.Ordinal);
        foreach (var state in states)
        {
            present[state.UserId] = state;
        }

        var continuing = new HashSet<string>(StringComparer.Ordinal);
        foreach (var interval in await store.OpenAsync(community, null, ct))
        {
            var still = present.TryGetValue(interval.UserId, out var s) && s.ChannelId == interval.ChannelId && !s.Deafened && rooms.Contains(interval.ChannelId);
            if (still && at - interval.LastSeenAtUtc <= MaxSilence)
            {
                await store.TouchAsync([interval.Id], at, ct);
                continuing.Add(interval.UserId);
                continue;
            }

            // Never over the outage: the interval ends where the bot last saw the member.
            await CloseAndCreditAsync(scope.ServiceProvider, store, community, interval, interval.LastSeenAtUtc, ct);
        }

        foreach (var state in present.Values)
        {
            if (continuing.Contains(state.UserId) || state.Deafened || state.ChannelId is not { } channel || !rooms.Contains(channel))
            {
                continue;
            }

            var member = await store.MemberAsync(community, state.UserId, ct);
            if (member is null)
            {
                Interlocked.Increment(ref _skipped);
                LogUnknownMember(community.Platform);
                continue;
            }

            if (member.Started && !member.Ignored)
            {
                await store.OpenIntervalAsync(community, member.MemberId, channel, at, ct);
            }
        }
    }

    private async Task BeatAsync(CancellationToken ct)
    {
        var now = _time.GetUtcNow().UtcDateTime;
        await using var scope = _scopes.CreateAsyncScope();
        var store = scope.ServiceProvider.GetRequiredService<IVoiceRoomStore>();
        foreach (var community in _live.Values)
        {
            if (!AllConnected(community.Platform))
            {
                continue;
            }

            var open = await store.OpenAsync(community, null, ct);
            if (open.Count > 0)
            {
                await store.TouchAsync(open.Select(i => i.Id).ToList(), now, ct);
            }
        }

        // A community not connected here (the bot removed, a guild that never came back): its intervals end where last seen.
        foreach (var community in await store.CommunitiesWithOpenAsync(ct))
        {
            if (!Watching(community))
            {
                await CloseWhereAsync(community, null, i => now - i.LastSeenAtUtc > AbandonAfter, ct, atLastSeen: true);
            }
        }

        foreach (var pending in await store.PendingAsync(100, ct))
        {
            await CreditAsync(scope.ServiceProvider, store, pending, ct);
        }
    }

    private bool Watching(CommunityRef community) => _live.ContainsKey((community.Platform, community.ExternalId)) && AllConnected(community.Platform);

    private bool AllConnected(string platform)
    {
        if (_connections is null)
        {
            return true;
        }

        var mine = _connections.Snapshot().Where(c => c.Platform == platform).ToList();
        return mine.Count > 0 && mine.All(c => c.State == ConnectionState.Connected);
    }

    private async Task CloseWhereAsync(CommunityRef community, string? userId, Func<VoiceInterval, bool> which, CancellationToken ct, bool atLastSeen = false)
    {
        var now = _time.GetUtcNow().UtcDateTime;
        await using var scope = _scopes.CreateAsyncScope();
        var store = scope.ServiceProvider.GetRequiredService<IVoiceRoomStore>();
        foreach (var interval in (await store.OpenAsync(community, userId, ct)).Where(which))
        {
            // Seen live (the community is connected here): they were there until now. Otherwise only until the last sight.
            var end = atLastSeen || !Watching(community) ? interval.LastSeenAtUtc : now;
            await CloseAndCreditAsync(scope.ServiceProvider, store, community, interval, end, ct);
        }
    }

    private async Task CloseAndCreditAsync(IServiceProvider services, IVoiceRoomStore store, CommunityRef community, VoiceInterval interval, DateTime end, CancellationToken ct)
    {
        if (end < interval.StartedAtUtc)
        {
            end = interval.StartedAtUtc;
        }

        if (await store.CloseIntervalAsync(interval.Id, end, ct))
        {
            await CreditAsync(services, store, new PendingInterval(interval.Id, community, interval.UserId, interval.StartedAtUtc, end), ct);
        }
    }

    /// <summary>Minutes an interval is worth before the daily cap: whole minutes, nothing under <see cref="MinimumMinutes"/>.</summary>
    public static int Worth(DateTime startedAtUtc, DateTime endedAtUtc)
    {
        var minutes = (int)Math.Floor((endedAtUtc - startedAtUtc).TotalMinutes);
        return minutes < MinimumMinutes ? 0 : minutes;
    }

    private async Task CreditAsync(IServiceProvider services, IVoiceRoomStore voice, PendingInterval interval, CancellationToken ct)
    {
        var minutes = Worth(interval.StartedAtUtc, interval.EndedAtUtc);
        if (minutes == 0)
        {
            await voice.MarkCountedAsync(interval.Id, 0, ct);
            return;
        }

        var store = services.GetRequiredService<IProgressStore>();
        var who = new MemberRef(interval.Community, interval.UserId, interval.UserId) { DisplayNameUnknown = true };
        var defaults = new NewcomerDefaults(_roadmaps.Default.Id, "UTC");
        IAsyncDisposable? held = null;
        try
        {
            while (true)
            {
                var snapshot = await store.LoadAsync(who, defaults, ct);
                if (snapshot.Member.Id == 0)
                {
                    await voice.MarkCountedAsync(interval.Id, 0, ct);
                    return;
                }

                var day = TimeZones.LocalDate(new DateTimeOffset(interval.EndedAtUtc, TimeSpan.Zero), snapshot.Member.TimeZoneId);
                var before = snapshot.Days.Where(d => d.Date == day).Sum(d => d.TotalMinutes);
                var credit = Math.Min(minutes, Commands.Handlers.LogHandler.MaxMinutesPerDay - before);
                if (credit <= 0)
                {
                    LogCapped(interval.Community.Platform);
                    await voice.MarkCountedAsync(interval.Id, 0, ct);
                    return;
                }

                var changes = new ChangeSet(Guid.NewGuid(), interval.EndedAtUtc, day, interval.UserId);
                changes.Logs.Add(new NewStudyLog(credit, Kind, null, LogNote, Points.ForMinutes(before, credit), StudySource.Voice));
                var request = new CommandRequest("voice room", new Dictionary<string, object> { ["interval"] = interval.Id.ToString(System.Globalization.CultureInfo.InvariantCulture) });
                var culture = Localization.Languages.Culture(Localization.Languages.Resolve(snapshot.Member.Language, snapshot.Member.PlatformLocale, snapshot.Community.Language));
                var reply = new Reply { Tone = ReplyTone.Success, Text = Localization.Text.Get(culture, "Voice.Counted", Format.Minutes(credit, culture)) };
                changes.Receipt = new CommandReceipt(
                    interval.Community.Platform,
                    interval.Community.ExternalId,
                    ReceiptId(interval.Id),
                    interval.UserId,
                    CommandReceipts.Fingerprint(interval.UserId, request),
                    ReplyJson.Serialize(reply),
                    _time.GetUtcNow().UtcDateTime);
                var result = await store.CommitAsync(who, snapshot, changes, ct);
                if (result.Outcome == CommitOutcome.Stale && held is null)
                {
                    held = await store.HoldWritesAsync(ct);
                    continue;
                }

                if (result.Outcome is CommitOutcome.Committed or CommitOutcome.Duplicate)
                {
                    // Duplicate: counted before, and the mark did not follow (a crash in between); mark it now.
                    await voice.MarkCountedAsync(interval.Id, credit, ct);
                }

                // Conflict (or stale twice): left uncounted; the next heartbeat tries again.
                return;
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

    /// <summary>The receipt that makes an interval's credit happen once.</summary>
    public static string ReceiptId(long intervalId) => "voice:" + intervalId.ToString(System.Globalization.CultureInfo.InvariantCulture);

    private async Task TellListenersAsync(CommunityRef community, VoiceState state, DateTime at, CancellationToken ct)
    {
        foreach (var listener in _listeners)
        {
            try
            {
                await listener.OnVoiceStateAsync(community, state, at, ct);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                LogListenerFailed(ex, listener.GetType().Name);
            }
        }
    }

    public void Dispose()
    {
        _queue.Writer.TryComplete();
        if (!_disposed)
        {
            _disposed = true;
            _stop.Cancel();
            _stop.Dispose();
        }
    }

    private bool _disposed;

    public async ValueTask DisposeAsync()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        _queue.Writer.TryComplete();
        await _stop.CancelAsync();
        if (_loop.IsValueCreated)
        {
            try
            {
                await _loop.Value.WaitAsync(TimeSpan.FromSeconds(5));
            }
            catch (TimeoutException)
            {
            }
        }

        _stop.Dispose();
    }

    [LoggerMessage(Level = LogLevel.Debug, Message = "Skipped a {Platform} voice state of a member StudyBot has never seen")]
    private partial void LogUnknownMember(string platform);

    [LoggerMessage(Level = LogLevel.Information, Message = "A {Platform} voice interval was not counted: the member's day is at the daily cap")]
    private partial void LogCapped(string platform);

    [LoggerMessage(Level = LogLevel.Error, Message = "Voice tracking failed on a {What}; the next event still runs")]
    private partial void LogFailed(Exception ex, string what);

    [LoggerMessage(Level = LogLevel.Warning, Message = "A voice presence listener ({Listener}) failed")]
    private partial void LogListenerFailed(Exception ex, string listener);
}
