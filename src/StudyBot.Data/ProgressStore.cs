using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage;
using StudyBot.Core.Chat;
using StudyBot.Core.Notifications;
using StudyBot.Core.Progress;
using StudyBot.Core.Telemetry;
using StudyBot.Data.Entities;
using static StudyBot.Data.DataText;

namespace StudyBot.Data;

/// <summary>
/// EF Core implementation of <see cref="IProgressStore"/>. Community and member ids are always derived from
/// the <see cref="MemberRef"/> here, never taken from callers, so one community's command cannot touch
/// another's rows.
/// </summary>
internal sealed class ProgressStore(StudyBotDbContext db, TimeProvider time, WriteGate gate) : IProgressStore
{
    /// <summary>
    /// The row ids of the member this store (one per command) last loaded, looked up from its <see cref="MemberRef"/>
    /// here, so a routine commit for the same member needs no second lookup.
    /// </summary>
    private (string Platform, string ExternalId, string UserId, long CommunityId, long MemberId)? _loaded;

    /// <summary>The writes this store holds (<see cref="HoldWritesAsync"/>), while it holds them.</summary>
    private Hold? _hold;

    public async Task<MemberSnapshot> LoadAsync(MemberRef member, NewcomerDefaults defaults, CancellationToken cancellationToken)
    {
        // A span in the command's trace (null, and free, while nobody listens).
        using var span = StudyBotTrace.Source.StartActivity("store load");
        if (_hold is not null)
        {
            // Inside the held transaction, on its open connection.
            return await LoadOpenAsync(member, defaults, cancellationToken);
        }

        // One open for all of the member's queries: each open of a pooled connection also runs the connection pragmas.
        await db.Database.OpenConnectionAsync(cancellationToken);
        try
        {
            return await LoadOpenAsync(member, defaults, cancellationToken);
        }
        finally
        {
            await db.Database.CloseConnectionAsync();
        }
    }

    private async Task<MemberSnapshot> LoadOpenAsync(MemberRef member, NewcomerDefaults defaults, CancellationToken cancellationToken)
    {
        var c = member.Community;
        var found = await Queries.FindCommunityAndMember(db, c.Platform, c.ExternalId, member.UserId);
        var community = found?.Community;
        var communityModel = community is null
            ? new Community { Platform = c.Platform, ExternalId = c.ExternalId, Name = c.Name, RoadmapId = defaults.RoadmapId, TimeZoneId = defaults.TimeZoneId }
            : ToModel(community);

        var entity = found?.Member;
        if (entity is null)
        {
            return new MemberSnapshot
            {
                Community = communityModel,
                Member = new MemberProfile
                {
                    UserId = member.UserId,
                    DisplayName = member.DisplayName,
                    TimeZoneId = community?.TimeZoneId ?? defaults.TimeZoneId,
                },
                Items = new Dictionary<string, ItemState>(),
                Days = [],
                Goals = [],
            };
        }

        var communityId = community!.Id;
        var memberId = entity.Id;
        _loaded = (c.Platform, c.ExternalId, member.UserId, communityId, memberId);
        var rows = await MemberRows.ReadAsync(db, communityId, memberId, cancellationToken);
        return new MemberSnapshot
        {
            Community = communityModel,
            Member = ToModel(entity),
            Items = rows.Items,
            Days = rows.Days,
            Goals = rows.Goals,
            Rest = rows.Rest,
        };
    }

    private async Task ApplyRestAsync(long communityId, long memberId, ChangeSet changes, CancellationToken ct)
    {
        if (changes.StartRest is null && changes.EndRestOn is null)
        {
            return;
        }

        var today = changes.LocalDate;
        var current = await db.RestPeriods
            .Where(x => x.MemberId == memberId && x.CommunityId == communityId && x.From <= today && (x.Until == null || x.Until >= today))
            .OrderByDescending(x => x.Id)
            .FirstOrDefaultAsync(ct);
        if (changes.StartRest is { } start)
        {
            if (current is not null)
            {
                current.Until = start.Until;
            }
            else
            {
                db.RestPeriods.Add(new RestPeriodEntity { CommunityId = communityId, MemberId = memberId, From = start.From, Until = start.Until });
            }
        }
        else if (current is not null && changes.EndRestOn is { } end)
        {
            if (current.From >= end)
            {
                db.RestPeriods.Remove(current);
            }
            else
            {
                current.Until = end.AddDays(-1);
            }
        }
    }

