using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;
using StudyBot.Core.Localization;
using StudyBot.Core.Notifications;

namespace StudyBot.Core.Commands;

/// <summary>
/// The text grammar, generated from the catalog: <c>/progress log 45 practice numpy "a note"</c>.
/// Options are positional in catalog order or named as <c>name:value</c>; double quotes group words;
/// an option marked TakesRest takes the rest of the line (given by name too: <c>note:great session today</c>,
/// up to the next option given by name). An optional choice can be given on its own, in any order, wherever
/// its word fits no other choice (<c>/progress board minutes</c>); a time of day may carry "am"/"pm".
/// Parsing never throws: anything it cannot read is a <see cref="ParseResult"/> failure that says why, in the
/// reader's language (Resources/Parse.resx; English when no culture is given).
/// </summary>
public sealed partial class CommandParser(CommandCatalog catalog)
{
    public CommandCatalog Catalog => catalog;

    public ParseResult Parse(string text) => Parse(text, Languages.Default);

    /// <summary>Reads a command line; what is wrong with it is told in <paramref name="culture"/>'s language.</summary>
    public ParseResult Parse(string text, CultureInfo culture)
    {
        if (LongOption(text) is { } longOption)
        {
            // A command with a long text (a note): a line longer than that text allows is refused as the text being too long.
            if (longOption.Length is { } tooLong)
            {
                return ParseResult.Failure(CommandValidator.TooLong(longOption.Option, tooLong, culture), longOption.Command);
            }
        }
        else if (TextInput.Problem(text, culture) is { } problem)
        {
            return ParseResult.Failure(problem);
        }

        text = text.Trim();
        var tokens = Tokenize(text);
        if (tokens.Count == 0)
        {
            return ParseResult.Failure(Text.Get(culture, "Parse.Empty"));
        }

        var rootName = tokens[0].Text.TrimStart('/');
        var command = catalog.Root(rootName);
        if (command is null)
        {
            var known = string.Join(", ", catalog.Roots.Select(r => $"/{r.Name}"));
            var root = tokens[0].Quoted ? null : Closest(rootName, catalog.Roots.Select(r => r.Name));
            var guess = root is null ? null : Corrected(root, text, tokens, 1);
            var hint = guess is null ? "" : Text.Get(culture, "Parse.DidYouMean", TextInput.Quote(guess, 60));
            return ParseResult.Failure(
                Text.Get(culture, "Parse.UnknownCommand", TextInput.Quote(tokens[0].Text), hint, known),
                null,
                Button(guess));
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

                return ParseResult.Failure(Text.Get(culture, "Parse.NeedsSubcommand", command.Path, SubcommandList(command)), command);
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
                var closest = Closest(name, command.Subcommands.Select(s => s.Name));
                var guess = closest is null ? null : Corrected($"{command.Path} {closest}", text, tokens, index + 1);
                var hint = guess is null ? "" : Text.Get(culture, "Parse.DidYouMean", TextInput.Quote(guess, 60));
                return ParseResult.Failure(
                    Text.Get(culture, "Parse.NoSubcommand", command.Path, TextInput.Quote(name, 30), hint, SubcommandList(command)),
                    command,
                    Button(guess));
            }

            command = sub;
            index++;
        }

