using System.Buffers;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Options;

namespace StudyBot.Slack.Http;

internal enum SignatureCheck
{
    Valid = 0,
    MissingHeaders = 1,
    BadTimestamp = 2,
    Stale = 3,
    Mismatch = 4,
}

/// <summary>
/// Slack's v0 request signature: <c>v0=</c> + hex HMAC-SHA256 of <c>v0:{timestamp}:{raw body}</c> keyed with
/// the signing secret as UTF-8, over the exact bytes received, within five minutes of now, compared in
/// constant time.
/// </summary>
internal sealed class SlackSignatureVerifier(IOptions<SlackOptions> options, TimeProvider time)
{
    public const string TimestampHeader = "X-Slack-Request-Timestamp";
    public const string SignatureHeader = "X-Slack-Signature";
    public static readonly TimeSpan Window = TimeSpan.FromMinutes(5);

    private readonly byte[] _key = Encoding.UTF8.GetBytes(options.Value.SigningSecret ?? "");

    public SignatureCheck Verify(string? timestamp, string? signature, ReadOnlySpan<byte> body)
    {
        if (string.IsNullOrEmpty(timestamp) || string.IsNullOrEmpty(signature) || _key.Length == 0)
        {
            return SignatureCheck.MissingHeaders;
        }

        if (timestamp.Length > 12 || !long.TryParse(timestamp, NumberStyles.None, CultureInfo.InvariantCulture, out var seconds))
        {
            return SignatureCheck.BadTimestamp;
        }

        var age = time.GetUtcNow().ToUnixTimeSeconds() - seconds;
        if (Math.Abs(age) > Window.TotalSeconds)
        {
            return SignatureCheck.Stale;
        }

        Span<byte> expected = stackalloc byte[3 + 64];
        Sign(_key, timestamp, body, expected);
        Span<byte> given = stackalloc byte[expected.Length];
        if (signature.Length != expected.Length || Encoding.ASCII.GetBytes(signature, given) != expected.Length)
        {
            // Still spend the comparison, so a wrong length answers no faster than a wrong byte.
            CryptographicOperations.FixedTimeEquals(expected, expected);
            return SignatureCheck.Mismatch;
        }

        return CryptographicOperations.FixedTimeEquals(expected, given) ? SignatureCheck.Valid : SignatureCheck.Mismatch;
    }

    /// <summary>Writes <c>v0=&lt;64 lowercase hex&gt;</c> (67 ASCII bytes) into <paramref name="destination"/>.</summary>
    public static void Sign(ReadOnlySpan<byte> key, string timestamp, ReadOnlySpan<byte> body, Span<byte> destination)
    {
        // One HMAC call over "v0:{timestamp}:{body}" gathered in a pooled buffer: cheaper than an incremental HMAC,
        // whose native context is created and freed for every request.
        var length = 3 + Encoding.ASCII.GetByteCount(timestamp) + 1 + body.Length;
        var rented = ArrayPool<byte>.Shared.Rent(length);
        Span<byte> mac = stackalloc byte[32];
        try
        {
            var message = rented.AsSpan(0, length);
            "v0:"u8.CopyTo(message);
            var written = 3 + Encoding.ASCII.GetBytes(timestamp, message[3..]);
            message[written++] = (byte)':';
            body.CopyTo(message[written..]);
            HMACSHA256.HashData(key, message, mac);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(rented);
        }

        "v0="u8.CopyTo(destination);
        for (var i = 0; i < mac.Length; i++)
        {
            destination[3 + (2 * i)] = Hex(mac[i] >> 4);
            destination[4 + (2 * i)] = Hex(mac[i] & 0xF);
        }
    }

    /// <summary>The signature header value for a body, as Slack would send it (used by the fake Slack and the load driver).</summary>
    public static string Signature(string secret, string timestamp, ReadOnlySpan<byte> body)
    {
        Span<byte> buffer = stackalloc byte[67];
        Sign(Encoding.UTF8.GetBytes(secret), timestamp, body, buffer);
        return Encoding.ASCII.GetString(buffer);
    }

    private static byte Hex(int nibble) => (byte)(nibble < 10 ? '0' + nibble : 'a' + nibble - 10);
}
