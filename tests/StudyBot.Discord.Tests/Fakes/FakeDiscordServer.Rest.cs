using System.Collections.Concurrent;
using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Http;

namespace StudyBot.Discord.Tests.Fakes;

public sealed partial class FakeDiscordServer
{
    private sealed record Route(string Method, Regex Pattern, string Template, bool Authenticated, bool GlobalLimited, string? Major);

    private static readonly Route[] Routes =
    [
        new("GET", MeRegex(), "/users/@me", true, true, null),
        new("GET", AppRegex(), "/applications/@me", true, true, null),
        new("GET", GatewayBotRegex(), "/gateway/bot", true, true, null),
        new("POST", DmRegex(), "/users/@me/channels", true, true, null),
        new("POST", MessagesRegex(), "/channels/{channel_id}/messages", true, true, "channel_id"),
        new("GET", MessagesRegex(), "/channels/{channel_id}/messages", true, true, "channel_id"),
        new("GET", GuildRegex(), "/guilds/{guild_id}", true, true, "guild_id"),
        new("GET", ChannelRegex(), "/channels/{channel_id}", true, true, "channel_id"),
        new("GET", GuildChannelsRegex(), "/guilds/{guild_id}/channels", true, true, "guild_id"),
        new("GET", GuildRolesRegex(), "/guilds/{guild_id}/roles", true, true, "guild_id"),
        new("GET", GuildMemberRegex(), "/guilds/{guild_id}/members/{user_id}", true, true, "guild_id"),
        new("PUT", MemberRoleRegex(), "/guilds/{guild_id}/members/{user_id}/roles/{role_id}", true, true, "guild_id"),
        new("POST", CallbackRegex(), "/interactions/{interaction_id}/{interaction_token}/callback", false, false, "interaction_id"),
        new("PATCH", OriginalRegex(), "/webhooks/{webhook_id}/{webhook_token}/messages/@original", false, false, "webhook_token"),
        new("POST", WebhookRegex(), "/webhooks/{webhook_id}/{webhook_token}", false, false, "webhook_token"),
        new("PUT", GlobalCommandsRegex(), "/applications/{application_id}/commands", true, true, null),
        new("GET", GlobalCommandsRegex(), "/applications/{application_id}/commands", true, true, null),
        new("PUT", GuildCommandsRegex(), "/applications/{application_id}/guilds/{guild_id}/commands", true, true, "guild_id"),
        new("GET", GuildCommandsRegex(), "/applications/{application_id}/guilds/{guild_id}/commands", true, true, "guild_id"),
    ];

    [GeneratedRegex("^/users/@me$")]
    private static partial Regex MeRegex();

    [GeneratedRegex("^/applications/@me$")]
    private static partial Regex AppRegex();

    [GeneratedRegex("^/gateway/bot$")]
    private static partial Regex GatewayBotRegex();

    [GeneratedRegex("^/users/@me/channels$")]
    private static partial Regex DmRegex();

    [GeneratedRegex("^/channels/(?<channel_id>[0-9]+)/messages$")]
    private static partial Regex MessagesRegex();

    [GeneratedRegex("^/guilds/(?<guild_id>[0-9]+)$")]
    private static partial Regex GuildRegex();

    [GeneratedRegex("^/channels/(?<channel_id>[0-9]+)$")]
    private static partial Regex ChannelRegex();

    [GeneratedRegex("^/guilds/(?<guild_id>[0-9]+)/channels$")]
    private static partial Regex GuildChannelsRegex();

    [GeneratedRegex("^/interactions/(?<interaction_id>[0-9]+)/(?<interaction_token>[^/]+)/callback$")]
    private static partial Regex CallbackRegex();

    [GeneratedRegex("^/webhooks/(?<webhook_id>[0-9]+)/(?<webhook_token>[^/]+)/messages/@original$")]
    private static partial Regex OriginalRegex();