        return BindOptions(command, text, tokens.Skip(index).ToList(), culture);
    }

    /// <summary>
    /// For a line longer than <see cref="TextInput.MaxCommandLength"/> that names a command with an option longer than that
    /// (a note): the command, the option and, when even that option cannot hold the line, the length of its text; the line's
    /// characters are then checked by the option's own check. Null for every other line.
    /// </summary>
    private (CommandDefinition Command, OptionDefinition Option, int? Length)? LongOption(string text)
    {
        if (text.Length <= TextInput.MaxCommandLength)
        {
            return null;
        }

        var head = text[..Math.Min(text.Length, 300)].Split((char[]?)null, 4, StringSplitOptions.RemoveEmptyEntries);
        var command = head.Length > 0 ? catalog.Root(head[0].TrimStart('/')) : null;
        var words = 1;
        while (command is { IsLeaf: false } && words < head.Length)
        {
            command = command.Subcommand(head[words++]);
        }

        var option = command is { IsLeaf: true } ? command.Options.Where(o => o.MaxLength > TextInput.MaxCommandLength).MaxBy(o => o.MaxLength) : null;
        if (option is null)
        {
            return null;
        }

        var limit = option.MaxLength!.Value + TextInput.MaxCommandLength;
        var length = text.Length > 4 * limit ? text.Length : TextInput.Length(text);
        if (length <= limit && text.Length <= 4 * limit)
        {
            return (command!, option, null);
        }

        // The option's text is about the line without the command's words and the one option before it.
        var prefix = string.Join(' ', head.Take(Math.Min(words + 1, head.Length - 1))).Length + 1;
        return (command!, option, Math.Max(option.MaxLength.Value + 1, length - prefix));
    }

    /// <summary>The corrected command with the words typed after the mistake, as they were typed.</summary>
    private static string Corrected(string path, string text, List<Token> tokens, int rest) =>
        rest < tokens.Count ? $"{path} {text[tokens[rest].Start..].Trim()}" : path;

    /// <summary>The command a "Did you mean" button runs; none when it would not fit in a button (Discord: 100 characters).</summary>
    private static string? Button(string? command) => command is { Length: <= ReplyButtonLimits.MaxCommandLength } ? command : null;

    private ParseResult BindOptions(CommandDefinition command, string text, List<Token> tokens, CultureInfo culture)
    {
        var raw = new Dictionary<string, string>(StringComparer.Ordinal);
        var positional = new List<Token>();
        for (var k = 0; k < tokens.Count; k++)
        {
            var token = tokens[k];
            if (!token.Quoted && command.Option(token.Text.ToLowerInvariant()) is { Keyword: true } keyword && !raw.ContainsKey(keyword.Name))
            {
                // "roadmap data-engineering": the keyword names the option, the next word is its value.
                raw[keyword.Name] = k + 1 < tokens.Count ? tokens[++k].Text : keyword.Name;
                continue;
            }

            if (Named(command, token) is not { } named)
            {
                positional.Add(token);
                continue;
            }

            var (option, value) = named;
            if (raw.ContainsKey(option.Name))
            {
                return ParseResult.Failure(Text.Get(culture, "Parse.Twice", option.Name), command);
            }

            if (option.TakesRest)
            {
                // note:great session today: the rest of the line, up to the next option given by name.
                var stop = k + 1;
                while (stop < tokens.Count && Named(command, tokens[stop]) is null)
                {
                    stop++;
                }

                if (stop > k + 1)
                {
                    value = text[(token.Start + option.Name.Length + 1)..tokens[stop - 1].End].Trim();
                }

                k = stop - 1;
            }
            else if (option.TimeOfDay && k + 1 < tokens.Count && !tokens[k + 1].Quoted && Clock.IsMeridiem(tokens[k + 1].Text))
            {
                value += " " + tokens[++k].Text;
            }

            raw[option.Name] = value;
        }

        var free = command.Options.Where(o => !raw.ContainsKey(o.Name) && !o.Keyword).ToList();
        var p = 0;
        string? lastBound = null;
        var lastBoundAt = 0;
        for (var i = 0; i < free.Count && p < positional.Count; i++)
        {
            var option = free[i];
            if (raw.ContainsKey(option.Name))
            {
                continue; // claimed out of order by a choice word before
            }

            var token = positional[p];
            if (option.TakesRest)
            {
                // Trailing words that fit the choice options after this one belong to them, e.g. "skip bias audit later".
                var after = free.Skip(i + 1).Where(o => !raw.ContainsKey(o.Name)).ToList();
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

                raw[option.Name] = option.Verbatim && end - p > 1
                    ? text[positional[p].Start..positional[end - 1].End].Trim()
                    : string.Join(' ', positional.Skip(p).Take(end - p).Select(t => t.Text));
                foreach (var (k, v) in tail)
                {
                    raw[k] = v;
                }

                p = positional.Count;
                break;
            }

            if (option.Choices.Count > 0 && !token.Quoted && !option.Choices.Any(c => c.Matches(token.Text)))
            {
                // "/progress board minutes": a word that fits exactly one other choice goes there, in any order.
                var others = free.Where(o => o != option && o.Choices.Count > 0 && o.Choices.Any(c => c.Matches(token.Text))).ToList();
                var open = others.Where(o => !raw.ContainsKey(o.Name)).ToList();
                if (!option.Required && open.Count == 1 && others.Count == 1)
                {
                    raw[open[0].Name] = token.Text;
                    p++;
                    i--; // this option may still take the next word
                    continue;
                }

                if (open.Count == 0 && command.Options.FirstOrDefault(o => o.Choices.Count > 0 && raw.ContainsKey(o.Name) && o.Choices.Any(c => c.Matches(token.Text))) is { } taken)
                {
                    return ParseResult.Failure(Text.Get(culture, "Parse.Twice", taken.Name), command);
                }

                // An optional choice that this word does not fit is left out when an option after it takes the word,
                // so "plan weekdays 19:00 library" leaves the frequency unset and gives "library" to the place.
                if (!option.Required && free.Skip(i + 1).Any(o => !raw.ContainsKey(o.Name) && Accepts(o, token.Text)))
                {
                    continue;
                }
            }

            lastBound = option.Name;
            lastBoundAt = p;
            var value = positional[p++].Text;
            if (option.TimeOfDay && p < positional.Count && !positional[p].Quoted && Clock.IsMeridiem(positional[p].Text))
            {
                value += " " + positional[p++].Text;
            }

            raw[option.Name] = value;
        }

        if (p < positional.Count)
        {
            // A bad value explains more than "extra words". When the last value is the bad one, the words after it
            // were part of it: "snooze 3 years" is about "3 years", not the 3.
            var bound = CommandValidator.Validate(command, raw.ToDictionary(kv => kv.Key, kv => (object)kv.Value), checkRequired: false, culture);
            if (!bound.Ok)
            {
                if (lastBound is not null && BadOption(command, raw, lastBound))
                {
                    var whole = new Dictionary<string, object>(StringComparer.Ordinal)
                    {
                        [lastBound] = string.Join(' ', positional.Skip(lastBoundAt).Select(t => t.Text)),
                    };
                    var named = CommandValidator.Validate(command, whole, checkRequired: false, culture);
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
                    ? Text.Get(culture, "Parse.NoOptions", command.Path, extra)
                    : Text.Get(culture, "Parse.Extra", extra),
                command);
        }

        return CommandValidator.Validate(command, raw.ToDictionary(kv => kv.Key, kv => (object)kv.Value), checkRequired: true, culture);
    }

    /// <summary>The option a <c>name:value</c> token gives, with its value; null for any other token.</summary>
    private static (OptionDefinition Option, string Value)? Named(CommandDefinition command, Token token) =>
        !token.Quoted && NamedOption().Match(token.Text) is { Success: true } m && command.Option(m.Groups[1].Value) is { } option
            ? (option, m.Groups[2].Value)
            : null;

    /// <summary>Whether a word could be this option's value (so an optional choice before it may be left out).</summary>
    private static bool Accepts(OptionDefinition option, string word) =>
        option.Choices.Count > 0 ? option.Choices.Any(c => c.Matches(word))
        : option.Type switch
        {
            OptionType.Integer => Numerals.TryParseLong(word, out _),
            OptionType.Minutes => CommandValidator.TryParseMinutes(word, out _),
            OptionType.Boolean => false,
            _ => !option.TimeOfDay || Clock.TryParse(word, out _) || option.Words.Contains(word, StringComparer.OrdinalIgnoreCase),
        };

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

    /// <summary>
    /// The catalog path a command line is about, from its leading words (catalog names only, never the member's
    /// other words): for logs. "progress" when only the root is known, "(unknown)" when not even that.
    /// </summary>
    public string PathOf(string text)
    {
        try
        {
            var words = text.Trim().Split((char[]?)null, 6, StringSplitOptions.RemoveEmptyEntries);
            var command = words.Length == 0 ? null : catalog.Root(words[0].TrimStart('/'));
            if (command is null)
            {
                return "(unknown)";
            }

            foreach (var word in words.Skip(1))
            {
                if (command.Subcommand(word) is not { } sub)
                {
                    break;
                }

                command = sub;
            }

            return command.Path;
        }
        catch (Exception ex) when (ex is ArgumentException or IndexOutOfRangeException)
        {
            return "(unknown)";
        }
    }

    [GeneratedRegex("^([a-z][-_a-z0-9]{0,31}):(.*)$", RegexOptions.IgnoreCase | RegexOptions.Singleline)]
    private static partial Regex NamedOption();

    /// <summary>A word or quoted group, and where it stands in the line (quotes included).</summary>
    private readonly record struct Token(string Text, bool Quoted, int Start, int End);

    private static List<Token> Tokenize(string text)
    {
        var tokens = new List<Token>();
        var current = new StringBuilder();
        var quoted = false;
        var wasQuoted = false;
        var start = -1;
        char closing = '"';
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
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
                start = start < 0 ? i : start;

                // Only a quote that opens the token makes it literal text; name:"two words" stays a named option.
                wasQuoted |= current.Length == 0;
                closing = c == '“' ? '”' : '"';
                continue;
            }

            if (char.IsWhiteSpace(c))
            {
                Flush(i);
                continue;
            }

            start = start < 0 ? i : start;
            current.Append(c);
        }

        Flush(text.Length);
        return tokens;

        void Flush(int end)
        {
            if (current.Length > 0 || wasQuoted)
            {
                tokens.Add(new Token(current.ToString(), wasQuoted, start, end));
            }

            current.Clear();
            wasQuoted = false;
            start = -1;
        }
    }
}

