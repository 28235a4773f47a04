using System.Text.Json;
using System.Text.Json.Nodes;
using CsCheck;
using StudyBot.Discord.Rest;

namespace StudyBot.Discord.Tests;

/// <summary>Discord's 50035 <c>errors</c> tree, flattened for the log: properties over generated trees.</summary>
public sealed class DiscordErrorsTests
{
    private static readonly Gen<string> Word = Gen.Char["abcdefghijklmnopqrstuvwxyz0123456789_"].Array[1, 8].Select(a => new string(a));

    private static readonly Gen<string> Key = Gen.Frequency((4, Word), (1, Gen.Const("_errors")), (1, Gen.Const("code")), (1, Gen.Const("message")));

    /// <summary>Any JSON at all: objects with Discord's keys mixed in, arrays, strings, numbers, booleans and nulls.</summary>
    private static Gen<JsonNode?> AnyNode(int depth)
    {
        var leaf = Gen.Frequency(
            (2, Gen.String.Select(s => (JsonNode?)JsonValue.Create(s))),
            (1, Gen.Int.Select(i => (JsonNode?)JsonValue.Create(i))),
            (1, Gen.Bool.Select(b => (JsonNode?)JsonValue.Create(b))),
            (1, Gen.Const(() => (JsonNode?)null)));
        if (depth == 0)
        {
            return leaf;
        }

        var child = AnyNode(depth - 1);
        return Gen.Frequency(
            (2, leaf),
            (2, Gen.Select(Key, child).List[0, 4].Select(properties =>
            {
                var o = new JsonObject();
                foreach (var (name, value) in properties)
                {
                    o[name] = value?.DeepClone();
                }

                return (JsonNode?)o;
            })),
            (1, child.List[0, 3].Select(items => (JsonNode?)new JsonArray([.. items.Select(i => i?.DeepClone())]))));
    }

    [Fact]
    public void Describing_any_errors_tree_never_throws_and_stays_within_its_length()
    {
        AnyNode(4).Sample(node =>
        {
            using var document = JsonDocument.Parse(node?.ToJsonString() ?? "null");
            var summary = DiscordErrors.Describe(document.RootElement);
            return summary is null || summary.Length <= DiscordErrors.MaxLength + 1;
        });
    }

    /// <summary>A well-formed tree: a few leaves, each a path of keys ending in one rule broken.</summary>
    private static readonly Gen<(string[] Path, string Code, string Message)[]> Leaves =
        Gen.Select(Word.Array[0, 4], Word.Select(w => w.ToUpperInvariant()), Word.Array[1, 4].Select(ws => string.Join(' ', ws)))
            .Array[1, 6];

    [Fact]
    public void Every_rule_broken_in_the_tree_is_named_with_its_path()
    {
        Leaves.Sample(leaves =>
        {
            var tree = new JsonObject();
            var expected = new List<string>();
            foreach (var (path, code, message) in leaves)
            {
                var node = tree;
                foreach (var key in path)
                {
                    if (node[key] is not JsonObject next)
                    {
                        next = new JsonObject();
                        node[key] = next;
                    }

                    node = next;
                }

                if (node["_errors"] is not JsonArray errors)
                {
                    errors = [];
                    node["_errors"] = errors;
                }

                errors.Add(new JsonObject { ["code"] = code, ["message"] = message });
                expected.Add($"{(path.Length == 0 ? "(body)" : string.Join('.', path))}: {code} {message}");
            }

            using var document = JsonDocument.Parse(tree.ToJsonString());
            var summary = DiscordErrors.Describe(document.RootElement) ?? "";
            return expected.All(e => summary.Contains(e, StringComparison.Ordinal));
        });
    }
}