    [GeneratedRegex("^/webhooks/(?<webhook_id>[0-9]+)/(?<webhook_token>[^/]+)$")]
    private static partial Regex WebhookRegex();

    [GeneratedRegex("^/applications/(?<application_id>[0-9]+)/commands$")]
    private static partial Regex GlobalCommandsRegex();

    [GeneratedRegex("^/applications/(?<application_id>[0-9]+)/guilds/(?<guild_id>[0-9]+)/commands$")]
    private static partial Regex GuildCommandsRegex();

    private sealed class BucketState
    {
        public int Count;
        public long WindowEnd;
    }

    private async Task RestAsync(HttpContext context, string path)
    {
        Interlocked.Increment(ref TotalRequests);
        var request = context.Request;
        string body;
        var files = new List<FakeFile>();
        if (request.HasFormContentType)
        {
            // Discord's multipart form: the JSON in payload_json, the files as files[n].
            var form = await request.ReadFormAsync();
            body = form["payload_json"].ToString();
            foreach (var file in form.Files)
            {
                using var content = new MemoryStream();
                await file.CopyToAsync(content);
                files.Add(new FakeFile(file.Name, file.FileName, file.ContentType, content.ToArray()));
            }
        }
        else
        {
            using var reader = new StreamReader(request.Body, Encoding.UTF8);
            body = await reader.ReadToEndAsync();
        }

        Match? match = null;
        var route = Routes.FirstOrDefault(r => r.Method == request.Method && (match = r.Pattern.Match(path)).Success);
        var record = new FakeRequest(
            request.Method,
            path,
            route?.Template ?? path,
            request.Headers.ToDictionary(h => h.Key, h => h.Value.ToString(), StringComparer.OrdinalIgnoreCase),
            body,
            _options.Time.GetUtcNow())
        {
            Files = files,
        };
        if (_options.RecordRequests)
        {
            Requests.Enqueue(record);
        }

        var response = await AnswerAsync(context, record, route, match, body);
        if (response is null)
        {
            return;
        }

        if (record.AbortAfterHandling)
        {
            // The work is done, but the answer never reaches the client.
            record.Status = response.Status;
            context.Abort();
            return;
        }

        record.Status = response.Status;
        if (response.Status == 429)
        {
            Interlocked.Increment(ref Total429);
        }

        context.Response.StatusCode = response.Status;
        foreach (var (name, value) in response.Headers)
        {
            context.Response.Headers[name] = value;
        }

        if (response.Body is not null)
        {
            context.Response.ContentType = "application/json";
            await context.Response.WriteAsync(response.Body.ToJsonString());
        }
    }

    private sealed record Answer(int Status, JsonNode? Body, List<KeyValuePair<string, string>> Headers)
    {
        public static Answer Of(int status, JsonNode? body = null) => new(status, body, []);
    }

