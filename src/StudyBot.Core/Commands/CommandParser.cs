using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;

namespace StudyBot.Core.Commands;

/// <summary>
/// The text grammar, generated from the catalog: <c>/progress log 45 practice numpy "a note"</c>.
/// Options are positional in catalog order or named as <c>name:value</c>; double quotes group words;
/// an option marked TakesRest takes the rest of the line.
/// </summary>
public sealed partial class CommandParser(CommandCatalog catalog)
{
    public CommandCatalog Catalog => catalog;

    public ParseResult Parse(string text)
    {
        if (TextInput.Problem(text) is { } problem)
        {
            return ParseResult.Failure(problem);
        }

        var tokens = Tokenize(text.Trim());
        if (tokens.Count == 0)
        {
            return ParseResult.Failure("That was empty. Try `/progress` to see where you stand, or `/progress help`.");
        }

        var rootName = tokens[0].Text.TrimStart('/');
        var command = catalog.Root(rootName);
        if (command is null)
        {
            var known = string.Join(", ", catalog.Roots.Select(r => $"/{r.Name}"));
            return ParseResult.Failure($"I don't know the command `{TextInput.Quote(tokens[0].Text)}`. I understand {known}; try `/progress help`.");
        }

        var index = 1;
        while (!command.IsLeaf)
        {
            if (index >= tokens.Count || tokens[index].Quoted)
            {
                if (command.DefaultSubcommand is { } d)
                {
                    command = command.Subcommand(d)!;
                    break;
                }

                return ParseResult.Failure($"`/{command.Path}` needs one of: {SubcommandList(command)}.", command);
            }

            var name = tokens[index].Text;
            var sub = command.Subcommand(name);
            if (sub is null && command.DefaultSubcommand is { } fallback && command.Subcommand(fallback) is { Options.Count: > 0 } withOptions)
            {
                // "/progress rest until friday" is "/progress rest start until friday".
                command = withOptions;
                break;
            }

            if (sub is null)
            {
                var guess = Closest(name, command.Subcommands.Select(s => s.Name));
                var hint = guess is null ? "" : $" Did you mean `/{command.Path} {guess}`?";
                return ParseResult.Failure(
                    $"`/{command.Path}` has no subcommand `{TextInput.Quote(name, 30)}`.{hint} It has: {SubcommandList(command)}.",
                    command,
                    guess is null ? null : $"{command.Path} {guess}");
            }

            command = sub;
            index++;
        }

        return BindOptions(command, tokens.Skip(index).ToList());
    }

    private ParseResult BindOptions(CommandDefinition command, List<Token> tokens)
    {
        var raw = new Dictionary<string, string>(StringComparer.Ordinal);
        var positional = new List<Token>();
        foreach (var token in tokens)
        {
            if (!token.Quoted && NamedOption().Match(token.Text) is { Success: true } m && command.Option(m.Groups[1].Value) is { } named)
            {
                if (raw.ContainsKey(named.Name))
                {
                    return ParseResult.Failure($"The option `{named.Name}` is given twice.", command);
                }

                raw[named.Name] = m.Groups[2].Value;
                continue;
            }

            positional.Add(token);
        }

        var free = command.Options.Where(o => !raw.ContainsKey(o.Name)).ToList();
        var p = 0;
        string? lastBound = null;
        var lastBoundAt = 0;
        for (var i = 0; i < free.Count && p < positional.Count; i++)
        {
            var option = free[i];
            if (option.TakesRest)
            {
                // Trailing words that fit the choice options after this one belong to them, e.g. "skip bias audit later".
                var after = free.Skip(i + 1).ToList();
                var end = positional.Count;
                var tail = new Dictionary<string, string>();
                for (var j = after.Count - 1; j >= 0 && end - 1 > p; j--)
                {
                    if (after[j].Choices.Count > 0 && !positional[end - 1].Quoted && after[j].Choices.Any(c => c.Matches(positional[end - 1].Text)))
                    {
                        tail[after[j].Name] = positional[end - 1].Text;
                        end--;
                    }
                    else
                    {
                        break;
                    }
                }

                raw[option.Name] = string.Join(' ', positional.Skip(p).Take(end - p).Select(t => t.Text));
                foreach (var (k, v) in tail)
                {
                    raw[k] = v;
                }

                p = positional.Count;
                break;
            }

            // An optional choice that this word does not fit is left out, so "plan weekdays 19:00 library" leaves
            // the frequency unset and gives "library" to the place.
            if (!option.Required && option.Choices.Count > 0 && !positional[p].Quoted
                && !option.Choices.Any(c => c.Matches(positional[p].Text))
                && free.Skip(i + 1).Any(o => o.Choices.Count == 0 && o.Type == OptionType.String))
            {
                continue;
            }

            lastBound = option.Name;
            lastBoundAt = p;
            raw[option.Name] = positional[p++].Text;
        }

        if (p < positional.Count)
        {
            // A bad value explains more than "extra words". When the last value is the bad one, the words after it
            // were part of it: "snooze 3 years" is about "3 years", not the 3.
            var bound = CommandValidator.Validate(command, raw.ToDictionary(kv => kv.Key, kv => (object)kv.Value), checkRequired: false);
            if (!bound.Ok)
            {
                if (lastBound is not null && BadOption(command, raw, lastBound))
                {
                    var whole = new Dictionary<string, object>(StringComparer.Ordinal)
                    {
                        [lastBound] = string.Join(' ', positional.Skip(lastBoundAt).Select(t => t.Text)),
                    };
                    var named = CommandValidator.Validate(command, whole, checkRequired: false);
                    if (!named.Ok)
                    {
                        return named;
                    }
                }

                return bound;
            }

            var extra = TextInput.Quote(string.Join(' ', positional.Skip(p).Select(t => t.Text)), 40);
            return ParseResult.Failure(
                command.Options.Count == 0
                    ? $"`/{command.Path}` takes no options, but got `{extra}`."
                    : $"I don't know what to do with `{extra}` at the end.",
                command);
        }

        return CommandValidator.Validate(command, raw.ToDictionary(kv => kv.Key, kv => (object)kv.Value));
    }

