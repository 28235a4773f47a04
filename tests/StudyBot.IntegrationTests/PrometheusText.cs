using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;

namespace StudyBot.IntegrationTests;

/// <summary>One sample line: a metric name, its labels and its value.</summary>
internal sealed record PrometheusSample(string Name, IReadOnlyDictionary<string, string> Labels, double Value)
{
    public string Label(string name) => Labels.TryGetValue(name, out var value) ? value : "";
}

/// <summary>A metric family: its TYPE, its HELP and its samples (for a histogram: the _bucket, _sum and _count lines).</summary>
internal sealed record PrometheusFamily(string Name, string Type, string? Help, IReadOnlyList<PrometheusSample> Samples);

/// <summary>
/// A strict reader of the Prometheus text exposition format 0.0.4 (what <c>promtool check metrics</c> and a Prometheus
/// server accept), for the tests: it throws <see cref="FormatException"/> naming the line for anything malformed: a bad
/// metric or label name, a bad escape, a value that is not a float, a TYPE after its samples or given twice, a family
/// whose samples are not together, the same series twice, and histograms whose buckets are not cumulative, lack
/// <c>+Inf</c>, or disagree with <c>_count</c>.
/// </summary>
internal static partial class PrometheusText
{
    private static readonly string[] Types = ["counter", "gauge", "histogram", "summary", "untyped"];

    public static IReadOnlyList<PrometheusFamily> Parse(string text)
    {
        var families = new List<(string Name, string Type, string? Help, List<PrometheusSample> Samples)>();
        var byName = new Dictionary<string, int>(StringComparer.Ordinal);
        var seriesSeen = new HashSet<string>(StringComparer.Ordinal);
        var lineNumber = 0;
        int? current = null;
        foreach (var raw in text.Split('\n'))
        {
            lineNumber++;
            var line = raw.TrimEnd('\r');
            if (line.Trim().Length == 0)
            {
                continue;
            }

            if (line.StartsWith('#'))
            {
                var comment = CommentLine().Match(line);
                if (!comment.Success)
                {
                    continue; // An ordinary comment.
                }

                var name = comment.Groups["name"].Value;
                var kind = comment.Groups["kind"].Value;
                var rest = comment.Groups["rest"].Value;
                if (!MetricName().IsMatch(name))
                {
                    throw Bad(lineNumber, $"'{name}' is not a metric name");
                }

                var index = Family(name);
                var family = families[index];
                if (kind == "TYPE")
                {
                    if (!Types.Contains(rest))
                    {
                        throw Bad(lineNumber, $"'{rest}' is not a metric type");
                    }

                    if (family.Type != "untyped-implicit" || family.Samples.Count > 0)
                    {
                        throw Bad(lineNumber, $"TYPE for {name} comes twice or after its samples");
                    }

                    families[index] = family with { Type = rest };
                }
                else
                {
                    if (family.Help is not null)
                    {
                        throw Bad(lineNumber, $"HELP for {name} comes twice");
                    }

                    families[index] = family with { Help = Unescape(rest, lineNumber, inLabel: false) };
                }

                continue;
            }

            var sample = ParseSample(line, lineNumber);
            var owner = OwnerOf(sample.Name);
            if (current is { } open && families[open].Name != owner && byName.TryGetValue(owner, out var earlier) && families[earlier].Samples.Count > 0)
            {
                throw Bad(lineNumber, $"the samples of {owner} are not together");
            }

            var at = Family(owner);
            current = at;
            var key = sample.Name + "{" + string.Join(",", sample.Labels.OrderBy(l => l.Key, StringComparer.Ordinal).Select(l => l.Key + "=" + l.Value)) + "}";
            if (!seriesSeen.Add(key))
            {
                throw Bad(lineNumber, $"the series {key} comes twice");
            }

            families[at].Samples.Add(sample);
        }

        var result = families
            .Select(f => new PrometheusFamily(f.Name, f.Type == "untyped-implicit" ? "untyped" : f.Type, f.Help, f.Samples))
            .ToList();
        foreach (var family in result)
        {
            Check(family);
        }

        return result;

        int Family(string name)
        {
            if (!byName.TryGetValue(name, out var index))
            {
                index = families.Count;
                families.Add((name, "untyped-implicit", null, []));
                byName[name] = index;
            }

            return index;
        }

        // A histogram's _bucket, _sum and _count lines belong to the family the TYPE line named.
        string OwnerOf(string sampleName)
        {
            foreach (var suffix in new[] { "_bucket", "_sum", "_count" })
            {
                if (sampleName.EndsWith(suffix, StringComparison.Ordinal)
                    && byName.TryGetValue(sampleName[..^suffix.Length], out var index)
                    && families[index].Type is "histogram" or "summary")
                {
                    return families[index].Name;
                }
            }

            return sampleName;
        }
    }

