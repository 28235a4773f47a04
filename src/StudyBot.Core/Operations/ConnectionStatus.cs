using System.Globalization;

namespace StudyBot.Core.Operations;

/// <summary>
/// The connection lines of <c>/studybot status</c>, read from <see cref="ConnectionStates"/>: connected or not, since
/// when, in plain words. Nothing for a platform this process keeps no connection to (the console, an HTTP mode).
/// </summary>
public sealed class ConnectionStatus(ConnectionStates states) : IConnectionStatus
{
    public IEnumerable<string> Describe(string platform, DateTimeOffset now)
    {
        var planned = states.Planned(platform);
        var connections = states.Snapshot().Where(s => s.Platform == platform).ToList();
        var name = platform switch
        {
            "discord" => "Discord",
            "slack" => "Slack",
            _ => platform,
        };
        if (planned is null)
        {
            return connections.Count == 0 ? [] : [$"⏳ Connecting to {name}…"];
        }

        if (planned == 0 && connections.Count == 0)
        {
            return [$"✅ Another StudyBot instance keeps the connection to {name}."];
        }

        var up = connections.Where(c => c.State == ConnectionState.Connected).ToList();
        var down = connections.Where(c => c.State != ConnectionState.Connected).ToList();
        var reconnects = connections.Sum(c => c.Reconnects);
        var again = reconnects == 0 ? "" : reconnects == 1 ? " It reconnected once since I started." : $" It reconnected {reconnects} times since I started.";
        if (down.Count == 0 && up.Count >= planned)
        {
            var since = up.Max(c => c.Since);
            return [$"✅ Connected to {name} since {Since(since, now)}.{again}"];
        }

        if (up.Count == 0)
        {
            var since = down.Count == 0 ? now : down.Min(c => c.Since);
            return [$"⚠️ Not connected to {name} since {Since(since, now)}; I keep trying to reconnect, and answer again once I'm back."];
        }

        var lost = down.Min(c => c.Since);
        return [$"⚠️ {up.Count} of {planned} connections to {name} are up; one went down at {Since(lost, now)}. I keep trying to reconnect."];
    }

    /// <summary>"14:02 UTC (2 h 5 min ago)", or with the date when it was not today.</summary>
    private static string Since(DateTimeOffset at, DateTimeOffset now)
    {
        var utc = at.ToUniversalTime();
        var when = utc.Date == now.ToUniversalTime().Date
            ? utc.ToString("HH:mm", CultureInfo.InvariantCulture)
            : utc.ToString("d MMM HH:mm", CultureInfo.InvariantCulture);
        var ago = now - at;
        var span = ago < TimeSpan.FromMinutes(1) ? "just now"
            : ago < TimeSpan.FromHours(1) ? string.Create(CultureInfo.InvariantCulture, $"{(int)ago.TotalMinutes} min ago")
            : ago < TimeSpan.FromDays(2) ? string.Create(CultureInfo.InvariantCulture, $"{(int)ago.TotalHours} h {ago.Minutes} min ago")
            : string.Create(CultureInfo.InvariantCulture, $"{(int)ago.TotalDays} days ago");
        return $"{when} UTC ({span})";
    }
}