    public async Task<IReadOnlySet<string>> LoadRecordedCompletionsAsync(MemberRef member, CancellationToken cancellationToken)
    {
        var ids = await db.IdsAsync(member);
        if (ids is null)
        {
            return new HashSet<string>();
        }

        var (communityId, memberId) = ids.Value;
        var rows = await db.CompletionEvents.AsNoTracking()
            .Where(x => x.MemberId == memberId && x.CommunityId == communityId)
            .Select(x => new { x.Kind, x.TargetId })
            .ToListAsync(cancellationToken);
        return rows.Select(x => new CompletionRecord((CompletionKind)x.Kind, x.TargetId).Key).ToHashSet();
    }

    public async Task<UndoCandidate?> LoadUndoAsync(MemberRef member, CancellationToken cancellationToken)
    {
        var ids = await db.IdsAsync(member);
        if (ids is null)
        {
            return null;
        }

        var (communityId, memberId) = ids.Value;

        // Undo does not reach back past a roadmap update: a change to one part of a merged item is not the merged item's.
        var updatedAt = await db.CommunityRoadmapVersions.AsNoTracking().Where(v => v.CommunityId == communityId).MaxAsync(v => (DateTime?)v.AppliedAtUtc, cancellationToken);
        var lastChange = await db.ItemChanges.AsNoTracking()
            .Where(x => x.MemberId == memberId && x.CommunityId == communityId && !x.IsUndo && x.UndoneAtUtc == null && (updatedAt == null || x.AtUtc >= updatedAt))
            .OrderByDescending(x => x.Id)
            .Select(x => new { x.BatchId, x.AtUtc })
            .FirstOrDefaultAsync(cancellationToken);
        var lastLog = await db.StudyLogs.AsNoTracking()
            .Where(x => x.MemberId == memberId && x.CommunityId == communityId && x.RetractedAtUtc == null && (updatedAt == null || x.AtUtc >= updatedAt))
            .OrderByDescending(x => x.Id)
            .Select(x => new { x.BatchId, x.AtUtc })
            .FirstOrDefaultAsync(cancellationToken);
        if (lastChange is null && lastLog is null)
        {
            return null;
        }

        var batch = lastLog is null || (lastChange is not null && lastChange.AtUtc >= lastLog.AtUtc) ? lastChange!.BatchId : lastLog.BatchId;
        var at = lastLog is null || (lastChange is not null && lastChange.AtUtc >= lastLog.AtUtc) ? lastChange!.AtUtc : lastLog.AtUtc;
        var changes = await db.ItemChanges.AsNoTracking()
            .Where(x => x.BatchId == batch && x.MemberId == memberId && x.CommunityId == communityId && !x.IsUndo && x.UndoneAtUtc == null)
            .OrderBy(x => x.Id)
            .Select(x => new RecordedItemChange(x.ItemId, new ItemState((ItemStatus)x.FromStatus, (SkipReason)x.FromReason), new ItemState((ItemStatus)x.ToStatus, (SkipReason)x.ToReason)))
            .ToListAsync(cancellationToken);
        var logs = await db.StudyLogs.AsNoTracking()
            .Where(x => x.BatchId == batch && x.MemberId == memberId && x.CommunityId == communityId && x.RetractedAtUtc == null)
            .OrderBy(x => x.Id)
            .Select(x => new RecordedLog(x.Id, x.Minutes, (StudyKind)x.Kind, x.LocalDate))
            .ToListAsync(cancellationToken);
        return new UndoCandidate(batch, at, changes, logs);
    }

    public async Task<CommunityRef?> FindHomeCommunityAsync(string platform, string userId, CancellationToken cancellationToken)
    {
        var home = await (
                from m in db.Members.AsNoTracking()
                join c in db.Communities.AsNoTracking() on m.CommunityId equals c.Id
                where m.UserId == userId && c.Platform == platform
                orderby m.UpdatedAtUtc descending
                select new { c.ExternalId, c.Name })
            .FirstOrDefaultAsync(cancellationToken);
        return home is null ? null : new CommunityRef(platform, home.ExternalId, home.Name);
    }

    public async Task<IAsyncDisposable> HoldWritesAsync(CancellationToken cancellationToken)
    {
        if (_hold is not null)
        {
            throw new InvalidOperationException("This store already holds its writes.");
        }

        var writing = await gate.EnterAsync(cancellationToken);
        try
        {
            await db.Database.OpenConnectionAsync(cancellationToken);
            db.ChangeTracker.Clear();

            // BEGIN IMMEDIATE: the database's write lock from here, so no other process writes until the hold ends.
            var tx = await db.Database.BeginTransactionAsync(cancellationToken);
            _hold = new Hold(this, writing, tx);
            return _hold;
        }
        catch
        {
            writing.Dispose();
            throw;
        }
    }

