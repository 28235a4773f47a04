using System.Globalization;
using System.Text.RegularExpressions;
using Microsoft.Extensions.Logging;
using StudyBot.Core.Chat;
using StudyBot.Core.Roles;
using StudyBot.Discord.Json;
using StudyBot.Discord.Rest;

namespace StudyBot.Discord;

/// <summary>
/// Phase roles on Discord. A grant reads the member first (gone: <see cref="RoleGrantOutcome.MemberGone"/>; has it:
/// <see cref="RoleGrantOutcome.AlreadyHad"/>), then adds the role (<c>PUT .../members/{user}/roles/{role}</c>). Discord
/// answers 403 / 50013 both when the bot lacks Manage Roles and when the role is not below the bot's highest role, so
/// on a 403 the guild's roles and the bot's own member are read to tell which. Every call goes through the REST
/// client, so grants are paced by Discord's rate-limit buckets.
/// </summary>
/// <remarks>
/// A role that carries elevated permissions (<see cref="DiscordPermissions.Elevated"/>) is never handed out: mapping it is
/// refused, and a grant checks the role again, since its permissions can change after it was mapped. Mapping takes what
/// Discord itself requires to give a role by hand: Manage Roles and a highest role above it (the owner always may). The
/// member's roles are read from the guild, not the interaction's permissions, which include channel overwrites where the
/// same bit means Manage Permissions for one channel.
/// </remarks>
internal sealed partial class DiscordRoles(DiscordRestClient rest, ILogger<DiscordRoles> logger) : ICommunityRoles
{
    public const ulong Administrator = DiscordPermissions.Administrator;
    public const ulong ManageRoles = DiscordPermissions.ManageRoles;

    private ulong? _botUserId;

    public string Platform => Platforms.Discord;

    [GeneratedRegex(@"^<@&(?<id>[0-9]{1,20})>$")]
    private static partial Regex Mention();

    public async Task<RoleInfo?> FindAsync(CommunityRef community, string text, CancellationToken cancellationToken)
    {
        if (!Snowflake.TryParse(community.ExternalId, out var guildId))
        {
            return null;
        }

        var input = text.Trim();
        var mention = Mention().Match(input);
        ulong? id = mention.Success ? ulong.Parse(mention.Groups["id"].Value, CultureInfo.InvariantCulture) : Snowflake.TryParse(input, out var bare) ? bare : null;
        IReadOnlyList<DiscordRole> roles;
        try
        {
            roles = await rest.GetGuildRolesAsync(guildId, cancellationToken);
        }
        catch (DiscordApiException ex) when (ex.Status is 403 or 404)
        {
            return null;
        }

        var name = input.TrimStart('@').Trim();
        var role = id is { } wanted
            ? roles.FirstOrDefault(r => r.Id == wanted)
            : roles.FirstOrDefault(r => string.Equals(r.Name, name, StringComparison.Ordinal))
                ?? roles.FirstOrDefault(r => string.Equals(r.Name.TrimStart('@'), name, StringComparison.OrdinalIgnoreCase));
        return role is null ? null : new RoleInfo(Snowflake.Format(role.Id), role.Name.TrimStart('@'));
    }