    /// <summary>Whether this option's own value is what fails validation (the others being fine).</summary>
    private static bool BadOption(CommandDefinition command, Dictionary<string, string> raw, string name) =>
        CommandValidator.Validate(command, raw.Where(kv => kv.Key != name).ToDictionary(kv => kv.Key, kv => (object)kv.Value), checkRequired: false).Ok
        && !CommandValidator.Validate(command, new Dictionary<string, object> { [name] = raw[name] }, checkRequired: false).Ok;

    private static string SubcommandList(CommandDefinition command) =>
        string.Join(", ", command.Subcommands.Select(s => s.Name));

    /// <summary>The candidate closest to the text by edit distance, when it is close enough to be a typo.</summary>
    public static string? Closest(string text, IEnumerable<string> candidates)
    {
        var lowered = text.ToLowerInvariant();
        var best = candidates
            .Select(c => (Candidate: c, Distance: Fuzzy.Distance(lowered, c)))
            .Where(x => x.Distance <= Math.Max(1, x.Candidate.Length / 3))
            .OrderBy(x => x.Distance)
            .FirstOrDefault();
        return best.Candidate;
    }

    [GeneratedRegex("^([a-z][-_a-z0-9]{0,31}):(.+)$", RegexOptions.IgnoreCase)]
    private static partial Regex NamedOption();

    private readonly record struct Token(string Text, bool Quoted);

    private static List<Token> Tokenize(string text)
    {
        var tokens = new List<Token>();
        var current = new StringBuilder();
        var quoted = false;
        var wasQuoted = false;
        char closing = '"';
        foreach (var c in text)
        {
            if (quoted)
            {
                if (c == closing)
                {
                    quoted = false;
                }
                else
                {
                    current.Append(c);
                }

                continue;
            }

            if (c is '"' or '“')
            {
                quoted = true;

                // Only a quote that opens the token makes it literal text; name:"two words" stays a named option.
                wasQuoted |= current.Length == 0;
                closing = c == '“' ? '”' : '"';
                continue;
            }

            if (char.IsWhiteSpace(c))
            {
                Flush();
                continue;
            }

            current.Append(c);
        }

        Flush();
        return tokens;

        void Flush()
        {
            if (current.Length > 0 || wasQuoted)
            {
                tokens.Add(new Token(current.ToString(), wasQuoted));
            }

            current.Clear();
            wasQuoted = false;
        }
    }
}

/// <summary>Checks option values against the catalog and converts them to their types. Shared by every adapter.</summary>
public static class CommandValidator
{
    public static ParseResult Validate(CommandDefinition command, IReadOnlyDictionary<string, object> raw, bool checkRequired = true)
    {
        var values = new Dictionary<string, object>(StringComparer.Ordinal);
        foreach (var (name, value) in raw)
        {
            var option = command.Option(name);
            if (option is null)
            {
                return ParseResult.Failure($"`/{command.Path}` has no option `{TextInput.Quote(name, 32)}`.", command);
            }

            var converted = Convert(command, option, value);
            if (converted.Error is not null)
            {
                return ParseResult.Failure(converted.Error, command);
            }

            if (converted.Value is not null)
            {
                values[option.Name] = converted.Value;
            }
        }

        var missing = checkRequired ? command.Options.FirstOrDefault(o => o.Required && !values.ContainsKey(o.Name)) : null;
        if (missing is not null)
        {
            return ParseResult.Failure($"`/{command.Path}` needs {Article(missing)} `{missing.Name}`: {Lower(missing.Description)}.", command);
        }

        return ParseResult.Success(new CommandRequest(command.Path, values));
    }

