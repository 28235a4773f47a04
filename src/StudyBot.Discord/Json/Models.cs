using System.Text.Json;
using System.Text.Json.Serialization;

namespace StudyBot.Discord.Json;

// Wire shapes of the Discord API v10, only the fields StudyBot reads or writes. Unknown members are ignored
// on read (Discord adds fields without notice); nulls are left out on write.

internal sealed record GatewayHello(int HeartbeatInterval);

internal sealed record GatewayReady(
    int V,
    DiscordUser User,
    string SessionId,
    string ResumeGatewayUrl,
    IReadOnlyList<GatewayGuild>? Guilds,
    int[]? Shard,
    ReadyApplication? Application);

internal sealed record ReadyApplication([property: JsonConverter(typeof(SnowflakeConverter))] ulong Id);

internal sealed record GatewayGuild(
    [property: JsonConverter(typeof(SnowflakeConverter))] ulong Id,
    string? Name,
    bool? Unavailable,
    [property: JsonPropertyName("voice_states")] IReadOnlyList<GatewayVoiceState>? VoiceStates = null);

/// <summary>
/// A voice state: VOICE_STATE_UPDATE's payload, or one of GUILD_CREATE's <c>voice_states</c> (which leave out
/// <c>guild_id</c>). <c>channel_id</c> null means the user left voice; <c>deaf</c> is server-deafened, <c>self_deaf</c> by themselves.
/// </summary>
internal sealed record GatewayVoiceState(
    [property: JsonPropertyName("guild_id"), JsonConverter(typeof(NullableSnowflakeConverter))] ulong? GuildId,
    [property: JsonPropertyName("channel_id"), JsonConverter(typeof(NullableSnowflakeConverter))] ulong? ChannelId,
    [property: JsonPropertyName("user_id"), JsonConverter(typeof(SnowflakeConverter))] ulong UserId,
    bool? Deaf,
    [property: JsonPropertyName("self_deaf")] bool? SelfDeaf,
    GuildMember? Member)
{
    public bool Deafened => Deaf == true || SelfDeaf == true;
}

/// <summary>GUILD_MEMBER_REMOVE: the guild and the user who left (or was kicked or banned).</summary>
internal sealed record GuildMemberRemove(
    [property: JsonPropertyName("guild_id"), JsonConverter(typeof(SnowflakeConverter))] ulong GuildId,
    DiscordUser? User);

internal sealed record IdentifyProperties(string Os, string Browser, string Device);

internal sealed record IdentifyData(string Token, int Intents, IdentifyProperties Properties, int[] Shard);

internal sealed record ResumeData(string Token, string SessionId, long Seq);

/// <summary>A gateway payload we send. <c>d</c> is always written: a heartbeat before any dispatch is documented as <c>"d": null</c>.</summary>
internal sealed record OutgoingPayload<T>(int Op, [property: JsonIgnore(Condition = JsonIgnoreCondition.Never)] T D);

internal sealed record SessionStartLimit(int Total, int Remaining, long ResetAfter, int MaxConcurrency);

internal sealed record GatewayBotInfo(string Url, int Shards, SessionStartLimit SessionStartLimit);

internal sealed record DiscordUser(
    [property: JsonConverter(typeof(SnowflakeConverter))] ulong Id,
    string? Username,
    string? GlobalName,
    bool? Bot);

internal sealed record DiscordApplication([property: JsonConverter(typeof(SnowflakeConverter))] ulong Id, string? Name);

internal sealed record GuildMember(DiscordUser? User, string? Nick, string? Permissions, IReadOnlyList<string>? Roles = null);

/// <summary>A guild role: <see cref="Position"/> orders the hierarchy (higher is more powerful); the @everyone role's id is the guild's.</summary>
internal sealed record DiscordRole(
    [property: JsonConverter(typeof(SnowflakeConverter))] ulong Id,
    string Name,
    string? Permissions,
    int Position,
    bool? Managed);