/// <summary>Limits a button's command must keep on every platform.</summary>
public static class ReplyButtonLimits
{
    /// <summary>Discord's custom_id holds at most 100 characters; a longer command cannot be a button there.</summary>
    public const int MaxCommandLength = 100;
}

/// <summary>
/// Checks option values against the catalog and converts them to their types. Shared by every adapter: the text
/// parser and platforms' typed options (Discord) go through the same checks. Never throws on any value.
/// </summary>
public static partial class CommandValidator
{
    public static ParseResult Validate(CommandDefinition command, IReadOnlyDictionary<string, object> raw, bool checkRequired = true) =>
        Validate(command, raw, checkRequired, Languages.Default);

    /// <summary>As <see cref="Validate(CommandDefinition, IReadOnlyDictionary{string, object}, bool)"/>, telling what is wrong in <paramref name="culture"/>'s language.</summary>
    public static ParseResult Validate(CommandDefinition command, IReadOnlyDictionary<string, object> raw, bool checkRequired, CultureInfo culture)
    {
        var values = new Dictionary<string, object>(StringComparer.Ordinal);
        foreach (var (name, value) in raw)
        {
            var option = command.Option(name);
            if (option is null)
            {
                return ParseResult.Failure(Text.Get(culture, "Parse.NoOption", command.Path, TextInput.Quote(name, 32)), command);
            }

            var converted = Convert(command, option, value, culture);
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
            var description = Text.Get(culture, CommandTexts.DescriptionKey(command, missing));
            return ParseResult.Failure(Text.Get(culture, Article(missing.Name) == "an" ? "Parse.NeedsAn" : "Parse.NeedsA", command.Path, missing.Name, Lower(description)), command);
        }

        return ParseResult.Success(new CommandRequest(command.Path, values));
    }

