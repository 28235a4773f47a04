using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using StudyBot.Core.Chat;
using StudyBot.Core.Privacy;
using StudyBot.Discord.Gateway;
using StudyBot.Discord.Tests.Support;

namespace StudyBot.Discord.Tests;

/// <summary>Members leaving and the bot being removed start the retention clock; outages do not.</summary>
public sealed class DepartureTests
{
    private const string GuildId = "290926798626357999";
    private const string MasonId = "53908232506183680";

    [Fact]
    public async Task A_member_leaving_and_the_bot_removed_are_recorded_but_an_outage_is_not()
    {
        await using var harness = await AdapterHarness.StartAsync(o =>
        {
            o.RealEngine = true;
            o.Settings["Discord:MemberEvents"] = "true";
            o.Server.AllowedPrivilegedIntents = GatewaySettings.GuildMembers;
        });
        await harness.ReadyAsync();
        Assert.Equal(GatewaySettings.Guilds | GatewaySettings.GuildMembers | GatewaySettings.GuildVoiceStates, harness.Server.Identifies.Last().Intents);

        // Mason uses the bot, so he has data in the guild.
        var done = await harness.Server.DispatchInteractionAsync(InteractionFactory.Slash("progress done", new Dictionary<string, object> { ["item"] = "numpy" }));
        await Bounded.WaitAsync(done.Answered.Task, "the answer to interaction done", TimeSpan.FromSeconds(15));
        await Wait.UntilAsync(() => harness.Get<Interactions.InteractionProcessor>().InFlight == 0, "the command to finish");
        var sink = harness.Get<GatewayDispatchSink>();
        Assert.Equal(0, await PurgeAsync(harness.Services));

        // Someone who never used the bot leaves: recorded, nothing to delete. Then Mason leaves.
        await harness.Server.DispatchAsync("GUILD_MEMBER_REMOVE", new JsonObject { ["guild_id"] = GuildId, ["user"] = new JsonObject { ["id"] = "80351110224678912", ["username"] = "Nelly" } });
        await harness.Server.DispatchAsync("GUILD_MEMBER_REMOVE", new JsonObject { ["guild_id"] = GuildId, ["user"] = new JsonObject { ["id"] = MasonId, ["username"] = "Mason" } });
        await Wait.UntilAsync(() => sink.Departures == 2, "two departures");

        // A guild outage is not a departure; the bot removed from the guild is.
        await harness.Server.DispatchAsync("GUILD_DELETE", new JsonObject { ["id"] = GuildId, ["unavailable"] = true });
        await harness.Server.DispatchAsync("GUILD_DELETE", new JsonObject { ["id"] = GuildId });

        // Dispatches are taken in one at a time, in order: once a later GUILD_CREATE is in, both deletes were decided on.
        await harness.Server.DispatchAsync("GUILD_CREATE", new JsonObject { ["id"] = "1200000000000000001", ["name"] = "Sentinel", ["unavailable"] = false });
        await Wait.UntilAsync(() => harness.Get<Interactions.GuildDirectory>().NameOf(1200000000000000001) == "Sentinel", "the dispatch after the guild deletes");
        Assert.Equal(3, sink.DeparturesStarted);
        await Wait.UntilAsync(() => sink.Departures == 3, "the guild departure");

        // Past the retention period everything of the guild goes: Mason's row and the community's.
        Assert.True(await PurgeAsync(harness.Services) >= 1);
        await using var scope = harness.Services.CreateAsyncScope();
        var export = await scope.ServiceProvider.GetRequiredService<IMemberDataStore>()
            .ExportMemberAsync(new MemberRef(new CommunityRef(Platforms.Discord, GuildId, "Study Hall"), MasonId, "Mason"), DateTime.UtcNow, CancellationToken.None);
        Assert.Null(export);
    }

    [Fact]
    public async Task Member_events_without_the_portal_switch_stop_the_host_naming_the_setting()
    {
        await using var harness = await AdapterHarness.StartAsync(o => o.Settings["Discord:MemberEvents"] = "true");

        var message = await Bounded.WaitAsync(harness.Fatal.Stopped.Task, "the adapter's fatal stop", TimeSpan.FromSeconds(15));

        Assert.Contains("4014", message, StringComparison.Ordinal);
        Assert.Contains("Discord:MemberEvents", message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Without_member_events_only_the_guilds_and_voice_states_intents_are_asked_for()
    {
        await using var harness = await AdapterHarness.StartAsync();
        await harness.ReadyAsync();

        Assert.Equal(GatewaySettings.Guilds | GatewaySettings.GuildVoiceStates, harness.Server.Identifies.Single().Intents);
    }

    private static async Task<int> PurgeAsync(IServiceProvider services)
    {
        await using var scope = services.CreateAsyncScope();
        var now = DateTime.UtcNow;
        return await scope.ServiceProvider.GetRequiredService<IMemberDataStore>().PurgeLeftAsync(now.AddDays(1), now, CancellationToken.None);
    }
}