    public async Task<CommitResult> CommitAsync(MemberRef member, MemberSnapshot snapshot, ChangeSet changes, CancellationToken cancellationToken)
    {
        using var span = StudyBotTrace.Source.StartActivity("store commit");
        if (_hold is { } hold)
        {
            return await hold.CommitAsync(member, snapshot, changes, cancellationToken);
        }

        using var writing = await gate.EnterAsync(cancellationToken);
        var strategy = db.Database.CreateExecutionStrategy();
        return await strategy.ExecuteAsync(async ct =>
        {
            db.ChangeTracker.Clear();

            await using var tx = await db.Database.BeginTransactionAsync(ct);

            var result = await ReceiptAndApplyAsync(member, snapshot, changes, ct);
            if (result.Outcome == CommitOutcome.Committed && !changes.Rehearsal)
            {
                await tx.CommitAsync(ct);
            }
            else
            {
                await tx.RollbackAsync(CancellationToken.None);
            }

            return result;
        }, cancellationToken);
    }

    /// <summary>
    /// The receipt goes first: a delivery that already has one writes nothing, and one that has none gets it in the
    /// same transaction as its changes, so neither can exist without the other.
    /// </summary>
    private async Task<CommitResult> ReceiptAndApplyAsync(MemberRef member, MemberSnapshot snapshot, ChangeSet changes, CancellationToken ct) =>
        changes.Receipt is { } receipt && !await CommandReceiptStore.WriteAsync(db, receipt, ct)
            ? new CommitResult(CommitOutcome.Duplicate, 0)
            : await ApplyAsync(member, snapshot, changes, ct);

