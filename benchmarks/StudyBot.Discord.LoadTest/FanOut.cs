using System.Diagnostics;
using System.Globalization;
using Microsoft.Extensions.Logging;
using StudyBot.Discord.Tests.Fakes;

namespace StudyBot.Discord.LoadTest;

/// <summary>
/// Issue 13: a reminder fan-out across several real host processes on one PostgreSQL database, against the fake
/// Discord enforcing its global limit (50 requests/s, or <c>--global-limit</c>, which the hosts are given as
/// <c>Discord__GlobalRateLimit</c>) and the DM-open bucket. Every member's reminder is due at once;
/// the run ends when every member has a DM (or nothing moved for three minutes). Counted at the fake: DMs, members
/// reached, duplicates (more than one message in a member's DM channel), 429s and REST requests. With
/// <c>knownDmChannels</c> every member's DM channel is already known, in the database and at the fake (the steady state of
/// a weekly reminder after its first week): each DM is then one request, the post; without, each is two (opening the
/// channel, then the post). The fake refuses posts to channels it does not know (10003), as Discord does.
/// </summary>
internal static class FanOut
{
    private const string GuildId = "290926798626357999";

    /// <summary>Seeded DM channel ids: member <c>g</c> (user 400000000000000000 + g) has channel 1400000000000000000 + g.</summary>
    private const ulong FirstUser = 400_000_000_000_000_000;

    private const ulong FirstDmChannel = 1_400_000_000_000_000_000;

