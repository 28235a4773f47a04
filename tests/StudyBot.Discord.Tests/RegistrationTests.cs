using System.Text.Json.Nodes;
using StudyBot.Core.Commands;
using Microsoft.Extensions.Logging;
using StudyBot.Discord.Registration;
using StudyBot.Discord.Tests.Fakes;
using StudyBot.Discord.Tests.Support;

namespace StudyBot.Discord.Tests;

public sealed class RegistrationTests
{
    [Fact]
    public void The_whole_catalog_registers_as_JSON_that_validates_against_the_spec_and_Discords_limits()
    {
        var catalog = StudyBotCommands.Catalog();

        var commands = CommandRegistration.Build(catalog);

        Assert.Empty(CommandRegistration.Validate(catalog, commands));
        Assert.Null(OpenApiSchemas.Validate("put", "/applications/{application_id}/commands", commands.ToJsonString()));
        Assert.Null(OpenApiSchemas.Validate("put", "/applications/{application_id}/guilds/{guild_id}/commands", commands.ToJsonString()));
    }

    [Fact]
    public void Subcommands_groups_choices_autocomplete_and_ranges_come_from_the_catalog()
    {
        var commands = CommandRegistration.Build(StudyBotCommands.Catalog());
        var progress = commands.Single(c => (string)c!["name"]! == "progress")!.AsObject();
        var admin = commands.Single(c => (string)c!["name"]! == StudyBotCommands.AdminRoot)!.AsObject();
        var options = progress["options"]!.AsArray();
        var done = options.Single(o => (string)o!["name"]! == "done")!;
        var goal = options.Single(o => (string)o!["name"]! == "goal")!;
        var log = options.Single(o => (string)o!["name"]! == "log")!;
        var minutes = log["options"]!.AsArray().Single(o => (string)o!["name"]! == "minutes")!;
        var kind = log["options"]!.AsArray().Single(o => (string)o!["name"]! == "kind")!;
        var item = done["options"]![0]!;

        Assert.Equal("progress", (string)progress["name"]!);
        Assert.Equal(options.Count, StudyBotCommands.Progress().Subcommands.Count);
        Assert.Equal(1, (int)done["type"]!);
        Assert.Equal(2, (int)goal["type"]!);
        Assert.Equal(["set", "show", "suggest"], goal["options"]!.AsArray().Select(o => (string)o!["name"]!));
        Assert.Equal(3, (int)item["type"]!);
        Assert.True((bool)item["autocomplete"]!);
        Assert.True((bool)item["required"]!);
        Assert.Equal(100, (int)item["max_length"]!);
        Assert.Equal(4, (int)minutes["type"]!);
        Assert.Equal(1, (long)minutes["min_value"]!);
        Assert.Equal(960, (long)minutes["max_value"]!);
        Assert.Equal(["practice", "learning", "review"], kind["choices"]!.AsArray().Select(c => (string)c!["value"]!));
        Assert.Null(kind["autocomplete"]);
        Assert.Null(progress["default_member_permissions"]);
        Assert.Equal([0, 1], progress["contexts"]!.AsArray().Select(c => (int)c!));
        Assert.Equal(0x20, (long)admin["default_member_permissions"]!);
    }

    [Fact]
    public void The_role_of_a_phase_mapping_registers_as_a_ROLE_option_and_the_phase_with_autocomplete()
    {
        var admin = CommandRegistration.Build(StudyBotCommands.Catalog()).Single(c => (string)c!["name"]! == StudyBotCommands.AdminRoot)!;
        var roles = admin["options"]!.AsArray().Single(o => (string)o!["name"]! == "roles")!;
        var map = roles["options"]!.AsArray().Single(o => (string)o!["name"]! == "map")!["options"]!.AsArray();

        Assert.Equal(2, (int)roles["type"]!);
        Assert.Equal(["map", "unmap", "show", "sync"], roles["options"]!.AsArray().Select(o => (string)o!["name"]!));
        Assert.Equal(3, (int)map[0]!["type"]!);
        Assert.True((bool)map[0]!["autocomplete"]!);
        Assert.Equal(8, (int)map[1]!["type"]!);
        Assert.True((bool)map[1]!["required"]!);
        Assert.Null(map[1]!["max_length"]);
    }