internal sealed record Interaction(
    [property: JsonConverter(typeof(SnowflakeConverter))] ulong Id,
    [property: JsonConverter(typeof(SnowflakeConverter))] ulong ApplicationId,
    int Type,
    InteractionData? Data,
    [property: JsonConverter(typeof(NullableSnowflakeConverter))] ulong? GuildId,
    [property: JsonConverter(typeof(NullableSnowflakeConverter))] ulong? ChannelId,
    GuildMember? Member,
    DiscordUser? User,
    string Token,
    int Version,
    string? Locale)
{
    public DiscordUser? Invoker => Member?.User ?? User;
}

internal sealed record InteractionData(
    string? Name,
    int? Type,
    IReadOnlyList<InteractionOption>? Options,
    string? CustomId,
    int? ComponentType);

internal sealed record InteractionOption(
    string Name,
    int Type,
    JsonElement? Value,
    IReadOnlyList<InteractionOption>? Options,
    bool? Focused);

internal static class InteractionTypes
{
    public const int Ping = 1;
    public const int ApplicationCommand = 2;
    public const int MessageComponent = 3;
    public const int Autocomplete = 4;
    public const int ModalSubmit = 5;
}

internal static class CallbackTypes
{
    public const int Pong = 1;
    public const int ChannelMessage = 4;
    public const int DeferredChannelMessage = 5;
    public const int AutocompleteResult = 8;
}

internal static class MessageFlags
{
    public const int Ephemeral = 1 << 6;
}

internal sealed record AllowedMentions(IReadOnlyList<string> Parse)
{
    /// <summary>Nobody is pinged: member notes are user text and may contain @everyone.</summary>
    public static readonly AllowedMentions None = new([]);
}

internal sealed record EmbedField(string Name, string Value, bool? Inline);

internal sealed record EmbedFooter(string Text);

internal sealed record EmbedImage(string Url);

internal sealed record Embed(
    string? Title,
    string? Description,
    int? Color,
    IReadOnlyList<EmbedField>? Fields,
    EmbedFooter? Footer,
    EmbedImage? Image = null);

/// <summary>Metadata of an uploaded file: <c>id</c> is the n of its <c>files[n]</c> multipart part, as a string.</summary>
internal sealed record AttachmentInfo(string Id, string Filename, string? Description);

internal sealed record Component(
    int Type,
    IReadOnlyList<Component>? Components = null,
    int? Style = null,
    string? Label = null,
    string? CustomId = null);

/// <summary>A message body for channel sends, interaction replies, follow-ups and edits.</summary>
internal sealed record MessagePayload
{
    public string? Content { get; init; }

    public IReadOnlyList<Embed>? Embeds { get; init; }

    public IReadOnlyList<Component>? Components { get; init; }

    public AllowedMentions AllowedMentions { get; init; } = AllowedMentions.None;

    public int? Flags { get; init; }

    public string? Nonce { get; init; }

    public bool? EnforceNonce { get; init; }

    public IReadOnlyList<AttachmentInfo>? Attachments { get; init; }

    /// <summary>The files themselves, sent as multipart <c>files[n]</c> parts next to <c>payload_json</c>.</summary>
    [JsonIgnore]
    public IReadOnlyList<StudyBot.Core.Chat.ReplyAttachment>? Files { get; init; }
}

internal sealed record AutocompleteChoice(string Name, string Value);

internal sealed record AutocompleteData(IReadOnlyList<AutocompleteChoice> Choices);

internal sealed record DeferData(int Flags);

/// <summary>The body of <c>POST /interactions/{id}/{token}/callback</c> (or of the HTTP-mode response).</summary>
internal sealed record InteractionResponse(int Type, object? Data = null)
{
    public static readonly InteractionResponse Pong = new(CallbackTypes.Pong);

    /// <summary>
    /// This response's JSON (as <see cref="DiscordJsonContext"/> writes it), when it is kept and given again and again
    /// (help, see <see cref="Rendering.MessageRenderer.RenderKept"/>); the HTTP answer writes these bytes as they are.
    /// </summary>
    [JsonIgnore]
    public byte[]? Json { get; init; }
}

