using System.Net;
using System.Net.Sockets;

namespace StudyBot.IntegrationTests;

/// <summary>
/// A bad setting stops the real host at start with one line that names the key and what a good value looks
/// like: exit code 1, nothing on standard output, no stack trace.
/// </summary>
public sealed class HostSettingsTests : IDisposable
{
    private readonly string _workDir = Directory.CreateTempSubdirectory("studybot-settings-").FullName;

    public void Dispose() => Directory.Delete(_workDir, recursive: true);

    private Task<HostProcess.Result> RunAsync(params (string Key, string Value)[] env) =>
        HostProcess.RunAsync(_workDir, "/progress\n", [("Roadmaps__Directory", RepoPaths.Roadmaps), .. env]);

    private static void AssertRefusedWithOneLine(HostProcess.Result run, string expected)
    {
        Assert.True(run.ExitCode == 1, $"exit code {run.ExitCode}; stderr: {run.Stderr}");
        Assert.Equal("", run.Stdout);
        var line = Assert.Single(run.StderrLines);
        Assert.StartsWith("StudyBot cannot start: ", line, StringComparison.Ordinal);
        Assert.Contains(expected, line, StringComparison.Ordinal);
    }

    public static TheoryData<string, string, string> BadSettings() => new()
    {
        { "Scheduling__OutboxInterval", "banana", "Scheduling:OutboxInterval 'banana' is not a duration; use e.g. 00:00:02" },
        { "Scheduling__ReminderInterval", "soon", "Scheduling:ReminderInterval 'soon' is not a duration; use e.g. 00:00:30" },
        { "Scheduling__OutboxInterval", "00:00:00", "Scheduling:OutboxInterval '00:00:00' is out of range; use a duration from 00:00:00.1 to 1.00:00:00 (one day), e.g. 00:00:02" },
        { "Scheduling__CelebrationInterval", "-00:00:05", "Scheduling:CelebrationInterval '-00:00:05' is out of range; use a duration from 00:00:00.1 to 1.00:00:00 (one day), e.g. 00:00:10" },
        { "Scheduling__RoleInterval", "7.00:00:00", "Scheduling:RoleInterval '7.00:00:00' is out of range" },
        { "Scheduling__Enabled", "sometimes", "Scheduling:Enabled 'sometimes' is not true or false" },
        { "Retention__LeftMemberDays", "banana", "Retention:LeftMemberDays 'banana' is not a whole number; use e.g. 30" },
        { "Retention__LeftMemberDays", "-1", "Retention:LeftMemberDays '-1' is out of range; use a whole number of days from 0 to 3650, e.g. 30" },
        { "Retention__LeftMemberDays", "99999999", "Retention:LeftMemberDays '99999999' is out of range" },
        { "Delivery__PerSecond__console", "0", "Delivery:PerSecond:console '0' is out of range; use a number of messages per second from 0.1 to 1000, e.g. 20" },
        { "Delivery__PerSecond__console", "-5", "Delivery:PerSecond:console '-5' is out of range; use a number of messages per second from 0.1 to 1000, e.g. 20" },
        { "Delivery__PerSecond__console", "banana", "Delivery:PerSecond:console 'banana' is not a number; use a number of messages per second from 0.1 to 1000, e.g. 20" },
        { "Delivery__PerSecond__discord", "Infinity", "Delivery:PerSecond:discord 'Infinity' is not a number; use a number of messages per second from 0.1 to 1000, e.g. 40" },
        { "Delivery__PerSecond__discrod", "40", "Delivery:PerSecond:discrod names no platform; use console, discord or slack" },
        { "Console__Enabled", "maybe", "Console:Enabled 'maybe' is not true or false" },
        { "Console__User", new string('a', 40), "Console:User is 40 characters long; use a name of 1 to 32 characters, e.g. Ada" },
        { "Console__CommunityName", " ", "Console:CommunityName is empty; use e.g. Local study group" },
        { "Http__Urls", "ftp://example.org", "Http:Urls contains 'ftp://example.org', which is not an http(s) URL" },
        { "Community__DefaultTimeZone", "Mars/Olympus_Mons", "Community:DefaultTimeZone 'Mars/Olympus_Mons' is not an IANA time zone" },
        { "Roadmaps__Default", "nope", "Roadmaps:Default 'nope' is not among the loaded roadmaps (ml-zero-to-hero)" },
        { "Roadmaps__Directory", " ", "Roadmaps:Directory is empty; use e.g. roadmap" },
        { "Database__Provider", "MySql", "Database:Provider 'MySql' is not known; use Sqlite or PostgreSQL" },
    };

    [Theory]
    [InlineData("Host=127.0.0.1;Colour=blue;Password=hunter2", "Database:ConnectionString is not a valid PostgreSQL connection string")]
    [InlineData(" ", "Database:ConnectionString is empty; set it to a PostgreSQL connection string such as 'Host=localhost;Database=studybot;Username=studybot;Password=...'")]
    [InlineData("Database=studybot;Password=hunter2", "Database:ConnectionString has no Host; use e.g. 'Host=localhost;Database=studybot;Username=studybot;Password=...'")]
    public async Task A_PostgreSQL_connection_string_Npgsql_cannot_use_stops_the_host_with_one_line(string connectionString, string expected)
    {
        var run = await RunAsync(("Database__Provider", "PostgreSQL"), ("Database__ConnectionString", connectionString));

        AssertRefusedWithOneLine(run, expected);
        Assert.DoesNotContain("hunter2", run.Stderr, StringComparison.Ordinal);
    }

