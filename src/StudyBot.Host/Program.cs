using StudyBot.Host;

// Exit code 1 when StudyBot cannot start: one "StudyBot cannot start: ..." line on stderr, never a stack trace.
WebApplication app;
try
{
    app = StudyBotHost.Build(args);
}
catch (Exception ex)
{
    return StudyBotHost.CannotStart(ex, configuration: null);
}

await using (app)
{
    try
    {
        await StudyBotHost.PrepareAsync(app, CancellationToken.None);
        await app.StartAsync();
    }
    catch (Exception ex)
    {
        return StudyBotHost.CannotStart(ex, app.Configuration);
    }

    await app.WaitForShutdownAsync();

    // An adapter that hit a fatal platform error at run time sets the exit code before stopping the host.
    return Environment.ExitCode;
}

/// <summary>Exposed for WebApplicationFactory-based tests.</summary>
public partial class Program;