    private async Task<CommitResult> ApplyAsync(MemberRef member, MemberSnapshot snapshot, ChangeSet changes, CancellationToken ct)
    {
        var now = time.GetUtcNow().UtcDateTime;
        var batch = new SqlBatch(db.IsPostgres);
        if (await TryTouchLoadedMemberAsync(batch, member, changes, now, ct) is { } ids)
        {
            return await WriteAsync(batch, new StatsWriter(ids.CommunityId, ids.MemberId), ids.CommunityId, ids.MemberId, snapshot, changes, now, ct);
        }

        var found = await Queries.TrackCommunityAndMember(db, member.Community.Platform, member.Community.ExternalId, member.UserId);
        var community = found?.Community ?? await CreateCommunityAsync(member.Community, snapshot.Community, now, ct);
        var entity = found?.Member ?? await CreateMemberAsync(community, member, snapshot.Member, now, ct);
        var communityId = community.Id;
        var memberId = entity.Id;

        if (changes.Profile is { } profile)
        {
            entity.DisplayName = Clip(profile.DisplayName, 100);
            entity.TimeZoneId = profile.TimeZoneId;
            entity.LearnerProfileId = profile.LearnerProfileId;
            entity.RoadmapId = profile.RoadmapId;
            entity.Path = (int)profile.Path;
            entity.Pace = (int)profile.Pace;
            entity.CustomHoursPerWeek = profile.CustomHoursPerWeek;
            entity.StartDate = profile.StartDate;
            entity.Onboarded = profile.Onboarded;
            entity.Language = profile.Language;
            var prefs = profile.Preferences;
            entity.Privacy = (int)prefs.Privacy;
            entity.Celebrate = (int)prefs.Celebrate;
            entity.RemindersOn = prefs.RemindersOn;
            entity.PlanDays = (int)(prefs.Plan?.Days ?? StudyDays.None);
            entity.PlanMinutes = prefs.Plan?.MinutesOfDay;
            entity.PlanFrequency = (int)(prefs.Plan?.Frequency ?? ReminderFrequency.Weekly);
            entity.PlanPlace = prefs.Plan?.Place is { } place ? Clip(place, 60) : null;
            entity.QuietStart = prefs.Quiet?.StartMinutes;
            entity.QuietEnd = prefs.Quiet?.EndMinutes;
            entity.SnoozedUntilUtc = prefs.SnoozedUntilUtc;
        }
        else if (!member.DisplayNameUnknown)
        {
            // A platform that sent no name (the id stands in) never replaces the name stored before.
            entity.DisplayName = Clip(member.DisplayName, 100);
        }

        if (Locale(member) is { } locale)
        {
            entity.PlatformLocale = locale;
        }

        entity.UpdatedAtUtc = now;
        entity.LeftAtUtc = null;
        community.LeftAtUtc = null;
        if (changes.IsActivity)
        {
            entity.LastActivityAtUtc = now;
        }

        if (changes.Reminders is { } reset)
        {
            entity.NextReminderAtUtc = reset.NextAtUtc;
            entity.RemindersPaused = false;
            entity.FreshStartPending = false;
            entity.UnansweredReminders = 0;
            if (reset.ClearDmClosed)
            {
                entity.DmClosedAtUtc = null;
            }
        }

        if (changes.ClearDmNotice)
        {
            entity.DmNoticePending = false;
        }

        if (changes.RestoreDmNotice)
        {
            entity.DmNoticePending = true;
        }

        if (changes.Community is { } settings)
        {
            community.TimeZoneId = settings.TimeZoneId;
            community.CelebrationChannel = settings.Settings.CelebrationChannel;
            community.LeaderboardChannel = settings.Settings.LeaderboardChannel;
            community.LeaderboardDay = (int)settings.Settings.LeaderboardDay;
            community.LeaderboardMinutes = settings.Settings.LeaderboardMinutes;
            community.RemindersMaxPerWeek = settings.Settings.RemindersMaxPerWeek;
            community.NextLeaderboardAtUtc = null;
            community.PartnersDay = settings.Settings.PartnersDay is { } day ? (int)day : null;
            community.PartnersMinutes = settings.Settings.PartnersMinutes;
            community.NextPartnerMatchAtUtc = null;
            community.ChannelsSetBy = settings.Settings.ChannelsSetBy;
            await CommunityRoadmapStore.MoveDefaultAsync(db, community, settings.RoadmapId, ct);
            community.Language = settings.Language;
        }

        await CommunityRoadmapStore.ApplyAsync(db, communityId, changes.RoadmapSettings, now, ct);

        await ApplyRestAsync(communityId, memberId, changes, ct);
        var stats = new StatsWriter(communityId, memberId);

        if (changes.Reverts is { } reverted)
        {
            var undoneItems = await db.ItemChanges.AsNoTracking()
                .Where(x => x.BatchId == reverted && x.MemberId == memberId && x.CommunityId == communityId && !x.IsUndo && x.UndoneAtUtc == null)
                .Select(x => new { x.LocalDate, x.Points, DoneDelta = x.ToStatus == (int)ItemStatus.Done ? 1 : x.FromStatus == (int)ItemStatus.Done ? -1 : 0 })
                .ToListAsync(ct);
            var undoneLogs = await db.StudyLogs.AsNoTracking()
                .Where(x => x.BatchId == reverted && x.MemberId == memberId && x.CommunityId == communityId && x.RetractedAtUtc == null)
                .Select(x => new { x.LocalDate, x.Points, x.Minutes, x.Kind })
                .ToListAsync(ct);
            foreach (var item in undoneItems)
            {
                stats.Add(item.LocalDate, -item.Points, 0, StudyKind.Practice, -item.DoneDelta);
            }

            foreach (var log in undoneLogs)
            {
                stats.Add(log.LocalDate, -log.Points, -log.Minutes, (StudyKind)log.Kind, 0);
            }

            // Mark the originals first: if another undo got there before us, nothing matches and we stop.
            var undoneChanges = await db.ItemChanges
                .Where(x => x.BatchId == reverted && x.MemberId == memberId && x.CommunityId == communityId && !x.IsUndo && x.UndoneAtUtc == null)
                .ExecuteUpdateAsync(s => s.SetProperty(x => x.UndoneAtUtc, now), ct);
            var retracted = await db.StudyLogs
                .Where(x => x.BatchId == reverted && x.MemberId == memberId && x.CommunityId == communityId && x.RetractedAtUtc == null)
                .ExecuteUpdateAsync(s => s.SetProperty(x => x.RetractedAtUtc, now), ct);
            if (undoneChanges + retracted == 0)
            {
                return new CommitResult(CommitOutcome.Conflict, memberId);
            }

            // An undone session check-in is no check-in: the member may check in again.
            await db.SessionCheckIns.Where(x => x.BatchId == reverted && x.MemberId == memberId).ExecuteDeleteAsync(ct);

            // A celebration not yet sent for a completion that is now undone is withdrawn.
            await db.CompletionEvents
                .Where(x => x.BatchId == reverted && x.MemberId == memberId && x.CommunityId == communityId && x.NotifiedAtUtc == null)
                .ExecuteDeleteAsync(ct);
        }

        foreach (var goal in changes.Goals)
        {
            db.Goals.Add(new GoalEntity
            {
                CommunityId = communityId,
                MemberId = memberId,
                Period = (int)goal.Period,
                Unit = (int)goal.Unit,
                Target = goal.Target,
                EffectiveFrom = goal.EffectiveFrom,
                CreatedAtUtc = now,
            });
        }

        return await WriteAsync(batch, stats, communityId, memberId, snapshot, changes, now, ct);
    }

