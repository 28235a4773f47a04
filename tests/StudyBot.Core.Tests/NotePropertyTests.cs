using CsCheck;
using StudyBot.Core.Commands;
using StudyBot.Core.Localization;
using StudyBot.Core.Notes;

namespace StudyBot.Core.Tests;

/// <summary>Issue 20: reading <c>/progress note &lt;item&gt; ...</c>: any input is a note, a link, clear, show or a refusal, and nothing throws.</summary>
public sealed class NotePropertyTests
{
    private static readonly CommandParser Parser = new(StudyBotCommands.Catalog());

    private static readonly string[] Pieces =
    [
        "link", "LINK", "clear", "Clear", " ", "  ", "\"", "“", "”", "http://", "https://", "javascript:", "ftp://", "numpy.org", "/doc/",
        "<script>", "&amp;", "👨‍👩‍👧‍👦", "\u202E", "\u200B", "\u0007", "\t", "\n", "text:", "item:", "é", "e\u0301", "?", "#", "%", "\uD800",
    ];

    private static readonly Gen<string> Inputs = Gen.OneOf(
        Gen.String,
        Gen.String[Gen.Char, 0, 40],
        Gen.Int[0, Pieces.Length - 1].Array[0, 8].Select(ix => string.Concat(ix.Select(i => Pieces[i]))),
        Gen.Select(Gen.Int[0, Pieces.Length - 1].Array[0, 4], Gen.Int[0, 2600]).Select((ix, n) => string.Concat(ix.Select(i => Pieces[i])) + new string('a', n)));

    [Fact]
    public void Any_text_after_the_item_reads_as_an_action_or_a_refusal_and_never_throws()
    {
        Inputs.Sample(input =>
        {
            var action = NoteInput.Read(input);
            switch (action)
            {
                case NoteAction.Show:
                    Assert.True(string.IsNullOrWhiteSpace(input), input);
                    break;
                case NoteAction.Clear:
                    Assert.Equal("clear", input.Trim(), ignoreCase: true);
                    break;
                case NoteAction.SetText set:
                    Assert.Equal(input.Trim(), set.Text);
                    Assert.InRange(TextInput.Length(set.Text), 1, NoteLimits.MaxText);
                    break;
                case NoteAction.AddLink link:
                    Assert.True(Uri.TryCreate(link.Url, UriKind.Absolute, out var uri) && uri.Scheme is "http" or "https", link.Url);
                    Assert.InRange(TextInput.Length(link.Url), 1, NoteLimits.MaxUrl);
                    Assert.DoesNotContain(link.Url, char.IsWhiteSpace);
                    break;
                case NoteAction.Refused refused:
                    foreach (var language in Languages.Supported)
                    {
                        Assert.False(string.IsNullOrWhiteSpace(Text.Get(Languages.Culture(language), refused.Key, refused.Args)));
                    }

                    break;
                default:
                    Assert.Fail($"unexpected {action}");
                    break;
            }
        });
    }

    [Fact]
    public void Any_note_command_line_parses_or_is_refused_with_a_reason_and_never_throws()
    {
        Inputs.Sample(input =>
        {
            foreach (var line in new[] { "/progress note numpy " + input, "/progress note " + input })
            {
                var result = Parser.Parse(line);
                Assert.True(result.Ok || !string.IsNullOrWhiteSpace(result.Error?.Message), line);
                if (result.Ok && result.Request!.String("text") is { } text)
                {
                    Assert.InRange(TextInput.Length(text), 1, NoteLimits.MaxText);
                    _ = NoteInput.Read(text);
                }
            }
        });
    }

    [Fact]
    public void Text_after_the_item_is_kept_as_typed_spaces_and_quotes_included()
    {
        var parsed = Parser.Parse("/progress note numpy   say \"hi\"  <b>twice</b> & more  ");
        Assert.True(parsed.Ok, parsed.Error?.Message);
        Assert.Equal("say \"hi\"  <b>twice</b> & more", parsed.Request!.String("text"));
        Assert.Equal("numpy", parsed.Request.String("item"));

        var quoted = Parser.Parse("/progress note \"linear algebra\" \"one quoted note\"");
        Assert.True(quoted.Ok, quoted.Error?.Message);
        Assert.Equal("linear algebra", quoted.Request!.String("item"));
        Assert.Equal("one quoted note", quoted.Request.String("text"));
    }

    [Fact]
    public void A_link_written_the_way_Slack_escapes_one_is_read_as_its_address()
    {
        Assert.Equal(new NoteAction.AddLink("https://numpy.org/doc/"), NoteInput.Read("link <https://numpy.org/doc/|numpy.org/doc>"));
        Assert.Equal(new NoteAction.AddLink("https://numpy.org/doc/"), NoteInput.Read("LINK   https://numpy.org/doc/ "));
        Assert.IsType<NoteAction.Refused>(NoteInput.Read("link <javascript:alert(1)>"));
    }

    [Fact]
    public void A_link_is_kept_once_whatever_its_trailing_slash()
    {
        var (one, added) = NoteInput.WithLink([], "https://numpy.org/doc/");
        Assert.True(added);
        var (two, again) = NoteInput.WithLink(one, "https://numpy.org/doc");
        Assert.False(again);
        Assert.Equal(one, two);
        Assert.True(NoteInput.WithLink(one, "https://numpy.org/doc/stable").Added);
    }
}
