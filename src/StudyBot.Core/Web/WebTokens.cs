using System.Security.Cryptography;

namespace StudyBot.Core.Web;

/// <summary>
/// The secret tokens of the web side (sign-in links, session cookies, share links): 32 random bytes written as
/// base64url without padding (43 characters). Only their SHA-256 hash is stored; a presented token is parsed strictly
/// (anything else is refused before the database is asked), hashed, looked up by the hash and compared with the stored
/// hash in constant time.
/// </summary>
public static class WebTokens
{
    /// <summary>How many random bytes a token holds.</summary>
    public const int Bytes = 32;

    /// <summary>How many characters a token is written in: 32 bytes in base64url without padding.</summary>
    public const int Length = 43;

    /// <summary>How many bytes a stored hash holds (SHA-256).</summary>
    public const int HashBytes = 32;

    /// <summary>A new token: its text for the member (link or cookie) and the hash to store.</summary>
    public static (string Text, byte[] Hash) New()
    {
        Span<byte> token = stackalloc byte[Bytes];
        RandomNumberGenerator.Fill(token);
        var text = Format(token);
        var hash = SHA256.HashData(token);
        CryptographicOperations.ZeroMemory(token);
        return (text, hash);
    }

    /// <summary>32 bytes as base64url without padding (43 characters).</summary>
    public static string Format(ReadOnlySpan<byte> token)
    {
        if (token.Length != Bytes)
        {
            throw new ArgumentException($"A token is {Bytes} bytes.", nameof(token));
        }

        return Convert.ToBase64String(token).TrimEnd('=').Replace('+', '-').Replace('/', '_');
    }

    /// <summary>
    /// The token's 32 bytes, when <paramref name="text"/> is exactly a token as <see cref="Format"/> writes it: 43
    /// characters of the base64url alphabet whose last one carries no stray bits. Anything else (null, empty, a
    /// truncated or padded token, other characters, a megabyte of text) is refused without reading past the 43rd
    /// character. Never throws.
    /// </summary>
    public static bool TryParse(string? text, out byte[] token)
    {
        token = [];
        if (text is null || text.Length != Length)
        {
            return false;
        }

        var bytes = new byte[Bytes];
        var bits = 0;
        var buffer = 0;
        var at = 0;
        foreach (var c in text)
        {
            var value = Value(c);
            if (value < 0)
            {
                return false;
            }

            buffer = (buffer << 6) | value;
            bits += 6;
            if (bits >= 8)
            {
                bits -= 8;
                bytes[at++] = (byte)(buffer >> bits);
                buffer &= (1 << bits) - 1;
            }
        }

        // 43 characters carry 258 bits: the last 2 must be zero, so each token has exactly one spelling.
        if (buffer != 0 || at != Bytes)
        {
            return false;
        }

        token = bytes;
        return true;
    }

    /// <summary>The hash a token is stored and looked up by.</summary>
    public static byte[] Hash(ReadOnlySpan<byte> token) => SHA256.HashData(token);

    /// <summary>The hash of a token's text, or null when the text is no token (see <see cref="TryParse"/>).</summary>
    public static byte[]? HashOf(string? text)
    {
        if (!TryParse(text, out var token))
        {
            return null;
        }

        var hash = Hash(token);
        CryptographicOperations.ZeroMemory(token);
        return hash;
    }

    /// <summary>Whether a presented token's hash is the stored one, compared in constant time.</summary>
    public static bool Matches(ReadOnlySpan<byte> storedHash, ReadOnlySpan<byte> presentedHash) =>
        storedHash.Length == HashBytes && CryptographicOperations.FixedTimeEquals(storedHash, presentedHash);

    private static int Value(char c) => c switch
    {
        >= 'A' and <= 'Z' => c - 'A',
        >= 'a' and <= 'z' => c - 'a' + 26,
        >= '0' and <= '9' => c - '0' + 52,
        '-' => 62,
        '_' => 63,
        _ => -1,
    };
}
