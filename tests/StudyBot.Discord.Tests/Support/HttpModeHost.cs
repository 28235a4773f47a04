using StudyBot.Discord.Tests.Fakes;
using StudyBot.Host;

namespace StudyBot.Discord.Tests.Support;

/// <summary>The real host (<see cref="StudyBotHost"/>) in Discord's HTTP mode against a fake Discord, on a SQLite file in a folder of the test's.</summary>
internal static class HttpModeHost
{
    public static Microsoft.AspNetCore.Builder.WebApplication Build(FakeDiscordServer server, string directory) => StudyBotHost.Build(
    [
        "--Discord:Token=" + FakeDiscordOptions.Token,
        "--Discord:Mode=Http",
        "--Discord:PublicKey=" + SignatureTests.PublicKeyHex,
        "--Discord:ApiBaseUrl=" + server.ApiBaseUrl,
        "--Http:Urls=http://127.0.0.1:0",
        "--Database:ConnectionString=Data Source=" + Path.Combine(directory, "studybot.db"),
        "--Roadmaps:Directory=" + TestPaths.Roadmaps,
        "--Scheduling:Enabled=false",
        "--Logging:LogLevel:Default=Warning",
    ]);
}