    /// <summary>Writes families in the exposition format (the inverse of <see cref="Parse"/>, for the property tests).</summary>
    public static string Write(IEnumerable<PrometheusFamily> families)
    {
        var text = new StringBuilder();
        foreach (var family in families)
        {
            if (family.Help is not null)
            {
                text.Append("# HELP ").Append(family.Name).Append(' ').Append(family.Help.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\n", "\\n", StringComparison.Ordinal)).Append('\n');
            }

            text.Append("# TYPE ").Append(family.Name).Append(' ').Append(family.Type).Append('\n');
            foreach (var sample in family.Samples)
            {
                text.Append(sample.Name);
                if (sample.Labels.Count > 0)
                {
                    text.Append('{').AppendJoin(',', sample.Labels.Select(l => $"{l.Key}=\"{l.Value.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\"", "\\\"", StringComparison.Ordinal).Replace("\n", "\\n", StringComparison.Ordinal)}\"")).Append('}');
                }

                text.Append(' ').Append(FormatValue(sample.Value)).Append('\n');
            }
        }

        return text.ToString();
    }

    public static string FormatValue(double value) =>
        double.IsPositiveInfinity(value) ? "+Inf" : double.IsNegativeInfinity(value) ? "-Inf" : double.IsNaN(value) ? "NaN" : value.ToString("R", CultureInfo.InvariantCulture);

    private static PrometheusSample ParseSample(string line, int lineNumber)
    {
        var nameEnd = 0;
        while (nameEnd < line.Length && line[nameEnd] is not ('{' or ' ' or '\t'))
        {
            nameEnd++;
        }

        var name = line[..nameEnd];
        if (!MetricName().IsMatch(name))
        {
            throw Bad(lineNumber, $"'{name}' is not a metric name");
        }

        var labels = new Dictionary<string, string>(StringComparer.Ordinal);
        var i = nameEnd;
        if (i < line.Length && line[i] == '{')
        {
            i++;
            while (true)
            {
                while (i < line.Length && line[i] == ' ')
                {
                    i++;
                }

                if (i < line.Length && line[i] == '}')
                {
                    i++;
                    break;
                }

                var labelStart = i;
                while (i < line.Length && line[i] is not ('=' or ' '))
                {
                    i++;
                }

                var label = line[labelStart..i];
                if (!LabelName().IsMatch(label) || label.StartsWith("__", StringComparison.Ordinal))
                {
                    throw Bad(lineNumber, $"'{label}' is not a label name");
                }

                if (i + 1 >= line.Length || line[i] != '=' || line[i + 1] != '"')
                {
                    throw Bad(lineNumber, $"label {label} has no quoted value");
                }

                i += 2;
                var value = new StringBuilder();
                while (true)
                {
                    if (i >= line.Length)
                    {
                        throw Bad(lineNumber, $"the value of label {label} is not closed");
                    }

                    var c = line[i++];
                    if (c == '"')
                    {
                        break;
                    }

                    if (c == '\\')
                    {
                        if (i >= line.Length)
                        {
                            throw Bad(lineNumber, "a backslash ends the line");
                        }

                        value.Append(line[i++] switch
                        {
                            '\\' => '\\',
                            '"' => '"',
                            'n' => '\n',
                            var other => throw Bad(lineNumber, $"'\\{other}' is not an escape of a label value"),
                        });
                    }
                    else
                    {
                        value.Append(c);
                    }
                }

                if (!labels.TryAdd(label, value.ToString()))
                {
                    throw Bad(lineNumber, $"label {label} comes twice");
                }

                if (i < line.Length && line[i] == ',')
                {
                    i++;
                }
                else if (i >= line.Length || line[i] != '}')
                {
                    throw Bad(lineNumber, "labels are not separated by commas");
                }
            }
        }

        var rest = line[i..].Split([' ', '\t'], StringSplitOptions.RemoveEmptyEntries);
        if (rest.Length is < 1 or > 2 || i >= line.Length || line[i] is not (' ' or '\t'))
        {
            throw Bad(lineNumber, "a sample needs a value (and at most a timestamp) after a space");
        }

        if (rest.Length == 2 && !long.TryParse(rest[1], NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out _))
        {
            throw Bad(lineNumber, $"'{rest[1]}' is not a timestamp in milliseconds");
        }

        return new PrometheusSample(name, labels, ParseValue(rest[0], lineNumber));
    }

    private static double ParseValue(string text, int lineNumber) => text switch
    {
        "+Inf" or "Inf" => double.PositiveInfinity,
        "-Inf" => double.NegativeInfinity,
        "NaN" => double.NaN,
        _ when FloatText().IsMatch(text) => double.Parse(text, NumberStyles.Float, CultureInfo.InvariantCulture),
        _ => throw Bad(lineNumber, $"'{text}' is not a sample value"),
    };

    private static void Check(PrometheusFamily family)
    {
        if (family.Type == "counter" && family.Samples.Any(s => s.Value < 0 || double.IsNaN(s.Value)))
        {
            throw new FormatException($"counter {family.Name} has a negative value");
        }

        if (family.Type != "histogram")
        {
            return;
        }

        foreach (var series in family.Samples.GroupBy(s => string.Join(",", s.Labels.Where(l => l.Key != "le").OrderBy(l => l.Key, StringComparer.Ordinal).Select(l => l.Key + "=" + l.Value))))
        {
            var buckets = series.Where(s => s.Name == family.Name + "_bucket").ToList();
            var count = series.SingleOrDefault(s => s.Name == family.Name + "_count")
                ?? throw new FormatException($"histogram {family.Name}{{{series.Key}}} has no _count");
            if (series.All(s => s.Name != family.Name + "_sum"))
            {
                throw new FormatException($"histogram {family.Name}{{{series.Key}}} has no _sum");
            }

            var bounds = buckets.Select(b => ParseValue(b.Label("le"), 0)).ToList();
            if (bounds.Count == 0 || !double.IsPositiveInfinity(bounds[^1]))
            {
                throw new FormatException($"histogram {family.Name}{{{series.Key}}} has no +Inf bucket last");
            }

            for (var k = 1; k < buckets.Count; k++)
            {
                if (bounds[k] <= bounds[k - 1] || buckets[k].Value < buckets[k - 1].Value)
                {
                    throw new FormatException($"histogram {family.Name}{{{series.Key}}} has buckets that are not increasing and cumulative");
                }
            }

            if (buckets[^1].Value != count.Value)
            {
                throw new FormatException($"histogram {family.Name}{{{series.Key}}}: the +Inf bucket ({buckets[^1].Value}) is not _count ({count.Value})");
            }
        }
    }

    private static string Unescape(string text, int lineNumber, bool inLabel)
    {
        var result = new StringBuilder();
        for (var i = 0; i < text.Length; i++)
        {
            if (text[i] != '\\')
            {
                result.Append(text[i]);
                continue;
            }

            if (++i >= text.Length)
            {
                throw Bad(lineNumber, "a backslash ends the line");
            }

            result.Append(text[i] switch
            {
                '\\' => '\\',
                'n' => '\n',
                '"' when inLabel => '"',
                var other => throw Bad(lineNumber, $"'\\{other}' is not an escape"),
            });
        }

        return result.ToString();
    }

    private static FormatException Bad(int line, string problem) => new($"line {line}: {problem}");

    [GeneratedRegex(@"^#\s+(?<kind>HELP|TYPE)\s+(?<name>\S+)(?:\s(?<rest>.*))?$")]
    private static partial Regex CommentLine();

    [GeneratedRegex(@"^[a-zA-Z_:][a-zA-Z0-9_:]*$")]
    private static partial Regex MetricName();

    [GeneratedRegex(@"^[a-zA-Z_][a-zA-Z0-9_]*$")]
    private static partial Regex LabelName();

    [GeneratedRegex(@"^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$")]
    private static partial Regex FloatText();
}