    public async Task<RoleMapCheck> MayMapAsync(MemberRef who, string roleId, CancellationToken cancellationToken)
    {
        if (!Snowflake.TryParse(who.Community.ExternalId, out var guildId) || !Snowflake.TryParse(roleId, out var wanted) || !Snowflake.TryParse(who.UserId, out var userId))
        {
            return new RoleMapCheck(RoleMapVerdict.MemberLacksPermission, "not a Discord id");
        }

        try
        {
            var roles = await rest.GetGuildRolesAsync(guildId, cancellationToken);
            var role = roles.FirstOrDefault(r => r.Id == wanted);
            if (role is null)
            {
                // Gone since it was found: the check that follows says so.
                return RoleMapCheck.Allowed;
            }

            var bits = Bits(role.Permissions);
            if (DiscordPermissions.IsElevated(bits))
            {
                return new RoleMapCheck(RoleMapVerdict.RoleElevated, DiscordPermissions.ElevatedNames(bits));
            }

            var member = await rest.GetGuildMemberAsync(guildId, userId, cancellationToken);
            var held = roles.Where(r => r.Id == guildId || member.Roles?.Contains(Snowflake.Format(r.Id), StringComparer.Ordinal) == true).ToList();
            var permissions = held.Aggregate(0UL, (all, r) => all | Bits(r.Permissions));
            var mayManage = (permissions & (Administrator | ManageRoles)) != 0;
            var top = held.Where(r => r.Id != guildId).Select(r => r.Position).DefaultIfEmpty(0).Max();
            if (mayManage && role.Position < top)
            {
                return RoleMapCheck.Allowed;
            }

            // The owner may do anything, whatever their roles; asked only when the roles alone say no.
            if ((await rest.GetGuildAsync(guildId, cancellationToken)).OwnerId == userId)
            {
                return RoleMapCheck.Allowed;
            }

            return mayManage
                ? new RoleMapCheck(RoleMapVerdict.RoleNotBelowMember, $"role position {role.Position}, their highest {top}")
                : new RoleMapCheck(RoleMapVerdict.MemberLacksPermission);
        }
        catch (DiscordApiException ex) when (ex.Code == DiscordErrorCodes.UnknownMember)
        {
            return new RoleMapCheck(RoleMapVerdict.MemberLacksPermission, ex.DiscordMessage);
        }
        catch (Exception ex) when (IsDiscordFailure(ex))
        {
            LogFailed(ex.Message);
            return new RoleMapCheck(RoleMapVerdict.Unknown, ex.Message);
        }
    }

    public async Task<RoleGrantResult> CheckAsync(CommunityRef community, string roleId, CancellationToken cancellationToken)
    {
        if (!Snowflake.TryParse(community.ExternalId, out var guildId) || !Snowflake.TryParse(roleId, out var role))
        {
            return new RoleGrantResult(RoleGrantOutcome.RoleNotFound, "not a Discord id");
        }

        try
        {
            return await DiagnoseAsync(guildId, role, cancellationToken);
        }
        catch (Exception ex) when (IsDiscordFailure(ex))
        {
            return Failure(ex);
        }
    }

    public async Task<RoleGrantResult> GrantAsync(CommunityRef community, string userId, string roleId, CancellationToken cancellationToken)
    {
        if (!Snowflake.TryParse(community.ExternalId, out var guildId) || !Snowflake.TryParse(roleId, out var role))
        {
            return new RoleGrantResult(RoleGrantOutcome.RoleNotFound, "not a Discord id");
        }

        if (!Snowflake.TryParse(userId, out var user))
        {
            return new RoleGrantResult(RoleGrantOutcome.MemberGone, "not a Discord user id");
        }

        try
        {
            var member = await rest.GetGuildMemberAsync(guildId, user, cancellationToken);
            if (member.Roles?.Contains(roleId, StringComparer.Ordinal) == true)
            {
                return new RoleGrantResult(RoleGrantOutcome.AlreadyHad);
            }

            // Checked again at every grant: the role may have gained powers since it was mapped.
            var current = (await rest.GetGuildRolesAsync(guildId, cancellationToken)).FirstOrDefault(r => r.Id == role);
            if (current is null)
            {
                return new RoleGrantResult(RoleGrantOutcome.RoleNotFound, "no such role in the guild");
            }

            if (DiscordPermissions.IsElevated(Bits(current.Permissions)))
            {
                return new RoleGrantResult(RoleGrantOutcome.RoleElevated, DiscordPermissions.ElevatedNames(Bits(current.Permissions)));
            }

            await rest.AddGuildMemberRoleAsync(guildId, user, role, cancellationToken);
            return RoleGrantResult.Ok;
        }
        catch (DiscordApiException ex) when (ex.Code == DiscordErrorCodes.UnknownMember)
        {
            return new RoleGrantResult(RoleGrantOutcome.MemberGone, ex.DiscordMessage);
        }
        catch (DiscordApiException ex) when (ex.Code == DiscordErrorCodes.UnknownRole)
        {
            return new RoleGrantResult(RoleGrantOutcome.RoleNotFound, ex.DiscordMessage);
        }
        catch (DiscordApiException ex) when (ex.Status == 403)
        {
            // 50013 means either problem; find out which, so the admins are told what to fix.
            try
            {
                var why = await DiagnoseAsync(guildId, role, cancellationToken);
                return why.Outcome == RoleGrantOutcome.Granted
                    ? new RoleGrantResult(RoleGrantOutcome.MissingPermission, ex.DiscordMessage)
                    : why;
            }
            catch (Exception inner) when (IsDiscordFailure(inner))
            {
                return new RoleGrantResult(RoleGrantOutcome.MissingPermission, ex.DiscordMessage);
            }
        }
        catch (Exception ex) when (IsDiscordFailure(ex))
        {
            return Failure(ex);
        }
    }