    private async Task<Answer?> AnswerAsync(HttpContext context, FakeRequest record, Route? route, Match? match, string body)
    {
        if (route is null || match is null)
        {
            return Answer.Of(404, Error(0, "404: Not Found"));
        }

        if (route.Authenticated && record.Headers.GetValueOrDefault("Authorization") != "Bot " + FakeDiscordOptions.Token)
        {
            return Answer.Of(401, Error(0, "401: Unauthorized"));
        }

        var fault = TakeFault(record);
        if (fault is not null)
        {
            if (fault.Delay > TimeSpan.Zero)
            {
                await Task.Delay(fault.Delay);
            }

            if (fault.Abort)
            {
                context.Abort();
                return null;
            }

            record.AbortAfterHandling = fault.AbortAfterHandling;

            if (fault.Status == 429)
            {
                return RateLimited(fault.Scope ?? "user", fault.RetryAfter, route, match);
            }

            if (fault.Status >= 500)
            {
                return Answer.Of(fault.Status, Error(0, "Internal Server Error"));
            }

            if (fault.Status > 0)
            {
                return Answer.Of(fault.Status, fault.Body?.DeepClone() ?? Error(0, "Injected error"));
            }
        }

        var now = _options.Time.GetTimestamp();
        if (route.GlobalLimited && _options.EnforceGlobalLimit && !AllowGlobal(now))
        {
            return RateLimited("global", 0.2, route, match);
        }

        var headers = new List<KeyValuePair<string, string>>();
        if (_options.Buckets.TryGetValue($"{route.Method} {route.Template}", out var spec))
        {
            var key = spec.Hash + "|" + (route.Major is { } major ? match.Groups[major].Value : "");
            var state = _buckets.GetOrAdd(key, _ => new BucketState());
            bool allowed;
            long windowEnd;
            int remaining;
            lock (state)
            {
                if (now >= state.WindowEnd)
                {
                    state.Count = 0;
                    state.WindowEnd = now + (long)(spec.Window.TotalSeconds * _options.Time.TimestampFrequency);
                }

                allowed = state.Count < spec.Limit;
                if (allowed)
                {
                    state.Count++;
                }

                windowEnd = state.WindowEnd;
                remaining = spec.Limit - state.Count;
            }

            // Rounded up, so a client that waits exactly Reset-After never arrives early.
            var resetAfter = Math.Ceiling(_options.Time.GetElapsedTime(now, windowEnd).TotalSeconds * 1000) / 1000;
            headers.AddRange(BucketHeaders(spec, remaining, resetAfter));
            if (!allowed)
            {
                var limited = RateLimited("user", resetAfter, route, match);
                limited.Headers.Clear();
                limited.Headers.AddRange(headers);
                limited.Headers.Add(new("X-RateLimit-Scope", "user"));
                limited.Headers.Add(new("Retry-After", Math.Ceiling(resetAfter).ToString(CultureInfo.InvariantCulture)));
                return limited;
            }
        }

        if (body.Length > 0 && _options.RefuseExplicitNulls && ExplicitNulls(JsonNode.Parse(body), "") is { Count: > 0 } nulls)
        {
            // The shape stricter implementations answer with: which property, which rule.
            var errors = new JsonObject();
            foreach (var path in nulls)
            {
                errors[path] = new JsonObject { ["_errors"] = new JsonArray(new JsonObject { ["code"] = "BASE_TYPE_REQUIRED", ["message"] = "This field cannot be null" }) };
            }

            return Answer.Of(400, new JsonObject { ["code"] = 50035, ["message"] = "Invalid Form Body", ["errors"] = errors });
        }

        if (body.Length > 0 && _options.BodyValidator is { } validate && validate(route.Method.ToLowerInvariant(), route.Template, body) is { } problem)
        {
            SchemaViolations.Enqueue($"{route.Method} {route.Template}: {problem}\n{body}");
            return Answer.Of(400, new JsonObject { ["code"] = 50035, ["message"] = "Invalid Form Body", ["errors"] = new JsonObject { ["_errors"] = new JsonArray(new JsonObject { ["code"] = "SCHEMA", ["message"] = problem }) } });
        }

        if (record.Files.Count > 0 && !FilesMatchAttachments(record, body))
        {
            SchemaViolations.Enqueue($"{route.Method} {route.Template}: files[n] parts do not match the attachments array\n{body}");
            return Answer.Of(400, Error(50035, "Invalid Form Body"));
        }

        var answer = Handle(route, match, body, record.Files, context.Request.Query["limit"].ToString());
        answer.Headers.AddRange(headers);
        return answer;
    }