    private static (object? Value, string? Error) Convert(CommandDefinition command, OptionDefinition option, object value)
    {
        switch (option.Type)
        {
            case OptionType.Integer:
            case OptionType.Minutes:
                long number;
                if (value is long l)
                {
                    number = l;
                }
                else if (value is int i)
                {
                    number = i;
                }
                else if (value is double d && d == Math.Floor(d) && Math.Abs(d) < 1e15)
                {
                    number = (long)d;
                }
                else if (value is string s && (option.Type == OptionType.Minutes ? TryParseMinutes(s, out number) : long.TryParse(s.Trim(), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out number)))
                {
                }
                else
                {
                    var shown = TextInput.Quote(value.ToString() ?? "", 30);
                    return (null, option.Type == OptionType.Minutes
                        ? $"`{shown}` is not a number of minutes. Write minutes like 45, or hours like 1h30."
                        : $"`{option.Name}` must be a whole number, not `{shown}`.");
                }

                if ((option.Min is { } min && number < min) || (option.Max is { } max && number > max))
                {
                    var range = (option.Min, option.Max) switch
                    {
                        ({ } from, { } to) => $"between {from} and {to}",
                        ({ } from, null) => $"at least {from}",
                        _ => $"at most {option.Max}",
                    };
                    return (null, option.Type == OptionType.Minutes
                        ? $"Minutes must be {range} (that is up to 16 hours), not {number}."
                        : $"`{option.Name}` must be {range}, not {number}.");
                }

                return (number, null);

            case OptionType.Boolean:
                return value switch
                {
                    bool b => (b, null),
                    string s when s.Trim().ToLowerInvariant() is "true" or "yes" or "on" or "1" => (true, null),
                    string s when s.Trim().ToLowerInvariant() is "false" or "no" or "off" or "0" => (false, null),
                    _ => (null, $"`{option.Name}` must be yes or no."),
                };

            default:
                var text = (value as string ?? value.ToString() ?? "").Trim();
                if (text.Length == 0)
                {
                    return option.Required ? (null, $"`{option.Name}` cannot be empty.") : (null, null);
                }

                if (TextInput.Problem(text) is { } problem)
                {
                    return (null, problem);
                }

                if (option.MaxLength is { } maxLength && text.Length > maxLength)
                {
                    return (null, $"`{option.Name}` is too long ({text.Length} characters); the limit is {maxLength}.");
                }

                if (option.Choices.Count > 0)
                {
                    var choice = option.Choices.FirstOrDefault(c => c.Matches(text));
                    if (choice is null)
                    {
                        var options = string.Join(", ", option.Choices.Select(c => c.Value));
                        return (null, $"`{TextInput.Quote(text, 30)}` is not a valid {option.Name} for `/{command.Path}`. Choose one of: {options}.");
                    }

                    return (choice.Value, null);
                }

                return (text, null);
        }
    }

    /// <summary>Reads "45", "45m", "1h", "1h30", "1h30m", "1.5h" or "90min" as whole minutes.</summary>
    public static bool TryParseMinutes(string text, out long minutes)
    {
        minutes = 0;
        var s = text.Trim().ToLowerInvariant().Replace(" ", "");
        if (s.Length is 0 or > 12)
        {
            return false;
        }

        if (long.TryParse(s, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out minutes))
        {
            return true;
        }

        var m = Regex.Match(s, @"^(?:(\d{1,3}(?:\.\d{1,2})?)h(?:ours?|rs?)?)?(?:(\d{1,4})(?:m|min|mins|minutes?)?)?$");
        if (!m.Success || (!m.Groups[1].Success && !m.Groups[2].Success))
        {
            return false;
        }

        if (!m.Groups[1].Success && !s.EndsWith('m') && !s.EndsWith("min", StringComparison.Ordinal) && !s.EndsWith("mins", StringComparison.Ordinal) && !s.EndsWith("minute", StringComparison.Ordinal) && !s.EndsWith("minutes", StringComparison.Ordinal))
        {
            return false;
        }

        var hours = m.Groups[1].Success ? double.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture) : 0;
        var mins = m.Groups[2].Success ? long.Parse(m.Groups[2].Value, CultureInfo.InvariantCulture) : 0;
        minutes = (long)Math.Round(hours * 60) + mins;
        return true;
    }

    private static string Article(OptionDefinition option) => option.Name[0] is 'a' or 'e' or 'i' or 'o' or 'u' ? "an" : "a";

    private static string Lower(string text) => text.Length == 0 ? text : char.ToLowerInvariant(text[0]) + text[1..];
}