    [PostgresFact]
    public async Task The_host_starts_on_PostgreSQL_migrates_the_database_and_answers()
    {
        var connection = await Postgres.CreateDatabaseAsync();

        var run = await RunAsync(("Database__Provider", "PostgreSQL"), ("Database__ConnectionString", connection));

        Assert.True(run.ExitCode == 0, $"exit code {run.ExitCode}; stderr: {run.Stderr}");
        Assert.Contains("> /progress", run.Stdout, StringComparison.Ordinal);
        Assert.True(run.Stderr == "", run.Stderr);
        Assert.False(File.Exists(Path.Combine(_workDir, "data", "studybot.db")), "no SQLite file is made on PostgreSQL");
        await using var db = new Npgsql.NpgsqlConnection(connection);
        await db.OpenAsync();
        await using var applied = new Npgsql.NpgsqlCommand("SELECT COUNT(*) FROM \"__EFMigrationsHistory\"", db);
        Assert.True((long)(await applied.ExecuteScalarAsync())! > 0, "the PostgreSQL migrations were applied");
    }

    [Theory]
    [MemberData(nameof(BadSettings))]
    public async Task A_bad_setting_stops_the_host_with_one_line_naming_the_key(string key, string value, string expected)
    {
        var run = await RunAsync((key, value));

        AssertRefusedWithOneLine(run, expected);
    }

    [Fact]
    public async Task A_platform_setting_of_the_wrong_form_is_named_like_the_others()
    {
        var run = await RunAsync(("Discord__Token", "not-a-real-token"), ("Discord__DeferAfter", "banana"));

        AssertRefusedWithOneLine(run, "Discord:DeferAfter 'banana' is not a duration; use e.g. 00:00:01.5");
    }

    [Fact]
    public async Task A_missing_roadmap_folder_is_named_with_where_it_was_looked_for()
    {
        var run = await RunAsync(("Roadmaps__Directory", "roadmapx"));

        AssertRefusedWithOneLine(
            run,
            $"Roadmap folder 'roadmapx' does not exist (Roadmaps:Directory); looked in {Path.Combine(_workDir, "roadmapx")} and {Path.Combine(AppContext.BaseDirectory, "roadmapx")}");
        Assert.DoesNotContain(":0", run.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_roadmap_folder_without_roadmaps_is_named_without_a_line_number()
    {
        var empty = Directory.CreateDirectory(Path.Combine(_workDir, "empty")).FullName;

        var run = await RunAsync(("Roadmaps__Directory", empty));

        AssertRefusedWithOneLine(run, $"Roadmap folder '{empty}' has no roadmap files (*.yaml) (Roadmaps:Directory)");
        Assert.DoesNotContain(":0", run.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_database_connection_string_is_named_but_never_shown()
    {
        var run = await RunAsync(("Database__ConnectionString", "Data Source=bot.db;Password=hunter2"));

        AssertRefusedWithOneLine(run, "Database:ConnectionString");
        Assert.DoesNotContain("hunter2", run.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_taken_http_port_stops_the_host_with_one_line_naming_Http_Urls()
    {
        using var taken = new TcpListener(IPAddress.Loopback, 0);
        taken.Start();
        var port = ((IPEndPoint)taken.LocalEndpoint).Port;

        // Standard input stays open and empty, so the console neither answers nor ends its input before the
        // listener fails.
        var run = await HostProcess.RunAsync(
            _workDir,
            "",
            [("Roadmaps__Directory", RepoPaths.Roadmaps), ("Http__Urls", $"http://127.0.0.1:{port}")],
            closeInput: false);

        AssertRefusedWithOneLine(run, $"Http:Urls: http://127.0.0.1:{port} cannot be listened on (address already in use)");
    }

    [Fact]
    public async Task Configured_console_channels_replace_the_default_ones()
    {
        var run = await HostProcess.RunAsync(
            _workDir,
            "/studybot channel celebrations #general\n/studybot channel celebrations #hall\n",
            [("Roadmaps__Directory", RepoPaths.Roadmaps), ("Console__Channels__0", "hall"), ("Console__Channels__1", "wins")]);

        Assert.True(run.ExitCode == 0, $"exit code {run.ExitCode}; stderr: {run.Stderr}");
        Assert.Contains("I can't find a channel", run.Stdout, StringComparison.Ordinal);
        Assert.Contains("Milestone celebrations will be posted in #hall.", run.Stdout, StringComparison.Ordinal);
        Assert.DoesNotContain("posted in #general", run.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Good_settings_of_every_kind_start_the_host()
    {
        var run = await RunAsync(
            ("Scheduling__OutboxInterval", "00:00:00.5"),
            ("Scheduling__LeaderboardInterval", "1.00:00:00"),
            ("Retention__LeftMemberDays", "0"),
            ("Delivery__PerSecond__console", "0.5"),
            ("Delivery__PerSecond__Discord", "1000"),
            ("Console__Enabled", "true"),
            ("Console__User", "Grace"));

        Assert.True(run.ExitCode == 0, $"exit code {run.ExitCode}; stderr: {run.Stderr}");
        Assert.Contains("Grace> /progress", run.Stdout, StringComparison.Ordinal);
        Assert.Equal("", run.Stderr);
    }
}