    /// <summary>The paths (Discord's dotted form, e.g. <c>0.options.1.required</c>) of properties sent as explicit null.</summary>
    public static List<string> ExplicitNulls(JsonNode? node, string path)
    {
        var found = new List<string>();
        switch (node)
        {
            case JsonObject o:
                foreach (var (name, value) in o)
                {
                    var child = path.Length == 0 ? name : path + "." + name;
                    if (value is null)
                    {
                        found.Add(child);
                    }
                    else
                    {
                        found.AddRange(ExplicitNulls(value, child));
                    }
                }

                break;
            case JsonArray a:
                for (var i = 0; i < a.Count; i++)
                {
                    found.AddRange(ExplicitNulls(a[i], path.Length == 0 ? i.ToString(CultureInfo.InvariantCulture) : $"{path}.{i}"));
                }

                break;
        }

        return found;
    }

    /// <summary>Each files[n] part needs an attachments entry with id n (Discord: the part's index).</summary>
    private static bool FilesMatchAttachments(FakeRequest record, string body)
    {
        var ids = (JsonNode.Parse(body)?["attachments"] as JsonArray)?.Select(a => a?["id"]?.ToString()).ToHashSet() ?? [];
        return record.Files.All(f => f.Part.StartsWith("files[", StringComparison.Ordinal) && ids.Contains(f.Part[6..^1]));
    }

    private Answer Handle(Route route, Match match, string body, IReadOnlyList<FakeFile> files, string limit)
    {
        var json = body.Length > 0 ? JsonNode.Parse(body) : null;
        switch (route.Template)
        {
            case "/users/@me":
                return Answer.Of(200, new JsonObject { ["id"] = Id(FakeDiscordOptions.BotUserId), ["username"] = "StudyBot", ["global_name"] = null, ["discriminator"] = "0", ["avatar"] = null, ["bot"] = true });
            case "/applications/@me":
                return Answer.Of(200, new JsonObject { ["id"] = Id(FakeDiscordOptions.ApplicationId), ["name"] = "StudyBot" });
            case "/gateway/bot":
                return Answer.Of(200, new JsonObject
                {
                    ["url"] = GatewayUrl,
                    ["shards"] = _options.RecommendedShards,
                    ["session_start_limit"] = new JsonObject { ["total"] = 1000, ["remaining"] = _options.SessionStartRemaining, ["reset_after"] = _options.SessionStartResetAfterMs, ["max_concurrency"] = _options.MaxConcurrency },
                });
            case "/users/@me/channels":
                var recipient = ulong.Parse((string)json!["recipient_id"]!, CultureInfo.InvariantCulture);
                var channel = _dmChannels.GetOrAdd(recipient, _ => NextId());
                _dmRecipients[channel] = recipient;
                return Answer.Of(200, new JsonObject
                {
                    ["id"] = Id(channel),
                    ["type"] = 1,
                    ["flags"] = 0,
                    ["last_message_id"] = null,
                    ["recipients"] = new JsonArray(new JsonObject { ["id"] = Id(recipient), ["username"] = "member", ["discriminator"] = "0", ["avatar"] = null }),
                });
            case "/channels/{channel_id}":
                var wanted = ulong.Parse(match.Groups["channel_id"].Value, CultureInfo.InvariantCulture);
                var found = _options.Channels.Where(c => c.Id == wanted).Select(ChannelJson).FirstOrDefault();
                return found is null ? Answer.Of(404, Error(10003, "Unknown Channel")) : Answer.Of(200, found);
            case "/guilds/{guild_id}/channels":
                var guild = ulong.Parse(match.Groups["guild_id"].Value, CultureInfo.InvariantCulture);
                return Answer.Of(200, new JsonArray(_options.Channels.Where(c => c.GuildId == guild).Select(c => (JsonNode)ChannelJson(c)).ToArray()));
            case "/channels/{channel_id}/messages" when route.Method == "GET":
                return ListMessages(ulong.Parse(match.Groups["channel_id"].Value, CultureInfo.InvariantCulture), limit);
            case "/channels/{channel_id}/messages":
                return CreateMessage(ulong.Parse(match.Groups["channel_id"].Value, CultureInfo.InvariantCulture), json!, files);
            case "/guilds/{guild_id}":
                var guildId = ulong.Parse(match.Groups["guild_id"].Value, CultureInfo.InvariantCulture);
                return _options.Guilds.TryGetValue(guildId, out var guildName)
                    ? Answer.Of(200, new JsonObject { ["id"] = Id(guildId), ["name"] = guildName, ["owner_id"] = Id(_options.GuildOwners.GetValueOrDefault(guildId)), ["roles"] = new JsonArray() })
                    : Answer.Of(404, Error(10004, "Unknown Guild"));
            case "/interactions/{interaction_id}/{interaction_token}/callback":
                return Callback(ulong.Parse(match.Groups["interaction_id"].Value, CultureInfo.InvariantCulture), Uri.UnescapeDataString(match.Groups["interaction_token"].Value), json!);
            case "/webhooks/{webhook_id}/{webhook_token}/messages/@original":
            case "/webhooks/{webhook_id}/{webhook_token}":
                return Webhook(route.Method == "PATCH", Uri.UnescapeDataString(match.Groups["webhook_token"].Value), json!);
            case "/applications/{application_id}/commands":
            case "/applications/{application_id}/guilds/{guild_id}/commands":
                var scope = match.Groups["guild_id"].Success ? "guild:" + match.Groups["guild_id"].Value : "global";
                if (route.Method == "GET")
                {
                    return Answer.Of(200, RegisteredCommands.GetValueOrDefault(scope)?.DeepClone() ?? new JsonArray());
                }

                var registered = new JsonArray();
                foreach (var command in json!.AsArray())
                {
                    var copy = command!.DeepClone().AsObject();
                    copy["id"] = Id(NextId());
                    copy["application_id"] = Id(FakeDiscordOptions.ApplicationId);
                    copy["version"] = Id(NextId());
                    registered.Add(copy);
                }

                RegisteredCommands[scope] = registered;
                return Answer.Of(200, registered.DeepClone());
            default:
                return HandleGuild(route, match) ?? Answer.Of(404, Error(0, "404: Not Found"));
        }
    }