    /// <summary>
    /// Whether what the changes were decided on has moved: an item is no longer in the state the change starts from,
    /// or the day's logged minutes (behind a log's points and the 16-hour cap) are no longer the snapshot's. Read
    /// inside the write transaction, which holds SQLite's write lock (BEGIN IMMEDIATE), or on PostgreSQL the member
    /// row's lock, so no other writer can move them again before the commit. An undo is checked by marking what it undoes instead.
    /// </summary>
    private async Task<bool> IsStaleAsync(long memberId, MemberSnapshot snapshot, ChangeSet changes, CancellationToken ct)
    {
        if (changes.Reverts is not null || (changes.ItemChanges.Count == 0 && changes.Logs.Count == 0))
        {
            return false;
        }

        if (db.IsPostgres)
        {
            // PostgreSQL has row locks, not SQLite's one write lock: this member's row is locked until the commit, so a
            // second commit for the member waits here and then reads what the first one wrote.
            await db.Database.ExecuteSqlInterpolatedAsync($"""SELECT 1 FROM "Members" WHERE "Id" = {memberId} FOR UPDATE""", ct);
        }

        var snapshotMinutes = snapshot.Days.Where(d => d.Date == changes.LocalDate).Sum(d => (long)d.TotalMinutes);
        if (db.Database.GetDbConnection() is Microsoft.Data.Sqlite.SqliteConnection sqlite)
        {
            // The connection is open: the commit's transaction holds it.
            var items = System.Text.Json.JsonSerializer.Serialize(changes.ItemChanges.Select(c => new object[] { c.ItemId, (int)c.From.Status, (int)c.From.Reason }));
            using var stale = SqliteStatements.Of(sqlite).Open(StaleSql, ("$m", memberId), ("$d", changes.LocalDate), ("$items", items));
            stale.Read();
            db.Answered();
            return stale.GetInt64(1) > 0 || (changes.Logs.Count > 0 && stale.GetInt64(0) != snapshotMinutes);
        }

        await using var command = db.Database.GetDbConnection().CreateCommand();
        command.Transaction = db.Database.CurrentTransaction?.GetDbTransaction();
        if (db.IsPostgres)
        {
            command.CommandText = """
                SELECT COALESCE((SELECT "PracticeMinutes" + "LearningMinutes" + "ReviewMinutes" FROM "DailyTotals" WHERE "MemberId" = @m AND "LocalDate" = @d), 0),
                       (SELECT COUNT(*) FROM unnest(@ids, @statuses, @reasons) AS j(item, status, reason)
                        LEFT JOIN "ItemProgress" p ON p."MemberId" = @m AND p."ItemId" = j.item
                        WHERE COALESCE(p."Status", 0) <> j.status OR COALESCE(p."Reason", 0) <> j.reason)
                """;
            command.Parameters.Add(new Npgsql.NpgsqlParameter("m", memberId));
            command.Parameters.Add(new Npgsql.NpgsqlParameter("d", changes.LocalDate));
            command.Parameters.Add(new Npgsql.NpgsqlParameter("ids", changes.ItemChanges.Select(c => c.ItemId).ToArray()));
            command.Parameters.Add(new Npgsql.NpgsqlParameter("statuses", changes.ItemChanges.Select(c => (int)c.From.Status).ToArray()));
            command.Parameters.Add(new Npgsql.NpgsqlParameter("reasons", changes.ItemChanges.Select(c => (int)c.From.Reason).ToArray()));
        }

        await using var reader = await command.ExecuteReaderAsync(ct);
        await reader.ReadAsync(ct);
        var storedMinutes = Convert.ToInt64(reader.GetValue(0), System.Globalization.CultureInfo.InvariantCulture);
        var movedItems = Convert.ToInt64(reader.GetValue(1), System.Globalization.CultureInfo.InvariantCulture);
        return movedItems > 0 || (changes.Logs.Count > 0 && storedMinutes != snapshotMinutes);
    }

    /// <summary><see cref="IsStaleAsync"/>'s query on SQLite, kept prepared by each connection.</summary>
    private const string StaleSql = """
        SELECT COALESCE((SELECT "PracticeMinutes" + "LearningMinutes" + "ReviewMinutes" FROM "DailyTotals" WHERE "MemberId" = $m AND "LocalDate" = $d), 0),
               (SELECT COUNT(*) FROM json_each($items) j
                LEFT JOIN "ItemProgress" p ON p."MemberId" = $m AND p."ItemId" = json_extract(j.value, '$[0]')
                WHERE COALESCE(p."Status", 0) <> json_extract(j.value, '$[1]') OR COALESCE(p."Reason", 0) <> json_extract(j.value, '$[2]'))
        """;

