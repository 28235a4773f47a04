using System.Buffers;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using NSec.Cryptography;

// Issue 14's floor: POST /slack/commands and POST /discord/interactions verify the request's signature over the raw
// body and answer a constant; nothing is parsed beyond Discord's interaction type. Configuration as StudyBot's:
// Slack:SigningSecret, Discord:PublicKey (hex), urls from ASPNETCORE_URLS or --urls.
var builder = WebApplication.CreateSlimBuilder(args);
builder.Logging.SetMinimumLevel(LogLevel.Warning);

// As StudyBot's host: the per-request category, which writes nothing at Warning, is off, so no request starts an
// Activity or a logging scope.
builder.Logging.AddFilter("Microsoft.AspNetCore.Hosting.Diagnostics", LogLevel.None);
var secret = builder.Configuration["Slack:SigningSecret"];
var publicKey = builder.Configuration["Discord:PublicKey"];
if (string.IsNullOrWhiteSpace(secret) || string.IsNullOrWhiteSpace(publicKey) || publicKey.Length != 64)
{
    await Console.Error.WriteLineAsync("Set Slack:SigningSecret and Discord:PublicKey (64 hex characters), e.g. Slack__SigningSecret and Discord__PublicKey.");
    return 2;
}

var slack = new SlackSignature(Encoding.UTF8.GetBytes(secret));
var discord = new DiscordSignature(PublicKey.Import(SignatureAlgorithm.Ed25519, Convert.FromHexString(publicKey), KeyBlobFormat.RawPublicKey));
var slackAnswer = "Use /progress to see your roadmap, /progress done <item> when you finish one, /progress next for what comes next."u8.ToArray();
var pong = """{"type":1}"""u8.ToArray();
var discordAnswer = """{"type":4,"data":{"content":"Use /progress to see your roadmap, /progress done <item> when you finish one, /progress next for what comes next."}}"""u8.ToArray();

var app = builder.Build();
app.MapGet("/healthz", () => "ok");
app.MapPost("/slack/commands", async (HttpContext context) =>
{
    if (await Body.VerifiedAsync(context, "X-Slack-Request-Timestamp", "X-Slack-Signature", slack.Verify) is not null)
    {
        context.Response.ContentType = "text/plain; charset=utf-8";
        await context.Response.Body.WriteAsync(slackAnswer, context.RequestAborted);
    }
});
app.MapPost("/discord/interactions", async (HttpContext context) =>
{
    if (await Body.VerifiedAsync(context, "X-Signature-Timestamp", "X-Signature-Ed25519", discord.Verify) is not { } body)
    {
        return;
    }

    int type;
    try
    {
        using var json = JsonDocument.Parse(body);
        type = json.RootElement.TryGetProperty("type", out var t) && t.TryGetInt32(out var value) ? value : 0;
    }
    catch (JsonException)
    {
        type = 0;
    }

    if (type == 0)
    {
        context.Response.StatusCode = StatusCodes.Status400BadRequest;
        return;
    }

    context.Response.ContentType = "application/json";
    await context.Response.Body.WriteAsync(type == 1 ? pong : discordAnswer, context.RequestAborted);
});

await app.RunAsync();
return 0;

internal static class Body
{
    /// <summary>StudyBot's limit for both platforms.</summary>
    public const int MaxBytes = 1 << 20;

    /// <summary>
    /// The raw body once its signature checks out; otherwise null, with 413 past 1 MiB or without a Content-Length
    /// (Slack and Discord always send one), 400 for a body shorter than announced, 401 for a bad or stale signature.
    /// </summary>
    public static async Task<byte[]?> VerifiedAsync(HttpContext context, string timestampHeader, string signatureHeader, Func<string, string, byte[], DateTimeOffset, bool> verify)
    {
        var request = context.Request;
        if (request.ContentLength is not { } length || length > MaxBytes)
        {
            context.Response.StatusCode = StatusCodes.Status413PayloadTooLarge;
            return null;
        }

        var body = new byte[length];
        try
        {
            await request.Body.ReadExactlyAsync(body, context.RequestAborted);
        }
        catch (EndOfStreamException)
        {
            context.Response.StatusCode = StatusCodes.Status400BadRequest;
            return null;
        }

        if (!verify(request.Headers[timestampHeader].ToString(), request.Headers[signatureHeader].ToString(), body, TimeProvider.System.GetUtcNow()))
        {
            context.Response.StatusCode = StatusCodes.Status401Unauthorized;
            return null;
        }

        return body;
    }

    /// <summary>Unix seconds (digits only, so one byte a character), within five minutes of now either way.</summary>
    public static bool IsFresh(string timestamp, DateTimeOffset now) =>
        timestamp.Length is > 0 and <= 12
        && long.TryParse(timestamp, NumberStyles.None, CultureInfo.InvariantCulture, out var seconds)
        && Math.Abs(now.ToUnixTimeSeconds() - seconds) <= 5 * 60;
}

/// <summary>Slack's v0 signature: <c>v0=</c> + hex HMAC-SHA256 of <c>v0:{timestamp}:{body}</c>, within five minutes, compared in constant time.</summary>
internal sealed class SlackSignature(byte[] key)
{
    public bool Verify(string timestamp, string signature, byte[] body, DateTimeOffset now)
    {
        if (!Body.IsFresh(timestamp, now))
        {
            return false;
        }

        Span<byte> given = stackalloc byte[32];
        if (signature.Length != 3 + 64 || !signature.StartsWith("v0=", StringComparison.Ordinal)
            || Convert.FromHexString(signature.AsSpan(3), given, out _, out var written) != OperationStatus.Done || written != given.Length)
        {
            return false;
        }

        var prefix = 3 + timestamp.Length + 1;
        var message = ArrayPool<byte>.Shared.Rent(prefix + body.Length);
        try
        {
            "v0:"u8.CopyTo(message);
            Encoding.ASCII.GetBytes(timestamp, message.AsSpan(3));
            message[prefix - 1] = (byte)':';
            body.CopyTo(message.AsSpan(prefix));
            Span<byte> expected = stackalloc byte[32];
            HMACSHA256.HashData(key, message.AsSpan(0, prefix + body.Length), expected);
            return CryptographicOperations.FixedTimeEquals(expected, given);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(message);
        }
    }
}

/// <summary>Discord's signature: Ed25519 over the UTF-8 timestamp followed by the body, with a five-minute window.</summary>
internal sealed class DiscordSignature(PublicKey key)
{
    public bool Verify(string timestamp, string signatureHex, byte[] body, DateTimeOffset now)
    {
        if (!Body.IsFresh(timestamp, now))
        {
            return false;
        }

        Span<byte> signature = stackalloc byte[64];
        if (signatureHex.Length != 128 || Convert.FromHexString(signatureHex, signature, out _, out var written) != OperationStatus.Done || written != signature.Length)
        {
            return false;
        }

        var message = ArrayPool<byte>.Shared.Rent(timestamp.Length + body.Length);
        try
        {
            Encoding.ASCII.GetBytes(timestamp, message);
            body.CopyTo(message.AsSpan(timestamp.Length));
            return SignatureAlgorithm.Ed25519.Verify(key, message.AsSpan(0, timestamp.Length + body.Length), signature);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(message);
        }
    }
}
