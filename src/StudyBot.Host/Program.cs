using StudyBot.Core.Chat;
using StudyBot.Host;

try
{
    using var stopping = new CancellationTokenSource();
    var app = StudyBotHost.Build(args);
    await StudyBotHost.PrepareAsync(app, stopping.Token);
    await app.RunAsync();

    // An adapter that hit a fatal platform error at run time sets the exit code before stopping the host.
    return Environment.ExitCode;
}
catch (StartupException ex)
{
    Console.Error.WriteLine($"StudyBot cannot start: {ex.Message}");
    return 1;
}
catch (AdapterFatalException ex)
{
    Console.Error.WriteLine($"StudyBot cannot start: {ex.Message}");
    return 1;
}

/// <summary>Exposed for WebApplicationFactory-based tests.</summary>
public partial class Program;
