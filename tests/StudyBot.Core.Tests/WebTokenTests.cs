using System.Security.Cryptography;
using CsCheck;
using StudyBot.Core.Web;

namespace StudyBot.Core.Tests;

/// <summary>
/// The web side's token parser: any string either parses to exactly 32 bytes (and is then the one spelling of them) or
/// is refused, and it never throws.
/// </summary>
public sealed class WebTokenTests
{
    private const string Alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

    private static void ParsesToExactly32BytesOrIsRefused(string? text)
    {
        if (WebTokens.TryParse(text, out var bytes))
        {
            Assert.Equal(32, bytes.Length);
            Assert.Equal(text, WebTokens.Format(bytes));
            Assert.NotNull(WebTokens.HashOf(text));
        }
        else
        {
            Assert.Empty(bytes);
            Assert.Null(WebTokens.HashOf(text));
        }
    }

    [Fact]
    public void Any_string_parses_to_exactly_32_bytes_or_is_refused_and_never_throws() =>
        Gen.String.Sample(ParsesToExactly32BytesOrIsRefused, iter: 20_000);

    [Fact]
    public void Strings_near_a_token_parse_to_exactly_32_bytes_or_are_refused()
    {
        // Mostly the token alphabet, sometimes a character from elsewhere (+, /, =, space, é), 40 to 46 long.
        var near = Gen.OneOf(Gen.Char[Alphabet], Gen.Char["+/= .é\0"]);
        var gen = Gen.Frequency((8, near.Array[43]), (1, near.Array[40, 46]), (1, Gen.Char[Alphabet].Array[43]))
            .Select(chars => new string(chars));
        gen.Sample(ParsesToExactly32BytesOrIsRefused, iter: 20_000);
    }

    [Fact]
    public void Any_32_bytes_round_trip_through_their_text() =>
        Gen.Byte.Array[32].Sample(bytes =>
        {
            var text = WebTokens.Format(bytes);
            Assert.Equal(WebTokens.Length, text.Length);
            Assert.True(WebTokens.TryParse(text, out var parsed));
            Assert.Equal(bytes, parsed);
            Assert.Equal(SHA256.HashData(bytes), WebTokens.HashOf(text));
        });

    [Fact]
    public void A_new_token_is_43_characters_of_base64url_and_its_hash_is_the_sha256_of_its_bytes()
    {
        var (text, hash) = WebTokens.New();
        var (other, _) = WebTokens.New();

        Assert.Equal(43, text.Length);
        Assert.All(text, c => Assert.Contains(c, Alphabet));
        Assert.Equal(hash, WebTokens.HashOf(text));
        Assert.NotEqual(text, other);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("short")]
    public void Missing_and_short_tokens_are_refused(string? text) => Assert.False(WebTokens.TryParse(text, out _));

    [Fact]
    public void Truncated_padded_standard_base64_non_canonical_and_huge_tokens_are_refused()
    {
        var (text, _) = WebTokens.New();
        Assert.False(WebTokens.TryParse(text[..42], out _));
        Assert.False(WebTokens.TryParse(text + "=", out _));
        Assert.False(WebTokens.TryParse(text + "A", out _));
        Assert.False(WebTokens.TryParse(text.Replace(text[5], '+'), out _));
        Assert.False(WebTokens.TryParse(new string('A', 42) + "B", out _)); // the last character's 2 spare bits set
        Assert.True(WebTokens.TryParse(new string('A', 42) + "E", out _));
        Assert.False(WebTokens.TryParse(new string('A', 1024 * 1024), out _));
        Assert.False(WebTokens.TryParse(text[..42] + "é", out _));
    }

    [Fact]
    public void Hashes_are_compared_in_constant_time()
    {
        var hash = SHA256.HashData([1, 2, 3]);
        Assert.True(WebTokens.Matches(hash, (byte[])hash.Clone()));
        Assert.False(WebTokens.Matches(hash, SHA256.HashData([1, 2, 4])));
        Assert.False(WebTokens.Matches(hash[..31], hash[..31]));

        // The comparison is CryptographicOperations.FixedTimeEquals, never a comparison that stops at the first difference.
        var source = File.ReadAllText(Path.Combine(RepoPaths.Root, "src", "StudyBot.Core", "Web", "WebTokens.cs"));
        Assert.Contains("CryptographicOperations.FixedTimeEquals(storedHash, presentedHash)", source, StringComparison.Ordinal);
        Assert.DoesNotContain("SequenceEqual", source, StringComparison.Ordinal);
    }
}
