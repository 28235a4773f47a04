using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using StudyBot.Core.Chat;
using StudyBot.Core.Commands;
using StudyBot.Discord.Json;
using StudyBot.Discord.Rendering;
using StudyBot.Discord.Tests.Fakes;
using StudyBot.Discord.Tests.Support;
using StudyBot.Host;

namespace StudyBot.Discord.Tests;

/// <summary>
/// Help is the same for every member (admins get the admin line), so its answer is rendered once and kept; each member
/// still gets exactly the bytes a fresh rendering would give, and everything else is rendered for its member.
/// </summary>
public sealed class HelpAnswerTests
{
    [Fact]
    public void A_kept_answer_is_the_fresh_rendering_byte_for_byte_for_each_visibility()
    {
        var reply = new Reply
        {
            Title = "StudyBot commands",
            Text = "Items by id (`numpy`) or *title* words. <@1> @everyone",
            Fields = [new ReplyField("Progress", "`/progress done <item>`: mark it"), new ReplyField("More", "`/progress log`")],
        };

        foreach (var ephemeral in new[] { true, false })
        {
            var fresh = JsonSerializer.SerializeToUtf8Bytes(new InteractionResponse(CallbackTypes.ChannelMessage, MessageRenderer.Render(reply, ephemeral)), DiscordJsonContext.Default.InteractionResponse);

            var kept = MessageRenderer.RenderKept(reply, ephemeral);

            Assert.Same(kept, MessageRenderer.RenderKept(reply, ephemeral));
            Assert.Equal(fresh, kept.Json);
            Assert.Equal(fresh, JsonSerializer.SerializeToUtf8Bytes(kept, DiscordJsonContext.Default.InteractionResponse));
        }

        Assert.NotEqual(MessageRenderer.RenderKept(reply, ephemeral: true).Json, MessageRenderer.RenderKept(reply, ephemeral: false).Json);
    }

    [Fact]
    public async Task Every_member_gets_the_same_help_bytes_over_HTTP_and_an_admin_the_admin_version_whoever_asked_first()
    {
        await using var server = await FakeDiscordServer.StartAsync(new FakeDiscordOptions { BodyValidator = OpenApiSchemas.Validate });
        var directory = Directory.CreateTempSubdirectory("studybot-discord-help-").FullName;
        var app = HttpModeHost.Build(server, directory);
        try
        {
            await StudyBotHost.PrepareAsync(app, CancellationToken.None);
            await app.StartAsync();
            using var http = new HttpClient { BaseAddress = new Uri(app.Urls.First()) };

            async Task<byte[]> AskAsync(string path, ulong userId, string permissions, IReadOnlyDictionary<string, object>? options = null)
            {
                var body = InteractionFactory.Slash(path, options, userId: userId, permissions: permissions).ToJsonString();
                var (timestamp, signature) = SignatureTests.Sign(body, TimeProvider.System.GetUtcNow());
                using var request = new HttpRequestMessage(HttpMethod.Post, "/discord/interactions") { Content = new StringContent(body, Encoding.UTF8) };
                request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
                request.Headers.Add("X-Signature-Timestamp", timestamp);
                request.Headers.Add("X-Signature-Ed25519", signature);
                using var response = await http.SendAsync(request);
                Assert.Equal(HttpStatusCode.OK, response.StatusCode);
                var bytes = await response.Content.ReadAsByteArrayAsync();
                Assert.Equal(bytes.Length, response.Content.Headers.ContentLength);
                Assert.Equal(4, (int)JsonNode.Parse(bytes)!["type"]!);
                return bytes;
            }

            var admin = await AskAsync("progress help", 401, InteractionFactory.AdminPermissions);
            var member = await AskAsync("progress help", 402, InteractionFactory.MemberPermissions);
            var other = await AskAsync("progress help", 403, InteractionFactory.MemberPermissions);
            var memberAgain = await AskAsync("progress help", 402, InteractionFactory.MemberPermissions);
            var adminAgain = await AskAsync("progress help", 401, InteractionFactory.AdminPermissions);

            Assert.Equal(member, other);
            Assert.Equal(member, memberAgain);
            Assert.Equal(admin, adminAgain);
            Assert.NotEqual(member, admin);
            Assert.Contains("/studybot help", Encoding.UTF8.GetString(admin), StringComparison.Ordinal);
            Assert.DoesNotContain("/studybot help", Encoding.UTF8.GetString(member), StringComparison.Ordinal);

            // Byte for byte what rendering the engine's reply afresh gives.
            var executor = app.Services.GetRequiredService<CommandExecutor>();
            var community = new CommunityRef(Platforms.Discord, InteractionFactory.GuildId.ToString(System.Globalization.CultureInfo.InvariantCulture), "Guild");
            var reply = await executor.RunTypedAsync(new MemberRef(community, "404", "Someone"), "progress help", new Dictionary<string, object>(), CancellationToken.None);
            Assert.Equal(JsonSerializer.SerializeToUtf8Bytes(new InteractionResponse(CallbackTypes.ChannelMessage, MessageRenderer.Render(reply, ephemeral: true)), DiscordJsonContext.Default.InteractionResponse), member);

            // A command's own help is kept too; one naming no command quotes the member's words, for each.
            var log = new Dictionary<string, object> { ["command"] = "log" };
            Assert.Equal(await AskAsync("progress help", 402, InteractionFactory.MemberPermissions, log), await AskAsync("progress help", 403, InteractionFactory.MemberPermissions, log));
            Assert.Contains("lgo", Encoding.UTF8.GetString(await AskAsync("progress help", 402, InteractionFactory.MemberPermissions, new Dictionary<string, object> { ["command"] = "lgo" })), StringComparison.Ordinal);
            Assert.Contains("nxet", Encoding.UTF8.GetString(await AskAsync("progress help", 402, InteractionFactory.MemberPermissions, new Dictionary<string, object> { ["command"] = "nxet" })), StringComparison.Ordinal);
        }
        finally
        {
            await app.StopAsync();
            await app.DisposeAsync();
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            Directory.Delete(directory, recursive: true);
        }

        Assert.Empty(server.SchemaViolations);
    }
}