    /// <summary><see cref="TryTouchLoadedMemberAsync"/>'s update on SQLite, kept prepared by each connection.</summary>
    private const string TouchSql = """
        UPDATE "Members" SET "DisplayName" = CASE WHEN @unknown THEN "DisplayName" ELSE @name END, "PlatformLocale" = COALESCE(@locale, "PlatformLocale"), "UpdatedAtUtc" = @now, "LeftAtUtc" = NULL,
            "LastActivityAtUtc" = CASE WHEN @activity THEN @now ELSE "LastActivityAtUtc" END
        WHERE "Id" = @member AND "CommunityId" = @community AND "UserId" = @user AND "DeletedAtUtc" IS NULL
        """;

    /// <summary>
    /// The routine commit (items, logs, completions; no profile, settings, reminders, rest, goals or undo) of the
    /// member this store loaded: one UPDATE of the member row, which also proves the row is still this member's
    /// (an erase in between anonymises it), instead of loading and tracking it. Null sends the commit down the
    /// general path, which finds or creates the member row again.
    /// </summary>
    private async Task<(long CommunityId, long MemberId)?> TryTouchLoadedMemberAsync(SqlBatch batch, MemberRef member, ChangeSet changes, DateTime now, CancellationToken ct)
    {
        if (_loaded is not { } loaded
            || loaded.Platform != member.Community.Platform || loaded.ExternalId != member.Community.ExternalId || loaded.UserId != member.UserId
            || changes.Profile is not null || changes.Community is not null || changes.Reminders is not null || changes.ClearDmNotice || changes.RestoreDmNotice
            || changes.StartRest is not null || changes.EndRestOn is not null || changes.Reverts is not null || changes.Goals.Count > 0
            || changes.RoadmapSettings.Count > 0)
        {
            return null;
        }

        var touched = db.Database.GetDbConnection() is Microsoft.Data.Sqlite.SqliteConnection sqlite
            ? SqliteStatements.Of(sqlite).Execute(
                TouchSql,
                ("@unknown", member.DisplayNameUnknown), ("@name", Clip(member.DisplayName, 100)), ("@locale", Locale(member)), ("@now", SqliteStatements.Utc(now)), ("@activity", changes.IsActivity),
                ("@member", loaded.MemberId), ("@community", loaded.CommunityId), ("@user", loaded.UserId))
            : await db.Database.ExecuteSqlInterpolatedAsync(
            $"""
            UPDATE "Members" SET "DisplayName" = CASE WHEN {member.DisplayNameUnknown} THEN "DisplayName" ELSE {Clip(member.DisplayName, 100)} END, "PlatformLocale" = COALESCE({Locale(member)}, "PlatformLocale"), "UpdatedAtUtc" = {now}, "LeftAtUtc" = NULL,
                "LastActivityAtUtc" = CASE WHEN {changes.IsActivity} THEN {now} ELSE "LastActivityAtUtc" END
            WHERE "Id" = {loaded.MemberId} AND "CommunityId" = {loaded.CommunityId} AND "UserId" = {loaded.UserId} AND "DeletedAtUtc" IS NULL
            """,
            ct);
        if (touched != 1)
        {
            return null;
        }

        batch.Add("""UPDATE "Communities" SET "LeftAtUtc" = NULL WHERE "Id" = {0} AND "LeftAtUtc" IS NOT NULL""", loaded.CommunityId);
        return (loaded.CommunityId, loaded.MemberId);
    }

