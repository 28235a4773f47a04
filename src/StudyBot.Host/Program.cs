using StudyBot.Host;

// Exit codes: 0 after a normal stop (end of console input, Ctrl+C, SIGTERM); 1 when StudyBot cannot start (one
// "StudyBot cannot start: ..." line on stderr, never a stack trace) or stopped on a fault at run time (one
// critical log line), so systemd, Docker and Kubernetes restart it. `db copy ...` runs the database copy instead
// (DatabaseCommand: 0 done, 1 failed, 2 usage); `health` asks a running StudyBot whether it is ready (0 ready, 1 not, 2 usage).
if (args is ["db", .. var command])
{
    // A maintenance command (studybot db copy ...), run instead of the bot: no host is built.
    using var stop = new CancellationTokenSource();
    Console.CancelKeyPress += (_, e) =>
    {
        e.Cancel = true;
        stop.Cancel();
    };
    return await DatabaseCommand.RunAsync(command, Console.Out, Console.Error, stop.Token);
}

if (args is ["roadmap", "diff", .. var diffArgs])
{
    // What a new version of a roadmap file changes, and for how many members of the configured database; applies nothing.
    return await RoadmapDiffCommand.RunAsync(diffArgs, DatabaseBackupCommand.Settings(), Console.Out, Console.Error, CancellationToken.None);
}

if (args is ["health", .. var healthArgs])
{
    // Docker's HEALTHCHECK (the aspnet image has no curl): asks the local /healthz/ready; no host is built.
    return await StudyBot.Host.Health.HealthCommand.RunAsync(healthArgs, Environment.GetEnvironmentVariable("Http__Urls"), Console.Out, Console.Error, CancellationToken.None);
}

if (args is ["roadmap", .. var roadmapArgs])
{
    // `roadmap check <file>` (`roadmap diff` is above): validates roadmap files (0 valid, 1 problems, 2 usage); no host is built.
    return RoadmapCheckCommand.Run(roadmapArgs, Console.Out, Console.Error);
}

WebApplication app;
try
{
    // A run of the bot serves the web pages on http://127.0.0.1:5080 unless Web:Urls or Http:Urls says otherwise.
    app = StudyBotHost.Build(args, StudyBotHost.UseRunDefaults);
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
    catch (OperationCanceledException) when (app.Lifetime.ApplicationStopping.IsCancellationRequested)
    {
        // Asked to stop while starting (the console's input already ended, Ctrl+C, or a service failed):
        // RunAsync finishes the stop and tells a normal stop from a fault.
    }
    catch (Exception ex)
    {
        return StudyBotHost.CannotStart(ex, app.Configuration);
    }

    return await StudyBotHost.RunAsync(app);
}

/// <summary>Exposed for WebApplicationFactory-based tests.</summary>
public partial class Program;
