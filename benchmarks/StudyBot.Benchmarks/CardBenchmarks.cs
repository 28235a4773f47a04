using BenchmarkDotNet.Attributes;
using Microsoft.Extensions.DependencyInjection;
using StudyBot.Cards;
using StudyBot.Core.Cards;
using StudyBot.Core.Chat;
using StudyBot.Core.Progress;
using StudyBot.Core.Roadmaps;

namespace StudyBot.Benchmarks;

/// <summary>
/// Drawing one progress card (1200x630 PNG) for a member part-way through the roadmap, with a weekly goal and two
/// months of logs. One card per iteration, so the percentiles are per-card latencies.
/// </summary>
[Config(typeof(LatencyConfig))]
public class CardBenchmarks
{
    private static readonly DateTimeOffset Now = new(2026, 11, 25, 18, 0, 0, TimeSpan.Zero);

    private IProgressCardRenderer _renderer = null!;
    private Roadmap _roadmap = null!;
    private MemberSnapshot _snapshot = null!;
    private ProgressCard _card = null!;

    [GlobalSetup]
    public void Setup()
    {
        _renderer = new ServiceCollection().AddStudyBotCards().BuildServiceProvider().GetRequiredService<IProgressCardRenderer>();
        _roadmap = new RoadmapCatalog(RoadmapLoader.LoadDirectory(Paths.Roadmaps), "ml-zero-to-hero").Default;
        var items = _roadmap.PhaseItems("foundation").ToDictionary(i => i.Id, _ => new ItemState(ItemStatus.Done));
        items["numpy"] = new ItemState(ItemStatus.Done);
        items["pandas"] = new ItemState(ItemStatus.InProgress);
        var today = DateOnly.FromDateTime(Now.UtcDateTime);
        _snapshot = new MemberSnapshot
        {
            Community = new Community { Id = 1, Platform = Platforms.Console, ExternalId = "bench", Name = "Benchmark community", RoadmapId = _roadmap.Id, TimeZoneId = "Europe/Berlin" },
            Member = new MemberProfile
            {
                Id = 1,
                UserId = "ada",
                DisplayName = "Ada Lovelace",
                TimeZoneId = "Europe/Berlin",
                Pace = PaceKind.PartTime,
                StartDate = today.AddDays(-60),
                Onboarded = true,
            },
            Items = items,
            Goals = [new Goal(GoalPeriod.Week, GoalUnit.Hours, 10, today.AddDays(-56))],
            Days = Enumerable.Range(0, 60).Where(d => d % 2 == 0).Select(d => new DailyTotal(today.AddDays(-d), 60, 20, 10, d % 10 == 0 ? 1 : 0, 9)).ToList(),
        };
        _card = ProgressCard.From(_snapshot, _roadmap, Now);
        var png = _renderer.RenderPng(_card);
        Console.WriteLine($"// card: {png.Length:N0} bytes PNG");
    }

    [Benchmark(Description = "render one card (PNG)")]
    public byte[] Render() => _renderer.RenderPng(_card);

    /// <summary>What <c>/progress card</c> does after loading the member: the card model, then the image.</summary>
    [Benchmark(Description = "build the card model and render it")]
    public byte[] BuildAndRender() => _renderer.RenderPng(ProgressCard.From(_snapshot, _roadmap, Now));
}