internal sealed record CreateDmRequest([property: JsonConverter(typeof(SnowflakeConverter))] ulong RecipientId);

internal sealed record DiscordChannel(
    [property: JsonConverter(typeof(SnowflakeConverter))] ulong Id,
    int Type,
    string? Name = null,
    [property: JsonConverter(typeof(NullableSnowflakeConverter))] ulong? GuildId = null);

internal static class ChannelTypes
{
    public const int GuildText = 0;
    public const int GuildVoice = 2;
    public const int GuildStageVoice = 13;
    public const int GuildAnnouncement = 5;
}

internal sealed record DiscordMessage(
    [property: JsonConverter(typeof(SnowflakeConverter))] ulong Id,
    [property: JsonConverter(typeof(SnowflakeConverter))] ulong ChannelId,
    string? Content,
    [property: JsonConverter(typeof(NonceConverter))] string? Nonce,
    DiscordUser? Author = null,
    IReadOnlyList<ListedEmbed>? Embeds = null);

/// <summary>An embed of a message read back from Discord: only what tells two of StudyBot's messages apart.</summary>
internal sealed record ListedEmbed(string? Title, string? Description);

/// <summary>A message nonce may come back as a string or an integer.</summary>
internal sealed class NonceConverter : JsonConverter<string?>
{
    public override bool HandleNull => true;

    public override string? Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) => reader.TokenType switch
    {
        JsonTokenType.Null => null,
        JsonTokenType.String => reader.GetString(),
        JsonTokenType.Number => System.Text.Encoding.UTF8.GetString(reader.ValueSpan),
        _ => throw new JsonException("A nonce is a string or an integer."),
    };

    public override void Write(Utf8JsonWriter writer, string? value, JsonSerializerOptions options)
    {
        if (value is null)
        {
            writer.WriteNullValue();
        }
        else
        {
            writer.WriteStringValue(value);
        }
    }
}

/// <summary>A guild, for its owner: the owner may do anything, whatever their roles.</summary>
internal sealed record DiscordGuild(
    [property: JsonConverter(typeof(SnowflakeConverter))] ulong Id,
    [property: JsonConverter(typeof(SnowflakeConverter))] ulong OwnerId);

internal sealed record DiscordErrorBody(int? Code, string? Message, double? RetryAfter, bool? Global, JsonElement? Errors = null);

[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    NumberHandling = JsonNumberHandling.AllowReadingFromString)]
[JsonSerializable(typeof(GatewayHello))]
[JsonSerializable(typeof(GatewayReady))]
[JsonSerializable(typeof(GatewayGuild))]
[JsonSerializable(typeof(GuildMemberRemove))]
[JsonSerializable(typeof(GatewayVoiceState))]
[JsonSerializable(typeof(OutgoingPayload<IdentifyData>))]
[JsonSerializable(typeof(OutgoingPayload<ResumeData>))]
[JsonSerializable(typeof(OutgoingPayload<long?>))]
[JsonSerializable(typeof(GatewayBotInfo))]
[JsonSerializable(typeof(DiscordUser))]
[JsonSerializable(typeof(DiscordApplication))]
[JsonSerializable(typeof(Interaction))]
[JsonSerializable(typeof(MessagePayload))]
[JsonSerializable(typeof(InteractionResponse))]
[JsonSerializable(typeof(AutocompleteData))]
[JsonSerializable(typeof(DeferData))]
[JsonSerializable(typeof(CreateDmRequest))]
[JsonSerializable(typeof(DiscordChannel))]
[JsonSerializable(typeof(List<DiscordChannel>))]
[JsonSerializable(typeof(DiscordMessage))]
[JsonSerializable(typeof(List<DiscordMessage>))]
[JsonSerializable(typeof(DiscordGuild))]
[JsonSerializable(typeof(GuildMember))]
[JsonSerializable(typeof(List<DiscordRole>))]
[JsonSerializable(typeof(DiscordErrorBody))]
internal sealed partial class DiscordJsonContext : JsonSerializerContext;
