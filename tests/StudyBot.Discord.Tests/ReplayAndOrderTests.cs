using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using StudyBot.Core.Chat;
using StudyBot.Core.Progress;
using StudyBot.Discord.Tests.Fakes;
using StudyBot.Discord.Tests.Support;
using StudyBot.Host;

namespace StudyBot.Discord.Tests;

/// <summary>
/// An interaction Discord delivers again (a gateway replay after a restart) changes the data once and gets the
/// first answer; one member's interactions are applied in the order they arrived.
/// </summary>
public sealed class ReplayAndOrderTests
{
    private static readonly CommunityRef Guild = new(Platforms.Discord, "290926798626357999", "Study Hall");
    private static readonly MemberRef Mason = new(Guild, "53908232506183680", "Mason");
    private const ulong OtherUser = 53908232506183999;

    [Fact]
    public async Task An_interaction_delivered_again_after_a_restart_logs_its_minutes_once_and_gets_the_first_answer()
    {
        var directory = Directory.CreateTempSubdirectory("studybot-discord-replay-").FullName;
        var database = Path.Combine(directory, "studybot.db");
        try
        {
            var log = InteractionFactory.Slash("progress log", new Dictionary<string, object> { ["minutes"] = 45L, ["kind"] = "practice" });
            await using (var before = await AdapterHarness.StartAsync(o => { o.RealEngine = true; o.DatabaseFile = database; }))
            {
                await before.ReadyAsync();
                var first = await before.Server.DispatchInteractionAsync(log);
                Assert.Contains("Logged 45 min", await AnswerTextAsync(first), StringComparison.Ordinal);
            }

            await using var after = await AdapterHarness.StartAsync(o => { o.RealEngine = true; o.DatabaseFile = database; });
            await after.ReadyAsync();
            var again = await after.Server.DispatchInteractionAsync(log.DeepClone().AsObject());
            var text = await AnswerTextAsync(again);

            Assert.Contains("Logged 45 min", text, StringComparison.Ordinal);
            Assert.Contains("reached me twice", text, StringComparison.Ordinal);
            Assert.Equal(45, (await LoadAsync(after.Services)).Days.Sum(d => d.TotalMinutes));
        }
        finally
        {
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            Directory.Delete(directory, recursive: true);
        }
    }

    [Fact]
    public async Task A_signed_HTTP_interaction_replayed_to_a_restarted_bot_is_answered_from_its_receipt_and_applied_once()
    {
        await using var server = await FakeDiscordServer.StartAsync(new FakeDiscordOptions { BodyValidator = OpenApiSchemas.Validate });
        var directory = Directory.CreateTempSubdirectory("studybot-discord-http-replay-").FullName;
        try
        {
            var body = InteractionFactory.Slash("progress log", new Dictionary<string, object> { ["minutes"] = 45L, ["kind"] = "practice" }).ToJsonString();
            var (timestamp, signature) = SignatureTests.Sign(body, TimeProvider.System.GetUtcNow());

            var first = await PostToNewHostAsync(server, directory, body, timestamp, signature);
            Assert.Contains("Logged 45 min", first, StringComparison.Ordinal);

            var replay = await PostToNewHostAsync(server, directory, body, timestamp, signature);
            Assert.Contains("Logged 45 min", replay, StringComparison.Ordinal);
            Assert.Contains("reached me twice", replay, StringComparison.Ordinal);

            await using var connection = new Microsoft.Data.Sqlite.SqliteConnection("Data Source=" + Path.Combine(directory, "studybot.db"));
            await connection.OpenAsync();
            await using var minutes = connection.CreateCommand();
            minutes.CommandText = "SELECT SUM(Minutes) FROM StudyLogs";
            Assert.Equal(45L, await minutes.ExecuteScalarAsync());
        }
        finally
        {
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            Directory.Delete(directory, recursive: true);
        }

        Assert.Empty(server.SchemaViolations);
    }

