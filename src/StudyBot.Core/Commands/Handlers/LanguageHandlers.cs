using StudyBot.Core.Chat;
using StudyBot.Core.Localization;

namespace StudyBot.Core.Commands.Handlers;

/// <summary>Shared wording of the two language commands.</summary>
internal static class LanguageReplies
{
    /// <summary>"en (English), de (Deutsch)": each supported code with the language's own name.</summary>
    public static string Choices => string.Join(", ", Languages.Supported.Select(l => $"`{l}` ({Languages.Culture(l).NativeName.Split(' ')[0]})"));

    /// <summary>A language's name in the reply's language: "German", "Deutsch".</summary>
    public static string Name(string language, System.Globalization.CultureInfo culture) =>
        Text.Get(culture, "Language.Name." + language);

    /// <summary>The refusal of a code that is no language StudyBot speaks: nothing changes.</summary>
    public static Reply Refuse(CommandContext ctx, string input, LanguageCode code, string example)
    {
        var text = code.Kind == LanguageCodeKind.Unsupported
            ? ctx.T("Language.Unsupported", TextInput.Quote(input, 20), code.Name, Choices)
            : ctx.T("Language.Unknown", TextInput.Quote(input, 20), Choices);
        return LocalViews.Error(ctx, text, example);
    }
}

/// <summary><c>/progress me language &lt;code&gt;</c>: the member's own reply language, or "auto" to follow the platform's.</summary>
internal sealed class MeLanguageHandler : ICommandHandler
{
    public string Path => "progress me language";

    public ValueTask<CommandResult> HandleAsync(CommandContext ctx, CancellationToken cancellationToken)
    {
        var input = ctx.Request.String("code")!;
        var code = Languages.Parse(input);
        if (code.Kind is LanguageCodeKind.Unknown or LanguageCodeKind.Unsupported)
        {
            return ValueTask.FromResult<CommandResult>(LanguageReplies.Refuse(ctx, input, code, "/progress me language de"));
        }

        var choice = code.Kind == LanguageCodeKind.Auto ? null : code.Language;
        var now = Languages.Resolve(choice, ctx.Who.Locale, ctx.Snapshot.Community.Language);
        var culture = Languages.Culture(now);
        if (choice == ctx.Member.Language && !ctx.Member.IsNew)
        {
            return ValueTask.FromResult<CommandResult>(new Reply
            {
                Text = choice is null
                    ? Text.Get(culture, "Language.AlreadyAuto", LanguageReplies.Name(now, culture))
                    : Text.Get(culture, "Language.Already", LanguageReplies.Name(now, culture)),
            });
        }

        var changes = ctx.NewChanges();
        changes.Profile = ctx.Member with { Language = choice, DisplayName = ctx.Who.DisplayName };
        var text = choice is null
            ? Text.Get(culture, "Language.Auto", LanguageReplies.Name(now, culture))
            : Text.Get(culture, "Language.Set");
        return ValueTask.FromResult(new CommandResult(new Reply { Tone = ReplyTone.Success, Text = text }, changes));
    }
}

/// <summary><c>/studybot language &lt;code&gt;</c>: the community's default, for members whose platform names no language StudyBot speaks.</summary>
internal sealed class CommunityLanguageHandler : ICommandHandler
{
    public string Path => "studybot language";

    public ValueTask<CommandResult> HandleAsync(CommandContext ctx, CancellationToken cancellationToken)
    {
        var input = ctx.Request.String("code")!;
        var code = Languages.Parse(input);
        if (code is not { Kind: LanguageCodeKind.Supported, Language: { } language })
        {
            return ValueTask.FromResult<CommandResult>(LanguageReplies.Refuse(ctx, input, code with { Kind = code.Kind == LanguageCodeKind.Auto ? LanguageCodeKind.Unknown : code.Kind }, "/studybot language de"));
        }

        // The admin reads the answer as they will read replies from now on (the new default applies to them too when nothing comes first).
        var culture = Languages.Culture(Languages.Resolve(ctx.Member.Language, ctx.Who.Locale, language));
        var name = LanguageReplies.Name(language, culture);
        if ((ctx.Snapshot.Community.Language ?? Languages.English) == language && !ctx.Snapshot.Community.IsNew)
        {
            return ValueTask.FromResult<CommandResult>(new Reply { Text = Text.Get(culture, "Language.CommunityAlready", name) });
        }

        var changes = ctx.NewChanges();
        changes.Community = ctx.Snapshot.Community with { Language = language };
        return ValueTask.FromResult(new CommandResult(new Reply { Tone = ReplyTone.Success, Text = Text.Get(culture, "Language.CommunitySet", name) }, changes));
    }
}