    [Fact]
    public void An_admin_only_root_carries_Manage_Server_and_is_guild_only()
    {
        var catalog = new CommandCatalog([
            StudyBotCommands.Progress(),
            new CommandDefinition("studybot", "Community settings for admins")
            {
                AdminOnly = true,
                Subcommands = [new CommandDefinition("channel", "Set the study channel") { Example = "/studybot channel", Options = [new OptionDefinition("enabled", OptionType.Boolean, "On or off") { Required = true }] }],
            },
        ]);

        var commands = CommandRegistration.Build(catalog);
        var admin = commands.Single(c => (string)c!["name"]! == "studybot")!;

        Assert.Equal(0x20, (long)admin["default_member_permissions"]!);
        Assert.Equal([0], admin["contexts"]!.AsArray().Select(c => (int)c!));
        Assert.Equal(5, (int)admin["options"]![0]!["options"]![0]!["type"]!);
        Assert.Empty(CommandRegistration.Validate(catalog, commands));
        Assert.Null(OpenApiSchemas.Validate("put", "/applications/{application_id}/commands", commands.ToJsonString()));
    }

    [Fact]
    public void A_catalog_that_breaks_Discords_limits_is_reported()
    {
        var catalog = new CommandCatalog([
            new CommandDefinition("Bad Name", new string('d', 101))
            {
                Subcommands = [new CommandDefinition("x", "y") { Example = "/x", Options = [.. Enumerable.Range(0, 26).Select(i => new OptionDefinition($"o{i}", OptionType.String, "z"))] }],
            },
        ]);

        var problems = CommandRegistration.Validate(catalog, CommandRegistration.Build(catalog));

        Assert.Contains(problems, p => p.Contains("Bad Name", StringComparison.Ordinal));
        Assert.Contains(problems, p => p.Contains("description", StringComparison.Ordinal));
        Assert.Contains(problems, p => p.Contains("25 options", StringComparison.Ordinal));
    }

    [Fact]
    public void The_hash_changes_with_the_commands_and_the_scope_only()
    {
        var a = CommandRegistration.Build(StudyBotCommands.Catalog());
        var b = CommandRegistration.Build(StudyBotCommands.Catalog());
        var changed = CommandRegistration.Build(StudyBotCommands.Catalog());
        changed[0]!["description"] = "Changed";

        Assert.Equal(CommandRegistration.Hash(a, "1/global"), CommandRegistration.Hash(b, "1/global"));
        Assert.NotEqual(CommandRegistration.Hash(a, "1/global"), CommandRegistration.Hash(changed, "1/global"));
        Assert.NotEqual(CommandRegistration.Hash(a, "1/global"), CommandRegistration.Hash(a, "1/guild/2"));
    }

