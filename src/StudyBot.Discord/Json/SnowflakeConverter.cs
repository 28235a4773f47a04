using System.Buffers.Text;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace StudyBot.Discord.Json;

/// <summary>
/// Snowflakes are strings on the wire; Discord may echo small ids back as numbers, so both are read.
/// Written as strings, as the API expects.
/// </summary>
internal sealed class SnowflakeConverter : JsonConverter<ulong>
{
    public override ulong Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
        reader.TokenType switch
        {
            JsonTokenType.Number => reader.GetUInt64(),
            JsonTokenType.String when Utf8Parser.TryParse(reader.ValueSpan, out ulong value, out var consumed) && consumed == reader.ValueSpan.Length && !reader.ValueIsEscaped => value,
            JsonTokenType.String when ulong.TryParse(reader.GetString(), NumberStyles.None, CultureInfo.InvariantCulture, out var value) => value,
            _ => throw new JsonException("A snowflake must be a numeric string."),
        };

    public override void Write(Utf8JsonWriter writer, ulong value, JsonSerializerOptions options)
    {
        Span<byte> buffer = stackalloc byte[20];
        Utf8Formatter.TryFormat(value, buffer, out var written);
        writer.WriteStringValue(buffer[..written]);
    }
}

internal sealed class NullableSnowflakeConverter : JsonConverter<ulong?>
{
    private static readonly SnowflakeConverter Inner = new();

    public override bool HandleNull => true;

    public override ulong? Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
        reader.TokenType == JsonTokenType.Null ? null : Inner.Read(ref reader, typeof(ulong), options);

    public override void Write(Utf8JsonWriter writer, ulong? value, JsonSerializerOptions options)
    {
        if (value is { } v)
        {
            Inner.Write(writer, v, options);
        }
        else
        {
            writer.WriteNullValue();
        }
    }
}

internal static class Snowflake
{
    /// <summary>Milliseconds of 2015-01-01T00:00:00Z, where Discord's snowflake clock starts.</summary>
    public const long DiscordEpochMs = 1420070400000;

    public static DateTimeOffset Timestamp(ulong id) => DateTimeOffset.FromUnixTimeMilliseconds((long)(id >> 22) + DiscordEpochMs);

    public static string Format(ulong id) => id.ToString(CultureInfo.InvariantCulture);

    public static bool TryParse(string? text, out ulong id) =>
        ulong.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out id);
}
