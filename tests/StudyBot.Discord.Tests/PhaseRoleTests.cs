using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using StudyBot.Core.Chat;
using StudyBot.Core.Commands;
using StudyBot.Core.Notifications;
using StudyBot.Core.Roles;
using StudyBot.Core.Telemetry;
using StudyBot.Discord.Tests.Fakes;
using StudyBot.Discord.Tests.Support;

namespace StudyBot.Discord.Tests;

/// <summary>
/// Phase roles against the fake Discord: the real engine on SQLite, the real adapter, and the fake's roles, members and
/// role-add endpoint with Discord's Manage Roles and hierarchy rules. Jobs are run by hand on fake time.
/// </summary>
public sealed partial class PhaseRoleTests
{
    private const ulong GuildId = InteractionFactory.GuildId;
    private const ulong StudyHall = 645027906669510667;
    private const ulong Wins = 645027906669510668;
    private const ulong Graduate = 800000000000000001;
    private const ulong Ada = 810000000000000001;
    private const ulong Bo = 810000000000000002;
    private const ulong Cy = 810000000000000003;

    private static readonly CommunityRef Guild = new(Platforms.Discord, GuildId.ToString(System.Globalization.CultureInfo.InvariantCulture), "Study Hall");

    private static readonly MemberRef Admin = new(Guild, "53908232506183680", "Mason") { IsAdmin = true, ChannelId = StudyHall.ToString(System.Globalization.CultureInfo.InvariantCulture) };

    [Fact]
    public async Task Completing_a_mapped_phase_grants_the_role_once_next_to_the_celebration_and_not_again_after_a_restart()
    {
        var folder = Directory.CreateTempSubdirectory("studybot-roles-").FullName;
        var database = Path.Combine(folder, "studybot.db");
        await using var server = await FakeDiscordServer.StartAsync(Server());
        await using (var harness = await StartAsync(server, database))
        {
            await SetUpAsync(harness);
            var map = await RunAsync(harness, Admin, "/studybot roles map foundation graduate");
            Assert.Equal(ReplyTone.Success, map.Tone);
            Assert.Contains("@Graduate", map.Text, StringComparison.Ordinal);

            await CompleteFoundationAsync(harness, Ada);
            await RunJobsAsync(harness);

            Assert.True(server.HasRole(GuildId, Ada, Graduate));
            Assert.Single(server.RoleAdds);
            Assert.Contains(Posts(server, Wins), p => p.Contains("Phase complete", StringComparison.Ordinal));
            Assert.DoesNotContain(Posts(server, StudyHall), p => p.Contains("can't hand out", StringComparison.Ordinal));

            await RunJobsAsync(harness);
            Assert.Single(server.RoleAdds);
        }

        // A new process on the same database: the grant is on record, so nothing is sent to Discord again.
        var putsBefore = server.Requests.Count(r => r.Method == "PUT" && r.Template.Contains("/roles/", StringComparison.Ordinal));
        await using (var restarted = await StartAsync(server, database))
        {
            await RunJobsAsync(restarted);
            Assert.Equal(putsBefore, server.Requests.Count(r => r.Method == "PUT" && r.Template.Contains("/roles/", StringComparison.Ordinal)));
            Assert.Equal(1, (await TotalsAsync(restarted)).Granted);
        }

        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        Directory.Delete(folder, recursive: true);
        Assert.True(server.SchemaViolations.IsEmpty, string.Join("\n", server.SchemaViolations));
    }

    [Fact]
    public async Task Each_grant_is_counted_by_its_result_once()
    {
        await using var server = await FakeDiscordServer.StartAsync(Server());
        await using var harness = await StartAsync(server, services: s => s.AddSingleton(new StudyBotMetrics()));
        using var recorded = new MetricsRecorder(harness.Get<StudyBotMetrics>().Meter);
        await SetUpAsync(harness);
        Assert.Equal(ReplyTone.Success, (await RunAsync(harness, Admin, "/studybot roles map foundation graduate")).Tone);

        await CompleteFoundationAsync(harness, Ada);
        await RunJobsAsync(harness);
        await RunJobsAsync(harness);

        Assert.True(server.HasRole(GuildId, Ada, Graduate));
        Assert.Equal([(1.0, "result=granted")], recorded.Of("studybot.role_grants"));
    }