    private static (object? Value, string? Error) Convert(CommandDefinition command, OptionDefinition option, object? value, CultureInfo culture)
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
                else if (value is string s && (option.Type == OptionType.Minutes ? TryParseMinutes(s, out number) : Numerals.TryParseLong(s, out number)))
                {
                }
                else
                {
                    var shown = TextInput.Quote(value as string ?? value?.ToString() ?? "", 30);
                    return (null, option.Type == OptionType.Minutes
                        ? Text.Get(culture, "Parse.NotMinutes", shown)
                        : Text.Get(culture, "Parse.NotWhole", option.Name, shown));
                }

                if ((option.Min is { } min && number < min) || (option.Max is { } max && number > max))
                {
                    var range = (option.Min, option.Max) switch
                    {
                        ({ } from, { } to) => Text.Get(culture, "Parse.Between", from, to),
                        ({ } from, null) => Text.Get(culture, "Parse.AtLeast", from),
                        _ => Text.Get(culture, "Parse.AtMost", option.Max),
                    };
                    var upTo = option.Max is { } most && most % 60 == 0
                        ? Format.Plural(most / 60, Text.Get(culture, "Parse.Hour"), Text.Get(culture, "Parse.Hours"), culture)
                        : Format.Minutes(option.Max ?? 960, culture);
                    return (null, option.Type == OptionType.Minutes
                        ? Text.Get(culture, "Parse.MinutesRange", range, upTo, number)
                        : Text.Get(culture, "Parse.OutOfRange", option.Name, range, number));
                }

                return (number, null);

            case OptionType.Boolean:
                return value switch
                {
                    bool b => (b, null),
                    string s when s.Trim().ToLowerInvariant() is "true" or "yes" or "on" or "1" => (true, null),
                    string s when s.Trim().ToLowerInvariant() is "false" or "no" or "off" or "0" => (false, null),
                    _ => (null, Text.Get(culture, "Parse.YesNo", option.Name)),
                };

            default:
                var text = (value as string ?? value?.ToString() ?? "").Trim();
                if (text.Length == 0)
                {
                    return option.Required ? (null, Text.Get(culture, "Parse.EmptyOption", option.Name)) : (null, null);
                }

                if (option.MaxLength is { } longest && longest > TextInput.MaxCommandLength
                    && (text.Length > 4 * longest ? text.Length : TextInput.Length(text)) is var count && count > longest)
                {
                    // A long text (a note) is measured before its characters are read: a megabyte is refused at once.
                    return (null, TooLong(option, count, culture));
                }