    public static async Task<int> RunAsync(InteractionLoad.Settings settings, int members, int instances, bool knownDmChannels, int globalLimit, ILogger log)
    {
        if (!File.Exists(settings.HostAssembly))
        {
            Log.Problem(log, $"Host not built: {settings.HostAssembly}. Run: dotnet build -c Release StudyBot.sln");
            return 2;
        }

        try
        {
            await using var discord = await FakeDiscordServer.StartAsync(new FakeDiscordOptions { RecordRequests = false, KnownChannelsOnly = true, GlobalLimit = globalLimit });
            var jobs = new Dictionary<string, string>
            {
                ["Scheduling__Enabled"] = "true",
                ["Scheduling__ReminderInterval"] = "00:00:02",
                ["Scheduling__OutboxInterval"] = "00:00:01",
                ["Discord__GlobalRateLimit"] = globalLimit.ToString(CultureInfo.InvariantCulture),

                // The drain's pace follows the limit: the drain owner's share (four fifths), 40 a second at the default 50.
                ["Delivery__PerSecond__discord"] = (globalLimit - (2 * Math.Max(1, globalLimit / 10))).ToString(CultureInfo.InvariantCulture),
            };
            await using var hosts = await Hosts.StartAsync(settings, discord, "postgres", instances, jobs, log);
            if (hosts is null)
            {
                return 1;
            }

            var connection = hosts.ConnectionString!;
            Log.Line(log, $"{instances} instance(s) up (pids {string.Join(", ", hosts.ProcessIds)}); seeding {members:N0} members whose reminder is due now"
                + (knownDmChannels ? ", each with a DM channel already known" : ", none with a DM channel known yet"));
            if (knownDmChannels)
            {
                // The channels exist at Discord (opened in an earlier week) and are kept in the database.
                for (var g = 1UL; g <= (ulong)members; g++)
                {
                    discord.AddDmChannel(FirstUser + g, FirstDmChannel + g);
                }

                await Postgres.PsqlAsync(connection, $"""
                    INSERT INTO "DmChannels" ("Platform", "UserId", "ChannelId", "LearnedAtUtc")
                    SELECT 'discord', ({FirstUser} + g)::text, ({FirstDmChannel} + g)::text, now() - interval '7 days'
                    FROM generate_series(1, {members}) g;
                    """);
            }

            await Postgres.PsqlAsync(connection, $"""
                INSERT INTO "Communities" ("Platform", "ExternalId", "Name", "RoadmapId", "TimeZoneId", "CreatedAtUtc", "RemindersMaxPerWeek", "LeaderboardDay", "LeaderboardMinutes")
                VALUES ('discord', '{GuildId}', 'Study Hall', 'ml-zero-to-hero', 'UTC', now(), 2, 1, 540);
                INSERT INTO "Members" ("CommunityId", "UserId", "DisplayName", "TimeZoneId", "Path", "Pace", "Onboarded", "CreatedAtUtc", "UpdatedAtUtc",
                                       "Privacy", "Celebrate", "RemindersOn", "PlanDays", "PlanMinutes", "PlanFrequency", "NextReminderAtUtc",
                                       "UnansweredReminders", "RemindersPaused", "FreshStartPending", "DmNoticePending", "LastTemplate")
                SELECT c."Id", ({FirstUser} + g)::text, 'member' || g, 'UTC', 0, 0, true, now(), now(),
                       0, 0, true, 127, (extract(hour FROM now() AT TIME ZONE 'UTC') * 60 + extract(minute FROM now() AT TIME ZONE 'UTC'))::int, 1, now() - interval '1 minute',
                       0, false, false, false, -1
                FROM generate_series(1, {members}) g, "Communities" c;
                ANALYZE;
                """);

            var requestsBefore = Interlocked.Read(ref discord.TotalRequests);
            var tooManyBefore = Interlocked.Read(ref discord.Total429);
            var hostCpuBefore = hosts.CpuSeconds();
            var postgresCpuBefore = await hosts.PostgresCpuSecondsAsync();
            var watch = Stopwatch.StartNew();
            double? firstDm = null;
            double? allQueued = null;
            var lastReached = 0;
            var lastProgress = 0.0;
            var nextCount = 10.0;
            while (true)
            {
                await Task.Delay(250);
                var now = watch.Elapsed.TotalSeconds;
                var reached = discord.Messages.Count;
                if (reached > 0 && firstDm is null)
                {
                    firstDm = now;
                }

                if (reached != lastReached)
                {
                    lastReached = reached;
                    lastProgress = now;
                }

                if (allQueued is null && now >= nextCount)
                {
                    nextCount = now + 10;
                    var counts = (await Postgres.PsqlAsync(connection, """SELECT count(*) || ' ' || count("SentAtUtc") FROM "Outbox" """)).Trim().Split(' ');
                    Log.Line(log, $"{now,6:0} s: reminders queued {counts[0]}, sent {counts[1]}; members with a DM at the fake {reached:N0}; 429s {Interlocked.Read(ref discord.Total429) - tooManyBefore}");
                    if (int.Parse(counts[0], CultureInfo.InvariantCulture) >= members)
                    {
                        allQueued = now;
                    }
                }
                else if (allQueued is not null && now >= nextCount)
                {
                    nextCount = now + 30;
                    Log.Line(log, $"{now,6:0} s: members with a DM at the fake {reached:N0}; 429s {Interlocked.Read(ref discord.Total429) - tooManyBefore}");
                }

                if (reached >= members || now - lastProgress > 180 || hosts.AnyExited)
                {
                    break;
                }
            }

            var elapsed = lastProgress;
            var hostCpu = hosts.CpuSeconds() - hostCpuBefore;
            var postgresCpu = await hosts.PostgresCpuSecondsAsync() - postgresCpuBefore;

            // Let anything still in flight land before counting duplicates.
            await Task.Delay(5000);
            var perChannel = discord.Messages.Values.Select(q => q.Count).ToList();
            var dms = perChannel.Sum();
            var duplicates = perChannel.Sum(c => c - 1);
            var requests = Interlocked.Read(ref discord.TotalRequests) - requestsBefore;
            var tooMany = Interlocked.Read(ref discord.Total429) - tooManyBefore;
            var floorDms = members / (double)globalLimit;
            var floorRequests = requests / (double)globalLimit;
            var perMember = knownDmChannels ? 1 : 2;
            var floor = members * perMember / (double)globalLimit;
            var ownerShare = globalLimit - (2 * Math.Max(1, globalLimit / 10)); // GlobalSplit.OwnerShare in the Discord adapter
            Log.Line(log, $"Members {members:N0}, instances {instances}: DMs {dms:N0} to {perChannel.Count:N0} members; missing {members - perChannel.Count:N0}; duplicates {duplicates}; 429s {tooMany} (whole run {Interlocked.Read(ref discord.Total429)})");
            Log.Line(log, FormattableString.Invariant(
                $"Time from the reminders being due to the last DM: {elapsed:0.0} s (first DM at {firstDm:0.0} s; every reminder queued in the outbox by {allQueued:0} s)"));
            Log.Line(log, FormattableString.Invariant(
                $"REST requests at the fake after seeding: {requests:N0} ({(double)requests / Math.Max(1, perChannel.Count):0.00} per member) = {requests / elapsed:0.0} req/s over the run; floor at {globalLimit} req/s: {floorRequests:0} s for these requests (ratio {elapsed / floorRequests:0.00}), {floorDms:0} s at one request per DM (ratio {elapsed / floorDms:0.00})"));
            Log.Line(log, FormattableString.Invariant(
                $"Floor for this run: {perMember} request(s) per member ({(knownDmChannels ? "DM channels known: the post" : "no DM channel known: open it, then post")}) = {floor:0} s at {globalLimit} req/s; time / floor {elapsed / floor:0.00}; at the drain owner's share of the limit ({ownerShare} req/s, the rest kept for other instances' requests): {floor * globalLimit / ownerShare:0} s, time / that {elapsed * ownerShare / (floor * globalLimit):0.00}"));
            Log.Line(log, FormattableString.Invariant(
                $"CPU over the run: hosts {hostCpu:0.0} s = {hostCpu * 1000 / Math.Max(1, dms):0.00} ms per DM; PostgreSQL {postgresCpu:0.0} s = {postgresCpu * 1000 / Math.Max(1, dms):0.00} ms per DM; machine load average {File.ReadAllText("/proc/loadavg").Split(' ')[0]}"));
            var errors = hosts.Stderr.Where(l => l.Contains("fail", StringComparison.OrdinalIgnoreCase) || l.Contains("error", StringComparison.OrdinalIgnoreCase)).TakeLast(10).ToList();
            if (errors.Count > 0)
            {
                Log.Line(log, "Last errors the hosts logged:\n" + string.Join('\n', errors));
            }

            var pass = perChannel.Count == members && duplicates == 0 && tooMany == 0;
            Log.Line(log, pass ? "PASS: every member one DM, no duplicate, no 429" : "FAIL: missing or duplicate DMs, or 429s");
            return pass ? 0 : 1;
        }
        finally
        {
            Postgres.Stop();
        }
    }
}
