using System.Buffers;
using System.Globalization;
using System.Text;
using NSec.Cryptography;

namespace StudyBot.Discord.Interactions;

/// <summary>
/// Discord signs every HTTP interaction with the application's Ed25519 key: the signature in
/// <c>X-Signature-Ed25519</c> covers the UTF-8 <c>X-Signature-Timestamp</c> followed by the raw body bytes.
/// </summary>
internal sealed class SignatureVerifier
{
    public const int SignatureBytes = 64;

    /// <summary>Older (or future) timestamps are refused, which bounds how long a replay could be tried.</summary>
    public static readonly TimeSpan MaxClockSkew = TimeSpan.FromMinutes(5);

    private static readonly SignatureAlgorithm Ed25519 = SignatureAlgorithm.Ed25519;

    private readonly PublicKey _key;

    public SignatureVerifier(string publicKeyHex)
    {
        _key = PublicKey.Import(Ed25519, Convert.FromHexString(publicKeyHex), KeyBlobFormat.RawPublicKey);
    }

    public bool Verify(ReadOnlySpan<byte> message, ReadOnlySpan<byte> signature) =>
        signature.Length == SignatureBytes && Ed25519.Verify(_key, message, signature);

    /// <summary>Checks the headers against the raw body; false for any missing, malformed or wrong part.</summary>
    public bool Verify(string? timestamp, string? signatureHex, ReadOnlySpan<byte> body)
    {
        if (string.IsNullOrEmpty(timestamp) || timestamp.Length > 32 || signatureHex is not { Length: SignatureBytes * 2 })
        {
            return false;
        }

        Span<byte> signature = stackalloc byte[SignatureBytes];
        if (Convert.FromHexString(signatureHex, signature, out _, out var written) != OperationStatus.Done || written != SignatureBytes)
        {
            return false;
        }

        var timestampLength = Encoding.UTF8.GetByteCount(timestamp);
        var rented = ArrayPool<byte>.Shared.Rent(timestampLength + body.Length);
        try
        {
            var message = rented.AsSpan(0, timestampLength + body.Length);
            Encoding.UTF8.GetBytes(timestamp, message);
            body.CopyTo(message[timestampLength..]);
            return Verify(message, signature);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(rented);
        }
    }

    /// <summary>The timestamp is Unix seconds and within <see cref="MaxClockSkew"/> of now.</summary>
    public static bool IsFresh(string? timestamp, DateTimeOffset now) =>
        long.TryParse(timestamp, NumberStyles.None, CultureInfo.InvariantCulture, out var seconds)
        && seconds < DateTimeOffset.MaxValue.ToUnixTimeSeconds()
        && (now - DateTimeOffset.FromUnixTimeSeconds(seconds)).Duration() <= MaxClockSkew;
}
