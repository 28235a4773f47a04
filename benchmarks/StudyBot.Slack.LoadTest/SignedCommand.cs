using System.Globalization;
using System.Text;
using StudyBot.Slack.Http;

namespace StudyBot.Slack.LoadTest;

/// <summary>
/// A <c>/progress</c> slash command as Slack POSTs it: the form body, and the <c>v0</c> signature headers over it with
/// the product's own <see cref="SlackSignatureVerifier.Signature"/>. Shared with the Discord load driver's <c>peers</c>
/// mode (linked there), so every system in that run gets byte-identical commands.
/// </summary>
internal sealed record SignedCommand(byte[] Body, string Timestamp, string Signature)
{
    public const string Path = "/slack/commands";

    /// <summary>
    /// The form body Slack sends for <c>/progress {text}</c> typed by <paramref name="user"/>. The
    /// <paramref name="triggerId"/> must be new for every command, as Slack's are: StudyBot takes it as the delivery's
    /// id and refuses a different command that reuses one.
    /// </summary>
    public static byte[] Form(string teamId, string teamDomain, string user, string text, string responseUrl, string triggerId) => Encoding.UTF8.GetBytes(
        $"token=bench&team_id={teamId}&team_domain={teamDomain}&channel_id=C0123ABCDEF&channel_name=study&user_id={user}"
        + $"&user_name={user}&command=%2Fprogress&text={Uri.EscapeDataString(text)}&api_app_id=A0BENCH&is_enterprise_install=false"
        + $"&response_url={Uri.EscapeDataString(responseUrl)}&trigger_id={Uri.EscapeDataString(triggerId)}");

    /// <summary>Signs <paramref name="body"/> for the moment <paramref name="at"/> (a stale request is signed for an old one).</summary>
    public static SignedCommand Sign(string secret, byte[] body, DateTimeOffset at)
    {
        var timestamp = at.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture);
        return new SignedCommand(body, timestamp, SlackSignatureVerifier.Signature(secret, timestamp, body));
    }

    /// <summary>POSTs the command; the status (-1 when the connection failed) and whether the answer had a body.</summary>
    public async Task<(int Status, bool Answered)> SendAsync(HttpClient client)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, Path) { Content = new ByteArrayContent(Body) };
        request.Content.Headers.ContentType = new("application/x-www-form-urlencoded");
        request.Headers.Add(SlackSignatureVerifier.TimestampHeader, Timestamp);
        request.Headers.Add(SlackSignatureVerifier.SignatureHeader, Signature);
        try
        {
            using var response = await client.SendAsync(request).ConfigureAwait(false);
            return ((int)response.StatusCode, (await response.Content.ReadAsByteArrayAsync().ConfigureAwait(false)).Length > 0);
        }
        catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException)
        {
            return (-1, false);
        }
    }
}