    [Fact]
    public async Task Without_Manage_Roles_admins_are_told_once_where_the_mapping_was_made_and_celebrations_still_go_out()
    {
        var options = Server();
        options.Roles.Single(r => r.Id == FakeDiscordOptions.BotRoleId).Permissions = 19456;
        await using var harness = await StartAsync(options);
        var server = harness.Server;
        await SetUpAsync(harness);

        var map = await RunAsync(harness, Admin, "/studybot roles map foundation graduate");
        Assert.Equal(ReplyTone.Warning, map.Tone);
        Assert.Contains("Manage Roles", map.Text, StringComparison.Ordinal);

        await CompleteFoundationAsync(harness, Ada);
        await CompleteFoundationAsync(harness, Bo);
        await RunJobsAsync(harness);
        await CompleteFoundationAsync(harness, Cy);
        await RunJobsAsync(harness);

        Assert.Equal(3, Posts(server, Wins).Count(p => p.Contains("Phase complete", StringComparison.Ordinal)));
        var notice = Assert.Single(Posts(server, StudyHall), p => p.Contains("can't hand out", StringComparison.Ordinal));
        Assert.Contains("Manage Roles", notice, StringComparison.Ordinal);
        Assert.Empty(server.RoleAdds);
        Assert.Equal(3, (await TotalsAsync(harness)).Failed);

        // Once the permission is given, a sync hands out what waited, and says so.
        options.Roles.Single(r => r.Id == FakeDiscordOptions.BotRoleId).Permissions = FakeDiscordServer.ManageRoles | 19456;
        var sync = await RunAsync(harness, Admin, "/studybot roles sync");
        Assert.Contains("granted 3 roles", sync.Text, StringComparison.Ordinal);
        Assert.True(server.HasRole(GuildId, Cy, Graduate));
    }

    [Fact]
    public async Task A_role_above_the_bots_highest_role_is_reported_once_as_a_hierarchy_problem()
    {
        var options = Server();
        options.Roles.Single(r => r.Id == Graduate).Position = 12;
        await using var harness = await StartAsync(options);
        await SetUpAsync(harness);

        var map = await RunAsync(harness, Admin, $"/studybot roles map 0 <@&{Graduate}>");
        Assert.Equal(ReplyTone.Warning, map.Tone);
        Assert.Contains("above my highest role", map.Text, StringComparison.Ordinal);

        await CompleteFoundationAsync(harness, Ada);
        await RunJobsAsync(harness);
        await CompleteFoundationAsync(harness, Bo);
        await RunJobsAsync(harness);

        var notice = Assert.Single(Posts(harness.Server, StudyHall), p => p.Contains("can't hand out", StringComparison.Ordinal));
        Assert.Contains("above my highest role", notice, StringComparison.Ordinal);
        Assert.DoesNotContain("Manage Roles**", notice, StringComparison.Ordinal);
        Assert.Equal(2, Posts(harness.Server, Wins).Count(p => p.Contains("Phase complete", StringComparison.Ordinal)));
        Assert.False(harness.Server.HasRole(GuildId, Ada, Graduate));
    }

