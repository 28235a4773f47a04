using CsCheck;

namespace StudyBot.IntegrationTests;

/// <summary>
/// The exposition-format reader the metrics tests rely on (<see cref="PrometheusText"/>), property-based: whatever valid
/// families are written (any label values, quotes, backslashes, line breaks and emoji included; counters, gauges and
/// cumulative histograms) read back the same, and broken text is refused with a <see cref="FormatException"/> (never
/// another exception, never accepted when it breaks a rule).
/// </summary>
public sealed class PrometheusTextPropertyTests
{
    private static readonly string[] LabelValues = ["", "ok", "progress done", "a\"quote", "back\\slash", "two\nlines", "🚀 تعلم", "{x=\"y\"}", "#", " "];

    private static readonly double[] Values = [0, 1, 2.5, -3, 1e-9, 123456789012, double.NaN, double.PositiveInfinity, double.NegativeInfinity, 0.1 + 0.2];

    private static IReadOnlyList<PrometheusFamily> Build(int seed)
    {
        var random = new Random(seed);
        var families = new List<PrometheusFamily>();
        var count = random.Next(1, 5);
        for (var f = 0; f < count; f++)
        {
            var name = $"m{f}_{(char)('a' + random.Next(26))}{(random.Next(3) == 0 ? ":x" : "")}";
            var labelNames = Enumerable.Range(0, random.Next(0, 3)).Select(i => $"l{i}").ToList();
            var help = random.Next(3) == 0 ? null : LabelValues[random.Next(LabelValues.Length)].Replace("\"", "", StringComparison.Ordinal);
            var series = Enumerable.Range(0, labelNames.Count == 0 ? 1 : random.Next(1, 4))
                .Select(s => labelNames.ToDictionary(l => l, l => LabelValues[random.Next(LabelValues.Length)] + s))
                .ToList();
            switch (random.Next(3))
            {
                case 0:
                    families.Add(new PrometheusFamily(name + "_total", "counter", help, series.Select(l => new PrometheusSample(name + "_total", l, Math.Abs(Values[random.Next(Values.Length)]) is var v && !double.IsNaN(v) ? v : 0)).ToList()));
                    break;
                case 1:
                    families.Add(new PrometheusFamily(name, "gauge", help, series.Select(l => new PrometheusSample(name, l, Values[random.Next(Values.Length)])).ToList()));
                    break;
                default:
                    var samples = new List<PrometheusSample>();
                    foreach (var labels in series)
                    {
                        double[] bounds = [0.005, 0.1, 1, double.PositiveInfinity];
                        double cumulative = 0;
                        foreach (var bound in bounds)
                        {
                            cumulative += random.Next(0, 5);
                            samples.Add(new PrometheusSample(name + "_bucket", new Dictionary<string, string>(labels) { ["le"] = PrometheusText.FormatValue(bound) }, cumulative));
                        }

                        samples.Add(new PrometheusSample(name + "_sum", labels, random.NextDouble() * 10));
                        samples.Add(new PrometheusSample(name + "_count", labels, cumulative));
                    }

                    families.Add(new PrometheusFamily(name, "histogram", help, samples));
                    break;
            }
        }

        return families;
    }

    private static string Show(IReadOnlyList<PrometheusFamily> families) => PrometheusText.Write(families);

    [Fact]
    public void Valid_families_written_in_the_exposition_format_read_back_the_same()
    {
        Gen.Int.Select(Build).Sample(
            families =>
            {
                var read = PrometheusText.Parse(PrometheusText.Write(families));

                Assert.Equal(families.Count, read.Count);
                foreach (var (written, back) in families.Zip(read))
                {
                    Assert.Equal(written.Name, back.Name);
                    Assert.Equal(written.Type, back.Type);
                    Assert.Equal(written.Help, back.Help);
                    Assert.Equal(written.Samples.Count, back.Samples.Count);
                    foreach (var (a, b) in written.Samples.Zip(back.Samples))
                    {
                        Assert.Equal(a.Name, b.Name);
                        Assert.Equal(a.Labels.OrderBy(l => l.Key), b.Labels.OrderBy(l => l.Key));
                        Assert.True(a.Value.Equals(b.Value), $"{a.Value} read back as {b.Value}");
                    }
                }
            },
            iter: 2000,
            threads: 1,
            print: Show);
    }

    [Fact]
    public void Text_broken_by_a_random_cut_or_insertion_is_refused_with_a_format_error_or_still_valid()
    {
        string[] insertions = ["\"", "\\", "{", "}", "=", ",", " ", "# TYPE m0_a counter\n", "1e", "le=\"0.5\"", "\\q", "\n", "-", "_total"];
        Gen.Int.Select(seed =>
        {
            var random = new Random(seed);
            var text = PrometheusText.Write(Build(seed));
            var at = random.Next(text.Length + 1);
            return random.Next(2) == 0
                ? text[..at] + insertions[random.Next(insertions.Length)] + text[at..]
                : text.Remove(at, Math.Min(random.Next(1, 8), text.Length - at));
        }).Sample(
            text =>
            {
                try
                {
                    PrometheusText.Parse(text);
                }
                catch (FormatException)
                {
                    // Refused, as it should be when a rule is broken.
                }
            },
            iter: 5000,
            threads: 1);
    }

    [Theory]
    [InlineData("m{a=\"1\"} 1\nm{a=\"1\"} 2\n", "comes twice")]
    [InlineData("# TYPE h histogram\nh_bucket{le=\"1\"} 2\nh_bucket{le=\"+Inf\"} 1\nh_sum 1\nh_count 1\n", "not increasing and cumulative")]
    [InlineData("# TYPE h histogram\nh_bucket{le=\"1\"} 1\nh_bucket{le=\"+Inf\"} 2\nh_sum 1\nh_count 3\n", "is not _count")]
    [InlineData("# TYPE h histogram\nh_bucket{le=\"1\"} 1\nh_sum 1\nh_count 1\n", "no +Inf bucket")]
    [InlineData("m 1\n# TYPE m gauge\n", "after its samples")]
    [InlineData("a 1\nb 1\na{x=\"y\"} 1\n", "not together")]
    [InlineData("m{a=\"\\t\"} 1\n", "not an escape")]
    [InlineData("m{a=\"x} 1\n", "not closed")]
    [InlineData("1m 1\n", "not a metric name")]
    [InlineData("m{__name__=\"x\"} 1\n", "not a label name")]
    [InlineData("m one\n", "not a sample value")]
    [InlineData("# TYPE c counter\nc -1\n", "negative")]
    public void Text_that_breaks_a_rule_is_refused_naming_it(string text, string problem)
    {
        var refused = Assert.Throws<FormatException>(() => PrometheusText.Parse(text));
        Assert.Contains(problem, refused.Message, StringComparison.Ordinal);
    }
}