    /// <summary>The item changes, logs, completions and running totals of a commit, as one batch, then any tracked entities.</summary>
    private async Task<CommitResult> WriteAsync(SqlBatch batch, StatsWriter stats, long communityId, long memberId, MemberSnapshot snapshot, ChangeSet changes, DateTime now, CancellationToken ct)
    {
        if (await IsStaleAsync(memberId, snapshot, changes, ct))
        {
            return new CommitResult(CommitOutcome.Stale, memberId);
        }

        if (changes.Focus is { } focus && !await FocusWrites.ApplyAsync(db, communityId, memberId, focus, ct))
        {
            // A focus session started or answered meanwhile (a second press of Log it on another instance): nothing is written.
            return new CommitResult(CommitOutcome.Conflict, memberId);
        }

        if (changes.Session is { } session && !await SessionRows.WriteAsync(db, communityId, memberId, session, changes.BatchId, now, ct))
        {
            return new CommitResult(CommitOutcome.Conflict, memberId);
        }

        var actor = Clip(changes.ActorId, 64);
        foreach (var change in changes.ItemChanges)
        {
            // One upsert per item: no read first, and a concurrent first change cannot collide on the key.
            batch.Add(
                """
                INSERT INTO "ItemProgress" ("MemberId", "ItemId", "CommunityId", "Status", "Reason", "UpdatedAtUtc") VALUES ({0}, {1}, {2}, {3}, {4}, {5})
                ON CONFLICT ("MemberId", "ItemId") DO UPDATE SET "Status" = excluded."Status", "Reason" = excluded."Reason", "UpdatedAtUtc" = excluded."UpdatedAtUtc"
                """,
                memberId, change.ItemId, communityId, change.To.Status, change.To.Reason, now);
            batch.Add(
                """
                INSERT INTO "ItemChanges" ("CommunityId", "MemberId", "BatchId", "ItemId", "FromStatus", "FromReason", "ToStatus", "ToReason", "Points", "AtUtc", "LocalDate", "ActorId", "IsUndo")
                VALUES ({0}, {1}, {2}, {3}, {4}, {5}, {6}, {7}, {8}, {9}, {10}, {11}, {12})
                """,
                communityId, memberId, changes.BatchId, change.ItemId, change.From.Status, change.From.Reason, change.To.Status, change.To.Reason,
                change.Points, changes.AtUtc, changes.LocalDate, actor, changes.Reverts is not null);
            var doneDelta = change.To.Status == ItemStatus.Done ? 1 : change.From.Status == ItemStatus.Done ? -1 : 0;
            if (changes.Reverts is null && (change.Points != 0 || doneDelta != 0))
            {
                stats.Add(changes.LocalDate, change.Points, 0, StudyKind.Practice, doneDelta);
            }
        }

        foreach (var log in changes.Logs)
        {
            batch.Add(
                """
                INSERT INTO "StudyLogs" ("CommunityId", "MemberId", "BatchId", "Minutes", "Kind", "ItemId", "Note", "Points", "AtUtc", "LocalDate", "ActorId", "Source")
                VALUES ({0}, {1}, {2}, {3}, {4}, {5}, {6}, {7}, {8}, {9}, {10}, {11})
                """,
                communityId, memberId, changes.BatchId, log.Minutes, log.Kind, log.ItemId, log.Note is null ? null : Clip(log.Note, 200),
                log.Points, changes.AtUtc, changes.LocalDate, actor, log.Source);
            stats.Add(changes.LocalDate, log.Points, log.Minutes, log.Kind, 0);
        }

        foreach (var completion in changes.Completions)
        {
            // Recorded once per member and target: a completion reached again after an undo is not celebrated twice.
            batch.Add(
                """
                INSERT INTO "CompletionEvents" ("CommunityId", "MemberId", "Kind", "TargetId", "BatchId", "AtUtc", "TraceParent") VALUES ({0}, {1}, {2}, {3}, {4}, {5}, {6})
                ON CONFLICT ("MemberId", "Kind", "TargetId") DO NOTHING
                """,
                communityId, memberId, completion.Kind, completion.TargetId, changes.BatchId, changes.AtUtc, StudyBotTrace.CurrentParent());
        }

        stats.AppendTo(batch);
        await batch.ExecuteAsync(db, ct);
        if (db.ChangeTracker.HasChanges())
        {
            await db.SaveChangesAsync(ct);
        }

        return new CommitResult(CommitOutcome.Committed, memberId);
    }

    /// <summary>
    /// The community's row, made now unless it exists: another instance may be making it for the same first command at
    /// this moment (an insert that does nothing on the key, then the row read back and tracked).
    /// </summary>
    private async Task<CommunityEntity> CreateCommunityAsync(CommunityRef c, Community defaults, DateTime now, CancellationToken ct)
    {
        var community = CommunityEntity.Create(c.Platform, c.ExternalId, c.Name, defaults.RoadmapId, defaults.TimeZoneId, now);
        return await EnsureCommunityAsync(db, community, ct);
    }

    /// <summary>A community's row, inserted if absent (whoever else inserts it at the same moment), tracked.</summary>
    internal static async Task<CommunityEntity> EnsureCommunityAsync(StudyBotDbContext db, CommunityEntity community, CancellationToken ct)
    {
        await InsertIfAbsent.RunAsync(db, community, [nameof(CommunityEntity.Platform), nameof(CommunityEntity.ExternalId)], ct);
        return await db.Communities.FirstAsync(x => x.Platform == community.Platform && x.ExternalId == community.ExternalId, ct);
    }

    /// <summary>The platform's locale for the member as it is stored: a language code as read (at most 35 characters), or null when none or not one.</summary>
    private static string? Locale(MemberRef member) =>
        member.Locale is { } locale && StudyBot.Core.Localization.Languages.Parse(locale).Kind is StudyBot.Core.Localization.LanguageCodeKind.Supported or StudyBot.Core.Localization.LanguageCodeKind.Unsupported
            ? locale.Trim().Replace('_', '-')
            : null;

