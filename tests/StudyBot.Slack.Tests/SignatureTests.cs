using System.Net;
using System.Text;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using StudyBot.Slack.Http;
using StudyBot.Slack.Tests.Fakes;

namespace StudyBot.Slack.Tests;

public sealed class SignatureTests
{
    private const string Secret = "8f742231b10e8888abcd99yyyzzz85a5";

    [Fact]
    public void The_documented_test_vector_verifies()
    {
        var vector = Fixtures.Json("signing_test_vector.json");
        var verifier = Verifier(Secret, vector["verify_with_now_unix"]!.GetValue<long>());
        var body = Encoding.UTF8.GetBytes(vector["body"]!.GetValue<string>());

        var check = verifier.Verify(vector["timestamp"]!.GetValue<string>(), vector["expected_signature"]!.GetValue<string>(), body);

        Assert.Equal(SignatureCheck.Valid, check);
        Assert.Equal(vector["expected_signature"]!.GetValue<string>(), SlackSignatureVerifier.Signature(Secret, vector["timestamp"]!.GetValue<string>(), body));
    }

    [Fact]
    public void The_progress_form_and_its_headers_verify_over_the_exact_420_bytes()
    {
        var headers = Fixtures.Json("slash_command_progress.headers.json");
        var verifier = Verifier(headers["signing_secret_used"]!.GetValue<string>(), headers["verify_with_now_unix"]!.GetValue<long>());

        var check = verifier.Verify(
            headers["headers"]!["X-Slack-Request-Timestamp"]!.GetValue<string>(),
            headers["headers"]!["X-Slack-Signature"]!.GetValue<string>(),
            Fixtures.Bytes("slash_command_progress.form"));

        Assert.Equal(SignatureCheck.Valid, check);
    }

    [Theory]
    [InlineData(0, nameof(SignatureCheck.Valid))]
    [InlineData(299, nameof(SignatureCheck.Valid))]
    [InlineData(-299, nameof(SignatureCheck.Valid))]
    [InlineData(301, nameof(SignatureCheck.Stale))]
    [InlineData(360, nameof(SignatureCheck.Stale))]
    [InlineData(-360, nameof(SignatureCheck.Stale))]
    public void Timestamps_more_than_five_minutes_from_now_are_refused(int ageSeconds, string expected)
    {
        const long now = 1_767_225_600;
        var body = "token=x&team_id=T1&user_id=U1&command=%2Fprogress&text="u8.ToArray();
        var timestamp = (now - ageSeconds).ToString(System.Globalization.CultureInfo.InvariantCulture);

        var check = Verifier(Secret, now).Verify(timestamp, SlackSignatureVerifier.Signature(Secret, timestamp, body), body);

        Assert.Equal(expected, check.ToString());
    }

    [Fact]
    public void Every_single_altered_byte_of_the_body_is_refused()
    {
        var headers = Fixtures.Json("slash_command_progress.headers.json")["headers"]!;
        var verifier = Verifier(Secret, 1_767_225_600);
        var body = Fixtures.Bytes("slash_command_progress.form");

        for (var i = 0; i < body.Length; i++)
        {
            var altered = (byte[])body.Clone();
            altered[i] ^= 0x01;
            Assert.Equal(SignatureCheck.Mismatch, verifier.Verify(headers["X-Slack-Request-Timestamp"]!.GetValue<string>(), headers["X-Slack-Signature"]!.GetValue<string>(), altered));
        }
    }

    [Theory]
    [InlineData(null, "v0=abc", nameof(SignatureCheck.MissingHeaders))]
    [InlineData("1767225600", null, nameof(SignatureCheck.MissingHeaders))]
    [InlineData("", "", nameof(SignatureCheck.MissingHeaders))]
    [InlineData("17672256OO", "v0=abc", nameof(SignatureCheck.BadTimestamp))]
    [InlineData("-1767225600", "v0=abc", nameof(SignatureCheck.BadTimestamp))]
    [InlineData("1767225600", "v0=abc", nameof(SignatureCheck.Mismatch))]
    [InlineData("1767225600", "v1=1da51c5e7618138449e6afd3492ac3fa9dc6d0064fbf628dd27af0cb6d00f058", nameof(SignatureCheck.Mismatch))]
    [InlineData("1767225600", "v0=1DA51C5E7618138449E6AFD3492AC3FA9DC6D0064FBF628DD27AF0CB6D00F058", nameof(SignatureCheck.Mismatch))]
    public void Missing_or_malformed_headers_are_refused(string? timestamp, string? signature, string expected)
    {
        var check = Verifier(Secret, 1_767_225_600).Verify(timestamp, signature, Fixtures.Bytes("slash_command_progress.form"));

        Assert.Equal(expected, check.ToString());
    }

    public static TheoryData<string> Tampering() => ["valid", "altered byte", "wrong secret", "six minutes old", "no signature header", "no timestamp header"];

    [Theory]
    [MemberData(nameof(Tampering))]
    public async Task The_commands_endpoint_answers_401_to_anything_but_a_valid_signature(string variant)
    {
        var fixture = Fixtures.Json("slash_command_progress.headers.json");
        var timestamp = fixture["headers"]!["X-Slack-Request-Timestamp"]!.GetValue<string>();
        await using var harness = await SlackHarness.StartAsync(new HarnessOptions
        {
            Mode = SlackMode.Http,
            Start = DateTimeOffset.FromUnixTimeSeconds(long.Parse(timestamp, System.Globalization.CultureInfo.InvariantCulture)),
        });
        var body = Fixtures.Bytes("slash_command_progress.form");
        var signature = fixture["headers"]!["X-Slack-Signature"]!.GetValue<string>();
        switch (variant)
        {
            case "altered byte":
                body[body.Length / 2] ^= 0x20;
                break;
            case "wrong secret":
                signature = SlackSignatureVerifier.Signature("0000000000000000000000000000000", timestamp, body);
                break;
            case "six minutes old":
                timestamp = (long.Parse(timestamp, System.Globalization.CultureInfo.InvariantCulture) - 360).ToString(System.Globalization.CultureInfo.InvariantCulture);
                signature = SlackSignatureVerifier.Signature(SlackHarness.SigningSecret, timestamp, body);
                break;
        }

        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(harness.HttpBase, "/slack/commands")) { Content = new ByteArrayContent(body) };
        request.Content.Headers.ContentType = new("application/x-www-form-urlencoded");
        if (variant != "no timestamp header")
        {
            request.Headers.Add(SlackSignatureVerifier.TimestampHeader, timestamp);
        }

        if (variant != "no signature header")
        {
            request.Headers.Add(SlackSignatureVerifier.SignatureHeader, signature);
        }

        using var client = new HttpClient();
        using var response = await client.SendAsync(request);

        Assert.Equal(variant == "valid" ? HttpStatusCode.OK : HttpStatusCode.Unauthorized, response.StatusCode);
        if (variant != "valid")
        {
            Assert.Equal(0, harness.Slack.CallCount("users.info"));
        }
    }

    private static SlackSignatureVerifier Verifier(string secret, long nowUnix) =>
        new(Options.Create(new SlackOptions { SigningSecret = secret }), new FakeTimeProvider(DateTimeOffset.FromUnixTimeSeconds(nowUnix)));
}
