using System.Text.Json;
using System.Text.Json.Nodes;
using Json.Schema;

namespace StudyBot.Discord.Tests.Support;

/// <summary>
/// Validates request bodies against the request-body schemas of Discord's official OpenAPI 3.1 spec
/// (fixtures/discord/openapi.json), with JsonSchema.Net. OpenAPI extension keywords are allowed and ignored.
/// </summary>
public static class OpenApiSchemas
{
    private const string BaseUri = "https://studybot.test/discord/openapi.json";
    private static readonly Lazy<BuildOptions> Options = new(Load);
    private static readonly Dictionary<string, JsonSchema> Cache = [];
    private static readonly Lock CacheLock = new();

    /// <summary>Problems of <paramref name="body"/> against the operation's request body schema, or null when it validates.</summary>
    public static string? Validate(string method, string openApiPath, string body)
    {
        var schema = RequestSchema(method, openApiPath);
        using var document = JsonDocument.Parse(body);
        return Problems(schema, document.RootElement);
    }

    /// <summary>Problems against a named component schema (#/components/schemas/NAME), or null.</summary>
    public static string? ValidateComponent(string name, string body)
    {
        var schema = Schema("/components/schemas/" + name);
        using var document = JsonDocument.Parse(body);
        return Problems(schema, document.RootElement);
    }

    public static JsonSchema RequestSchema(string method, string openApiPath) =>
        Schema("/paths/" + Escape(openApiPath) + "/" + method.ToLowerInvariant() + "/requestBody/content/application~1json/schema");

    private static string? Problems(JsonSchema schema, JsonElement instance)
    {
        var result = schema.Evaluate(instance, new EvaluationOptions { OutputFormat = OutputFormat.List });
        if (result.IsValid)
        {
            return null;
        }

        var errors = (result.Details ?? [])
            .Where(d => d.Errors is { Count: > 0 })
            .SelectMany(d => d.Errors!.Select(e => $"{d.InstanceLocation}: {e.Value}"))
            .Distinct()
            .Take(8);
        return string.Join("; ", errors);
    }

    private static JsonSchema Schema(string pointer)
    {
        lock (CacheLock)
        {
            if (!Cache.TryGetValue(pointer, out var schema))
            {
                var reference = BaseUri + "#" + Uri.EscapeDataString(pointer).Replace("%2F", "/", StringComparison.Ordinal);
                schema = JsonSchema.FromText($$"""{"$schema":"https://json-schema.org/draft/2020-12/schema","$ref":"{{reference}}"}""", Options.Value);
                Cache[pointer] = schema;
            }

            return schema;
        }
    }

    private static string Escape(string path) => path.Replace("~", "~0", StringComparison.Ordinal).Replace("/", "~1", StringComparison.Ordinal);

    private static BuildOptions Load()
    {
        var spec = JsonNode.Parse(File.ReadAllText(TestPaths.Fixture("openapi.json")))!.AsObject();
        var root = new JsonObject
        {
            ["$schema"] = "https://json-schema.org/draft/2020-12/schema",
            ["$id"] = BaseUri,
            ["components"] = spec["components"]!.DeepClone(),
            ["paths"] = spec["paths"]!.DeepClone(),
        };

        // OpenAPI adds keywords such as discriminator and x-discord-union; they carry no validation.
        var dialect = Dialect.Draft202012.With([], new Uri("https://studybot.test/dialect/openapi-3.1"), null, true);
        var options = new BuildOptions { SchemaRegistry = new SchemaRegistry(), Dialect = dialect };
        JsonSchema.Build(JsonSerializer.SerializeToElement(root), options, new Uri(BaseUri));
        return options;
    }
}