    private Answer CreateMessage(ulong channelId, JsonNode message, IReadOnlyList<FakeFile> files)
    {
        if (!KnowsChannel(channelId))
        {
            return Answer.Of(404, Error(10003, "Unknown Channel"));
        }

        var recipient = _dmRecipients.GetValueOrDefault(channelId);
        if (recipient != 0 && _options.ClosedDms.Contains(recipient))
        {
            return Answer.Of(403, Error(50007, "Cannot send messages to this user"));
        }

        var nonce = message["nonce"]?.ToString();
        var now = _options.Time.GetTimestamp();
        var created = new JsonObject
        {
            ["id"] = Id(NextId()),
            ["channel_id"] = Id(channelId),
            ["author"] = new JsonObject { ["id"] = Id(FakeDiscordOptions.BotUserId), ["username"] = "StudyBot", ["discriminator"] = "0", ["avatar"] = null, ["bot"] = true },
            ["timestamp"] = _options.Time.GetUtcNow().ToString("yyyy-MM-ddTHH:mm:ss.ffffffzzz", CultureInfo.InvariantCulture),
            ["type"] = 0,
            ["content"] = message["content"]?.DeepClone() ?? "",
            ["embeds"] = message["embeds"]?.DeepClone() ?? new JsonArray(),
            ["components"] = message["components"]?.DeepClone() ?? new JsonArray(),
            ["nonce"] = nonce,
            ["attachments"] = new JsonArray(files.Select(f => (JsonNode)new JsonObject { ["id"] = Id(NextId()), ["filename"] = f.FileName, ["size"] = f.Content.Length, ["content_type"] = f.ContentType }).ToArray()),
        };
        if (nonce is not null && (bool?)message["enforce_nonce"] == true)
        {
            // Discord returns the message it already created for this nonce "in the past few minutes" instead of
            // posting again; an older nonce is forgotten and a new message is created.
            lock (_nonces)
            {
                var key = $"{channelId}:{nonce}";
                if (_nonces.TryGetValue(key, out var existing) && _options.Time.GetElapsedTime(existing.At, now) < _options.NonceWindow)
                {
                    return Answer.Of(200, existing.Message.DeepClone());
                }

                _nonces[key] = (created, now);
            }
        }

        Messages.GetOrAdd(channelId, _ => new ConcurrentQueue<JsonNode>()).Enqueue(created);
        return Answer.Of(200, created.DeepClone());
    }

