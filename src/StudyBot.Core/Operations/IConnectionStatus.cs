namespace StudyBot.Core.Operations;

/// <summary>
/// What an adapter says about its connection to a platform, for <c>/studybot status</c>: plain lines such as
/// "✅ Connected to Discord since 14:02 (2 h 5 min)". None for a platform it does not serve.
/// </summary>
public interface IConnectionStatus
{
    IEnumerable<string> Describe(string platform, DateTimeOffset now);
}
