using System.Collections.Concurrent;
using CsCheck;
using StudyBot.Core.Commands;

namespace StudyBot.IntegrationTests;

/// <summary>The per-member line, for any mix of members, finishing orders and commands that give up waiting.</summary>
public sealed class MemberLinesPropertyTests
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task Each_members_commands_start_in_arrival_order_never_overlap_and_no_line_is_left_behind()
    {
        // Per arrival: which of four members, whether it gives up before its turn, and when it is let finish.
        var arrivals = Gen.Select(Gen.Int[0, 3], Gen.Int[0, 4].Select(n => n == 0), Gen.Int).Array[1, 25];

        await arrivals.SampleAsync(
            async plan =>
            {
                var lines = new MemberLines();
                var events = new ConcurrentQueue<(bool Start, int Index)>();
                var finish = plan.Select(_ => new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously)).ToArray();
                var runs = new List<Task>();
                for (var i = 0; i < plan.Length; i++)
                {
                    var (member, givesUp, _) = plan[i];
                    var arrival = lines.Join("test", "community", $"member-{member}", null);
                    if (givesUp)
                    {
                        arrival.Dispose();
                        continue;
                    }

                    var index = i;
                    runs.Add(Task.Run(async () =>
                    {
                        using (arrival)
                        {
                            Assert.True(await arrival.WaitTurnAsync(Bound, TimeProvider.System, CancellationToken.None), "a command waited for its turn for ever");
                            events.Enqueue((true, index));
                            await Bounded.WaitAsync(finish[index].Task, $"the test to let command {index} finish", Bound);
                            events.Enqueue((false, index));
                        }
                    }));
                }

                foreach (var i in Enumerable.Range(0, plan.Length).OrderBy(i => plan[i].Item3))
                {
                    finish[i].TrySetResult();
                }

                await Bounded.WaitAsync(Task.WhenAll(runs), "every command of the sample to end", Bound);

                var running = new HashSet<int>();
                var lastStarted = new Dictionary<int, int>();
                foreach (var (start, index) in events)
                {
                    var member = plan[index].Item1;
                    if (!start)
                    {
                        running.Remove(member);
                        continue;
                    }

                    Assert.True(running.Add(member), $"two commands of member {member} ran at once");
                    Assert.True(!lastStarted.TryGetValue(member, out var previous) || previous < index, $"member {member}'s command {index} overtook command {previous}");
                    lastStarted[member] = index;
                }

                Assert.Equal(0, lines.Count);
            },
            iter: 200,
            threads: 1);
    }

    [Fact]
    public async Task Members_do_not_wait_for_each_other()
    {
        var lines = new MemberLines();
        using var slow = lines.Join("test", "community", "ada", null);
        Assert.True(await slow.WaitTurnAsync(Bound, TimeProvider.System, CancellationToken.None));

        using var other = lines.Join("test", "community", "bob", null);
        using var sameUserElsewhere = lines.Join("test", "other-community", "ada", null);

        Assert.True(await other.WaitTurnAsync(Bound, TimeProvider.System, CancellationToken.None));
        Assert.True(await sameUserElsewhere.WaitTurnAsync(Bound, TimeProvider.System, CancellationToken.None));
        Assert.Equal(3, lines.Count);
    }
}