                if (TextInput.Problem(text, culture, Math.Max(TextInput.MaxCommandLength, option.MaxLength ?? 0)) is { } problem)
                {
                    return (null, problem);
                }

                if (option.MaxLength is { } maxLength && TextInput.Length(text) is var length && length > maxLength)
                {
                    return (null, TooLong(option, length, culture));
                }

                if (option.Choices.Count > 0)
                {
                    var choice = option.Choices.FirstOrDefault(c => c.Matches(text));
                    if (choice is null)
                    {
                        var options = string.Join(", ", option.Choices.Select(c => c.Value));
                        return (null, Text.Get(culture, "Parse.BadChoice", TextInput.Quote(text, 30), option.Name, command.Path, options));
                    }

                    return (choice.Value, null);
                }

                if (option.TimeOfDay)
                {
                    if (option.Words.FirstOrDefault(w => string.Equals(w, text, StringComparison.OrdinalIgnoreCase)) is { } word)
                    {
                        return (word, null);
                    }

                    if (!Clock.TryParse(text, out var minutes))
                    {
                        var or = option.Words.Count > 0 ? Text.Get(culture, "Parse.OrWord", option.Words[0]) : "";
                        return (null, Text.Get(culture, "Parse.NotTime", TextInput.Quote(text, 20), Text.Get(culture, "Parse.TimeExamples"), or));
                    }

                    return (Clock.Format(minutes), null);
                }

                return (text, null);
        }
    }

    /// <summary>"A note can be at most 2,000 characters (yours has 2,345)." in the reader's language.</summary>
    internal static string TooLong(OptionDefinition option, int length, CultureInfo culture)
    {
        var maxLength = option.MaxLength ?? TextInput.MaxCommandLength;
        var subject = culture.TwoLetterISOLanguageName == Languages.English ? Subject(option) : Text.Get(culture, "Parse.OptionSubject", option.Name);
        var most = Format.Plural(maxLength, Text.Get(culture, "Parse.Character"), Text.Get(culture, "Parse.Characters"), culture);
        return Text.Get(culture, "Parse.TooLongOption", subject, most, length);
    }

    /// <summary>What a limit reply calls an option: "A note", "An item", "A place".</summary>
    private static string Subject(OptionDefinition option)
    {
        var noun = option.Noun ?? option.Name;
        var article = Article(noun);
        return char.ToUpperInvariant(article[0]) + article[1..] + " " + noun;
    }

    /// <summary>
    /// Reads "45", "45m", "1h", "1h30", "1h30m", "1.5h", "2 hours" or "90min" as whole minutes, in any digits
    /// ("٤٥m", "４５", "2.٥h"). False for anything else; never throws.
    /// </summary>
    public static bool TryParseMinutes(string text, out long minutes)
    {
        minutes = 0;
        var s = Numerals.ToAscii(text).Trim().ToLowerInvariant().Replace(" ", "", StringComparison.Ordinal);
        if (s.Length is 0 or > 12)
        {
            return false;
        }

        if (long.TryParse(s, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out minutes))
        {
            return true;
        }

        var m = MinutesPattern().Match(s);
        if (!m.Success || (!m.Groups[1].Success && !m.Groups[2].Success))
        {
            return false;
        }

        if (!m.Groups[1].Success && !m.Groups[3].Success)
        {
            return false; // a bare number with no unit was handled above; "45x" is not minutes
        }

        var hours = 0.0;
        if (m.Groups[1].Success && !double.TryParse(m.Groups[1].Value, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out hours))
        {
            return false;
        }

        long mins = 0;
        if (m.Groups[2].Success && !long.TryParse(m.Groups[2].Value, NumberStyles.None, CultureInfo.InvariantCulture, out mins))
        {
            return false;
        }

        minutes = (long)Math.Round(hours * 60) + mins;
        return true;
    }

    [GeneratedRegex("^(?:([0-9]{1,3}(?:\\.[0-9]{1,2})?)h(?:ours?|rs?)?)?(?:([0-9]{1,4})(m|min|mins|minutes?)?)?$")]
    private static partial Regex MinutesPattern();

    private static string Article(string noun) => noun.Length > 0 && noun[0] is 'a' or 'e' or 'i' or 'o' or 'u' ? "an" : "a";

    private static string Lower(string text) => text.Length == 0 ? text : char.ToLowerInvariant(text[0]) + text[1..];
}
