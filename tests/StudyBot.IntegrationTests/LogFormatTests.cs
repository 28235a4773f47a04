using Microsoft.Extensions.Configuration;
using StudyBot.Host;

namespace StudyBot.IntegrationTests;

/// <summary>
/// <c>Logging:Format</c> (issue 15): text by default, json on request, the standard <c>Logging:Console:FormatterName</c>
/// honoured when it is not set, and any other value refused at start naming the key.
/// </summary>
public sealed class LogFormatTests : IDisposable
{
    private readonly string _workDir = Directory.CreateTempSubdirectory("studybot-logformat-").FullName;

    public void Dispose() => Directory.Delete(_workDir, recursive: true);

    private static IConfiguration Config(params (string Key, string Value)[] values) =>
        new ConfigurationBuilder().AddInMemoryCollection(values.Select(v => KeyValuePair.Create(v.Key, (string?)v.Value))).Build();

    [Theory]
    [InlineData(null, null, "text")]
    [InlineData("text", null, "text")]
    [InlineData("json", null, "json")]
    [InlineData(" JSON ", null, "json")]
    [InlineData(null, "json", "json")]
    [InlineData(null, "simple", "text")]
    [InlineData(null, "systemd", "systemd")]
    [InlineData("text", "json", "text")]
    public void The_log_format_is_text_unless_json_is_asked_for(string? format, string? formatterName, string chosen)
    {
        var values = new List<(string, string)>();
        if (format is not null)
        {
            values.Add(("Logging:Format", format));
        }

        if (formatterName is not null)
        {
            values.Add(("Logging:Console:FormatterName", formatterName));
        }

        Assert.Equal(chosen, LogFormat.Chosen(Config([.. values])));
    }

    [Theory]
    [InlineData("Logging__Format", "xml", "StudyBot cannot start: Logging:Format 'xml' is not a log format; use text (the default) or json.")]
    [InlineData("Logging__Console__FormatterName", "fancy", "StudyBot cannot start: Logging:Console:FormatterName 'fancy' is not a console formatter; use simple, json or systemd (or set Logging:Format to text or json).")]
    public async Task An_unknown_log_format_stops_the_start_naming_the_key(string key, string value, string message)
    {
        var run = await HostProcess.RunAsync(_workDir, "/progress\n", [("Roadmaps__Directory", RepoPaths.Roadmaps), (key, value)]);

        Assert.Equal(1, run.ExitCode);
        Assert.Equal([message], run.StderrLines);
        Assert.Empty(run.Stdout);
        Assert.False(File.Exists(Path.Combine(_workDir, "data", "studybot.db")), "nothing was created");
    }
}
