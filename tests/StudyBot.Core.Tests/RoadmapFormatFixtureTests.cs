using StudyBot.Core.Roadmaps;
using YamlDotNet.RepresentationModel;

namespace StudyBot.Core.Tests;

/// <summary>
/// tests/fixtures/roadmaps/data-engineering.yaml is the small second roadmap of docs/roadmap-format.md: it loads, it
/// uses every key the loader knows (so the documented format is exercised whole), and it sits beside the repository's
/// roadmap without sharing an id.
/// </summary>
public sealed class RoadmapFormatFixtureTests
{
    private static readonly string Yaml = File.ReadAllText(RepoPaths.DataEngineeringFixture);

    [Fact]
    public void The_fixture_loads_with_versions_and_languages()
    {
        var roadmap = RoadmapLoader.Parse(Yaml, "data-engineering.yaml");

        Assert.Equal(("data-engineering", 2), (roadmap.Id, roadmap.Version));
        Assert.Equal(["de-python-basics"], roadmap.Replaces["de-python-for-data"]);
        Assert.Equal(["de-extract", "de-transform-load"], roadmap.Replaces["de-batch-etl"]);
        Assert.Equal(["de-first-csv"], roadmap.Replaces["de-first-dataset"]);
        Assert.Equal(["de-project-csv-etl"], roadmap.Replaces["de-project-taxi-etl"]);
        Assert.Equal(["de-cron-jobs", "de-hadoop-basics"], roadmap.Retired);
        Assert.Equal(["en", "de"], roadmap.Languages);
        Assert.True(roadmap.Phases[2].Ongoing);
        Assert.Null(roadmap.Levels[1].ToWeek);
    }

    [Fact]
    public void The_fixture_uses_every_key_the_loader_knows_and_no_other()
    {
        var present = new SortedSet<string>(StringComparer.Ordinal);
        var stream = new YamlStream();
        stream.Load(new StringReader(Yaml));
        Collect(stream.Documents[0].RootNode, "", present);

        var known = new SortedSet<string>(RoadmapLoader.KnownKeys.SelectMany(p => p.Value.Select(k => Key(p.Key, k))), StringComparer.Ordinal);
        Assert.Equal(known, present);
    }

    [Fact]
    public void Every_text_key_is_translated_somewhere_in_the_fixture()
    {
        var translated = RoadmapLoader.TextKeys.Where(key => Yaml.Contains($"{key}: {{ en:", StringComparison.Ordinal) || Yaml.Contains($"{key}:\n", StringComparison.Ordinal) && Yaml.Contains($"{key}:\n  en:", StringComparison.Ordinal));

        Assert.Equal(RoadmapLoader.TextKeys.Order(StringComparer.Ordinal), translated.Order(StringComparer.Ordinal));
    }

    [Fact]
    public void The_fixture_and_the_repository_roadmap_load_together_from_one_folder()
    {
        var dir = Directory.CreateTempSubdirectory("studybot-roadmap-fixture-").FullName;
        try
        {
            File.Copy(RepoPaths.DataEngineeringFixture, Path.Combine(dir, "data-engineering.yaml"));
            File.Copy(RepoPaths.MainRoadmap, Path.Combine(dir, "ml-zero-to-hero.yaml"));

            var roadmaps = RoadmapLoader.LoadDirectory(dir);

            Assert.Equal(["data-engineering", "ml-zero-to-hero"], roadmaps.Select(r => r.Id));
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    private static string Key(string path, string key) => path.Length == 0 ? key : $"{path}.{key}";

    private static void Collect(YamlNode node, string path, ISet<string> keys)
    {
        switch (node)
        {
            case YamlMappingNode map:
                foreach (var (k, v) in map.Children)
                {
                    var name = ((YamlScalarNode)k).Value!;
                    keys.Add(Key(path, name));
                    if (!(RoadmapLoader.TextKeys.Contains(name) && v is YamlMappingNode))
                    {
                        Collect(v, Key(path, name), keys);
                    }
                }

                break;
            case YamlSequenceNode seq:
                foreach (var child in seq.Children)
                {
                    Collect(child, path, keys);
                }

                break;
        }
    }
}
