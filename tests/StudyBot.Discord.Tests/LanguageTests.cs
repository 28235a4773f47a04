using System.Text.Json.Nodes;
using StudyBot.Core.Commands;
using StudyBot.Discord.Registration;
using StudyBot.Discord.Tests.Support;

namespace StudyBot.Discord.Tests;

/// <summary>
/// German on Discord: every command, option and choice registers with "de" localisations from the resource files,
/// checked against Discord's rules and the OpenAPI spec; an interaction's <c>locale</c> reaches the engine as the
/// member's platform language, while its command and option names stay the default (English) ones.
/// </summary>
public sealed class LanguageTests
{
    private static IEnumerable<JsonObject> Nodes(JsonNode? node) => node switch
    {
        JsonObject o => (o["options"] as JsonArray ?? []).SelectMany(Nodes).Prepend(o),
        JsonArray a => a.SelectMany(Nodes),
        _ => [],
    };

    [Fact]
    public void Every_command_subcommand_option_and_choice_has_a_German_name_and_description_that_Discord_accepts()
    {
        var catalog = StudyBotCommands.Catalog();
        var commands = CommandRegistration.Build(catalog);

        var nodes = Nodes(commands).ToList();
        Assert.NotEmpty(nodes);
        Assert.All(nodes, n =>
        {
            Assert.False(string.IsNullOrEmpty((string?)n["name_localizations"]?["de"]), $"{n["name"]} has no German name");
            Assert.False(string.IsNullOrEmpty((string?)n["description_localizations"]?["de"]), $"{n["name"]} has no German description");
        });
        var choices = nodes.SelectMany(n => n["choices"] as JsonArray ?? []).OfType<JsonObject>().ToList();
        Assert.NotEmpty(choices);
        Assert.All(choices, c => Assert.False(string.IsNullOrEmpty((string?)c["name_localizations"]?["de"]), $"choice {c["name"]} has no German label"));

        var progress = commands.Single(c => (string)c!["name"]! == "progress")!;
        Assert.Equal("fortschritt", (string?)progress["name_localizations"]!["de"]);
        var done = progress["options"]!.AsArray().Single(o => (string)o!["name"]! == "done")!;
        Assert.Equal("erledigt", (string?)done["name_localizations"]!["de"]);
        Assert.Equal("Ein Roadmap-Thema als erledigt markieren", (string?)done["description_localizations"]!["de"]);

        Assert.Empty(CommandRegistration.Validate(catalog, commands));
        Assert.Null(OpenApiSchemas.Validate("put", "/applications/{application_id}/commands", commands.ToJsonString()));
        Assert.Null(OpenApiSchemas.Validate("put", "/applications/{application_id}/guilds/{guild_id}/commands", commands.ToJsonString()));
    }

    [Fact]
    public void A_German_name_Discord_would_refuse_is_named_before_anything_is_sent()
    {
        var catalog = StudyBotCommands.Catalog();
        var commands = CommandRegistration.Build(catalog);
        var progress = commands.Single(c => (string)c!["name"]! == "progress")!;
        progress["name_localizations"]!["de"] = "Fortschritt Anzeigen";
        progress["description_localizations"]!["de"] = new string('x', 101);

        var problems = CommandRegistration.Validate(catalog, commands);

        Assert.Contains(problems, p => p.Contains("de name 'Fortschritt Anzeigen' is not a valid Discord name", StringComparison.Ordinal));
        Assert.Contains(problems, p => p.Contains("/progress: de description must be 1-100 characters", StringComparison.Ordinal));
    }

    [Fact]
    public async Task An_interaction_s_locale_reaches_the_engine_and_its_names_stay_the_default_ones()
    {
        await using var harness = await AdapterHarness.StartAsync();
        await harness.ReadyAsync();
        var slash = InteractionFactory.Slash("progress log", new Dictionary<string, object> { ["minutes"] = 45L, ["kind"] = "practice" });
        slash["locale"] = "de";

        var interaction = await harness.Server.DispatchInteractionAsync(slash);
        await Bounded.WaitAsync(interaction.Answered.Task, "the answer to the interaction", TimeSpan.FromSeconds(10));

        var run = Assert.Single(harness.Runner!.Runs);
        Assert.Equal("progress log", run.Path);
        Assert.Equal(45L, run.Options["minutes"]);
        Assert.Equal("de", run.Who.Locale);
    }
}
