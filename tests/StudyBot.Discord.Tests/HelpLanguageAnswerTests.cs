using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using StudyBot.Discord.Tests.Fakes;
using StudyBot.Discord.Tests.Support;
using StudyBot.Host;

namespace StudyBot.Discord.Tests;

/// <summary>
/// Help is answered in the language of the interaction's <c>locale</c> (it reads nothing of the member), and the kept
/// rendering is one per language: a German member never gets the English bytes an English member asked for first.
/// </summary>
public sealed class HelpLanguageAnswerTests
{
    [Fact]
    public async Task Help_bytes_are_kept_per_language_of_the_interaction_locale()
    {
        await using var server = await FakeDiscordServer.StartAsync(new FakeDiscordOptions { BodyValidator = OpenApiSchemas.Validate });
        var directory = Directory.CreateTempSubdirectory("studybot-discord-help-lang-").FullName;
        var app = HttpModeHost.Build(server, directory);
        try
        {
            await StudyBotHost.PrepareAsync(app, CancellationToken.None);
            await app.StartAsync();
            using var http = new HttpClient { BaseAddress = new Uri(app.Urls.First()) };

            async Task<string> AskAsync(ulong userId, string locale, IReadOnlyDictionary<string, object>? options = null)
            {
                var interaction = InteractionFactory.Slash("progress help", options, userId: userId, permissions: InteractionFactory.MemberPermissions);
                interaction["locale"] = locale;
                var body = interaction.ToJsonString();
                var (timestamp, signature) = SignatureTests.Sign(body, TimeProvider.System.GetUtcNow());
                using var request = new HttpRequestMessage(HttpMethod.Post, "/discord/interactions") { Content = new StringContent(body, Encoding.UTF8) };
                request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
                request.Headers.Add("X-Signature-Timestamp", timestamp);
                request.Headers.Add("X-Signature-Ed25519", signature);
                using var response = await http.SendAsync(request);
                Assert.Equal(HttpStatusCode.OK, response.StatusCode);
                var bytes = await response.Content.ReadAsByteArrayAsync();
                Assert.Equal(4, (int)JsonNode.Parse(bytes)!["type"]!);
                return Encoding.UTF8.GetString(bytes);
            }

            var english = await AskAsync(501, "en-US");
            var german = await AskAsync(502, "de");
            var germanAgain = await AskAsync(503, "de-AT");
            var englishAgain = await AskAsync(504, "en-GB");

            Assert.Contains("StudyBot commands", english, StringComparison.Ordinal);
            Assert.Contains("StudyBot-Befehle", german, StringComparison.Ordinal);
            Assert.Equal(german, germanAgain);
            Assert.Equal(english, englishAgain);

            var log = new Dictionary<string, object> { ["command"] = "log" };
            Assert.Contains("Aufruf: ", await AskAsync(502, "de", log), StringComparison.Ordinal);
            Assert.Contains("Usage: ", await AskAsync(501, "en-US", log), StringComparison.Ordinal);
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