    [Fact]
    public async Task Commands_are_bulk_overwritten_once_and_not_again_while_unchanged()
    {
        var leases = new MemoryLeases();
        await using (var first = await AdapterHarness.StartAsync(o => o.Leases = leases))
        {
            await first.ReadyAsync();
            var stored = JsonNode.Parse(leases.ValueOf(CommandRegistrar.LeaseName)!)!.AsObject();
            Assert.Single(stored);
            Assert.Equal(64, ((string)stored[$"{Fakes.FakeDiscordOptions.ApplicationId}/global"]!).Length);

            // Registering the same catalog again, with the hash in the database, sends no PUT.
            var registrar = first.Get<CommandRegistrar>();
            var again = await registrar.RegisterAsync(Fakes.FakeDiscordOptions.ApplicationId, CancellationToken.None);
            Assert.Equal(RegistrationOutcome.Unchanged, again);
            Assert.Single(first.Server.Requests, r => r.Method == "PUT");

            // A changed hash (another catalog registered since) triggers one PUT.
            leases.SetValue(CommandRegistrar.LeaseName, """{"x":"y"}""");
            Assert.Equal(RegistrationOutcome.Registered, await registrar.RegisterAsync(Fakes.FakeDiscordOptions.ApplicationId, CancellationToken.None));
            Assert.Equal(2, first.Server.Requests.Count(r => r.Method == "PUT"));
        }

        // A restart (another instance id, the same database) finds the hash and registers nothing.
        await using var second = await AdapterHarness.StartAsync(o =>
        {
            o.Leases = leases;
            o.InstanceId = "restarted";
        });
        await second.ReadyAsync();
        Assert.DoesNotContain(second.Server.Requests, r => r.Method == "PUT");
        Assert.True(second.Logs.Contains("Discord commands unchanged"));
    }

    [Fact]
    public async Task While_another_instance_holds_the_registration_lease_this_one_registers_nothing_and_afterwards_only_compares()
    {
        var leases = new MemoryLeases();
        await using var harness = await OnFakeTime(o => o.Leases = leases);
        var other = new MemoryLeaseStore(leases, "other-instance", harness.Time!);
        Assert.True(await other.TryAcquireAsync(CommandRegistrar.LeaseName, CommandRegistrar.LeaseTime, CancellationToken.None));

        await harness.Host.StartAsync();
        await harness.ReadyAsync(registered: false);
        await Wait.UntilAsync(() => harness.Logs.Contains("Another StudyBot instance is registering"), "the adapter to see the lease taken");
        Assert.DoesNotContain(harness.Server.Requests, IsRegistration);

        // The other instance registers this very catalog, records its hash and lets go.
        var hash = CommandRegistration.Hash(CommandRegistration.Build(StudyBotCommands.Catalog()), $"{FakeDiscordOptions.ApplicationId}/global");
        Assert.True(await other.WriteValueAsync(CommandRegistrar.LeaseName, $$"""{"{{FakeDiscordOptions.ApplicationId}}/global":"{{hash}}"}""", CancellationToken.None));
        await other.ReleaseAsync(CommandRegistrar.LeaseName, CancellationToken.None);

        await Wait.PumpUntilAsync(harness.Time!, () => harness.Adapter.Registration.IsCompleted, "the registration to end", step: TimeSpan.FromSeconds(5));
        Assert.True(harness.Logs.Contains("Discord commands unchanged"), harness.Logs.All);
        Assert.DoesNotContain(harness.Server.Requests, IsRegistration);
    }

    [Fact]
    public async Task An_instance_that_took_the_registration_lease_and_died_leaves_it_to_another_once_it_runs_out()
    {
        var leases = new MemoryLeases();
        await using var harness = await OnFakeTime(o => o.Leases = leases);
        Assert.True(await new MemoryLeaseStore(leases, "dead-instance", harness.Time!).TryAcquireAsync(CommandRegistrar.LeaseName, CommandRegistrar.LeaseTime, CancellationToken.None));

        await harness.Host.StartAsync();
        await harness.ReadyAsync(registered: false);
        // Fake time moves only until the registration is sent: the PUT itself takes real time, within the lease.
        await Wait.PumpUntilAsync(harness.Time!, () => harness.Server.Requests.Any(IsRegistration), "the registration after the dead holder's lease ran out", step: TimeSpan.FromSeconds(5));
        await Wait.UntilAsync(() => harness.Adapter.Registration.IsCompleted, "the registration to end");

        Assert.Single(harness.Server.Requests, IsRegistration);
        Assert.True(harness.Server.RegisteredCommands.ContainsKey("global"));
        Assert.True(leases.ValueOf(CommandRegistrar.LeaseName) is not null, harness.Logs.All);
    }

