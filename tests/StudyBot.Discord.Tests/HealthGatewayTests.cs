using System.Net;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using StudyBot.Core.Operations;
using StudyBot.Discord.Tests.Fakes;
using StudyBot.Discord.Tests.Support;
using StudyBot.Host;

namespace StudyBot.Discord.Tests;

/// <summary>
/// The real host in Gateway mode against the fake Discord: readiness follows the gateway (503 while it is down, 200 once
/// it resumed), liveness does not, and the connection-state registry counts the reconnect and the resume.
/// </summary>
public sealed class HealthGatewayTests
{
    [Fact]
    public async Task Readiness_turns_503_when_the_gateway_drops_and_200_once_it_resumed_while_liveness_stays_200()
    {
        await using var server = await FakeDiscordServer.StartAsync(new FakeDiscordOptions { HeartbeatIntervalMs = 5000 });
        var directory = Directory.CreateTempSubdirectory("studybot-discord-health-").FullName;
        var app = StudyBotHost.Build(
        [
            "--Discord:Token=" + FakeDiscordOptions.Token,
            "--Discord:ApiBaseUrl=" + server.ApiBaseUrl,
            "--Http:Urls=http://127.0.0.1:0",
            "--Database:ConnectionString=Data Source=" + Path.Combine(directory, "studybot.db"),
            "--Roadmaps:Directory=" + TestPaths.Roadmaps,
            "--Scheduling:Enabled=false",
            "--Console:Enabled=false",
            "--Diagnostics:WarmUp=false",
            "--Logging:LogLevel:Default=Warning",
        ]);
        try
        {
            await StudyBotHost.PrepareAsync(app, CancellationToken.None);
            await app.StartAsync();
            using var http = new HttpClient { BaseAddress = new Uri(app.Urls.First()), Timeout = Bounded.Default };

            var up = await ReadyUntilAsync(http, HttpStatusCode.OK, "the gateway READY");
            var discord = Check(up, "discord");
            Assert.Equal("Discord gateway: connected (shard 0).", (string?)discord["description"]);

            // Discord goes away: the socket drops and new connections are refused until it is back.
            server.GatewayUnavailable = true;
            server.Current!.Drop();
            var down = await ReadyUntilAsync(http, HttpStatusCode.ServiceUnavailable, "the dropped gateway");
            var dropped = Check(down, "discord");
            Assert.Equal("unhealthy", (string?)dropped["state"]);
            Assert.StartsWith("Discord gateway: 0 of 1 connection(s) up; shard 0 ", (string?)dropped["description"], StringComparison.Ordinal);
            Assert.Equal("healthy", (string?)Check(down, "database")["state"]);
            using (var live = await http.GetAsync(new Uri("/healthz/live", UriKind.Relative)))
            {
                Assert.Equal(HttpStatusCode.OK, live.StatusCode);
            }

            server.GatewayUnavailable = false;
            await ReadyUntilAsync(http, HttpStatusCode.OK, "the gateway resumed");
            var shard = Assert.Single(app.Services.GetRequiredService<ConnectionStates>().Snapshot());
            Assert.Equal(("discord", "shard 0", ConnectionState.Connected), (shard.Platform, shard.Connection, shard.State));
            Assert.True(shard.Reconnects >= 1, $"reconnects: {shard.Reconnects}");
            Assert.Equal(1, shard.Resumes);
            Assert.Single(server.Resumes);
        }
        finally
        {
            await app.StopAsync();
            await app.DisposeAsync();
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            Directory.Delete(directory, recursive: true);
        }
    }

    private static async Task<JsonNode> ReadyUntilAsync(HttpClient http, HttpStatusCode status, string what)
    {
        JsonNode? last = null;
        try
        {
            await Bounded.UntilAsync(
                async () =>
                {
                    using var response = await http.GetAsync(new Uri("/healthz/ready", UriKind.Relative));
                    var text = await response.Content.ReadAsStringAsync();
                    last = text.StartsWith('{') ? JsonNode.Parse(text) : new JsonObject { ["unparsed"] = text };
                    return response.StatusCode == status;
                },
                $"/healthz/ready to answer {(int)status} ({what})");
        }
        catch (TimeoutException ex)
        {
            throw new TimeoutException($"{ex.Message}; it last said {last?.ToJsonString()}", ex);
        }

        return last!;
    }

    private static JsonNode Check(JsonNode body, string name) =>
        body["checks"]!.AsArray().SingleOrDefault(c => (string?)c!["name"] == name)
            ?? throw new Xunit.Sdk.XunitException($"no check named {name} in {body.ToJsonString()}");
}