    [Fact]
    public async Task A_button_press_delivered_again_after_a_restart_does_not_undo_a_second_time()
    {
        var directory = Directory.CreateTempSubdirectory("studybot-discord-replay-").FullName;
        var database = Path.Combine(directory, "studybot.db");
        try
        {
            var undo = InteractionFactory.Button("progress undo");
            await using (var before = await AdapterHarness.StartAsync(o => { o.RealEngine = true; o.DatabaseFile = database; }))
            {
                await before.ReadyAsync();
                foreach (var item in new[] { "numpy", "pandas" })
                {
                    await AnswerTextAsync(await before.Server.DispatchInteractionAsync(InteractionFactory.Slash("progress done", new Dictionary<string, object> { ["item"] = item })));
                }

                await AnswerTextAsync(await before.Server.DispatchInteractionAsync(undo));
                Assert.NotEqual(ItemStatus.Done, (await LoadAsync(before.Services)).StateOf("pandas").Status);
            }

            await using var after = await AdapterHarness.StartAsync(o => { o.RealEngine = true; o.DatabaseFile = database; });
            await after.ReadyAsync();
            var text = await AnswerTextAsync(await after.Server.DispatchInteractionAsync(undo.DeepClone().AsObject()));

            Assert.Contains("reached me twice", text, StringComparison.Ordinal);
            var member = await LoadAsync(after.Services);
            Assert.Equal(ItemStatus.Done, member.StateOf("numpy").Status);
            Assert.NotEqual(ItemStatus.Done, member.StateOf("pandas").Status);
        }
        finally
        {
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            Directory.Delete(directory, recursive: true);
        }
    }

    [Fact]
    public async Task A_deferred_start_is_not_overtaken_by_the_progress_sent_right_after_it_and_another_member_is_not_held_up()
    {
        var gate = new CommitGate((who, changes) => who.UserId == Mason.UserId && changes.Profile is not null);
        await using var harness = await AdapterHarness.StartAsync(o =>
        {
            o.RealEngine = true;
            o.Services = services => CommitGate.Install(services, gate);
        });
        await harness.ReadyAsync();

        var start = await harness.Server.DispatchInteractionAsync(InteractionFactory.Slash("progress start", new Dictionary<string, object> { ["profile"] = "programmer", ["pace"] = "part-time" }));
        await Bounded.WaitAsync(gate.Reached.Task, "the gated command to reach its handler", TimeSpan.FromSeconds(30));
        var overview = await harness.Server.DispatchInteractionAsync(InteractionFactory.Slash("progress overview"));
        var other = await harness.Server.DispatchInteractionAsync(InteractionFactory.Slash("progress log", new Dictionary<string, object> { ["minutes"] = 30L, ["kind"] = "practice" }, userId: OtherUser));

        Assert.Contains("Logged 30 min", await AnswerTextAsync(other), StringComparison.Ordinal);
        Assert.False(gate.Open.Task.IsCompleted);
        Assert.False(overview.Edited.Task.IsCompleted);
        if (overview.Answered.Task.IsCompleted)
        {
            Assert.True((int)(await overview.Answered.Task)["type"]! == 5, "the overview was answered before the start it followed was saved");
        }

        gate.Open.SetResult();
        Assert.Contains("Programmer", await AnswerTextAsync(start), StringComparison.Ordinal);
        var shown = await AnswerTextAsync(overview);

        Assert.DoesNotContain("Welcome to", shown, StringComparison.Ordinal);
        Assert.Contains("% of ", shown, StringComparison.Ordinal);
        Assert.True((await LoadAsync(harness.Services)).Member.Onboarded);
    }

