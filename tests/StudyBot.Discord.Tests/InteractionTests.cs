using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using StudyBot.Core.Chat;
using StudyBot.Core.Telemetry;
using StudyBot.Discord.Tests.Support;

namespace StudyBot.Discord.Tests;

/// <summary>Interactions over the fake gateway with a scripted engine.</summary>
public sealed class InteractionTests
{
    [Fact]
    public async Task A_quick_command_is_answered_once_with_an_ephemeral_message_and_the_member_is_mapped()
    {
        await using var harness = await AdapterHarness.StartAsync();
        await harness.ReadyAsync();

        var interaction = await harness.Server.DispatchInteractionAsync(InteractionFactory.Slash(
            "progress log",
            new Dictionary<string, object> { ["minutes"] = 45L, ["kind"] = "practice", ["note"] = "vectors" },
            nick: "Mase"));
        var answer = await Bounded.WaitAsync(interaction.Answered.Task, "the answer to the interaction", TimeSpan.FromSeconds(10));

        Assert.Equal(4, (int?)answer["type"]);
        Assert.Equal(64, (int?)answer["data"]!["flags"]);
        Assert.Equal("ran progress log", (string?)answer["data"]!["content"]);
        Assert.Equal("""{"parse":[]}""", answer["data"]!["allowed_mentions"]!.ToJsonString());
        var run = Assert.Single(harness.Runner!.Runs);
        Assert.Equal("progress log", run.Path);
        Assert.Equal(45L, run.Options["minutes"]);
        Assert.Equal("practice", run.Options["kind"]);
        Assert.Equal(new CommunityRef(Platforms.Discord, "290926798626357999", "Study Hall"), run.Who.Community);
        Assert.Equal("53908232506183680", run.Who.UserId);
        Assert.Equal("Mase", run.Who.DisplayName);
        Assert.True(run.Who.IsAdmin);
        Assert.Equal(1, interaction.CallbackAttempts);
    }

    [Fact]
    public async Task A_member_without_Manage_Server_is_not_an_admin_and_is_named_by_global_name_or_username()
    {
        await using var harness = await AdapterHarness.StartAsync();
        await harness.ReadyAsync();

        var interaction = await harness.Server.DispatchInteractionAsync(InteractionFactory.Slash("progress goal show", permissions: InteractionFactory.MemberPermissions));
        await Bounded.WaitAsync(interaction.Answered.Task, "the answer to the interaction", TimeSpan.FromSeconds(10));

        var run = Assert.Single(harness.Runner!.Runs);
        Assert.Equal("progress goal show", run.Path);
        Assert.False(run.Who.IsAdmin);
        Assert.Equal("Mason", run.Who.DisplayName);
    }

    [Fact]
    public async Task A_public_reply_is_not_ephemeral_and_follow_ups_go_to_the_interaction_webhook()
    {
        await using var harness = await AdapterHarness.StartAsync();
        await harness.ReadyAsync();
        harness.Runner!.Answer = _ => new Reply
        {
            Text = "Everyone can see this",
            Visibility = Visibility.Public,
            FollowUps = [new Reply { Title = "🎉 Milestone!", Text = "Phase 1 complete", Tone = ReplyTone.Celebration, Visibility = Visibility.Public }],
        };

        var interaction = await harness.Server.DispatchInteractionAsync(InteractionFactory.Slash("progress done", new Dictionary<string, object> { ["item"] = "numpy" }));
        var answer = await Bounded.WaitAsync(interaction.Answered.Task, "the answer to the interaction", TimeSpan.FromSeconds(10));
        await Wait.UntilAsync(() => interaction.FollowUps.Count == 1, "the follow-up");

        Assert.Null(answer["data"]!["flags"]);
        Assert.Equal("🎉 Milestone!", (string?)interaction.FollowUps.Single()["embeds"]![0]!["title"]);
        Assert.Null(interaction.FollowUps.Single()["flags"]);
    }

    [Fact]
    public async Task A_slow_command_is_deferred_in_time_and_its_answer_edits_the_original()
    {
        await using var harness = await AdapterHarness.StartAsync(o => o.FakeTime = true);
        await harness.ReadyAsync();
        harness.Runner!.Gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);

        var mark = harness.Watch!.Armed;
        var interaction = await harness.Server.DispatchInteractionAsync(InteractionFactory.Slash("progress overview"));
        await Wait.UntilAsync(() => harness.Runner.Runs.Count == 1, "the command to start");
        await harness.Watch.ArmedAsync(mark, d => d > TimeSpan.Zero && d <= TimeSpan.FromMilliseconds(1500), "the adapter to arm its deferral timer");
        Assert.Empty(interaction.Callbacks);