    /// <summary>
    /// GET /channels/{id}/messages: the newest first, <c>limit</c> 1-100 (default 50). Discord does not keep nonces, so
    /// the listed messages carry none.
    /// </summary>
    private Answer ListMessages(ulong channelId, string limitText)
    {
        var limit = 50;
        if (limitText.Length > 0 && (!int.TryParse(limitText, NumberStyles.None, CultureInfo.InvariantCulture, out limit) || limit is < 1 or > 100))
        {
            return Answer.Of(400, new JsonObject { ["code"] = 50035, ["message"] = "Invalid Form Body", ["errors"] = new JsonObject { ["limit"] = new JsonObject { ["_errors"] = new JsonArray(new JsonObject { ["code"] = "NUMBER_TYPE_MAX", ["message"] = "int value should be between 1 and 100." }) } } });
        }

        var recipient = _dmRecipients.GetValueOrDefault(channelId);
        if (!KnowsChannel(channelId) || (recipient == 0 && !_options.Channels.Any(c => c.Id == channelId) && !Messages.ContainsKey(channelId)))
        {
            return Answer.Of(404, Error(10003, "Unknown Channel"));
        }

        var listed = Messages.TryGetValue(channelId, out var messages) ? messages.Reverse().Take(limit).ToList() : [];
        return Answer.Of(200, new JsonArray(listed.Select(m =>
        {
            var copy = m.DeepClone().AsObject();
            copy.Remove("nonce");
            return (JsonNode)copy;
        }).ToArray()));
    }

    private Answer Callback(ulong interactionId, string token, JsonNode response)
    {
        if (!_interactions.TryGetValue(interactionId, out var interaction) || interaction.Token != token)
        {
            return Answer.Of(404, Error(10062, "Unknown interaction"));
        }

        lock (interaction)
        {
            interaction.CountAttempt();
            if (!interaction.Callbacks.IsEmpty)
            {
                interaction.CountAlreadyAcknowledged();
                return Answer.Of(400, Error(40060, "Interaction has already been acknowledged."));
            }

            if (_options.EnforceInteractionDeadline && _options.Time.GetElapsedTime(interaction.DispatchedAt) > TimeSpan.FromSeconds(3))
            {
                interaction.CountLate();
                return Answer.Of(404, Error(10062, "Unknown interaction"));
            }

            interaction.Callbacks.Enqueue(response.DeepClone());
        }

        interaction.Answered.TrySetResult(response.DeepClone());
        return Answer.Of(204);
    }

    /// <summary>Records an initial response given as the HTTP answer (HTTP mode), as Discord would.</summary>
    public void RecordHttpAnswer(ulong interactionId, JsonNode response)
    {
        if (_interactions.TryGetValue(interactionId, out var interaction))
        {
            lock (interaction)
            {
                interaction.CountAttempt();
                interaction.Callbacks.Enqueue(response.DeepClone());
            }

            interaction.Answered.TrySetResult(response.DeepClone());
        }
    }

