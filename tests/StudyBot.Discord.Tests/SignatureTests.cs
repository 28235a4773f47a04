using System.Text;
using System.Text.Json.Nodes;
using NSec.Cryptography;
using StudyBot.Discord.Interactions;
using StudyBot.Discord.Tests.Support;

namespace StudyBot.Discord.Tests;

public sealed class SignatureTests
{
    public static TheoryData<string> RfcVectors()
    {
        var data = new TheoryData<string>();
        foreach (var vector in JsonNode.Parse(TestPaths.ReadFixture("ed25519_rfc8032.json"))!["vectors"]!.AsArray())
        {
            data.Add((string)vector!["name"]!);
        }

        return data;
    }

    public static TheoryData<string> SignedSamples()
    {
        var data = new TheoryData<string>();
        foreach (var sample in Samples()["cases"]!.AsArray())
        {
            data.Add((string)sample!["name"]!);
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(RfcVectors))]
    public void RFC_8032_vectors_verify_and_a_changed_message_does_not(string name)
    {
        var vector = JsonNode.Parse(TestPaths.ReadFixture("ed25519_rfc8032.json"))!["vectors"]!.AsArray().Single(v => (string)v!["name"]! == name)!;
        var verifier = new SignatureVerifier((string)vector["public_key"]!);
        var message = Convert.FromHexString((string)vector["message"]!);
        var signature = Convert.FromHexString((string)vector["signature"]!);

        Assert.True(verifier.Verify(message, signature));
        Assert.False(verifier.Verify([.. message, 0x00], signature));
        signature[0] ^= 0x01;
        Assert.False(verifier.Verify(message, signature));
    }

    [Theory]
    [MemberData(nameof(SignedSamples))]
    public void Signed_interaction_samples_verify_exactly_when_they_should(string name)
    {
        var samples = Samples();
        var sample = samples["cases"]!.AsArray().Single(c => (string)c!["name"]! == name)!;
        var verifier = new SignatureVerifier((string)samples["public_key_hex"]!);
        var headers = sample["headers"]!.AsObject();

        var valid = verifier.Verify(
            (string?)headers["X-Signature-Timestamp"],
            (string?)headers["X-Signature-Ed25519"],
            Encoding.UTF8.GetBytes((string)sample["body"]!));

        Assert.Equal((bool)sample["expect_valid"]!, valid);
    }

    [Fact]
    public void Timestamps_far_from_now_are_not_fresh()
    {
        var now = DateTimeOffset.FromUnixTimeSeconds(1783364400);

        Assert.True(SignatureVerifier.IsFresh("1783364400", now));
        Assert.True(SignatureVerifier.IsFresh("1783364100", now));
        Assert.False(SignatureVerifier.IsFresh("1783364099", now));
        Assert.False(SignatureVerifier.IsFresh("1783364701", now));
        Assert.False(SignatureVerifier.IsFresh("not-a-number", now));
        Assert.False(SignatureVerifier.IsFresh("", now));
    }

    /// <summary>Signs like Discord: Ed25519 over timestamp + body, with the RFC 8032 TEST 1 key of the samples.</summary>
    internal static (string Timestamp, string Signature) Sign(string body, DateTimeOffset at)
    {
        var seed = Convert.FromHexString((string)JsonNode.Parse(TestPaths.ReadFixture("ed25519_rfc8032.json"))!["vectors"]![0]!["secret_key"]!);
        using var key = Key.Import(SignatureAlgorithm.Ed25519, seed, KeyBlobFormat.RawPrivateKey);
        var timestamp = at.ToUnixTimeSeconds().ToString(System.Globalization.CultureInfo.InvariantCulture);
        var signature = SignatureAlgorithm.Ed25519.Sign(key, Encoding.UTF8.GetBytes(timestamp + body));
        return (timestamp, Convert.ToHexStringLower(signature));
    }

    internal static string PublicKeyHex => (string)Samples()["public_key_hex"]!;

    private static JsonNode Samples() => JsonNode.Parse(TestPaths.ReadFixture("interaction_signature_samples.json"))!;
}