    /// <summary>Whether the bot could give the role: it exists, is assignable, the bot has Manage Roles and a higher role.</summary>
    private async Task<RoleGrantResult> DiagnoseAsync(ulong guildId, ulong roleId, CancellationToken cancellationToken)
    {
        var roles = await rest.GetGuildRolesAsync(guildId, cancellationToken);
        var role = roles.FirstOrDefault(r => r.Id == roleId);
        if (role is null)
        {
            return new RoleGrantResult(RoleGrantOutcome.RoleNotFound, "no such role in the guild");
        }

        if (role.Id == guildId || role.Managed == true)
        {
            return new RoleGrantResult(RoleGrantOutcome.RoleNotAssignable, role.Id == guildId ? "@everyone" : "managed by an integration");
        }

        if (DiscordPermissions.IsElevated(Bits(role.Permissions)))
        {
            return new RoleGrantResult(RoleGrantOutcome.RoleElevated, DiscordPermissions.ElevatedNames(Bits(role.Permissions)));
        }

        _botUserId ??= (await rest.GetCurrentUserAsync(cancellationToken)).Id;
        var bot = await rest.GetGuildMemberAsync(guildId, _botUserId.Value, cancellationToken);
        var mine = roles.Where(r => r.Id == guildId || bot.Roles?.Contains(Snowflake.Format(r.Id), StringComparer.Ordinal) == true).ToList();
        var permissions = mine.Aggregate(0UL, (bits, r) => bits | Bits(r.Permissions));
        if ((permissions & (Administrator | ManageRoles)) == 0)
        {
            return new RoleGrantResult(RoleGrantOutcome.MissingPermission, "the bot's roles lack Manage Roles");
        }

        var top = mine.Where(r => r.Id != guildId).Select(r => r.Position).DefaultIfEmpty(0).Max();
        if (role.Position >= top)
        {
            return new RoleGrantResult(RoleGrantOutcome.RoleAboveBot, $"role position {role.Position}, the bot's highest {top}");
        }

        return RoleGrantResult.Ok;
    }

    private static ulong Bits(string? permissions) =>
        ulong.TryParse(permissions, NumberStyles.None, CultureInfo.InvariantCulture, out var bits) ? bits : 0;

    private static bool IsDiscordFailure(Exception ex) =>
        ex is DiscordApiException or DiscordUnavailableException or DiscordRateLimitedException or DiscordCircuitOpenException or DiscordAuthException or System.Text.Json.JsonException;

    private RoleGrantResult Failure(Exception ex)
    {
        LogFailed(ex.Message);
        return ex switch
        {
            DiscordRateLimitedException r => new RoleGrantResult(RoleGrantOutcome.Transient, ex.Message, r.RetryAfter),
            DiscordCircuitOpenException c => new RoleGrantResult(RoleGrantOutcome.Transient, ex.Message, c.RetryAfter),
            DiscordAuthException => new RoleGrantResult(RoleGrantOutcome.Transient, ex.Message, TimeSpan.FromMinutes(10)),
            DiscordApiException { Status: 404 } => new RoleGrantResult(RoleGrantOutcome.RoleNotFound, ex.Message),
            DiscordApiException { Status: 403 } => new RoleGrantResult(RoleGrantOutcome.MissingPermission, ex.Message),
            _ => new RoleGrantResult(RoleGrantOutcome.Transient, ex.Message),
        };
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Discord role call failed: {Reason}")]
    private partial void LogFailed(string reason);
}