    [Fact]
    public async Task Configured_guilds_get_guild_commands_instead_of_global_ones()
    {
        await using var harness = await AdapterHarness.StartAsync(o =>
        {
            o.Settings["Discord:GuildIds:0"] = "290926798626357999";
            o.Settings["Discord:GuildIds:1"] = "41771983423143937";
        });

        await Wait.UntilAsync(() => harness.Server.RegisteredCommands.Count == 2, "both guild registrations");
        Assert.Equal(2, harness.Server.RegisteredCommands["guild:290926798626357999"].AsArray().Count);

        Assert.True(harness.Server.RegisteredCommands.ContainsKey("guild:290926798626357999"));
        Assert.True(harness.Server.RegisteredCommands.ContainsKey("guild:41771983423143937"));
        Assert.False(harness.Server.RegisteredCommands.ContainsKey("global"));
    }

    private static Task<AdapterHarness> OnFakeTime(Action<HarnessOptions>? configure = null) =>
        AdapterHarness.StartAsync(o =>
        {
            o.Start = false;
            o.FakeTime = true;
            o.Server.HeartbeatIntervalMs = 5000;
            o.Server.Buckets.Remove("GET /gateway/bot");
            o.Server.Buckets.Remove("PUT /applications/{application_id}/commands");
            o.Server.EnforceGlobalLimit = false;
            o.Server.EnforceGatewaySendLimit = false;
            configure?.Invoke(o);
        });

    private static bool IsRegistration(FakeRequest request) => request.Method == "PUT" && request.Template == "/applications/{application_id}/commands";

    [Fact]
    public async Task A_registration_Discord_refuses_as_invalid_logs_which_field_and_rule_and_is_not_retried()
    {
        var refusal = JsonNode.Parse(TestPaths.ReadFixture("rest/error_50035_invalid_form_body.json"))!;
        await using var harness = await OnFakeTime();
        harness.Server.AddFault(new FakeFault(IsRegistration, Status: (int)refusal["status"]!, Body: refusal["body"]!.DeepClone(), Times: 100));

        await harness.Host.StartAsync();
        await Wait.UntilAsync(() => harness.Logs.Contains("Registering Discord commands failed"), "the registration to fail");
        await Wait.PumpUntilAsync(harness.Time!, () => harness.Time!.GetUtcNow() > new DateTimeOffset(2026, 7, 6, 19, 30, 0, TimeSpan.Zero), "half an hour to pass", step: TimeSpan.FromSeconds(20));

        var line = Assert.Single(harness.Logs.Lines, l => l.Message.Contains("Registering Discord commands failed", StringComparison.Ordinal));
        Assert.Equal(LogLevel.Error, line.Level);
        Assert.Contains("50035", line.Message, StringComparison.Ordinal);
        Assert.Contains("access_token", line.Message, StringComparison.Ordinal);
        Assert.Contains("BASE_TYPE_REQUIRED", line.Message, StringComparison.Ordinal);
        Assert.Contains("This field is required", line.Message, StringComparison.Ordinal);
        Assert.Single(harness.Server.Requests, IsRegistration);
    }

    [Fact]
    public void The_errors_tree_names_each_option_and_rule_Discord_refused()
    {
        using var errors = System.Text.Json.JsonDocument.Parse("""
            {"0":{"options":{"1":{"name":{"_errors":[{"code":"APPLICATION_COMMAND_INVALID_NAME","message":"Command name is invalid"}]}}}},
             "_errors":[{"code":"APPLICATION_COMMAND_TOO_LARGE","message":"Command exceeds maximum size (8000)"}]}
            """);

        var summary = Rest.DiscordErrors.Describe(errors.RootElement);

        Assert.Contains("0.options.1.name: APPLICATION_COMMAND_INVALID_NAME Command name is invalid", summary, StringComparison.Ordinal);
        Assert.Contains("APPLICATION_COMMAND_TOO_LARGE Command exceeds maximum size (8000)", summary, StringComparison.Ordinal);
    }