    /// <summary>Starts the real host in HTTP mode on the folder's database, posts one signed interaction, and stops it.</summary>
    private static async Task<string> PostToNewHostAsync(FakeDiscordServer server, string directory, string body, string timestamp, string signature)
    {
        var app = HttpModeHost.Build(server, directory);
        try
        {
            await StudyBotHost.PrepareAsync(app, CancellationToken.None);
            await app.StartAsync();
            using var http = new HttpClient { BaseAddress = new Uri(app.Urls.First()), Timeout = TimeSpan.FromSeconds(30) };
            var interaction = JsonNode.Parse(body)!;
            var record = server.Register(InteractionFactory.IdOf(interaction.AsObject()), (string)interaction["token"]!, answeredOverHttp: true);
            using var request = new HttpRequestMessage(HttpMethod.Post, "/discord/interactions") { Content = new StringContent(body, Encoding.UTF8) };
            request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
            request.Headers.Add("X-Signature-Timestamp", timestamp);
            request.Headers.Add("X-Signature-Ed25519", signature);
            using var response = await http.SendAsync(request);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            var answer = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;
            var message = (int)answer["type"]! == 4 ? answer["data"]! : await Bounded.WaitAsync(record.Edited.Task, "the edit that completes interaction record", TimeSpan.FromSeconds(30));
            return message.ToJsonString();
        }
        finally
        {
            await app.StopAsync();
            await app.DisposeAsync();
        }
    }

    /// <summary>The message an interaction was answered with: the type 4 answer, or the edit after a deferral.</summary>
    private static async Task<string> AnswerTextAsync(FakeInteraction interaction)
    {
        var answer = await Bounded.WaitAsync(interaction.Answered.Task, "the answer to the interaction", TimeSpan.FromSeconds(30));
        var message = (int)answer["type"]! == 4 ? answer["data"]! : await Bounded.WaitAsync(interaction.Edited.Task, "the edit that completes the interaction", TimeSpan.FromSeconds(30));
        return message.ToJsonString();
    }

    private static async Task<MemberSnapshot> LoadAsync(IServiceProvider services)
    {
        await using var scope = services.CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<IProgressStore>().LoadAsync(Mason, new NewcomerDefaults("ml-zero-to-hero", "UTC"), CancellationToken.None);
    }
}

/// <summary>A test hook: commits that match wait until the test opens the gate (a slow command).</summary>
internal sealed class CommitGate(Func<MemberRef, ChangeSet, bool> matches)
{
    public TaskCompletionSource Reached { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public TaskCompletionSource Open { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public bool Matches(MemberRef who, ChangeSet changes) => matches(who, changes);

    /// <summary>Wraps the registered <see cref="IProgressStore"/> so its matching commits wait on this gate.</summary>
    public static void Install(IServiceCollection services, CommitGate gate)
    {
        var original = services.Single(d => d.ServiceType == typeof(IProgressStore));
        var type = original.ImplementationType ?? throw new InvalidOperationException("The progress store is not registered by type.");
        services.Remove(original);
        services.Add(new ServiceDescriptor(type, type, original.Lifetime));
        services.Add(new ServiceDescriptor(typeof(IProgressStore), sp => new GatedProgressStore((IProgressStore)sp.GetRequiredService(type), gate), original.Lifetime));
    }

    private sealed class GatedProgressStore(IProgressStore inner, CommitGate gate) : IProgressStore
    {
        public Task<MemberSnapshot> LoadAsync(MemberRef member, NewcomerDefaults defaults, CancellationToken cancellationToken) =>
            inner.LoadAsync(member, defaults, cancellationToken);

        public Task<UndoCandidate?> LoadUndoAsync(MemberRef member, CancellationToken cancellationToken) => inner.LoadUndoAsync(member, cancellationToken);

        public Task<IReadOnlySet<string>> LoadRecordedCompletionsAsync(MemberRef member, CancellationToken cancellationToken) =>
            inner.LoadRecordedCompletionsAsync(member, cancellationToken);

        public Task<CommunityRef?> FindHomeCommunityAsync(string platform, string userId, CancellationToken cancellationToken) =>
            inner.FindHomeCommunityAsync(platform, userId, cancellationToken);

        public async Task<CommitResult> CommitAsync(MemberRef member, MemberSnapshot snapshot, ChangeSet changes, CancellationToken cancellationToken)
        {
            if (gate.Matches(member, changes))
            {
                gate.Reached.TrySetResult();
                await Bounded.WaitAsync(gate.Open.Task.WaitAsync(cancellationToken), "the test to open the gate", TimeSpan.FromSeconds(60));
            }

            return await inner.CommitAsync(member, snapshot, changes, cancellationToken);
        }
    }
}