    [Fact]
    public async Task A_mapped_role_that_was_deleted_is_reported_as_gone()
    {
        var options = Server();
        await using var harness = await StartAsync(options);
        await SetUpAsync(harness);
        Assert.Equal(ReplyTone.Success, (await RunAsync(harness, Admin, "/studybot roles map foundation graduate")).Tone);

        options.Roles.RemoveAll(r => r.Id == Graduate);
        await CompleteFoundationAsync(harness, Ada);
        await RunJobsAsync(harness);

        var notice = Assert.Single(Posts(harness.Server, StudyHall), p => p.Contains("can't hand out", StringComparison.Ordinal));
        Assert.Contains("no longer exists", notice, StringComparison.Ordinal);
        var show = await RunAsync(harness, Admin, "/studybot roles show");
        Assert.Contains("no longer exists", string.Join('\n', show.Fields.Select(f => f.Value)), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Mapping_a_role_that_does_not_exist_over_the_gateway_gets_a_clear_answer_and_saves_nothing()
    {
        await using var harness = await StartAsync(Server());
        await harness.ReadyAsync();

        var missing = await harness.Server.DispatchInteractionAsync(InteractionFactory.Slash("studybot roles map", new Dictionary<string, object> { ["phase"] = "ml-basics", ["role"] = new RoleOption(999999999999999999) }));
        var text = Text(await Bounded.WaitAsync(missing.Answered.Task, "the answer to interaction missing", TimeSpan.FromSeconds(15)));
        Assert.Contains("There is no role", text, StringComparison.Ordinal);
        Assert.Contains("/studybot roles map", text, StringComparison.Ordinal);

        var badPhase = await harness.Server.DispatchInteractionAsync(InteractionFactory.Slash("studybot roles map", new Dictionary<string, object> { ["phase"] = "phase 42", ["role"] = new RoleOption(Graduate) }));
        Assert.Contains("isn't a phase", Text(await Bounded.WaitAsync(badPhase.Answered.Task, "the answer to interaction badPhase", TimeSpan.FromSeconds(15))), StringComparison.Ordinal);

        var ok = await harness.Server.DispatchInteractionAsync(InteractionFactory.Slash("studybot roles map", new Dictionary<string, object> { ["phase"] = "ml-basics", ["role"] = new RoleOption(Graduate) }));
        Assert.Contains("@Graduate", Text(await Bounded.WaitAsync(ok.Answered.Task, "the answer to interaction ok", TimeSpan.FromSeconds(15))), StringComparison.Ordinal);

        await using var scope = harness.Services.CreateAsyncScope();
        var mapping = Assert.Single(await scope.ServiceProvider.GetRequiredService<IRoleStore>().MappingsAsync(Guild, CancellationToken.None));
        Assert.Equal(("ml-basics", Graduate.ToString(System.Globalization.CultureInfo.InvariantCulture)), (mapping.PhaseId, mapping.RoleId));
        Assert.Equal(StudyHall.ToString(System.Globalization.CultureInfo.InvariantCulture), mapping.ReportChannelId);
    }

    [Fact]
    public async Task Sync_grants_the_role_for_completions_from_before_the_mapping_and_counts_who_had_it()
    {
        var options = Server();
        await using var harness = await StartAsync(options);
        await SetUpAsync(harness);
        await CompleteFoundationAsync(harness, Ada);
        await CompleteFoundationAsync(harness, Bo);
        await CompleteFoundationAsync(harness, Cy);
        options.Members[(GuildId, Bo)][Graduate] = true;
        options.Members.TryRemove((GuildId, Cy), out _);
        await RunJobsAsync(harness);

        await RunAsync(harness, Admin, "/studybot roles map foundation graduate");
        await RunJobsAsync(harness);
        Assert.Empty(harness.Server.RoleAdds);

        var sync = await RunAsync(harness, Admin, "/studybot roles sync");
        Assert.Contains("granted 1 role, 1 already had theirs", sync.Text, StringComparison.Ordinal);
        Assert.Contains("1 because the member left the server", sync.Text, StringComparison.Ordinal);
        Assert.True(harness.Server.HasRole(GuildId, Ada, Graduate));
        Assert.Single(harness.Server.RoleAdds);

        var again = await RunAsync(harness, Admin, "/studybot roles sync");
        Assert.Contains("granted 0 roles", again.Text, StringComparison.Ordinal);
        Assert.Single(harness.Server.RoleAdds);
    }

    [Fact]
    public async Task A_grant_that_meets_Discord_errors_stays_queued_and_goes_through_later()
    {
        await using var harness = await StartAsync(Server());
        await SetUpAsync(harness);
        await RunAsync(harness, Admin, "/studybot roles map foundation graduate");
        harness.Server.AddFault(new FakeFault(r => r.Method == "PUT" && r.Template.EndsWith("/roles/{role_id}", StringComparison.Ordinal), Status: 503, Times: 10));

        await CompleteFoundationAsync(harness, Ada);
        await RunJobsAsync(harness);
        Assert.False(harness.Server.HasRole(GuildId, Ada, Graduate));
        Assert.Equal(1, (await TotalsAsync(harness)).Pending);

        for (var hours = 0; harness.Server.PendingFaults > 0; hours++)
        {
            Assert.True(hours < 48, "the role grant was still meeting Discord's errors after 48 hours of fake time");
            harness.Time!.Advance(TimeSpan.FromHours(1));
            await RunJobsAsync(harness);
        }

        harness.Time!.Advance(TimeSpan.FromHours(1));
        await RunJobsAsync(harness);
        Assert.True(harness.Server.HasRole(GuildId, Ada, Graduate));
        Assert.DoesNotContain(Posts(harness.Server, StudyHall), p => p.Contains("can't hand out", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Role_grants_are_in_the_members_export_and_gone_when_they_delete_their_data()
    {
        await using var harness = await StartAsync(Server());
        await SetUpAsync(harness);
        await RunAsync(harness, Admin, "/studybot roles map foundation graduate");
        await CompleteFoundationAsync(harness, Ada);
        await RunJobsAsync(harness);
        var ada = new MemberRef(Guild, Ada.ToString(System.Globalization.CultureInfo.InvariantCulture), "Member 1");

        var export = await RunAsync(harness, ada, "/progress me export");
        var json = JsonNode.Parse(Assert.Single(export.Attachments).Content)!;
        var grant = Assert.Single(json["member"]!["roleGrants"]!.AsArray())!;
        Assert.Equal("foundation", (string?)grant["phase"]);
        Assert.Equal("Graduate", (string?)grant["roleName"]);
        Assert.Equal("Granted", (string?)grant["state"]);

        await RunAsync(harness, ada, "/progress me delete confirm");
        Assert.Equal(new RoleGrantTotals(0, 0, 0, 0), await TotalsAsync(harness));
    }

    private const ulong Moderators = 800000000000000002;
    private const ulong Helpers = 800000000000000003;
    private const ulong Senior = 800000000000000004;
    private const ulong Kim = 810000000000000009;

    /// <summary>Kim runs the command over the gateway, so Discord's own member object comes with it.</summary>
    private static async Task<string> MapOverGatewayAsync(AdapterHarness harness, ulong role, string permissions)
    {
        var interaction = await harness.Server.DispatchInteractionAsync(InteractionFactory.Slash(
            "studybot roles map",
            new Dictionary<string, object> { ["phase"] = "foundation", ["role"] = new RoleOption(role) },
            userId: Kim,
            permissions: permissions));
        return Text(await Bounded.WaitAsync(interaction.Answered.Task, "the interaction's answer", TimeSpan.FromSeconds(15)));
    }

    private static async Task<IReadOnlyList<PhaseRoleMapping>> MappingsAsync(AdapterHarness harness)
    {
        await using var scope = harness.Services.CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<IRoleStore>().MappingsAsync(Guild, CancellationToken.None);
    }

    [Fact]
    public async Task A_member_with_only_Manage_Server_cannot_map_a_role_that_carries_Administrator_and_skipping_the_phase_grants_nothing()
    {
        var options = Server();
        options.Roles.Add(new FakeRole(Moderators, GuildId, "Moderators", 5, FakeDiscordServer.Administrator));
        options.Members[(GuildId, Kim)] = new();
        await using var harness = await StartAsync(options);
        await harness.ReadyAsync();
        await SetUpAsync(harness);

        var answer = await MapOverGatewayAsync(harness, Moderators, "32");

        Assert.Contains("@Moderators", answer, StringComparison.Ordinal);
        Assert.Empty(await MappingsAsync(harness));
        await CompleteFoundationAsync(harness, Kim);
        await RunJobsAsync(harness);
        Assert.False(harness.Server.HasRole(GuildId, Kim, Moderators));
        Assert.Empty(harness.Server.RoleAdds);
    }

    [Fact]
    public async Task Mapping_a_role_takes_Manage_Roles_and_a_highest_role_above_it_as_on_Discord()
    {
        var options = Server();
        options.Roles.Add(new FakeRole(Helpers, GuildId, "Role managers", 4, FakeDiscordServer.ManageRoles));
        options.Roles.Add(new FakeRole(Senior, GuildId, "Senior", 6, 0));
        options.Members[(GuildId, Kim)] = new();
        await using var harness = await StartAsync(options);
        await harness.ReadyAsync();
        await SetUpAsync(harness);

        var noPermission = await MapOverGatewayAsync(harness, Graduate, "32");
        Assert.Contains("Manage Roles", noPermission, StringComparison.Ordinal);

        options.Members[(GuildId, Kim)][Helpers] = true;
        var above = await MapOverGatewayAsync(harness, Senior, "32");
        Assert.Contains("@Senior", above, StringComparison.Ordinal);
        Assert.Contains("highest role", above, StringComparison.Ordinal);
        Assert.Empty(await MappingsAsync(harness));

        var below = await MapOverGatewayAsync(harness, Graduate, "32");
        Assert.Contains("now grants **@Graduate**", below, StringComparison.Ordinal);
        Assert.Equal(Graduate.ToString(System.Globalization.CultureInfo.InvariantCulture), Assert.Single(await MappingsAsync(harness)).RoleId);
    }

    [Fact]
    public async Task A_role_with_moderator_permissions_is_refused_even_for_the_owner()
    {
        var options = Server();
        options.Roles.Add(new FakeRole(Moderators, GuildId, "Moderators", 5, 1UL << 13));
        await using var harness = await StartAsync(options);
        await SetUpAsync(harness);

        var map = await RunAsync(harness, Admin, $"/studybot roles map foundation <@&{Moderators}>");

        Assert.Equal(ReplyTone.Error, map.Tone);
        Assert.Contains("Manage Messages", map.Text, StringComparison.Ordinal);
        Assert.Empty(await MappingsAsync(harness));
    }

    [Fact]
    public async Task A_mapped_role_that_gains_Administrator_later_is_not_granted_and_admins_are_told_once()
    {
        var options = Server();
        await using var harness = await StartAsync(options);
        await SetUpAsync(harness);
        Assert.Equal(ReplyTone.Success, (await RunAsync(harness, Admin, "/studybot roles map foundation graduate")).Tone);

        options.Roles.Single(r => r.Id == Graduate).Permissions = FakeDiscordServer.Administrator;
        await CompleteFoundationAsync(harness, Ada);
        await RunJobsAsync(harness);
        await CompleteFoundationAsync(harness, Bo);
        await RunJobsAsync(harness);

        Assert.Empty(harness.Server.RoleAdds);
        var notice = Assert.Single(Posts(harness.Server, StudyHall), p => p.Contains("can't hand out", StringComparison.Ordinal));
        Assert.Contains("Administrator", notice, StringComparison.Ordinal);
        Assert.Equal(2, (await TotalsAsync(harness)).Failed);
        Assert.Equal(2, Posts(harness.Server, Wins).Count(p => p.Contains("Phase complete", StringComparison.Ordinal)));
    }

    private static FakeDiscordOptions Server()
    {
        var options = new FakeDiscordOptions { BodyValidator = OpenApiSchemas.Validate };

        // The fake's buckets run on real time and the adapter on fake time: a roomy message bucket keeps the
        // celebrations of several members inside one drain (pacing has its own tests).
        options.Buckets["POST /channels/{channel_id}/messages"] = new(50, TimeSpan.FromSeconds(5), "msg-bucket-0001");
        options.Roles.Add(new FakeRole(Graduate, GuildId, "Graduate", 3, 0));
        foreach (var user in new[] { Ada, Bo, Cy })
        {
            options.Members[(GuildId, user)] = new();
        }

        return options;
    }

    /// <summary>A harness on the given server (which the test disposes), or on a new one it owns.</summary>
    private static Task<AdapterHarness> StartAsync(FakeDiscordServer? server, string? database = null, Action<IServiceCollection>? services = null) =>
        AdapterHarness.StartAsync(
            o =>
            {
                o.RealEngine = true;
                o.FakeTime = true;
                o.DatabaseFile = database;
                o.Services = services;
            },
            sharedServer: server);

    private static async Task<AdapterHarness> StartAsync(FakeDiscordOptions options)
    {
        var harness = await StartAsync(await FakeDiscordServer.StartAsync(options));
        harness.OwnsServer = true;
        return harness;
    }

    private static async Task SetUpAsync(AdapterHarness harness) =>
        Assert.Equal(ReplyTone.Success, (await RunAsync(harness, Admin, $"/studybot channel celebrations {Wins}")).Tone);

    private static Task<Reply> RunAsync(AdapterHarness harness, MemberRef who, string text) =>
        harness.Get<CommandExecutor>().RunTextAsync(who, text, CancellationToken.None);

    private static async Task CompleteFoundationAsync(AdapterHarness harness, ulong user)
    {
        var member = new MemberRef(Guild, user.ToString(System.Globalization.CultureInfo.InvariantCulture), "Member " + (user % 10));
        var reply = await RunAsync(harness, member, "/progress skip foundation known");
        Assert.Contains(reply.FollowUps, f => f.Title?.Contains("Phase complete", StringComparison.Ordinal) == true);
    }

    /// <summary>The background jobs once, past the undo grace, with fake time pumped so pacing and backoff can move.</summary>
    private static async Task RunJobsAsync(AdapterHarness harness)
    {
        var time = harness.Time!;
        time.Advance(CelebrationService.Grace + TimeSpan.FromSeconds(1));
        var work = Task.Run(async () =>
        {
            await harness.Get<CelebrationService>().RunAsync(CancellationToken.None);
            await harness.Get<RoleGrantService>().RunAsync(TimeSpan.FromDays(1), CancellationToken.None);
            await harness.Get<OutboxDispatcher>().DrainAsync(TimeSpan.FromDays(1), CancellationToken.None);
        });
        var clock = System.Diagnostics.Stopwatch.StartNew();
        while (!work.IsCompleted)
        {
            Assert.True(clock.Elapsed < TimeSpan.FromSeconds(30), "the jobs did not finish");
            time.Advance(TimeSpan.FromMilliseconds(50));
            await Task.Delay(2);
        }

        await work;
    }

    private static async Task<RoleGrantTotals> TotalsAsync(AdapterHarness harness)
    {
        await using var scope = harness.Services.CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<IRoleStore>().TotalsAsync(Guild, CancellationToken.None);
    }

    /// <summary>Each message posted in the channel as its words: content, embed titles, descriptions and fields.</summary>
    private static List<string> Posts(FakeDiscordServer server, ulong channel) =>
        server.Messages.TryGetValue(channel, out var messages) ? messages.Select(Words).ToList() : [];

    private static string Text(JsonNode answer) => Words(answer["data"]!);

    private static string Words(JsonNode? node) => node switch
    {
        JsonObject o => string.Join('\n', o.Where(p => p.Key is not ("id" or "channel_id" or "nonce" or "custom_id")).Select(p => Words(p.Value))),
        JsonArray a => string.Join('\n', a.Select(Words)),
        JsonValue v when v.TryGetValue<string>(out var text) => text,
        _ => "",
    };
}