    /// <summary>The member's row, made now unless it exists (as <see cref="CreateCommunityAsync"/>), tracked.</summary>
    private async Task<MemberEntity> CreateMemberAsync(CommunityEntity community, MemberRef member, MemberProfile defaults, DateTime now, CancellationToken ct)
    {
        var entity = new MemberEntity
        {
            CommunityId = community.Id,
            UserId = Clip(member.UserId, 64),
            DisplayName = Clip(member.DisplayName, 100),
            TimeZoneId = defaults.TimeZoneId,
            Path = (int)defaults.Path,
            Pace = (int)defaults.Pace,
            CreatedAtUtc = now,
            UpdatedAtUtc = now,
        };
        await InsertIfAbsent.RunAsync(db, entity, [nameof(MemberEntity.CommunityId), nameof(MemberEntity.UserId)], ct);
        return await db.Members.FirstAsync(x => x.CommunityId == entity.CommunityId && x.UserId == entity.UserId, ct);
    }

    internal static Community ToModel(CommunityEntity x) => new()
    {
        Id = x.Id,
        Platform = x.Platform,
        ExternalId = x.ExternalId,
        Name = x.Name,
        RoadmapId = x.RoadmapId,
        TimeZoneId = x.TimeZoneId,
        Language = x.Language,
        Settings = new CommunitySettings
        {
            CelebrationChannel = x.CelebrationChannel,
            LeaderboardChannel = x.LeaderboardChannel,
            LeaderboardDay = (DayOfWeek)x.LeaderboardDay,
            LeaderboardMinutes = x.LeaderboardMinutes,
            RemindersMaxPerWeek = x.RemindersMaxPerWeek,
            PartnersDay = x.PartnersDay is { } day ? (DayOfWeek)day : null,
            PartnersMinutes = x.PartnersMinutes,
            ChannelsSetBy = x.ChannelsSetBy,
        },
    };

    internal static MemberProfile ToModel(MemberEntity x) => new()
    {
        Id = x.Id,
        UserId = x.UserId,
        DisplayName = x.DisplayName,
        TimeZoneId = x.TimeZoneId,
        LearnerProfileId = x.LearnerProfileId,
        RoadmapId = x.RoadmapId,
        Path = (PathKind)x.Path,
        Pace = (PaceKind)x.Pace,
        CustomHoursPerWeek = x.CustomHoursPerWeek,
        StartDate = x.StartDate,
        Onboarded = x.Onboarded,
        Language = x.Language,
        PlatformLocale = x.PlatformLocale,
        Preferences = new MemberPreferences
        {
            Privacy = (PrivacyLevel)x.Privacy,
            Celebrate = (CelebrationChoice)x.Celebrate,
            RemindersOn = x.RemindersOn,
            Plan = x.PlanMinutes is { } minutes && x.PlanDays != 0 ? new ReminderPlan((StudyDays)x.PlanDays, minutes, (ReminderFrequency)x.PlanFrequency, x.PlanPlace) : null,
            Quiet = x.QuietStart is { } qs && x.QuietEnd is { } qe ? new QuietHours(qs, qe) : null,
            SnoozedUntilUtc = x.SnoozedUntilUtc,
        },
        Reminders = new ReminderState
        {
            NextAtUtc = x.NextReminderAtUtc,
            LastSentAtUtc = x.LastReminderAtUtc,
            Unanswered = x.UnansweredReminders,
            Paused = x.RemindersPaused,
            FreshStartPending = x.FreshStartPending,
            DmClosedAtUtc = x.DmClosedAtUtc,
            DmNoticePending = x.DmNoticePending,
            LastTemplate = x.LastTemplate,
            LastActivityAtUtc = x.LastActivityAtUtc,
        },
    };

    private void ClearTracked() => db.ChangeTracker.Clear();

    private Task CloseAsync() => db.Database.CloseConnectionAsync();

    /// <summary>The write gate and the transaction a store holds from a load to its commit.</summary>
    private sealed class Hold(ProgressStore store, IDisposable writing, IDbContextTransaction tx) : IAsyncDisposable
    {
        private bool _done;

        public async Task<CommitResult> CommitAsync(MemberRef member, MemberSnapshot snapshot, ChangeSet changes, CancellationToken ct)
        {
            if (_done)
            {
                throw new InvalidOperationException("A held store commits once.");
            }

            store.ClearTracked();
            var result = await store.ReceiptAndApplyAsync(member, snapshot, changes, ct);
            _done = true;
            if (result.Outcome == CommitOutcome.Committed && !changes.Rehearsal)
            {
                await tx.CommitAsync(ct);
            }
            else
            {
                await tx.RollbackAsync(CancellationToken.None);
            }

            return result;
        }

        public async ValueTask DisposeAsync()
        {
            try
            {
                if (!_done)
                {
                    await tx.RollbackAsync();
                }

                await tx.DisposeAsync();
                await store.CloseAsync();
            }
            finally
            {
                store._hold = null;
                writing.Dispose();
            }
        }
    }
}
