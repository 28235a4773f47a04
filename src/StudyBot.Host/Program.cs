using StudyBot.Host;

try
{
    using var stopping = new CancellationTokenSource();
    var app = StudyBotHost.Build(args);
    await StudyBotHost.PrepareAsync(app, stopping.Token);
    await app.RunAsync();
    return 0;
}
catch (StartupException ex)
{
    Console.Error.WriteLine($"StudyBot cannot start: {ex.Message}");
    return 1;
}

/// <summary>Exposed for WebApplicationFactory-based tests.</summary>
public partial class Program;
