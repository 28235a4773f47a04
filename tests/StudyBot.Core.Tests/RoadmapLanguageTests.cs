using System.Globalization;
using StudyBot.Core.Roadmaps;

namespace StudyBot.Core.Tests;

/// <summary>
/// A roadmap file may give any text per language (<c>title: {en: ..., de: ...}</c>); the plain properties keep the
/// main language and <see cref="Roadmap.In(string)"/> gives a copy in another, falling back to the main language.
/// </summary>
public sealed class RoadmapLanguageTests
{
    private static readonly Roadmap Data = RoadmapLoader.LoadFile(RepoPaths.DataEngineeringFixture);

    [Fact]
    public void The_plain_properties_are_the_main_language()
    {
        Assert.Equal("en", Data.Language);
        Assert.Equal(["en", "de"], Data.Languages);
        Assert.Equal("Data Engineering Essentials", Data.Title);
        Assert.Equal("Python for Data", Data.FindItem("de-python-for-data")!.Title);
        Assert.Equal("Foundations", Data.Phases[0].Title);
    }

    [Fact]
    public void In_german_every_translated_text_is_german_and_the_rest_stays_english()
    {
        var de = Data.In("de");

        Assert.Equal("de", de.TextLanguage);
        Assert.Equal("en", de.Language);
        Assert.Equal("Grundlagen des Data Engineering", de.Title);
        Assert.Equal("Pipelines, Warehouses und Streams, in drei Phasen.", de.Description);
        Assert.Equal("Grundlagen", de.Phases[0].Title);
        Assert.Equal("Joins und Fensterfunktionen", de.FindItem("de-sql")!.Detail);
        Assert.Equal("Python für Daten", de.FindItem("de-python-for-data")!.Title);
        Assert.Equal("Meilenstein Grundlagen", de.Milestones[0].Title);
        Assert.Equal("1 Monat", de.Milestones[0].Duration);
        Assert.Equal("Vollzeit", de.TimeEstimates.FullTime.Title);
        Assert.Equal("Schätzungen für stetiges Lernen.", de.TimeEstimates.Note);
        Assert.Equal("ETL für Taxifahrten", de.FindItem("de-project-taxi-etl")!.Title);
        Assert.Equal("In einem Monat zu Pipelines", de.AcceleratedPath!.Summary);
        Assert.Equal("Die kennen Sie", de.Profiles[0].Advice[0].Text);
        Assert.Equal("Kein Zertifikat hier, aber:", de.Certification!.Note);

        // Not translated in the file: the main language.
        Assert.Equal("Kafka", de.FindItem("de-kafka")!.Title);
        Assert.Equal("with a window function", de.FindItem("de-first-query")!.Detail);
        Assert.Equal("Something you care about", de.NextSteps[0].Text);

        // The same roadmap otherwise.
        Assert.Equal(Data.Items.Select(i => (i.Id, i.Kind, i.PhaseId, i.Order)), de.Items.Select(i => (i.Id, i.Kind, i.PhaseId, i.Order)));
        Assert.Equal(Data.Version, de.Version);
        Assert.Equal(Data.Replaces.Keys, de.Replaces.Keys);
    }

    [Theory]
    [InlineData("de-AT", "Grundlagen des Data Engineering")]
    [InlineData("DE", "Grundlagen des Data Engineering")]
    [InlineData("fr", "Data Engineering Essentials")]
    [InlineData("en-GB", "Data Engineering Essentials")]
    [InlineData("", "Data Engineering Essentials")]
    public void A_regional_language_falls_back_to_its_language_and_an_unknown_one_to_the_main_language(string language, string title)
    {
        Assert.Equal(title, Data.In(language).Title);
    }

    [Fact]
    public void Copies_are_made_once_per_language_and_lead_back_to_the_original()
    {
        var de = Data.In("de");

        Assert.Same(de, Data.In("de"));
        Assert.Same(de, Data.In(CultureInfo.GetCultureInfo("de-CH")));
        Assert.Same(Data, de.In("en"));
        Assert.Same(Data, Data.In("fr"));
    }

    [Fact]
    public void A_file_in_german_has_german_plain_texts_and_english_where_the_maps_give_it()
    {
        var yaml = File.ReadAllText(RepoPaths.DataEngineeringFixture).Replace("language: en\n", "language: de\n", StringComparison.Ordinal)
            .Replace("        title: Kafka\n", "        title: { de: Kafka-Grundlagen, en: Kafka basics }\n", StringComparison.Ordinal);

        var roadmap = RoadmapLoader.Parse(yaml, "de.yaml");

        Assert.Equal("de", roadmap.Language);
        Assert.Equal(["de", "en"], roadmap.Languages);
        Assert.Equal("Grundlagen des Data Engineering", roadmap.Title);
        Assert.Equal("Kafka-Grundlagen", roadmap.FindItem("de-kafka")!.Title);
        var en = roadmap.In("en");
        Assert.Equal("Data Engineering Essentials", en.Title);
        Assert.Equal("Kafka basics", en.FindItem("de-kafka")!.Title);
        Assert.Equal("Streaming", en.Phases[2].Title);
    }

    [Fact]
    public void A_map_without_the_main_language_is_refused_when_the_main_language_changes()
    {
        var yaml = File.ReadAllText(RepoPaths.DataEngineeringFixture).Replace("language: en\n", "language: fr\n", StringComparison.Ordinal);

        var check = RoadmapLoader.Check(yaml, "fr.yaml");

        Assert.Null(check.Roadmap);
        Assert.All(check.Problems, p => Assert.Contains("has no text in the file's main language 'fr'; add 'fr: ...' to it", p.Message, StringComparison.Ordinal));
        Assert.Contains(check.Problems, p => p.Message.StartsWith("the title of the roadmap has no text", StringComparison.Ordinal));
    }

    [Fact]
    public void The_repository_roadmap_is_english_only()
    {
        var ml = RoadmapLoader.LoadFile(RepoPaths.MainRoadmap);

        Assert.Equal("en", ml.Language);
        Assert.Equal(["en"], ml.Languages);
        Assert.Same(ml, ml.In("de"));
    }
}
