using System.Diagnostics.Metrics;
using Microsoft.Extensions.DependencyInjection;
using StudyBot.Core.Telemetry;
using StudyBot.Discord.Json;
using StudyBot.Discord.Rest;
using StudyBot.Discord.Tests.Fakes;
using StudyBot.Discord.Tests.Support;

namespace StudyBot.Discord.Tests;

/// <summary>Discord's REST calls in StudyBot's metrics (issue 15): by route template and status, with 429s and their wait; never an id or a token.</summary>
public sealed class PlatformMetricsTests
{
    [Fact]
    public async Task Each_call_is_counted_by_its_route_template_and_status_and_a_429_with_its_wait_without_ids_or_tokens()
    {
        await using var harness = await AdapterHarness.StartAsync(o =>
        {
            o.Start = false;
            o.Services = services => services.AddSingleton(new StudyBotMetrics());
        });
        var rest = harness.Get<DiscordRestClient>();
        var seen = new List<(string Instrument, double Value, string Tags)>();
        using var listener = new MeterListener();
        var meter = harness.Get<StudyBotMetrics>().Meter;
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (ReferenceEquals(instrument.Meter, meter))
            {
                l.EnableMeasurementEvents(instrument);
            }
        };
        listener.SetMeasurementEventCallback<long>((i, v, tags, _) => Add(i, v, tags));
        listener.SetMeasurementEventCallback<double>((i, v, tags, _) => Add(i, v, tags));
        listener.Start();
        harness.Server.Register(77, "secret-interaction-token");
        harness.Server.AddFault(new FakeFault(r => r.Template == "/channels/{channel_id}/messages", Status: 429, Scope: "user", RetryAfter: 0.2));

        await rest.CreateMessageAsync(4242, new MessagePayload { Content = "after 429" }, CancellationToken.None);
        await rest.CreateInteractionResponseAsync(77, "secret-interaction-token", new InteractionResponse(4, new MessagePayload { Content = "x", Flags = 64 }), CancellationToken.None);

        List<(string Instrument, double Value, string Tags)> all;
        lock (seen)
        {
            all = [.. seen];
        }

        Assert.Equal(
            [
                "platform=discord,route=POST /channels/{channel_id}/messages,status=429",
                "platform=discord,route=POST /channels/{channel_id}/messages,status=200",
                "platform=discord,route=POST /interactions/{interaction_id}/{interaction_token}/callback,status=204",
            ],
            all.Where(m => m.Instrument == "studybot.platform.requests").Select(m => m.Tags));
        Assert.Equal(3, all.Count(m => m.Instrument == "studybot.platform.request.duration"));
        Assert.Equal(["platform=discord,route=POST /channels/{channel_id}/messages"], all.Where(m => m.Instrument == "studybot.platform.rate_limited").Select(m => m.Tags));
        var wait = Assert.Single(all, m => m.Instrument == "studybot.platform.rate_limit.wait");
        // The fake asks for 0.2 s in the body and, as Discord does, a whole second in the Retry-After header: the longer is waited.
        Assert.Equal(1, wait.Value);
        Assert.DoesNotContain(all, m => m.Tags.Contains("4242", StringComparison.Ordinal) || m.Tags.Contains("secret", StringComparison.Ordinal) || m.Tags.Contains("77", StringComparison.Ordinal));

        void Add(Instrument instrument, double value, ReadOnlySpan<KeyValuePair<string, object?>> tags)
        {
            var text = new List<string>();
            foreach (var tag in tags)
            {
                text.Add($"{tag.Key}={tag.Value}");
            }

            text.Sort(StringComparer.Ordinal);
            lock (seen)
            {
                seen.Add((instrument.Name, value, string.Join(",", text)));
            }
        }
    }
}
