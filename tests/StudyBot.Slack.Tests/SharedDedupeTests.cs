using StudyBot.Slack.SocketMode;
using StudyBot.Slack.Tests.Fakes;

namespace StudyBot.Slack.Tests;

/// <summary>
/// Several StudyBot instances on one PostgreSQL database each keep their own Socket Mode connections, and Slack may
/// redeliver an envelope to any of them: the instances share what they have seen in the database, so an envelope
/// that reaches two instances is handled by one of them and only acknowledged by the other.
/// </summary>
public sealed class SharedDedupeTests
{
    [PostgresFact]
    public async Task The_same_envelope_delivered_to_two_instances_on_one_PostgreSQL_database_is_handled_once()
    {
        var postgres = await Postgres.CreateDatabaseAsync();
        await using var one = await SlackHarness.StartAsync(new HarnessOptions { Postgres = postgres });
        await using var two = await SlackHarness.StartAsync(new HarnessOptions { Postgres = postgres });
        var socketOne = (await one.WaitForSocketsAsync(1))[0];
        var socketTwo = (await two.WaitForSocketsAsync(1))[0];
        var envelope = Envelopes.SlashCommand(one.Slack, "log 45 practice");
        var id = envelope["envelope_id"]!.GetValue<string>();

        await Task.WhenAll(
            one.Slack.SendEnvelopeAsync(socketOne, envelope),
            two.Slack.SendEnvelopeAsync(socketTwo, envelope.DeepClone().AsObject()));
        await one.Slack.WaitForAckAsync(id);
        await two.Slack.WaitForAckAsync(id);
        await one.SettledAsync(1, "the first instance to take the envelope in and finish its work");
        await two.SettledAsync(1, "the second instance to take the envelope in and finish its work");

        var handlers = new[] { one.Get<SocketEnvelopeHandler>(), two.Get<SocketEnvelopeHandler>() };
        Assert.Equal(1, handlers.Sum(h => h.Handled));
        Assert.Equal(1, handlers.Sum(h => h.Duplicates));
        await MinutesAsync(one, 45, "the handled command's minutes");
    }

    [PostgresFact]
    public async Task Envelopes_that_differ_are_each_handled_by_the_instance_they_reach()
    {
        var postgres = await Postgres.CreateDatabaseAsync();
        await using var one = await SlackHarness.StartAsync(new HarnessOptions { Postgres = postgres });
        await using var two = await SlackHarness.StartAsync(new HarnessOptions { Postgres = postgres });
        var socketOne = (await one.WaitForSocketsAsync(1))[0];
        var socketTwo = (await two.WaitForSocketsAsync(1))[0];
        var first = Envelopes.SlashCommand(one.Slack, "log 45 practice");
        var second = Envelopes.SlashCommand(two.Slack, "log 15 review");

        await Task.WhenAll(one.Slack.SendEnvelopeAsync(socketOne, first), two.Slack.SendEnvelopeAsync(socketTwo, second));
        await one.SettledAsync(1, "the first instance to handle its envelope");
        await two.SettledAsync(1, "the second instance to handle its envelope");

        Assert.Equal(1, one.Get<SocketEnvelopeHandler>().Handled);
        Assert.Equal(1, two.Get<SocketEnvelopeHandler>().Handled);
        await MinutesAsync(one, 60, "both commands' minutes");
    }

    /// <summary>
    /// Waits (bounded) for the member's logged minutes in the shared database to reach <paramref name="expected"/>: an
    /// envelope counts as handled when it is taken in, a moment before its command's background work is scheduled, so
    /// "settled" alone can come before the command has run.
    /// </summary>
    private static async Task MinutesAsync(SlackHarness harness, int expected, string what)
    {
        var minutes = 0;
        await Bounded.UntilAsync(
            async () =>
            {
                var member = await harness.LoadMemberAsync(Envelopes.Ada);
                minutes = member.Days.Sum(d => d.PracticeMinutes + d.LearningMinutes + d.ReviewMinutes);
                return minutes >= expected;
            },
            what);
        Assert.Equal(expected, minutes);
    }
}
