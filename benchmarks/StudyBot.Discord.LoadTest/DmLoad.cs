using System.Diagnostics;
using System.Globalization;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using StudyBot.Core.Chat;
using StudyBot.Discord.Tests.Fakes;

namespace StudyBot.Discord.LoadTest;

/// <summary>
/// Benchmark 2: DMs to distinct members through the adapter's notifier and REST client (DM open + send per
/// member), against the fake Discord enforcing the global 50 requests/s and its route buckets with real headers.
/// </summary>
internal static class DmLoad
{
    public const int GlobalLimit = 50;

    public static async Task<int> RunAsync(int count, int concurrency, ILoggerFactory loggers, ILogger log)
    {
        await using var discord = await FakeDiscordServer.StartAsync(new FakeDiscordOptions { RecordRequests = false, GlobalLimit = GlobalLimit });
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Discord:Token"] = FakeDiscordOptions.Token,
            ["Discord:ApiBaseUrl"] = discord.ApiBaseUrl,
        }).Build();
        var services = new ServiceCollection();
        services.AddSingleton<IConfiguration>(configuration);
        services.AddSingleton(loggers);
        services.AddLogging();
        services.AddDiscordAdapter(configuration);
        await using var provider = services.BuildServiceProvider();
        var notifier = provider.GetRequiredService<DiscordNotifier>();
        var community = new CommunityRef(Platforms.Discord, "290926798626357999", "Study Hall");
        var reply = new Reply { Title = "Weekly check-in", Text = "You are 60% through **NumPy**. Use `/progress done numpy` when you finish.", Buttons = [new ReplyButton("Done: NumPy", "progress done numpy")] };

        Log.Line(log, $"Sending {count} DMs to distinct members, {concurrency} at a time, against a fake Discord enforcing {GlobalLimit} requests/s");
        var statuses = new DeliveryStatus[count];
        using var gate = new SemaphoreSlim(concurrency);
        var clock = Stopwatch.StartNew();
        var tasks = new List<Task>(count);
        for (var i = 0; i < count; i++)
        {
            await gate.WaitAsync();
            var index = i;
            tasks.Add(Task.Run(async () =>
            {
                try
                {
                    var member = new MemberRef(community, (200_000_000_000_000_000UL + (ulong)index).ToString(CultureInfo.InvariantCulture), "member");
                    statuses[index] = (await notifier.SendDirectAsync(member, reply, $"bench-{index}", CancellationToken.None)).Status;
                }
                finally
                {
                    gate.Release();
                }
            }));
        }

        await Task.WhenAll(tasks);
        clock.Stop();

        var requests = Interlocked.Read(ref discord.TotalRequests);
        var limited = Interlocked.Read(ref discord.Total429);
        var seconds = clock.Elapsed.TotalSeconds;
        var rate = requests / seconds;
        var sent = statuses.Count(s => s == DeliveryStatus.Sent);
        Log.Line(log, $"DMs delivered: {sent} of {count} ({statuses.Count(s => s == DeliveryStatus.Transient)} transient, {statuses.Count(s => s == DeliveryStatus.Permanent)} permanent)");
        Log.Line(log, $"REST requests: {requests} in {seconds:0.0} s = {rate:0.00} requests/s = {100 * rate / GlobalLimit:0.0}% of the {GlobalLimit}/s limit; {sent / seconds:0.00} DMs/s");
        Log.Line(log, $"429 responses: {limited}");
        var pass = sent == count && limited == 0 && rate >= 0.95 * GlobalLimit;
        Log.Line(log, pass ? "PASS: >= 95% of the limit with zero 429s" : "FAIL: below 95% of the limit, or 429s, or undelivered DMs");
        return pass ? 0 : 1;
    }
}