    public static TheoryData<string> TransientFailures() => ["503 for longer than one request's retries", "connection dropped again and again", "429 longer than a request may queue"];

    [Theory]
    [MemberData(nameof(TransientFailures))]
    public async Task A_registration_that_fails_for_a_while_is_retried_with_backoff_and_the_gateway_does_not_wait_for_it(string failure)
    {
        await using var harness = await OnFakeTime();
        harness.Server.AddFault(failure switch
        {
            "503 for longer than one request's retries" => new FakeFault(IsRegistration, Status: 503, Times: 9),
            "connection dropped again and again" => new FakeFault(IsRegistration, Abort: true, Times: 9),
            _ => new FakeFault(IsRegistration, Status: 429, Scope: "user", RetryAfter: 90),
        });

        await harness.Host.StartAsync();
        await harness.ReadyAsync(registered: false);
        Assert.False(harness.Server.RegisteredCommands.ContainsKey("global"));

        // Small steps: the fake clock moves while the PUT is read (real time), and the 2-minute lease must outlast the 90 s wait.
        await Wait.PumpUntilAsync(harness.Time!, () => harness.Logs.Contains("Registered "), "the registration to go through", step: TimeSpan.FromMilliseconds(250), limit: TimeSpan.FromSeconds(40));
        Assert.True(harness.Server.RegisteredCommands.ContainsKey("global"));
        Assert.Equal(0, harness.Server.PendingFaults);
        Assert.NotNull(harness.Leases!.ValueOf(CommandRegistrar.LeaseName));
        Assert.False(harness.Logs.Contains("Registering Discord commands failed"), harness.Logs.All);
    }

    [Fact]
    public void The_registration_JSON_leaves_out_what_it_does_not_set_instead_of_sending_null()
    {
        var commands = CommandRegistration.Build(StudyBotCommands.Catalog());

        Assert.Empty(FakeDiscordServer.ExplicitNulls(commands, ""));
    }

    [Fact]
    public async Task Commands_register_with_an_implementation_that_refuses_explicit_nulls()
    {
        await using var harness = await AdapterHarness.StartAsync(o => o.Server.RefuseExplicitNulls = true);

        await Wait.UntilAsync(() => harness.Server.RegisteredCommands.ContainsKey("global"), "the registration");

        Assert.All(harness.Server.Requests, r => Assert.NotEqual(400, r.Status));
    }

    [Fact]
    public async Task The_fake_refuses_an_explicit_null_only_where_Discords_spec_does_not_allow_one()
    {
        await using var server = await FakeDiscordServer.StartAsync(new FakeDiscordOptions { BodyValidator = OpenApiSchemas.Validate });
        using var http = new HttpClient();

        async Task<(int Status, JsonNode? Body)> PutAsync(string json)
        {
            using var request = new HttpRequestMessage(HttpMethod.Put, $"{server.ApiBaseUrl}/applications/{FakeDiscordOptions.ApplicationId}/commands")
            {
                Content = new StringContent(json, System.Text.Encoding.UTF8, "application/json"),
            };
            request.Headers.TryAddWithoutValidation("Authorization", "Bot " + FakeDiscordOptions.Token);
            using var response = await http.SendAsync(request);
            var text = await response.Content.ReadAsStringAsync();
            return ((int)response.StatusCode, text.Length == 0 ? null : JsonNode.Parse(text));
        }

        // The spec allows null for options and default_member_permissions, as Discord does.
        var allowed = await PutAsync("""[{"name":"ping","description":"Ping","options":null,"default_member_permissions":null}]""");

        // A subcommand's name may not be null.
        var refused = await PutAsync("""[{"name":"ping","description":"Ping","options":[{"type":1,"name":null,"description":"x"}]}]""");

        Assert.Equal(200, allowed.Status);
        Assert.Equal(400, refused.Status);
        Assert.Equal(50035, (int?)refused.Body!["code"]);
        Assert.Single(server.SchemaViolations);
    }
}
