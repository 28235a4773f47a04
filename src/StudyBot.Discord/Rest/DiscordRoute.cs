namespace StudyBot.Discord.Rest;

/// <summary>
/// One REST call's identity for rate limiting: the method and path template (what Discord buckets by) and the
/// top-level resource ("major parameter": channel, guild, or webhook id + token), which Discord limits separately.
/// </summary>
internal sealed record DiscordRoute(HttpMethod Method, string Template, string Path, string MajorParameter, bool GlobalLimited, bool Authenticated)
{
    /// <summary>The key a route is known by before Discord has told us its bucket hash.</summary>
    public string RouteKey => $"{Method.Method} {Template}";

    public static DiscordRoute GetCurrentUser() => new(HttpMethod.Get, "/users/@me", "/users/@me", "", true, true);

    public static DiscordRoute GetCurrentApplication() => new(HttpMethod.Get, "/applications/@me", "/applications/@me", "", true, true);

    public static DiscordRoute GetGatewayBot() => new(HttpMethod.Get, "/gateway/bot", "/gateway/bot", "", true, true);

    public static DiscordRoute CreateDm() => new(HttpMethod.Post, "/users/@me/channels", "/users/@me/channels", "", true, true);

    public static DiscordRoute GetChannel(ulong channelId) =>
        new(HttpMethod.Get, "/channels/{channel_id}", $"/channels/{channelId}", $"channel:{channelId}", true, true);

    public static DiscordRoute GetChannelMessages(ulong channelId, int limit) =>
        new(HttpMethod.Get, "/channels/{channel_id}/messages", $"/channels/{channelId}/messages?limit={limit}", $"channel:{channelId}", true, true);

    public static DiscordRoute GetGuild(ulong guildId) =>
        new(HttpMethod.Get, "/guilds/{guild_id}", $"/guilds/{guildId}", $"guild:{guildId}", true, true);

    public static DiscordRoute GetGuildChannels(ulong guildId) =>
        new(HttpMethod.Get, "/guilds/{guild_id}/channels", $"/guilds/{guildId}/channels", $"guild:{guildId}", true, true);

    public static DiscordRoute GetGuildRoles(ulong guildId) =>
        new(HttpMethod.Get, "/guilds/{guild_id}/roles", $"/guilds/{guildId}/roles", $"guild:{guildId}", true, true);

    public static DiscordRoute GetGuildMember(ulong guildId, ulong userId) =>
        new(HttpMethod.Get, "/guilds/{guild_id}/members/{user_id}", $"/guilds/{guildId}/members/{userId}", $"guild:{guildId}", true, true);

    public static DiscordRoute AddGuildMemberRole(ulong guildId, ulong userId, ulong roleId) =>
        new(HttpMethod.Put, "/guilds/{guild_id}/members/{user_id}/roles/{role_id}", $"/guilds/{guildId}/members/{userId}/roles/{roleId}", $"guild:{guildId}", true, true);

    public static DiscordRoute CreateMessage(ulong channelId) =>
        new(HttpMethod.Post, "/channels/{channel_id}/messages", $"/channels/{channelId}/messages", $"channel:{channelId}", true, true);

    // Interaction callbacks and the interaction webhook are exempt from the global limit; the token in the
    // path is the credential, so no bot token is sent.
    public static DiscordRoute InteractionCallback(ulong interactionId, string token) =>
        new(HttpMethod.Post, "/interactions/{interaction_id}/{interaction_token}/callback", $"/interactions/{interactionId}/{Uri.EscapeDataString(token)}/callback", $"interaction:{interactionId}", false, false);

    public static DiscordRoute EditOriginal(ulong applicationId, string token) =>
        new(HttpMethod.Patch, "/webhooks/{application_id}/{interaction_token}/messages/@original", $"/webhooks/{applicationId}/{Uri.EscapeDataString(token)}/messages/@original", $"webhook:{applicationId}:{TokenKey(token)}", false, false);

    public static DiscordRoute CreateFollowup(ulong applicationId, string token) =>
        new(HttpMethod.Post, "/webhooks/{application_id}/{interaction_token}", $"/webhooks/{applicationId}/{Uri.EscapeDataString(token)}", $"webhook:{applicationId}:{TokenKey(token)}", false, false);

    public static DiscordRoute BulkOverwriteGlobalCommands(ulong applicationId) =>
        new(HttpMethod.Put, "/applications/{application_id}/commands", $"/applications/{applicationId}/commands", "", true, true);

    public static DiscordRoute BulkOverwriteGuildCommands(ulong applicationId, ulong guildId) =>
        new(HttpMethod.Put, "/applications/{application_id}/guilds/{guild_id}/commands", $"/applications/{applicationId}/guilds/{guildId}/commands", $"guild:{guildId}", true, true);

    // Interaction tokens are credentials; the limiter keys by a hash so they never sit in long-lived maps.
    private static string TokenKey(string token) => Convert.ToHexString(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(token)).AsSpan(0, 8));
}
