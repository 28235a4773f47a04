using System.Text.RegularExpressions;

namespace StudyBot.Core.Tests;

/// <summary>
/// Keeps every wait in the test suites bounded and named (docs/testing.md, "No test can hang"). A wait on a task
/// goes through the project's <c>Bounded</c> helper, which fails with what it waited for; these patterns either
/// throw a bare "The operation has timed out." or can wait for ever.
/// </summary>
public sealed partial class BoundedWaitLintTests
{
    private static readonly (Regex Pattern, string Why)[] Rules =
    [
        (BareTimedWait(), "a wait with a bare timeout: use Bounded.WaitAsync(task, \"what it waits for\", timeout)"),
        (InfiniteDelay(), "a delay that never ends: wait on a signal with Bounded.WaitAsync instead"),
        (UnboundedSemaphoreWait(), "a semaphore wait without a timeout: use Bounded.EnterAsync(semaphore, \"what holds it\")"),
        (BlockingWait(), "a blocking wait without a bound: await Bounded.WaitAsync instead"),
    ];

    [Fact]
    public void Every_wait_in_the_tests_is_bounded_and_names_what_it_waits_for()
    {
        var tests = Path.Combine(RepoPaths.Root, "tests");
        var problems = new List<string>();
        foreach (var file in Directory.EnumerateFiles(tests, "*.cs", SearchOption.AllDirectories))
        {
            var relative = Path.GetRelativePath(RepoPaths.Root, file).Replace('\\', '/');
            if (relative.Contains("/bin/", StringComparison.Ordinal) || relative.Contains("/obj/", StringComparison.Ordinal)
                || relative.Contains("/StrykerOutput/", StringComparison.Ordinal) || Path.GetFileName(file) is "Bounded.cs" or "BoundedWaitLintTests.cs")
            {
                continue;
            }

            var lines = File.ReadAllLines(file);
            for (var i = 0; i < lines.Length; i++)
            {
                var code = lines[i].TrimStart();
                // A comment, or a call that only looks like a task wait and says so ("// lint: a pacer, not a task wait").
                if (code.StartsWith("//", StringComparison.Ordinal) || code.Contains("// lint: ", StringComparison.Ordinal))
                {
                    continue;
                }

                foreach (var (pattern, why) in Rules)
                {
                    if (pattern.IsMatch(code))
                    {
                        problems.Add($"{relative}:{i + 1}: {why}\n    {code}");
                    }
                }
            }
        }

        Assert.True(problems.Count == 0, "Waits that can hang or fail without saying what they waited for:\n" + string.Join("\n", problems));
    }

    [Theory]
    [InlineData("await done.Answered.Task.WaitAsync(TimeSpan.FromSeconds(15));", true)]
    [InlineData("await Task.Delay(Timeout.Infinite);", true)]
    [InlineData("await Task.Delay(Timeout.InfiniteTimeSpan, token);", true)]
    [InlineData("await Task.Delay(-1);", true)]
    [InlineData("await _send.WaitAsync();", true)]
    [InlineData("await _send.WaitAsync().ConfigureAwait(false);", true)]
    [InlineData("run.Wait();", true)]
    [InlineData("var x = task.GetAwaiter().GetResult();", true)]
    [InlineData("await Bounded.WaitAsync(done.Answered.Task, \"the answer to /progress done\", TimeSpan.FromSeconds(15));", false)]
    [InlineData("await gate.Task.WaitAsync(cancellationToken);", false)]
    [InlineData("await Task.Delay(10, guard.Token);", false)]
    [InlineData("await Bounded.EnterAsync(_send, \"the send lock\");", false)]
    public void The_lint_tells_a_hanging_or_nameless_wait_from_a_bounded_one(string line, bool flagged)
    {
        Assert.Equal(flagged, Rules.Any(r => r.Pattern.IsMatch(line)));
    }

    [GeneratedRegex(@"\.WaitAsync\(\s*TimeSpan\.")]
    private static partial Regex BareTimedWait();

    [GeneratedRegex(@"Task\.Delay\(\s*(Timeout\.Infinite|-1\s*[,)])")]
    private static partial Regex InfiniteDelay();

    [GeneratedRegex(@"\.WaitAsync\(\s*\)")]
    private static partial Regex UnboundedSemaphoreWait();

    [GeneratedRegex(@"\.Wait\(\s*\)|\.GetAwaiter\(\)\.GetResult\(\)")]
    private static partial Regex BlockingWait();
}
