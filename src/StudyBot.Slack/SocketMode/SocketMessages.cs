using System.Text.Json;

namespace StudyBot.Slack.SocketMode;

/// <summary>A message Slack sends over a Socket Mode WebSocket.</summary>
internal abstract record SocketMessage
{
    /// <summary>Dispatches on <c>type</c>; anything with an <c>envelope_id</c> is an envelope that must be acknowledged.</summary>
    public static SocketMessage Parse(ReadOnlySpan<byte> utf8)
    {
        using var doc = JsonDocument.Parse(utf8.ToArray());
        var root = doc.RootElement;
        if (root.ValueKind != JsonValueKind.Object)
        {
            throw new JsonException("A Socket Mode message must be a JSON object.");
        }

        var type = Str(root, "type") ?? "";
        switch (type)
        {
            case "hello":
                var lifetime = root.TryGetProperty("debug_info", out var d) && d.ValueKind == JsonValueKind.Object ? Int(d, "approximate_connection_time") : null;
                return new SocketHello(Int(root, "num_connections"), lifetime);
            case "disconnect":
                return new SocketDisconnect(Str(root, "reason") ?? "unknown");
        }

        if (Str(root, "envelope_id") is { } envelopeId)
        {
            var payload = root.TryGetProperty("payload", out var p) ? p.Clone() : default;
            var accepts = root.TryGetProperty("accepts_response_payload", out var ar) && ar.ValueKind == JsonValueKind.True;
            var attempt = Int(root, "retry_attempt") ?? 0;
            return new SocketEnvelope(envelopeId, type, payload, accepts, attempt, Str(root, "retry_reason"));
        }

        return new SocketUnknown(type);
    }

    private static string? Str(JsonElement e, string name) =>
        e.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;

    // A field of another type than documented ("retry_attempt": "1") is as good as absent; it must never throw.
    private static int? Int(JsonElement e, string name) =>
        e.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.Number && v.TryGetInt32(out var i) ? i : null;
}

internal sealed record SocketHello(int? NumConnections, int? ApproximateConnectionTime) : SocketMessage;

internal sealed record SocketDisconnect(string Reason) : SocketMessage;

/// <summary><c>events_api</c>, <c>interactive</c> or <c>slash_commands</c>: the payload is what HTTP mode would have received.</summary>
internal sealed record SocketEnvelope(string EnvelopeId, string Type, JsonElement Payload, bool AcceptsResponsePayload, int RetryAttempt, string? RetryReason) : SocketMessage;

internal sealed record SocketUnknown(string Type) : SocketMessage;