        harness.Time!.Advance(TimeSpan.FromMilliseconds(1500));
        var deferral = await Bounded.WaitAsync(interaction.Answered.Task, "the answer to the interaction", TimeSpan.FromSeconds(10));
        Assert.Equal(5, (int?)deferral["type"]);
        Assert.Equal(64, (int?)deferral["data"]!["flags"]);
        Assert.Empty(interaction.Edits);

        harness.Runner.Gate.SetResult();
        var edit = await Bounded.WaitAsync(interaction.Edited.Task, "the edit that completes the interaction", TimeSpan.FromSeconds(10));
        Assert.Equal("ran progress overview", (string?)edit["content"]);
        Assert.Single(interaction.Callbacks);
        Assert.Equal(0, interaction.LateCallbacks);
    }

    [Fact]
    public async Task A_deferred_answer_is_counted_once_by_platform_and_an_answer_in_time_is_not()
    {
        await using var harness = await AdapterHarness.StartAsync(o =>
        {
            o.FakeTime = true;
            o.Services = services => services.AddSingleton(new StudyBotMetrics());
        });
        await harness.ReadyAsync();
        using var recorded = new MetricsRecorder(harness.Get<StudyBotMetrics>().Meter);

        var quick = await harness.Server.DispatchInteractionAsync(InteractionFactory.Slash("progress overview"));
        Assert.Equal(4, (int?)(await Bounded.WaitAsync(quick.Answered.Task, "the answer in time", TimeSpan.FromSeconds(10)))["type"]);

        harness.Runner!.Gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var mark = harness.Watch!.Armed;
        var slow = await harness.Server.DispatchInteractionAsync(InteractionFactory.Slash("progress overview"));
        await harness.Watch.ArmedAsync(mark, d => d > TimeSpan.Zero && d <= TimeSpan.FromMilliseconds(1500), "the adapter to arm its deferral timer");
        harness.Time!.Advance(TimeSpan.FromMilliseconds(1500));
        Assert.Equal(5, (int?)(await Bounded.WaitAsync(slow.Answered.Task, "the deferral", TimeSpan.FromSeconds(10)))["type"]);
        harness.Runner.Gate.SetResult();
        await Bounded.WaitAsync(slow.Edited.Task, "the edit that completes the slow interaction", TimeSpan.FromSeconds(10));

        Assert.Equal(["platform=discord"], recorded.Of("studybot.deferred_answers").Select(m => m.Tags));
    }

    [Fact]
    public async Task A_reply_with_a_file_is_deferred_and_the_file_comes_with_the_edit_of_the_original()
    {
        await using var harness = await AdapterHarness.StartAsync();
        await harness.ReadyAsync();
        var png = new byte[] { 0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 42 };
        harness.Runner!.Answer = _ => new Reply { Text = "Here's your progress card", Attachments = [new ReplyAttachment("card.png", ReplyAttachment.Png, png, "Your card: 60%")] };

        var interaction = await harness.Server.DispatchInteractionAsync(InteractionFactory.Slash("progress card"));
        var answer = await Bounded.WaitAsync(interaction.Answered.Task, "the answer to the interaction", TimeSpan.FromSeconds(10));
        var edit = await Bounded.WaitAsync(interaction.Edited.Task, "the edit that completes the interaction", TimeSpan.FromSeconds(10));

        Assert.Equal(5, (int?)answer["type"]);
        Assert.Equal(64, (int?)answer["data"]!["flags"]);
        Assert.Equal("Here's your progress card", (string?)edit["content"]);
        Assert.Equal("card.png", (string?)edit["attachments"]![0]!["filename"]);
        var upload = harness.Server.Requests.Single(r => r.Method == "PATCH");
        var file = Assert.Single(upload.Files);
        Assert.Equal(("files[0]", "card.png", "image/png"), (file.Part, file.FileName, file.ContentType));
        Assert.Equal(png, file.Content);
        Assert.StartsWith("multipart/form-data", upload.Headers["Content-Type"], StringComparison.Ordinal);
    }

    [Fact]
    public async Task Autocomplete_answers_with_at_most_25_choices_for_the_focused_option()
    {
        await using var harness = await AdapterHarness.StartAsync();
        await harness.ReadyAsync();
        harness.Runner!.Suggestions = [.. Enumerable.Range(0, 40).Select(i => new Core.Commands.Suggestion($"Item {i} " + new string('x', 120), $"item-{i}"))];

        var interaction = await harness.Server.DispatchInteractionAsync(InteractionFactory.Autocomplete("progress done", "item", "num"));
        var answer = await Bounded.WaitAsync(interaction.Answered.Task, "the answer to the interaction", TimeSpan.FromSeconds(10));

        var choices = answer["data"]!["choices"]!.AsArray();
        Assert.Equal(8, (int?)answer["type"]);
        Assert.Equal(25, choices.Count);
        Assert.All(choices, c => Assert.True(((string)c!["name"]!).Length <= 100));
        Assert.Equal("item-0", (string?)choices[0]!["value"]);
        var suggest = Assert.Single(harness.Runner.Suggests);
        Assert.Equal(("progress done", "item", "num"), (suggest.Path, suggest.Option, suggest.Typed));
        Assert.Empty(harness.Runner.Runs);
    }

    [Fact]
    public async Task A_button_runs_the_command_its_custom_id_names()
    {
        await using var harness = await AdapterHarness.StartAsync();
        await harness.ReadyAsync();

        var interaction = await harness.Server.DispatchInteractionAsync(InteractionFactory.Button("progress done numpy"));
        var answer = await Bounded.WaitAsync(interaction.Answered.Task, "the answer to the interaction", TimeSpan.FromSeconds(10));

        Assert.Equal(4, (int?)answer["type"]);
        Assert.Equal("/progress done numpy", Assert.Single(harness.Runner!.TextRuns).Text);
    }

    [Fact]
    public async Task A_command_in_a_DM_with_the_bot_uses_the_members_DM_community_and_no_admin_rights()
    {
        await using var harness = await AdapterHarness.StartAsync();
        await harness.ReadyAsync();

        var interaction = await harness.Server.DispatchInteractionAsync(InteractionFactory.Slash("progress streak", guildId: null));
        await Bounded.WaitAsync(interaction.Answered.Task, "the answer to the interaction", TimeSpan.FromSeconds(10));

        var run = Assert.Single(harness.Runner!.Runs);
        Assert.Equal("dm:53908232506183680", run.Who.Community.ExternalId);
        Assert.Equal("53908232506183680", run.Who.UserId);
        Assert.False(run.Who.IsAdmin);
    }

    [Fact]
    public async Task The_same_interaction_delivered_twice_is_answered_once()
    {
        await using var harness = await AdapterHarness.StartAsync();
        await harness.ReadyAsync();
        var payload = InteractionFactory.Slash("progress next");

        var interaction = await harness.Server.DispatchInteractionAsync(payload);
        await harness.Server.DispatchInteractionAsync((JsonObject)payload.DeepClone());
        var sentinel = await harness.Server.DispatchInteractionAsync(InteractionFactory.Slash("progress streak"));
        await Bounded.WaitAsync(Task.WhenAll(interaction.Answered.Task, sentinel.Answered.Task), "the answers to the interaction and to sentinel", TimeSpan.FromSeconds(10));
        await Wait.UntilAsync(() => harness.Get<Interactions.InteractionProcessor>().InFlight == 0, "all interactions to finish");

        Assert.Single(interaction.Callbacks);
        Assert.Equal(1, interaction.CallbackAttempts);
        Assert.Equal(2, harness.Runner!.Runs.Count);
    }

    [Fact]
    public async Task An_interaction_type_StudyBot_does_not_use_still_gets_one_answer()
    {
        await using var harness = await AdapterHarness.StartAsync();
        await harness.ReadyAsync();
        var modal = InteractionFactory.Slash("progress next");
        modal["type"] = 5;
        modal["data"] = new JsonObject { ["custom_id"] = "modal", ["components"] = new JsonArray() };

        var interaction = await harness.Server.DispatchInteractionAsync(modal);
        var answer = await Bounded.WaitAsync(interaction.Answered.Task, "the answer to the interaction", TimeSpan.FromSeconds(10));

        Assert.Equal(4, (int?)answer["type"]);
        Assert.Empty(harness.Runner!.Runs);
    }

    [Fact]
    public async Task Guild_names_from_GUILD_CREATE_name_the_community()
    {
        await using var harness = await AdapterHarness.StartAsync(o => o.Server.Guilds[41771983423143937] = "Night Owls");
        await harness.ReadyAsync();
        await harness.Server.DispatchAsync("GUILD_UPDATE", new JsonObject { ["id"] = "290926798626357999", ["name"] = "Study Hall 2" });

        var interaction = await harness.Server.DispatchInteractionAsync(InteractionFactory.Slash("progress next", guildId: 41771983423143937));
        var renamed = await harness.Server.DispatchInteractionAsync(InteractionFactory.Slash("progress next"));
        await Bounded.WaitAsync(Task.WhenAll(interaction.Answered.Task, renamed.Answered.Task), "the answers to the interaction and to renamed", TimeSpan.FromSeconds(10));

        var names = harness.Runner!.Runs.Select(r => r.Who.Community.Name).Order().ToList();
        Assert.Equal(["Night Owls", "Study Hall 2"], names);
    }
}
