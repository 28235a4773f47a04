using Microsoft.Extensions.Logging;
using StudyBot.Slack.LoadTest;

// Load driver for the Slack adapter; see docs/benchmarks.md for the commands and the figures.
using var loggers = LoggerFactory.Create(b => b.AddSimpleConsole(o =>
{
    o.SingleLine = true;
    o.TimestampFormat = "HH:mm:ss ";
}).SetMinimumLevel(LogLevel.Information));
var log = loggers.CreateLogger("loadtest");
var options = LoadOptions.Parse(args);
return options.Scenario switch
{
    "commands" => await CommandsScenario.RunAsync(options, log),
    "dms" => await DmScenario.RunAsync(options, log),
    "socket" => await SocketScenario.RunAsync(options, log),
    _ => Usage(log),
};

static int Usage(ILogger log)
{
    Report.Usage(log);
    return 2;
}
