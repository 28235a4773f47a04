using System.Text.Json;
using System.Text.Json.Serialization;
using StudyBot.Core.Chat;

namespace StudyBot.Core.Notifications;

/// <summary>How a <see cref="Reply"/> is stored in the outbox until it is sent.</summary>
public static class ReplyJson
{
    private static readonly JsonSerializerOptions Options = new(JsonSerializerDefaults.Web)
    {
        Converters = { new JsonStringEnumConverter() },
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    };

    public static string Serialize(Reply reply) => JsonSerializer.Serialize(reply, Options);

    public static Reply Deserialize(string json) => JsonSerializer.Deserialize<Reply>(json, Options) ?? new Reply();
}
