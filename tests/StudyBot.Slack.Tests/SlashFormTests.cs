using System.Text;
using CsCheck;
using StudyBot.Slack.Http;
using StudyBot.Slack.Inbound;
using StudyBot.Slack.Tests.Fakes;

namespace StudyBot.Slack.Tests;

/// <summary>
/// A slash command is read straight from its signed body, decoding only the fields StudyBot uses; what it reads must be
/// exactly what the whole form, parsed as ASP.NET Core parses it, says.
/// </summary>
public sealed class SlashFormTests
{
    private static readonly string[] Names = ["team_id", "team_domain", "channel_id", "user_id", "user_name", "command", "text", "response_url", "trigger_id", "ssl_check", "token", "api_app_id", "is_enterprise_install", ""];

    private static (SlashCommand? Command, bool SslCheck) AsTheWholeFormSaysIt(byte[] body)
    {
        var form = SlackHttpHandler.ParseForm(body);
        return (SlashCommand.FromForm(form), form.TryGetValue("ssl_check", out var ssl) && ssl == "1");
    }

    [Fact]
    public void Slacks_own_slash_command_form_is_read_as_the_whole_form_reads_it()
    {
        var body = Fixtures.Bytes("slash_command_progress.form");

        var command = SlashCommand.FromBody(body, out var sslCheck);

        Assert.NotNull(command);
        Assert.False(sslCheck);
        Assert.Equal(AsTheWholeFormSaysIt(body), (command, sslCheck));
    }

    [Theory]
    [InlineData("ssl_check=1&token=x", true)]
    [InlineData("ssl_check=1&ssl_check=1", false)]
    [InlineData("SSL_CHECK=1", true)]
    [InlineData("ssl_check=0", false)]
    [InlineData("team_id=T1&user_id=U1&command=%2Fprogress&text=done+numpy&Text=again&response_url=https%3A%2F%2Fhooks.slack.com%2Fx", false)]
    [InlineData("team_id=T1&user_id=U1&command=/progress&text=%E2%80%9Cquoted%E2%80%9D+%26lt%3B+%ZZ+%&trigger_id=", false)]
    [InlineData("team_id=&user_id=U1&command=/progress", false)]
    [InlineData("&&=&team_id=T1&user_id&command=/progress&text", false)]
    public void Probes_repeats_odd_escapes_and_missing_fields_are_read_as_the_whole_form_reads_them(string form, bool sslProbe)
    {
        var body = Encoding.UTF8.GetBytes(form);

        var command = SlashCommand.FromBody(body, out var sslCheck);

        Assert.Equal(sslProbe, sslCheck);
        Assert.Equal(AsTheWholeFormSaysIt(body), (command, sslCheck));
    }

    [Fact]
    public void Any_form_body_is_read_as_the_whole_form_reads_it()
    {
        var name = Gen.OneOf(
            Gen.OneOf(Names),
            Gen.OneOf(Names).Select(n => n.ToUpperInvariant()),
            Gen.OneOf(Names).Select(n => n.Replace("_", "%5F", StringComparison.Ordinal)),
            Gen.String[0, 6]);
        var value = Gen.OneOf(
            Gen.String[0, 20],
            Gen.String[0, 20].Select(Uri.EscapeDataString),
            Gen.String[0, 20].Select(v => Uri.EscapeDataString(v).Replace("%20", "+", StringComparison.Ordinal)),
            Gen.OneOf("%", "%2", "%zz", "+", "%2B", "%E2%80", "%F0%9F%94%A5", "/progress", "1"));
        var pair = Gen.Select(name, value, Gen.Int[0, 9]).Select((n, v, shape) => shape switch
        {
            0 => n,
            1 => v,
            _ => $"{n}={v}",
        });
        var body = Gen.Select(pair.Array[0, 14], Gen.Byte.Array[0, 3], Gen.Bool).Select((pairs, raw, withRaw) =>
        {
            var bytes = Encoding.UTF8.GetBytes(string.Join('&', pairs));
            return withRaw ? [.. bytes, .. "&text="u8.ToArray(), .. raw] : bytes;
        });

        body.Sample(bytes =>
        {
            var command = SlashCommand.FromBody(bytes, out var sslCheck);
            Assert.Equal(AsTheWholeFormSaysIt(bytes), (command, sslCheck));
        }, iter: 5000);
    }
}
