using System.Collections.Concurrent;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using StudyBot.Core.Chat;
using StudyBot.Core.Commands;
using StudyBot.Host;

namespace StudyBot.BrowserTests;

/// <summary>
/// The real StudyBot host in this process: SQLite in a folder of its own, the web pages on a free port of 127.0.0.1, the
/// console adapter off (tests type their chat commands through <see cref="SayAsync"/>, the console's own path) and
/// deliveries recorded instead of printed.
/// </summary>
internal sealed class WebHost : IAsyncDisposable
{
    public static readonly CommunityRef Home = new(Platforms.Console, "local", "Local study group");

    private readonly string _dir;
    private readonly WebApplication _app;

    private WebHost(string dir, WebApplication app, Deliveries deliveries)
    {
        _dir = dir;
        _app = app;
        Delivered = deliveries;
        BaseUrl = new Uri(app.Urls.First().TrimEnd('/') + "/");
    }

    public Uri BaseUrl { get; }

    public Deliveries Delivered { get; }

    public IServiceProvider Services => _app.Services;

    public static async Task<WebHost> StartAsync(params string[] settings)
    {
        var dir = Path.Combine(Path.GetTempPath(), $"studybot-browser-{Guid.NewGuid():N}");
        Directory.CreateDirectory(dir);
        var deliveries = new Deliveries();
        var app = StudyBotHost.Build(
            [
                "--Database:ConnectionString=Data Source=" + Path.Combine(dir, "studybot.db"),
                "--Roadmaps:Directory=" + RepoPaths.Roadmaps,
                "--Console:Enabled=false",
                "--Diagnostics:WarmUp=false",
                "--Web:Urls=http://127.0.0.1:0",
                "--Logging:LogLevel:Default=Warning",
                .. settings,
            ],
            builder => builder.Services.AddSingleton<INotifier>(deliveries));
        await StudyBotHost.PrepareAsync(app, CancellationToken.None);
        await Bounded.WaitAsync(app.StartAsync(), "the StudyBot host to start");
        return new WebHost(dir, app, deliveries);
    }

    public static MemberRef Member(string name, bool admin = false) => new(Home, name.ToLowerInvariant(), name) { IsAdmin = admin };

    /// <summary>Runs a chat command as the console adapter does and returns the reply's text.</summary>
    public async Task<Reply> SayAsync(string member, string text, bool admin = false) =>
        await Bounded.WaitAsync(Services.GetRequiredService<CommandExecutor>().RunTextAsync(Member(member, admin), text, CancellationToken.None), $"the reply to {text}");

    /// <summary>A reply as one text (title, text, fields), as a member reads it.</summary>
    public static string Read(Reply reply) =>
        string.Join('\n', new[] { reply.Title ?? "", reply.Text }.Concat(reply.Fields.Select(f => f.Name + ": " + f.Value)));

    /// <summary>Asks for a sign-in link in chat (as <c>/progress web</c> answers it) and returns its path.</summary>
    public async Task<string> SignInLinkAsync(string member)
    {
        var text = Read(await SayAsync(member, "/progress web"));
        var at = text.IndexOf("/signin/", StringComparison.Ordinal);
        Assert.True(at >= 0, "no sign-in link in the reply: " + text);
        var end = at + "/signin/".Length;
        while (end < text.Length && (char.IsAsciiLetterOrDigit(text[end]) || text[end] is '-' or '_'))
        {
            end++;
        }

        return text[(at + 1)..end];
    }

    /// <summary>A number from the database (the host's own SQLite file).</summary>
    public async Task<long> CountAsync(string sql)
    {
        await using var connection = new Microsoft.Data.Sqlite.SqliteConnection($"Data Source={Path.Combine(_dir, "studybot.db")};Mode=ReadOnly;Pooling=False");
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        return Convert.ToInt64(await command.ExecuteScalarAsync(), System.Globalization.CultureInfo.InvariantCulture);
    }

    public async ValueTask DisposeAsync()
    {
        await Bounded.WaitAsync(_app.StopAsync(), "the StudyBot host to stop");
        await _app.DisposeAsync();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        try
        {
            Directory.Delete(_dir, recursive: true);
        }
        catch (IOException)
        {
            // A file still closing: the temp folder is cleaned by the OS.
        }
    }

    /// <summary>What the bot delivered (DMs and channel posts), in order.</summary>
    internal sealed class Deliveries : INotifier
    {
        private readonly ConcurrentQueue<(string To, Reply Message)> _sent = new();

        public string Platform => Platforms.Console;

        public IReadOnlyList<(string To, Reply Message)> All => [.. _sent];

        public Task<DeliveryResult> SendDirectAsync(MemberRef member, Reply message, CancellationToken cancellationToken)
        {
            _sent.Enqueue(("@" + member.UserId, message));
            return Task.FromResult(DeliveryResult.Ok);
        }

        public Task<DeliveryResult> PostAsync(ChannelAddress channel, Reply message, CancellationToken cancellationToken)
        {
            _sent.Enqueue(("#" + channel.ChannelId, message));
            return Task.FromResult(DeliveryResult.Ok);
        }
    }
}

internal static class RepoPaths
{
    public static string Root { get; } = Find();

    public static string Roadmaps => Path.Combine(Root, "roadmap");

    private static string Find()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "StudyBot.sln")))
        {
            dir = dir.Parent;
        }

        return dir?.FullName ?? throw new InvalidOperationException("StudyBot.sln not found above " + AppContext.BaseDirectory);
    }
}