    private Answer Webhook(bool edit, string token, JsonNode message)
    {
        var interaction = _interactions.Values.FirstOrDefault(i => i.Token == token);
        if (interaction is null || (interaction.Callbacks.IsEmpty && !interaction.AnsweredOverHttp))
        {
            return Answer.Of(404, Error(10015, "Unknown Webhook"));
        }

        if (_options.Time.GetElapsedTime(interaction.DispatchedAt) >= _options.InteractionTokenLifetime)
        {
            // The interaction token is the webhook's credential and lives 15 minutes.
            interaction.CountExpired();
            return Answer.Of(401, Error(50027, "Invalid Webhook Token"));
        }

        var created = new JsonObject { ["id"] = Id(NextId()), ["channel_id"] = "645027906669510667", ["type"] = 0, ["content"] = message["content"]?.DeepClone() ?? "" };
        if (edit)
        {
            interaction.Edits.Enqueue(message.DeepClone());
            interaction.Edited.TrySetResult(message.DeepClone());
        }
        else
        {
            interaction.FollowUps.Enqueue(message.DeepClone());
        }

        return Answer.Of(200, created);
    }

    private static JsonObject ChannelJson((ulong Id, ulong GuildId, string Name, int Type) c) => new()
    {
        ["id"] = Id(c.Id),
        ["type"] = c.Type,
        ["guild_id"] = Id(c.GuildId),
        ["name"] = c.Name,
        ["position"] = 0,
        ["flags"] = 0,
        ["permission_overwrites"] = new JsonArray(),
    };

    private FakeFault? TakeFault(FakeRequest request)
    {
        lock (_faults)
        {
            var fault = _faults.FirstOrDefault(f => f.Used < f.Times && f.Matches(request));
            if (fault is not null)
            {
                fault.Used++;
            }

            return fault;
        }
    }

    private bool AllowGlobal(long now)
    {
        lock (_globalLock)
        {
            while (_globalWindow.TryPeek(out var oldest) && _options.Time.GetElapsedTime(oldest, now) >= TimeSpan.FromSeconds(1))
            {
                _globalWindow.TryDequeue(out _);
            }

            if (_globalWindow.Count >= _options.GlobalLimit)
            {
                return false;
            }

            _globalWindow.Enqueue(now);
            return true;
        }
    }

    private Answer RateLimited(string scope, double retryAfter, Route route, Match match)
    {
        var answer = Answer.Of(429, new JsonObject
        {
            ["message"] = scope == "shared" ? "The resource is being rate limited." : "You are being rate limited.",
            ["retry_after"] = Math.Round(retryAfter, 3),
            ["global"] = scope == "global",
        });
        answer.Headers.Add(new("Retry-After", Math.Ceiling(retryAfter).ToString(CultureInfo.InvariantCulture)));
        answer.Headers.Add(new("X-RateLimit-Scope", scope));
        if (scope == "global")
        {
            answer.Headers.Add(new("X-RateLimit-Global", "true"));
        }
        else if (_options.Buckets.TryGetValue($"{route.Method} {route.Template}", out var spec))
        {
            answer.Headers.AddRange(BucketHeaders(spec, scope == "shared" ? spec.Limit - 1 : 0, retryAfter));
        }

        return answer;
    }

    private IEnumerable<KeyValuePair<string, string>> BucketHeaders(FakeBucket spec, int remaining, double resetAfter)
    {
        var reset = _options.Time.GetUtcNow().ToUnixTimeMilliseconds() / 1000.0 + resetAfter;
        yield return new("X-RateLimit-Limit", spec.Limit.ToString(CultureInfo.InvariantCulture));
        yield return new("X-RateLimit-Remaining", Math.Max(0, remaining).ToString(CultureInfo.InvariantCulture));
        yield return new("X-RateLimit-Reset", reset.ToString("0.000", CultureInfo.InvariantCulture));
        yield return new("X-RateLimit-Reset-After", resetAfter.ToString("0.000", CultureInfo.InvariantCulture));
        yield return new("X-RateLimit-Bucket", spec.Hash);
    }

    private static JsonObject Error(int code, string message) => new() { ["message"] = message, ["code"] = code };

    private static string Id(ulong id) => id.ToString(CultureInfo.InvariantCulture);
}
